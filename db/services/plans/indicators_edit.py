"""Writing the plans' indicators: define (add / update), yearly district and town targets, manual
actuals with who and when — each audited (entity `indicator`). Reads of definitions live here too.

Rules: a code is letters, digits and `_` (at most 48); a kind is one of KINDS; a source is `manual`
or a computed source of the catalogue (sources.py) with a known argument and level; a growth
indicator names the series it grows (a source or another indicator's code), else its source; years
are planning years (db.rules.years); targets and actuals are finite numbers ≥ 0 (growths may be < 0).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    IndicatorTownTarget,
    QualificationType,
    Town,
)
from db.rules.indicators import KINDS, parse_source
from db.rules.years import plan_year_problem
from db.services import audit
from db.services.errors import InputError
from db.services.lengths import check_lengths
from db.services.plans.sources import SOURCES
from db.services.versions import claim

ENTITY = "indicator"
MANUAL = "manual"
CODE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,47}$")
FIELDS = (
    "code",
    "name",
    "unit",
    "kind",
    "source",
    "series",
    "base_year",
    "base_value",
    "department",
    "sort_order",
    "note",
)


class IndicatorError(InputError):
    """An indicator, target or actual that cannot be saved; the message is for the clerk."""


@dataclass(frozen=True)
class IndicatorDefinition:
    """An indicator as defined (no values): what the editor shows."""

    id: int
    code: str
    name: str
    unit: str
    kind: str
    source: str
    series: str | None
    base_year: int | None
    base_value: float | None
    department: str | None
    sort_order: int
    note: str | None

    @property
    def computed(self) -> bool:
        """The actual comes from the store (not typed in)."""
        return self.source != MANUAL or self.series is not None


def _definition(i: Indicator) -> IndicatorDefinition:
    return IndicatorDefinition(
        i.id,
        i.code,
        i.name,
        i.unit,
        i.kind,
        i.source,
        i.series,
        i.base_year,
        i.base_value,
        i.department,
        i.sort_order,
        i.note,
    )


def list_indicators(session: Session) -> list[IndicatorDefinition]:
    """Every indicator in sort order."""
    stmt = select(Indicator).order_by(Indicator.sort_order, Indicator.id)
    return [_definition(i) for i in session.scalars(stmt)]


def find_indicator(session: Session, code: str) -> Indicator:
    """The indicator of a code (IndicatorError naming it when unknown)."""
    found = session.scalar(select(Indicator).where(Indicator.code == code.strip()))
    if found is None:
        raise IndicatorError(f"没有代码为“{code}”的指标", "code")
    return found


def get_indicator(session: Session, code: str) -> IndicatorDefinition:
    """The definition of one indicator."""
    return _definition(find_indicator(session, code))


def check_source(session: Session, source: str) -> str:
    """A valid source in its canonical form; IndicatorError with what is wrong otherwise."""
    try:
        spec = parse_source(source)
    except ValueError as exc:
        raise IndicatorError(str(exc), "source") from None
    if spec.name not in SOURCES:
        names = "、".join(SOURCES)
        raise IndicatorError(f"未知的数据来源“{spec.name}”，可选：{names}", "source")
    info = SOURCES[spec.name]
    if spec.argument is not None and info.argument is None:
        raise IndicatorError(f"数据来源“{spec.name}”不带类型", "source")
    if spec.level is not None and not info.levels:
        raise IndicatorError(f"数据来源“{spec.name}”不分级别", "source")
    if spec.name == "qualification":
        _check_qualification(session, spec.argument)
    elif spec.argument is not None and spec.name in ("platforms", "carriers", "incubatees"):
        _check_kind(spec.name, spec.argument)
    return spec.text if spec.name != MANUAL else MANUAL


def _check_qualification(session: Session, argument: str | None) -> None:
    if argument is None:
        raise IndicatorError("资质来源应写作 qualification:资质类型代码", "source")
    known = session.scalar(
        select(func.count())
        .select_from(QualificationType)
        .where((QualificationType.code == argument) | (QualificationType.name == argument))
    )
    if not known:
        raise IndicatorError(f"资质类型目录中没有“{argument}”", "source")


def _check_kind(name: str, kind: str) -> None:
    # imported here: db.services.platforms reads its targets through this package
    from db.services.carriers.common import KINDS as CARRIER_KINDS
    from db.services.platforms.records import KINDS as PLATFORM_KINDS

    kinds = PLATFORM_KINDS if name == "platforms" else CARRIER_KINDS
    if kind not in kinds:
        raise IndicatorError(f"类型应为：{'、'.join(kinds)}（或 * 表示全部）", "source")


def _number(value: object, label: str, *, negative: bool = False) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(str(value).strip().rstrip("%"))
    except ValueError:
        raise IndicatorError(f"{label}应为数字：{value}") from None
    if not math.isfinite(number) or (number < 0 and not negative):
        raise IndicatorError(f"{label}应为不小于0的数字：{value}")
    return number


def _year(value: object, label: str) -> int:
    try:
        year = int(str(value).strip().rstrip("年"))
    except ValueError:
        raise IndicatorError(f"{label}应为4位年份：{value}") from None
    problem = plan_year_problem(year)
    if problem:
        raise IndicatorError(problem)
    return year


def _clean(session: Session, values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise IndicatorError(f"未知字段：{'、'.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    for key in ("code", "name", "unit", "department", "note", "series"):
        if key in values:
            text = "" if values[key] is None else str(values[key]).strip()
            out[key] = text or (None if key in ("department", "note", "series") else "")
    if "code" in out and not CODE_PATTERN.match(out["code"]):
        raise IndicatorError("指标代码应以字母开头，只含字母、数字和下划线（最多48个字符）", "code")
    if "name" in out and not out["name"]:
        raise IndicatorError("指标名称不能为空", "name")
    if "kind" in values:
        if values["kind"] not in KINDS:
            raise IndicatorError(f"指标类别应为：{'、'.join(KINDS)}", "kind")
        out["kind"] = values["kind"]
    if "source" in values:
        out["source"] = check_source(session, str(values["source"] or MANUAL))
    if out.get("series"):
        _check_series(session, out["series"])
    if "base_year" in values:
        by = values["base_year"]
        out["base_year"] = None if by in (None, "") else _year(by, "基期年度")
    if "base_value" in values:
        out["base_value"] = _number(values["base_value"], "基期值")
    if "sort_order" in values:
        out["sort_order"] = int(values["sort_order"] or 0)
    check_lengths(Indicator, out)
    return out


def _check_series(session: Session, series: str) -> None:
    if session.scalar(select(Indicator.id).where(Indicator.code == series)) is not None:
        return
    if check_source(session, series) == MANUAL:
        raise IndicatorError("增长指标的基数应为计算来源或另一指标的代码", "series")


def add_indicator(session: Session, values: Mapping[str, Any], operator: str) -> int:
    """Define a new indicator (code, name required; code unique); audited. Returns its id."""
    data = {"unit": "", "kind": "count", "source": MANUAL} | _clean(session, values)
    for key, message in (("code", "请填写指标代码"), ("name", "请填写指标名称")):
        if not data.get(key):
            raise IndicatorError(message, key)
    if session.scalar(select(Indicator.id).where(Indicator.code == data["code"])) is not None:
        raise IndicatorError(f"已有代码为“{data['code']}”的指标", "code")
    if "sort_order" not in data:
        data["sort_order"] = (session.scalar(select(func.max(Indicator.sort_order))) or 0) + 1
    return audit.add_created(session, Indicator(**data), data, operator, ENTITY)


def update_indicator(
    session: Session, code: str, changes: Mapping[str, Any], operator: str
) -> dict[str, tuple[Any, Any]]:
    """Change an indicator's definition; returns {field: (old, new)} (audited)."""
    ind = find_indicator(session, code)
    data = _clean(session, changes)
    new_code = data.get("code", ind.code)
    if new_code != ind.code and session.scalar(
        select(Indicator.id).where(Indicator.code == new_code)
    ):
        raise IndicatorError(f"已有代码为“{data['code']}”的指标", "code")
    return audit.apply_changes(session, ind, data, operator, ENTITY)


