"""Qualifications enterprises hold (certificates, tech-SME entries …): add, edit, revoke, validity."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Qualification, QualificationType
from db.rules.identifiers import validate_hte_number, validate_sme_number
from db.rules.text import normalize_text
from db.rules.validity import ValidityRule, qualification_status, rule_of, validity_window
from db.services import audit
from db.services.errors import InputError, NotFound
from db.services.lengths import check_lengths
from db.services.plans.cultivation_pipeline import close_recognised
from db.services.settings import get_settings
from db.services.versions import claim

ENTITY = "qualification"
HIGH_TECH = "high_tech"
TECH_SME = "tech_sme"
EDITABLE = ("type_id", "number", "level", "issued_on", "evaluation_year", "note")


@dataclass(frozen=True)
class QualificationTypeView:
    id: int
    code: str
    name: str
    levels: tuple[str, ...]
    rule: ValidityRule
    ladder_rank: int


@dataclass(frozen=True)
class QualificationView:
    id: int
    enterprise_id: int
    type_id: int
    type_code: str
    type_name: str
    number: str | None
    level: str | None
    issued_on: date | None
    evaluation_year: int | None
    valid_from: date | None
    valid_through: date | None
    revoked_on: date | None
    revoke_reason: str | None
    note: str | None
    ladder_rank: int
    version: int = 1  # what an editor names when it saves (db/services/versions.py)

    def status(self, on: date, warn_days: int = 180) -> str:
        """有效/即将到期/已过期/已撤销/未生效 on a date."""
        return qualification_status(
            on, self.valid_from, self.valid_through, self.revoked_on, warn_days
        )


def rule_of_type(t: QualificationType) -> ValidityRule:
    """The validity rule of a catalogue entry (InputError when the catalogue holds an unknown one)."""
    try:
        return rule_of(t.validity_kind, t.validity_years, t.code)
    except ValueError as exc:
        raise InputError(f"资质类型“{t.name}”的有效期规则无法识别") from exc


def list_types(session: Session) -> list[QualificationTypeView]:
    """The qualification catalogue in display order."""
    types = session.scalars(select(QualificationType).order_by(QualificationType.sort_order))
    return [
        QualificationTypeView(
            t.id,
            t.code,
            t.name,
            tuple(x for x in t.levels.split(",") if x),
            rule_of_type(t),
            t.ladder_rank,
        )
        for t in types
    ]


def type_id(session: Session, code: str) -> int:
    """The id of a catalogue type by its code (high_tech, tech_sme …)."""
    found = session.scalar(select(QualificationType.id).where(QualificationType.code == code))
    if found is None:
        raise NotFound(f"资质类型 {code} 不存在")
    return found


def _views(session: Session, where: Any) -> list[QualificationView]:
    stmt = (
        select(Qualification, QualificationType)
        .join(QualificationType, QualificationType.id == Qualification.type_id)
        .where(where, Qualification.deleted_at.is_(None))
        .order_by(QualificationType.sort_order, Qualification.issued_on, Qualification.id)
    )
    return [
        QualificationView(
            q.id,
            q.enterprise_id,
            t.id,
            t.code,
            t.name,
            q.number,
            q.level,
            q.issued_on,
            q.evaluation_year,
            q.valid_from,
            q.valid_through,
            q.revoked_on,
            q.revoke_reason,
            q.note,
            t.ladder_rank,
            q.version,
        )
        for q, t in session.execute(stmt)
    ]


def for_enterprise(session: Session, enterprise_id: int) -> list[QualificationView]:
    """The qualifications an enterprise holds (not deleted)."""
    return _views(session, Qualification.enterprise_id == enterprise_id)


def get(session: Session, qualification_id: int) -> QualificationView:
    """One qualification."""
    found = _views(session, Qualification.id == qualification_id)
    if not found:
        raise NotFound("资质记录不存在")
    return found[0]


@dataclass(frozen=True)
class Validated:
    values: dict[str, Any]
    valid_from: date | None
    valid_through: date | None
    warnings: tuple[str, ...]


def validate(session: Session, values: Mapping[str, Any]) -> Validated:
    """Check a qualification's fields against its type; compute its validity window."""
    t = session.get(QualificationType, values.get("type_id"))
    if t is None:
        raise InputError("请选择资质类型", "type_id")
    data = {k: v for k, v in values.items() if k in EDITABLE}
    number = data.get("number")
    issued = data.get("issued_on")
    year = data.get("evaluation_year")
    warnings: tuple[str, ...] = ()
    settings = get_settings(session)
    if issued is not None and issued > date.today():
        raise InputError("发证（认定）日期不能晚于今天", "issued_on")
    if t.code == HIGH_TECH:
        if not number or issued is None:
            raise InputError(
                "高新技术企业证书需填写证书编号和发证日期", "number" if not number else "issued_on"
            )
        checked = validate_hte_number(number, issued, settings.province_code)
        if not checked.ok:
            raise InputError("；".join(checked.errors), "number")
        data["number"], warnings = checked.value, checked.warnings
    elif t.code == TECH_SME:
        if not number and year is None:
            raise InputError("科技型中小企业需填写入库登记编号或评价年度", "number")
        if number:
            checked = validate_sme_number(number, year)
            if not checked.ok:
                raise InputError("；".join(checked.errors), "number")
            data["number"] = checked.value
            data["evaluation_year"] = year = year or int(str(checked.value)[:4])
    rule = rule_of_type(t)
    try:
        frm, through = validity_window(rule, issued, year, settings.hte_last_day_included)
    except ValueError as exc:
        raise InputError(str(exc), "issued_on") from exc
    return Validated(data, frm, through, warnings)


