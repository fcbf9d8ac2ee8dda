"""The bureau's settings (one typed row in the store), the backups' retention and the yearly targets."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import BureauSettings, Indicator, IndicatorTarget
from db.rules.settings import (
    CANDIDATE_FIELDS,
    RETENTION_COLUMNS,
    RETENTION_DEFAULTS,
    SETTINGS_FIELDS,
    BackupRetention,
    Settings,
    retention_problem,
)
from db.rules.years import plan_year_problem
from db.services import audit, returns_marks
from db.services.errors import InputError

HIGH_TECH_INDICATOR = "high_tech_count"
TECH_SME_INDICATOR = "tech_sme_count"


# Settings and BackupRetention live with their defaults in db/rules/settings.py
__all__ = ["BackupRetention", "Settings", "SettingsError"]


class SettingsError(ValueError):
    """A settings value that cannot be saved; the message is for the clerk."""


FIELDS = SETTINGS_FIELDS


@dataclass(frozen=True)
class Limit:
    """The range a numeric setting accepts, and how the clerk knows it (设置 shows both)."""

    label: str
    low: float
    high: float
    suffix: str = ""
    decimals: int = 1


# The 高企后备库 tests (plans.md; db.rules.settings.CANDIDATE_FIELDS).
CANDIDATE_LIMITS: dict[str, Limit] = {
    "candidate_min_years": Limit("最短注册年限", 0, 20, " 年", 0),
    "candidate_rd_ratio_small": Limit("研发费用占比（营收≤5000万）", 0, 100, " %"),
    "candidate_rd_ratio_mid": Limit("研发费用占比（5000万–2亿）", 0, 100, " %"),
    "candidate_rd_ratio_large": Limit("研发费用占比（>2亿）", 0, 100, " %"),
    "candidate_staff_ratio": Limit("研发人员占比", 0, 100, " %"),
}
assert set(CANDIDATE_LIMITS) == set(CANDIDATE_FIELDS)


def _limit_problem(name: str, value: Any) -> str | None:
    limit = CANDIDATE_LIMITS[name]
    integral = limit.decimals == 0
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{limit.label}应为数字"
    if integral and value != int(value):
        return f"{limit.label}应为整数"
    if not limit.low <= value <= limit.high:
        return f"{limit.label}应在{limit.low:g}到{limit.high:g}之间"
    return None


def get_settings(session: Session) -> Settings:
    """The bureau's settings (defaults when the row is missing)."""
    row = session.get(BureauSettings, 1)
    if row is None:
        return Settings()
    return Settings(**{name: getattr(row, name) for name in FIELDS})


def validate(changes: dict[str, Any]) -> None:
    """Reject unknown fields and impossible values with a message naming the field."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise SettingsError(f"未知设置项：{', '.join(sorted(unknown))}")
    code = changes.get("province_code")
    if code is not None and not (isinstance(code, str) and len(code) == 2 and code.isdigit()):
        raise SettingsError("省份代码应为2位数字（如安徽为34）")
    district = changes.get("district_code")
    if district and not (isinstance(district, str) and len(district) == 6 and district.isdigit()):
        raise SettingsError("区县代码应为6位数字")
    days = changes.get("expiry_warning_days")
    if days is not None and not (isinstance(days, int) and 0 < days <= 3650):
        raise SettingsError("到期预警天数应在1到3650之间")
    for name in ("rd_list_a_revenue", "rd_list_b_revenue"):
        value = changes.get(name)
        if value is not None and float(value) <= 0:
            raise SettingsError("“两清零”营业收入门槛应大于0")
    for name in CANDIDATE_FIELDS:
        if name in changes:
            problem = _limit_problem(name, changes[name])
            if problem:
                raise SettingsError(problem)
    for name in ("bureau_name", "head_of_unit", "head_of_statistics", "preparer"):
        value = changes.get(name)
        if value is not None and len(str(value)) > 64:
            raise SettingsError("名称过长（最多64个字）")


def _settings_row(session: Session) -> BureauSettings:
    row = session.get(BureauSettings, 1)
    if row is None:
        row = BureauSettings(id=1, **dataclasses.asdict(Settings()))
        session.add(row)
        session.flush()
    return row


def update_settings(session: Session, changes: dict[str, Any], operator: str) -> Settings:
    """Validate and save changed settings, auditing each field."""
    validate(changes)
    row = _settings_row(session)
    diff = {k: (getattr(row, k), v) for k, v in changes.items() if getattr(row, k) != v}
    for name, (_old, new) in diff.items():
        setattr(row, name, new)
    if diff:
        audit.record(session, operator, "update", "settings", 1, diff)
    session.flush()
    return get_settings(session)


def get_backup_retention(session: Session) -> BackupRetention:
    """How many automatic backups to keep (the defaults when the row is missing)."""
    row = session.get(BureauSettings, 1)
    if row is None:
        return RETENTION_DEFAULTS
    return BackupRetention(
        **{field: getattr(row, column) for field, column in RETENTION_COLUMNS.items()}
    )


def validate_retention(retention: BackupRetention) -> None:
    """Reject a retention that would keep no day's backup or an unbounded number."""
    problem = retention_problem(retention)
    if problem:
        raise SettingsError(problem)