def _town(session: Session, town_id: int) -> Town:
    town = session.get(Town, town_id)
    if town is None:
        raise IndicatorError("镇街不存在", "town")
    return town


def set_target(
    session: Session,
    code: str,
    year: int,
    value: float | None,
    operator: str,
    *,
    town_id: int | None = None,
    expected_version: int | None = None,
) -> None:
    """Set or clear (None) the district target, or a town's target, for a year; audited.

    `expected_version` is the target's version shown (NOT_STORED: none was set): a save over
    another desk's target of that year is refused (StaleEdit)."""
    ind = find_indicator(session, code)
    year = _year(year, "年度")
    target = _number(value, "目标值", negative=ind.kind == "growth")
    if town_id is None:
        row: Any = session.scalar(
            select(IndicatorTarget).where(
                IndicatorTarget.indicator_id == ind.id, IndicatorTarget.year == year
            )
        )
        field, new_row = f"target_{year}", IndicatorTarget
        extra: dict[str, Any] = {}
    else:
        town = _town(session, town_id)
        row = session.scalar(
            select(IndicatorTownTarget).where(
                IndicatorTownTarget.indicator_id == ind.id,
                IndicatorTownTarget.year == year,
                IndicatorTownTarget.town_id == town_id,
            )
        )
        field, new_row = f"target_{year}_{town.name}", IndicatorTownTarget  # type: ignore[assignment]
        extra = {"town_id": town_id}
    claim(session, new_row, None if row is None else row.id, expected_version, (ENTITY, ind.id))
    old = None if row is None else row.target
    if old == target:
        return
    if row is not None and target is None:
        session.delete(row)
    elif row is not None:
        row.target = target
    else:
        session.add(new_row(indicator_id=ind.id, year=year, target=target, **extra))
    audit.record(session, operator, "update", ENTITY, ind.id, {field: (old, target)})
    session.flush()