def add(
    session: Session,
    enterprise_id: int,
    values: Mapping[str, Any],
    operator: str,
    batch_id: int | None = None,
) -> int:
    """Add a qualification to an enterprise (audited)."""
    checked = validate(session, values)
    _refuse_duplicate(session, enterprise_id, checked.values, None)
    q = Qualification(
        enterprise_id=enterprise_id,
        valid_from=checked.valid_from,
        valid_through=checked.valid_through,
        **checked.values,
    )
    values = checked.values | {"enterprise_id": enterprise_id}
    new_id = audit.add_created(session, q, values, operator, ENTITY, batch_id)
    _close_pipeline(session, enterprise_id, operator, batch_id)
    return new_id


def _close_pipeline(
    session: Session, enterprise_id: int, operator: str, batch_id: int | None
) -> None:
    """A certificate entered by hand closes the enterprise's open cultivation entries (已认定) at
    once; an import batch closes them once for the whole batch when its rows are written."""
    if batch_id is None:
        close_recognised(session, operator, enterprise_id=enterprise_id)


def _refuse_duplicate(
    session: Session, enterprise_id: int, values: Mapping[str, Any], own_id: int | None
) -> None:
    stmt = select(Qualification.id).where(
        Qualification.enterprise_id == enterprise_id,
        Qualification.type_id == values["type_id"],
        Qualification.deleted_at.is_(None),
    )
    if values.get("number"):
        stmt = stmt.where(Qualification.number == values["number"])
    elif values.get("evaluation_year"):
        stmt = stmt.where(Qualification.evaluation_year == values["evaluation_year"])
    else:
        return
    found = session.scalar(stmt)
    if found is not None and found != own_id:
        raise InputError("该企业已有相同的资质记录", "number")


def edit(
    session: Session,
    qualification_id: int,
    values: Mapping[str, Any],
    operator: str,
    batch_id: int | None = None,
    expected_version: int | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Change a qualification; validity is recomputed; returns what changed (audited).

    Refused (StaleEdit) when another desk changed it since version `expected_version`."""
    claim(session, Qualification, qualification_id, expected_version, (ENTITY, qualification_id))
    q = session.get(Qualification, qualification_id)
    if q is None or q.deleted_at is not None:
        raise NotFound("资质记录不存在")
    merged = {k: getattr(q, k) for k in EDITABLE} | dict(values)
    checked = validate(session, merged)
    _refuse_duplicate(session, q.enterprise_id, checked.values, q.id)
    target = checked.values | {
        "valid_from": checked.valid_from,
        "valid_through": checked.valid_through,
    }
    changed = audit.apply_changes(session, q, target, operator, ENTITY, batch_id)
    _close_pipeline(session, q.enterprise_id, operator, batch_id)
    return changed


def revoke(
    session: Session,
    qualification_id: int,
    on: date,
    reason: str,
    operator: str,
    expected_version: int | None = None,
) -> None:
    """Revoke (取消资格): it stops counting from `on` (refused as `edit` is when stale)."""
    claim(session, Qualification, qualification_id, expected_version, (ENTITY, qualification_id))
    q = session.get(Qualification, qualification_id)
    if q is None or q.deleted_at is not None:
        raise NotFound("资质记录不存在")
    if q.valid_from is not None and on < q.valid_from:
        raise InputError("撤销日期不能早于生效日期", "revoked_on")
    reason = normalize_text(reason or "")  # stored as every text is (and as an import reads it)
    check_lengths(q, {"revoke_reason": reason})
    diff = {"revoked_on": (q.revoked_on, on), "revoke_reason": (q.revoke_reason, reason or None)}
    q.revoked_on, q.revoke_reason = on, reason or None
    audit.record(session, operator, "revoke", ENTITY, q.id, diff)
    session.flush()