def set_backup_retention(
    session: Session, retention: BackupRetention, operator: str
) -> BackupRetention:
    """Validate and save how many automatic backups to keep, auditing each changed number."""
    validate_retention(retention)
    row = _settings_row(session)
    diff = {
        column: (getattr(row, column), getattr(retention, field))
        for field, column in RETENTION_COLUMNS.items()
        if getattr(row, column) != getattr(retention, field)
    }
    for column, (_old, new) in diff.items():
        setattr(row, column, new)
    if diff:
        audit.record(session, operator, "update", "settings", 1, diff)
    session.flush()
    return get_backup_retention(session)


def _indicator(session: Session, code: str) -> Indicator:
    found = session.scalar(select(Indicator).where(Indicator.code == code))
    if found is not None:
        return found
    names = {HIGH_TECH_INDICATOR: "高新技术企业数", TECH_SME_INDICATOR: "科技型中小企业入库数"}
    source = {HIGH_TECH_INDICATOR: "high_tech", TECH_SME_INDICATOR: "tech_sme"}
    ind = Indicator(
        code=code, name=names[code], unit="家", source=source[code], department="区科技局"
    )
    session.add(ind)
    session.flush()
    return ind


def get_count_targets(session: Session, year: int) -> dict[str, int | None]:
    """Targets of the high-tech and tech-SME counts for a year (None where not set)."""
    out: dict[str, int | None] = {"high_tech": None, "tech_sme": None}
    for key, code in (("high_tech", HIGH_TECH_INDICATOR), ("tech_sme", TECH_SME_INDICATOR)):
        value = session.scalar(
            select(IndicatorTarget.target)
            .join(Indicator, Indicator.id == IndicatorTarget.indicator_id)
            .where(Indicator.code == code, IndicatorTarget.year == year)
        )
        out[key] = None if value is None else int(value)
    return out


def set_count_target(
    session: Session, key: str, year: int, target: int | None, operator: str
) -> None:
    """Set (or clear with None) the target of 'high_tech' or 'tech_sme' for a year."""
    code = {"high_tech": HIGH_TECH_INDICATOR, "tech_sme": TECH_SME_INDICATOR}.get(key)
    if code is None:
        raise SettingsError(f"未知目标：{key}")
    if target is not None and not (0 <= target <= 1_000_000):
        raise SettingsError("目标应为不小于0的整数")
    problem = plan_year_problem(year)
    if problem:
        raise SettingsError(problem)
    ind = _indicator(session, code)
    row = session.scalar(
        select(IndicatorTarget).where(
            IndicatorTarget.indicator_id == ind.id, IndicatorTarget.year == year
        )
    )
    old = None if row is None else int(row.target)
    if old == target:
        return
    if row is not None and target is None:
        session.delete(row)
    elif row is not None and target is not None:
        row.target = float(target)
    elif target is not None:
        session.add(IndicatorTarget(indicator_id=ind.id, year=year, target=float(target)))
    audit.record(
        session, operator, "update", "indicator", ind.id, {f"target_{year}": (old, target)}
    )
    session.flush()


def save_settings(
    session: Session,
    changes: dict[str, Any],
    targets: Mapping[tuple[int, str], int | None],
    operator: str,
    retention: BackupRetention | None = None,
    legal_marks: Mapping[str, Mapping[str, str]] | None = None,
) -> Settings:
    """Save the 设置 form in one go: changed fields, the backups' retention, each target, the
    returns' legal marks (设置 → 报表)."""
    saved = update_settings(session, changes, operator)
    if retention is not None:
        set_backup_retention(session, retention, operator)
    for (year, key), target in targets.items():
        set_count_target(session, key, year, target, operator)
    if legal_marks:
        try:
            returns_marks.save_all(session, legal_marks, operator)
        except InputError as exc:
            raise SettingsError(str(exc)) from exc
    return saved