def set_actual(
    session: Session,
    code: str,
    year: int,
    value: float | None,
    operator: str,
    note: str | None = None,
    expected_version: int | None = None,
) -> None:
    """Set or clear a manual indicator's actual (who and when kept); refused for computed ones,
    and (StaleEdit) when another desk changed it since version `expected_version` was shown."""
    ind = find_indicator(session, code)
    if ind.source != MANUAL or ind.series:
        raise IndicatorError(f"“{ind.name}”的完成值由系统按数据自动计算，不能手工填写", "actual")
    year = _year(year, "年度")
    actual = _number(value, "完成值", negative=ind.kind == "growth")
    row = session.scalar(
        select(IndicatorActual).where(
            IndicatorActual.indicator_id == ind.id, IndicatorActual.year == year
        )
    )
    claim(
        session,
        IndicatorActual,
        None if row is None else row.id,
        expected_version,
        (ENTITY, ind.id),
    )
    old = None if row is None else row.value
    note = (note or "").strip() or None
    if old == actual and (row is None or row.note == note):
        return
    if row is not None and actual is None:
        session.delete(row)
    elif row is not None and actual is not None:
        row.value, row.note = actual, note
        row.entered_by, row.entered_at = operator, datetime.now()
    elif actual is not None:
        session.add(
            IndicatorActual(
                indicator_id=ind.id,
                year=year,
                value=actual,
                note=note,
                entered_by=operator,
                entered_at=datetime.now(),
            )
        )
    audit.record(session, operator, "update", ENTITY, ind.id, {f"actual_{year}": (old, actual)})
    session.flush()
