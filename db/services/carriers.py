"""Incubation carriers (孵化载体): carriers, their incubatees, yearly operation data and checks.

Rules (domain.md "Incubation carriers"): an incubatee counts as incubating on D when
entry ≤ D and (no exit or exit > D); a graduate of year Y left with exit kind 毕业 during Y.
Graduation routes and recognition thresholds are suggestions for the clerk, never enforced.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from db.models import (
    Carrier,
    CarrierYear,
    Enterprise,
    EnterpriseYear,
    Incubatee,
    Qualification,
    Town,
)
from db.rules.identifiers import validate_phone
from db.rules.normalize import to_wan_yuan
from db.rules.text import normalize_text
from db.services import audit
from db.services.counts import high_tech_valid_on
from db.services.errors import DuplicateError, InputError, NotFound
from db.services.settings import get_settings

_N = TypeVar("_N", int, float)

CARRIER = "carrier"
INCUBATEE = "incubatee"
CARRIER_YEAR = "carrier_year"

KINDS = ("科技企业孵化器", "众创空间", "星创天地", "加速器", "大学科技园")
LEVELS = ("国家级", "省级", "市级", "区级")
EXIT_KINDS = ("毕业", "迁出", "淘汰", "注销")
GRADUATED = "毕业"
GRADES = {"A": "优秀", "B": "良好", "C": "合格", "D": "不合格"}
INCUBATOR = "科技企业孵化器"
MAKERSPACE = "众创空间"

CARRIER_FIELDS = (
    "name",
    "kind",
    "level",
    "recognized_year",
    "operator",
    "town_id",
    "address",
    "area",
    "stations",
    "contact",
    "phone",
    "note",
)
INCUBATEE_FIELDS = (
    "enterprise_id",
    "team_name",
    "entered_on",
    "exited_on",
    "exit_kind",
    "investment",
    "listed",
    "note",
)
YEAR_FIELDS = (
    "incubatees_reported",
    "graduates_reported",
    "new_enterprises",
    "jobs",
    "financing",
    "events",
    "grade",
)

# Graduation routes (domain.md): fixed amounts in 万元.
GRADUATION_INVESTMENT = 500.0
GRADUATION_REVENUE = 1000.0
ROUTE_HIGH_TECH = "高新技术企业"
ROUTE_INVESTMENT = "获投资≥500万元"
ROUTE_REVENUE = "两年营收累计>1000万元"
ROUTE_LISTED = "被兼并、收购或上市"


def thousand_yuan_to_wan(amount: float) -> float:
    """Torch statistics report 千元; district tables use 万元: 1 千元 = 0.1 万元."""
    return to_wan_yuan(amount, "千元")


# ------------------------------------------------------------------ carriers


@dataclass(frozen=True)
class CarrierView:
    id: int
    name: str
    kind: str
    level: str | None
    recognized_year: int | None
    operator: str | None
    town_id: int | None
    town: str | None
    address: str | None
    area: float | None
    stations: int | None
    contact: str | None
    phone: str | None
    note: str | None
    incubating: int = 0
    graduates_this_year: int = 0
    deleted_at: datetime | None = None


@dataclass(frozen=True)
class CarrierFilter:
    """What the carriers table shows: text in name/operator/address, kind, level, town."""

    text: str = ""
    kind: str | None = None
    level: str | None = None
    town_id: int | None = None


def _text_or_none(value: object) -> str | None:
    return None if value is None else normalize_text(value) or None


def _number_or_none(value: object, label: str, name: str, kind: type[_N], word: str) -> _N | None:
    if value is None or value == "":
        return None
    try:
        number = kind(str(value)) if not isinstance(value, (int, float)) else kind(value)
    except ValueError:
        raise InputError(f"{label}应为{word}", name) from None
    if number < 0:
        raise InputError(f"{label}不能为负数", name)
    return number


def _int_or_none(value: object, label: str, name: str) -> int | None:
    return _number_or_none(value, label, name, int, "整数")


def _float_or_none(value: object, label: str, name: str) -> float | None:
    return _number_or_none(value, label, name, float, "数字")


def _year_or_none(value: object, label: str, name: str) -> int | None:
    year = _int_or_none(value, label, name)
    if year is not None and not 1980 <= year <= date.today().year:
        raise InputError(f"{label}应在1980到{date.today().year}之间", name)
    return year


def _reject_unknown(values: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise InputError(f"未知字段：{', '.join(sorted(unknown))}")


def clean_carrier(values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate carrier fields (no store access); raises InputError naming the field."""
    _reject_unknown(values, CARRIER_FIELDS)
    out: dict[str, Any] = {}
    for key in ("name", "operator", "address", "contact", "note", "kind", "level"):
        if key in values:
            out[key] = _text_or_none(values[key])
    if "name" in out and not out["name"]:
        raise InputError("载体名称不能为空", "name")
    if "kind" in out and out["kind"] is None:
        raise InputError("请选择载体类型", "kind")
    if "kind" in out and out["kind"] not in KINDS:
        raise InputError("载体类型应为：" + "、".join(KINDS), "kind")
    if out.get("level") is not None and out["level"] not in LEVELS:
        raise InputError("级别应为：" + "、".join(LEVELS), "level")
    if "recognized_year" in values:
        out["recognized_year"] = _year_or_none(
            values["recognized_year"], "认定年份", "recognized_year"
        )
    if "area" in values:
        out["area"] = _float_or_none(values["area"], "场地面积", "area")
    if "stations" in values:
        out["stations"] = _int_or_none(values["stations"], "工位数", "stations")
    if "town_id" in values:
        out["town_id"] = values["town_id"] or None
    if "phone" in values:
        checked = validate_phone(values["phone"])
        if not checked.ok:
            raise InputError("联系电话：" + "；".join(checked.errors), "phone")
        out["phone"] = checked.value
    return out


def carrier_problems(values: Mapping[str, Any]) -> dict[str, str]:
    """The first problem per field of a carrier being typed (for validation as you type)."""
    problems: dict[str, str] = {}
    for key in values:
        try:
            clean_carrier({key: values[key]})
        except InputError as exc:
            problems[exc.field or key] = str(exc)
    return problems


def _refuse_duplicate_name(session: Session, name: str, own_id: int | None) -> None:
    row = session.execute(
        select(Carrier.id, Carrier.deleted_at).where(Carrier.name == name)
    ).first()
    if row is None or row.id == own_id:
        return
    where = "（在回收站中）" if row.deleted_at is not None else ""
    raise DuplicateError(f"已有同名载体{where}：{name}", row.id, "name")


def create_carrier(session: Session, values: Mapping[str, Any], operator: str) -> int:
    """Create a carrier (name and kind required, name unique); audited."""
    data = clean_carrier(values)
    if not data.get("name"):
        raise InputError("载体名称不能为空", "name")
    if not data.get("kind"):
        raise InputError("请选择载体类型", "kind")
    _refuse_duplicate_name(session, data["name"], None)
    return audit.add_created(session, Carrier(**data), data, operator, CARRIER)


def _live_carrier(session: Session, carrier_id: int) -> Carrier:
    carrier = session.get(Carrier, carrier_id)
    if carrier is None or carrier.deleted_at is not None:
        raise NotFound("载体不存在")
    return carrier


def update_carrier(
    session: Session, carrier_id: int, values: Mapping[str, Any], operator: str
) -> dict[str, tuple[Any, Any]]:
    """Apply changed fields of a carrier; returns {field: (old, new)} (audited)."""
    carrier = _live_carrier(session, carrier_id)
    data = clean_carrier(values)
    if "kind" in data and not data["kind"]:
        raise InputError("请选择载体类型", "kind")
    if data.get("name") and data["name"] != carrier.name:
        _refuse_duplicate_name(session, data["name"], carrier_id)
    return audit.apply_changes(session, carrier, data, operator, CARRIER)


def delete_carrier(session: Session, carrier_id: int, operator: str) -> None:
    """Move a carrier to the recycle bin (its incubatees stay with it)."""
    audit.soft_delete(session, _live_carrier(session, carrier_id), operator, CARRIER)


def restore_carrier(session: Session, carrier_id: int, operator: str) -> None:
    """Bring a carrier back from the recycle bin."""
    carrier = session.get(Carrier, carrier_id)
    if carrier is None:
        raise NotFound("载体不存在")
    audit.restore(session, carrier, operator, CARRIER)


def incubating_on(on: date) -> ColumnElement[bool]:
    """Condition on Incubatee rows: live and incubating on `on` (entry ≤ D < exit)."""
    return and_(
        Incubatee.deleted_at.is_(None),
        Incubatee.entered_on <= on,
        or_(Incubatee.exited_on.is_(None), Incubatee.exited_on > on),
    )


def graduated_in(year: int) -> ColumnElement[bool]:
    """Condition on Incubatee rows: live, exit kind 毕业 with an exit date in `year`."""
    return and_(
        Incubatee.deleted_at.is_(None),
        Incubatee.exit_kind == GRADUATED,
        Incubatee.exited_on >= date(year, 1, 1),
        Incubatee.exited_on <= date(year, 12, 31),
    )


def _counts_by_carrier(session: Session, condition: ColumnElement[bool]) -> dict[int, int]:
    stmt = (
        select(Incubatee.carrier_id, func.count(Incubatee.id))
        .where(condition)
        .group_by(Incubatee.carrier_id)
    )
    return {int(cid): int(n) for cid, n in session.execute(stmt)}


def _carrier_view(c: Carrier, town: str | None, incubating: int = 0, grads: int = 0) -> CarrierView:
    values = {name: getattr(c, name) for name in CARRIER_FIELDS}
    return CarrierView(
        id=c.id,
        town=town,
        incubating=incubating,
        graduates_this_year=grads,
        deleted_at=c.deleted_at,
        **values,
    )


def get_carrier(session: Session, carrier_id: int, on: date | None = None) -> CarrierView:
    """One carrier with its incubating count on `on` (default today) and graduates of that year."""
    carrier = session.get(Carrier, carrier_id)
    if carrier is None:
        raise NotFound("载体不存在")
    on = on or date.today()
    town = session.get(Town, carrier.town_id) if carrier.town_id else None
    return _carrier_view(
        carrier,
        town.name if town else None,
        count_incubating(session, on, carrier_id),
        count_graduates(session, on.year, carrier_id),
    )


def _filter_conditions(f: CarrierFilter) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [Carrier.deleted_at.is_(None)]
    text = normalize_text(f.text)
    if text:
        like = f"%{text}%"
        conds.append(
            or_(Carrier.name.like(like), Carrier.operator.like(like), Carrier.address.like(like))
        )
    if f.kind:
        conds.append(Carrier.kind == f.kind)
    if f.level:
        conds.append(Carrier.level == f.level)
    if f.town_id is not None:
        conds.append(Carrier.town_id == f.town_id)
    return conds


def list_carriers(
    session: Session, f: CarrierFilter | None = None, on: date | None = None
) -> list[CarrierView]:
    """Live carriers matching the filter, by kind then name, with today's counts."""
    on = on or date.today()
    stmt = (
        select(Carrier, Town.name)
        .outerjoin(Town, Town.id == Carrier.town_id)
        .where(*_filter_conditions(f or CarrierFilter()))
        .order_by(Carrier.kind, Carrier.name)
    )
    incubating = _counts_by_carrier(session, incubating_on(on))
    grads = _counts_by_carrier(session, graduated_in(on.year))
    return [
        _carrier_view(c, town, incubating.get(c.id, 0), grads.get(c.id, 0))
        for c, town in session.execute(stmt)
    ]


# ------------------------------------------------------------------ incubatees


@dataclass(frozen=True)
class IncubateeView:
    id: int
    carrier_id: int
    enterprise_id: int | None
    enterprise_name: str | None
    uscc: str | None
    team_name: str | None
    entered_on: date
    exited_on: date | None
    exit_kind: str | None
    investment: float | None
    listed: bool
    note: str | None

    @property
    def name(self) -> str:
        """The enterprise's name, else the team's."""
        return self.enterprise_name or self.team_name or ""

    def incubating_on(self, on: date) -> bool:
        """entry ≤ D and (no exit or exit > D)."""
        return self.entered_on <= on and (self.exited_on is None or self.exited_on > on)

    def status(self, on: date) -> str:
        """在孵 / the exit kind / 未入孵 on a date."""
        if self.incubating_on(on):
            return "在孵"
        if self.entered_on > on:
            return "未入孵"
        return self.exit_kind or "已离开"


def _parse_date(value: object, label: str, name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise InputError(f"{label}不是有效日期", name)


def clean_incubatee(values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate incubatee fields (no store access); raises InputError naming the field."""
    _reject_unknown(values, INCUBATEE_FIELDS)
    out: dict[str, Any] = dict(values)
    if "team_name" in values:
        out["team_name"] = _text_or_none(values["team_name"])
    if "note" in values:
        out["note"] = _text_or_none(values["note"])
    if "exit_kind" in values:
        out["exit_kind"] = _text_or_none(values["exit_kind"])
    for key, label in (("entered_on", "入孵日期"), ("exited_on", "离孵日期")):
        if key in values:
            out[key] = _parse_date(values[key], label, key)
    if "investment" in values:
        out["investment"] = _float_or_none(values["investment"], "获投资额", "investment")
    if "listed" in values:
        out["listed"] = bool(values["listed"])
    if out.get("exit_kind") is not None and out["exit_kind"] not in EXIT_KINDS:
        raise InputError("离孵方式应为：" + "、".join(EXIT_KINDS), "exit_kind")
    return out


def _check_incubatee(data: Mapping[str, Any]) -> None:
    """Rules across fields of a complete incubatee."""
    if data.get("enterprise_id") is None and not data.get("team_name"):
        raise InputError("请选择名录中的企业或填写团队名称", "enterprise_id")
    entered, exited = data.get("entered_on"), data.get("exited_on")
    if entered is None:
        raise InputError("入孵日期必须填写", "entered_on")
    if entered > date.today():
        raise InputError("入孵日期不能晚于今天", "entered_on")
    if exited is not None and exited < entered:
        raise InputError("离孵日期不能早于入孵日期", "exited_on")
    if exited is not None and not data.get("exit_kind"):
        raise InputError("填写了离孵日期，请选择离孵方式（毕业/迁出/淘汰/注销）", "exit_kind")
    if exited is None and data.get("exit_kind"):
        raise InputError("选择了离孵方式，请填写离孵日期", "exited_on")


def incubatee_problems(values: Mapping[str, Any]) -> dict[str, str]:
    """Problems of an incubatee being typed, per field (for validation as you type)."""
    try:
        _check_incubatee(clean_incubatee(values))
    except InputError as exc:
        return {exc.field or "": str(exc)}
    return {}


def _refuse_overlap(
    session: Session, carrier_id: int, data: Mapping[str, Any], own: int | None
) -> None:
    """The same enterprise cannot be incubating twice in one carrier at the same time."""
    enterprise_id = data.get("enterprise_id")
    if enterprise_id is None:
        return
    rows = session.scalars(
        select(Incubatee).where(
            Incubatee.carrier_id == carrier_id,
            Incubatee.enterprise_id == enterprise_id,
            Incubatee.deleted_at.is_(None),
        )
    )
    end = data.get("exited_on") or date.max
    for other in rows:
        if other.id == own:
            continue
        if other.entered_on < end and (
            other.exited_on is None or other.exited_on > data["entered_on"]
        ):
            raise DuplicateError("该企业在本载体已有重叠的在孵记录", other.id, "enterprise_id")


def add_incubatee(
    session: Session, carrier_id: int, values: Mapping[str, Any], operator: str
) -> int:
    """Add an incubatee (roster enterprise or team) to a carrier; audited."""
    _live_carrier(session, carrier_id)
    data = clean_incubatee(values)
    data.setdefault("listed", False)
    _check_incubatee(data)
    if data.get("enterprise_id") is not None:
        if session.get(Enterprise, data["enterprise_id"]) is None:
            raise NotFound("企业不存在")
        data["team_name"] = None
    _refuse_overlap(session, carrier_id, data, None)
    row = Incubatee(carrier_id=carrier_id, **data)
    return audit.add_created(session, row, data | {"carrier_id": carrier_id}, operator, INCUBATEE)


def _live_incubatee(session: Session, incubatee_id: int) -> Incubatee:
    row = session.get(Incubatee, incubatee_id)
    if row is None or row.deleted_at is not None:
        raise NotFound("在孵记录不存在")
    return row


def update_incubatee(
    session: Session, incubatee_id: int, values: Mapping[str, Any], operator: str
) -> dict[str, tuple[Any, Any]]:
    """Change fields of an incubatee; returns what changed (audited)."""
    row = _live_incubatee(session, incubatee_id)
    data = clean_incubatee(values)
    merged = {k: getattr(row, k) for k in INCUBATEE_FIELDS} | data
    _check_incubatee(merged)
    _refuse_overlap(session, row.carrier_id, merged, incubatee_id)
    return audit.apply_changes(session, row, data, operator, INCUBATEE)


def exit_incubatee(
    session: Session, incubatee_id: int, on: date, kind: str, operator: str
) -> dict[str, tuple[Any, Any]]:
    """Record a graduation or another exit (毕业/迁出/淘汰/注销) on a date."""
    return update_incubatee(session, incubatee_id, {"exited_on": on, "exit_kind": kind}, operator)


def remove_incubatee(session: Session, incubatee_id: int, operator: str) -> None:
    """Remove an incubatee entered by mistake (soft delete, audited)."""
    audit.soft_delete(session, _live_incubatee(session, incubatee_id), operator, INCUBATEE)


def _incubatee_views(session: Session, *where: ColumnElement[bool]) -> list[IncubateeView]:
    stmt = (
        select(Incubatee, Enterprise.name, Enterprise.uscc)
        .outerjoin(Enterprise, Enterprise.id == Incubatee.enterprise_id)
        .where(Incubatee.deleted_at.is_(None), *where)
        .order_by(Incubatee.entered_on.desc(), Incubatee.id.desc())
    )
    return [
        IncubateeView(
            id=i.id,
            carrier_id=i.carrier_id,
            enterprise_id=i.enterprise_id,
            enterprise_name=name,
            uscc=uscc,
            team_name=i.team_name,
            entered_on=i.entered_on,
            exited_on=i.exited_on,
            exit_kind=i.exit_kind,
            investment=i.investment,
            listed=i.listed,
            note=i.note,
        )
        for i, name, uscc in session.execute(stmt)
    ]


def list_incubatees(
    session: Session, carrier_id: int, incubating_on_date: date | None = None
) -> list[IncubateeView]:
    """A carrier's incubatees, newest entry first; only those incubating on a date when given."""
    where = [Incubatee.carrier_id == carrier_id]
    if incubating_on_date is not None:
        where.append(incubating_on(incubating_on_date))
    return _incubatee_views(session, *where)


def get_incubatee(session: Session, incubatee_id: int) -> IncubateeView:
    """One live incubatee."""
    found = _incubatee_views(session, Incubatee.id == incubatee_id)
    if not found:
        raise NotFound("在孵记录不存在")
    return found[0]


def count_incubating(session: Session, on: date, carrier_id: int | None = None) -> int:
    """在孵企业/团队数 on a date (of one carrier, or of all live carriers)."""
    stmt = (
        select(func.count(Incubatee.id))
        .join(Carrier, Carrier.id == Incubatee.carrier_id)
        .where(incubating_on(on), Carrier.deleted_at.is_(None))
    )
    if carrier_id is not None:
        stmt = stmt.where(Incubatee.carrier_id == carrier_id)
    return session.scalar(stmt) or 0


def count_graduates(session: Session, year: int, carrier_id: int | None = None) -> int:
    """毕业企业数 of a year: exit kind 毕业 with an exit date in the year."""
    stmt = (
        select(func.count(Incubatee.id))
        .join(Carrier, Carrier.id == Incubatee.carrier_id)
        .where(graduated_in(year), Carrier.deleted_at.is_(None))
    )
    if carrier_id is not None:
        stmt = stmt.where(Incubatee.carrier_id == carrier_id)
    return session.scalar(stmt) or 0


def count_graduates_until(session: Session, carrier_id: int, on: date) -> int:
    """累计毕业数: graduations of a carrier with an exit date on or before `on`."""
    stmt = select(func.count(Incubatee.id)).where(
        Incubatee.carrier_id == carrier_id,
        Incubatee.deleted_at.is_(None),
        Incubatee.exit_kind == GRADUATED,
        Incubatee.exited_on <= on,
    )
    return session.scalar(stmt) or 0


def count_served_in(session: Session, carrier_id: int, year: int) -> int:
    """Incubatees a carrier hosted at some time during a year (众创空间 'teams a year')."""
    stmt = select(func.count(Incubatee.id)).where(
        Incubatee.carrier_id == carrier_id,
        Incubatee.deleted_at.is_(None),
        Incubatee.entered_on <= date(year, 12, 31),
        or_(Incubatee.exited_on.is_(None), Incubatee.exited_on > date(year, 1, 1)),
    )
    return session.scalar(stmt) or 0


def count_entered_in(session: Session, carrier_id: int, year: int) -> int:
    """New incubatees of a carrier in a year (entry date in the year)."""
    stmt = select(func.count(Incubatee.id)).where(
        Incubatee.carrier_id == carrier_id,
        Incubatee.deleted_at.is_(None),
        Incubatee.entered_on >= date(year, 1, 1),
        Incubatee.entered_on <= date(year, 12, 31),
    )
    return session.scalar(stmt) or 0


@dataclass(frozen=True)
class IncubationRecord:
    incubatee_id: int
    carrier_id: int
    carrier_name: str
    carrier_kind: str
    entered_on: date
    exited_on: date | None
    exit_kind: str | None


def incubation_history(session: Session, enterprise_id: int) -> list[IncubationRecord]:
    """Where an enterprise of the roster was incubated, newest entry first."""
    stmt = (
        select(Incubatee, Carrier.name, Carrier.kind)
        .join(Carrier, Carrier.id == Incubatee.carrier_id)
        .where(
            Incubatee.enterprise_id == enterprise_id,
            Incubatee.deleted_at.is_(None),
            Carrier.deleted_at.is_(None),
        )
        .order_by(Incubatee.entered_on.desc())
    )
    return [
        IncubationRecord(i.id, i.carrier_id, name, kind, i.entered_on, i.exited_on, i.exit_kind)
        for i, name, kind in session.execute(stmt)
    ]


# ------------------------------------------------------------------ graduation routes


@dataclass(frozen=True)
class GraduationCheck:
    """Which graduation routes an incubating incubatee meets on a date (a suggestion only)."""

    incubatee_id: int
    name: str
    routes: tuple[str, ...]
    details: tuple[str, ...] = field(default=())

    @property
    def eligible(self) -> bool:
        """True when any route is met."""
        return bool(self.routes)


def _high_tech_holders(session: Session, ids: list[int], on: date) -> set[int]:
    if not ids:
        return set()
    stmt = select(Qualification.enterprise_id).where(
        high_tech_valid_on(on), Qualification.enterprise_id.in_(ids)
    )
    return {int(i) for i in session.scalars(stmt)}


def _revenues(session: Session, ids: list[int], up_to_year: int) -> dict[int, dict[int, float]]:
    out: dict[int, dict[int, float]] = {}
    if not ids:
        return out
    stmt = select(EnterpriseYear.enterprise_id, EnterpriseYear.year, EnterpriseYear.revenue).where(
        EnterpriseYear.enterprise_id.in_(ids),
        EnterpriseYear.year <= up_to_year,
        EnterpriseYear.revenue.is_not(None),
    )
    for eid, year, revenue in session.execute(stmt):
        if revenue is not None:
            out.setdefault(int(eid), {})[int(year)] = float(revenue)
    return out


def two_year_revenue(by_year: Mapping[int, float]) -> tuple[int, float] | None:
    """(latest year, sum) of the latest two consecutive data years, None without two such years."""
    for year in sorted(by_year, reverse=True):
        if year - 1 in by_year:
            return year, by_year[year] + by_year[year - 1]
    return None


def _routes(
    i: IncubateeView, high_tech: set[int], revenues: Mapping[int, Mapping[int, float]]
) -> tuple[list[str], list[str]]:
    routes: list[str] = []
    details: list[str] = []
    if i.enterprise_id in high_tech:
        routes.append(ROUTE_HIGH_TECH)
        details.append("持有有效的高新技术企业证书")
    if i.investment is not None and i.investment >= GRADUATION_INVESTMENT:
        routes.append(ROUTE_INVESTMENT)
        details.append(f"获天使/创投投资{i.investment:g}万元")
    pair = two_year_revenue(revenues.get(i.enterprise_id or 0, {}))
    if pair is not None and pair[1] > GRADUATION_REVENUE:
        routes.append(ROUTE_REVENUE)
        details.append(f"{pair[0] - 1}–{pair[0]}年营业收入合计{pair[1]:g}万元")
    if i.listed:
        routes.append(ROUTE_LISTED)
        details.append("已被兼并、收购或上市")
    return routes, details


def graduation_check(session: Session, carrier_id: int, on: date) -> list[GraduationCheck]:
    """For each incubatee incubating on `on`: the graduation routes it meets (domain.md)."""
    incubating = list_incubatees(session, carrier_id, on)
    ids = [i.enterprise_id for i in incubating if i.enterprise_id is not None]
    high_tech = _high_tech_holders(session, ids, on)
    revenues = _revenues(session, ids, on.year)
    checks = []
    for i in incubating:
        routes, details = _routes(i, high_tech, revenues)
        checks.append(GraduationCheck(i.id, i.name, tuple(routes), tuple(details)))
    return sorted(checks, key=lambda c: (not c.eligible, c.name))


# ------------------------------------------------------------------ yearly operation data


@dataclass(frozen=True)
class CarrierYearView:
    """A carrier's year: what it reported beside what the incubatee records give."""

    carrier_id: int
    year: int
    incubatees_computed: int
    graduates_computed: int
    new_computed: int
    incubatees_reported: int | None = None
    graduates_reported: int | None = None
    new_enterprises: int | None = None
    jobs: int | None = None
    financing: float | None = None  # 万元
    events: int | None = None
    grade: str | None = None  # A/B/C/D

    @property
    def grade_name(self) -> str | None:
        """优秀/良好/合格/不合格 for A/B/C/D."""
        return GRADES.get(self.grade or "")

    @property
    def differences(self) -> tuple[str, ...]:
        """Reported figures that disagree with the records."""
        pairs = (
            ("在孵企业数", self.incubatees_reported, self.incubatees_computed),
            ("毕业企业数", self.graduates_reported, self.graduates_computed),
            ("新增在孵数", self.new_enterprises, self.new_computed),
        )
        return tuple(
            f"{label}：填报{rep}，记录{comp}"
            for label, rep, comp in pairs
            if rep not in (None, comp)
        )


def year_end(year: int, today: date | None = None) -> date:
    """The date a year's incubating count is taken: 31 Dec, or today for the current year."""
    today = today or date.today()
    return min(date(year, 12, 31), today) if year >= today.year else date(year, 12, 31)


def grade_code(value: object) -> str | None:
    """A/B/C/D from a letter or 优秀/良好/合格/不合格; raises InputError otherwise."""
    text = normalize_text(value).upper() if value is not None else ""
    if not text:
        return None
    if text in GRADES:
        return text
    for code, name in GRADES.items():
        if text == name:
            return code
    raise InputError("评价结果应为 优秀(A)/良好(B)/合格(C)/不合格(D)", "grade")


def clean_year(values: Mapping[str, Any], financing_unit: str = "万元") -> dict[str, Any]:
    """Validate a year's figures; financing given in 千元 (Torch) is converted to 万元."""
    _reject_unknown(values, YEAR_FIELDS)
    labels = {
        "incubatees_reported": "在孵企业数",
        "graduates_reported": "毕业企业数",
        "new_enterprises": "新增在孵数",
        "jobs": "吸纳就业人数",
        "events": "服务活动场次",
    }
    out: dict[str, Any] = {}
    for key, label in labels.items():
        if key in values:
            out[key] = _int_or_none(values[key], label, key)
    if "financing" in values:
        amount = _float_or_none(values["financing"], "融资额", "financing")
        if amount is not None and financing_unit == "千元":
            amount = thousand_yuan_to_wan(amount)
        elif amount is not None and financing_unit != "万元":
            raise InputError(f"未知的金额单位：{financing_unit}", "financing")
        out["financing"] = amount
    if "grade" in values:
        out["grade"] = grade_code(values["grade"])
    return out


def set_carrier_year(
    session: Session,
    carrier_id: int,
    year: int,
    values: Mapping[str, Any],
    operator: str,
    financing_unit: str = "万元",
) -> dict[str, tuple[Any, Any]]:
    """Create or update a carrier's operation data of one year; returns what changed (audited)."""
    _live_carrier(session, carrier_id)
    if not 2000 <= year <= date.today().year:
        raise InputError(f"年度应在2000到{date.today().year}之间", "year")
    data = clean_year(values, financing_unit)
    row = session.scalar(
        select(CarrierYear).where(CarrierYear.carrier_id == carrier_id, CarrierYear.year == year)
    )
    if row is None:
        row = CarrierYear(carrier_id=carrier_id, year=year)
        session.add(row)
    return audit.apply_year(session, row, year, data, (CARRIER, carrier_id), operator)


def carrier_year(session: Session, carrier_id: int, year: int) -> CarrierYearView:
    """One year of a carrier: reported figures (if any) beside the computed ones."""
    row = session.scalar(
        select(CarrierYear).where(CarrierYear.carrier_id == carrier_id, CarrierYear.year == year)
    )
    reported = {k: getattr(row, k) for k in YEAR_FIELDS} if row is not None else {}
    return CarrierYearView(
        carrier_id=carrier_id,
        year=year,
        incubatees_computed=count_incubating(session, year_end(year), carrier_id),
        graduates_computed=count_graduates(session, year, carrier_id),
        new_computed=count_entered_in(session, carrier_id, year),
        **reported,
    )


def carrier_years(
    session: Session, carrier_id: int, today: date | None = None
) -> list[CarrierYearView]:
    """Years with reported data plus the last five years, newest first."""
    today = today or date.today()
    reported = session.scalars(
        select(CarrierYear.year).where(CarrierYear.carrier_id == carrier_id)
    ).all()
    first = session.scalar(
        select(func.min(Incubatee.entered_on)).where(
            Incubatee.carrier_id == carrier_id, Incubatee.deleted_at.is_(None)
        )
    )
    start = max(first.year if first else today.year, today.year - 4)
    years = set(reported) | set(range(start, today.year + 1))
    return [carrier_year(session, carrier_id, y) for y in sorted(years, reverse=True)]


# ------------------------------------------------------------------ recognition readiness


@dataclass(frozen=True)
class ThresholdCheck:
    """One threshold of the recognition reference: required vs actual."""

    label: str
    unit: str
    required: float
    actual: float | None
    group: str | None = None  # items of one group are alternatives ("either")

    @property
    def met(self) -> bool:
        """Actual ≥ required."""
        return self.actual is not None and self.actual >= self.required

    @property
    def shortfall(self) -> float:
        """How much is missing (0 when met; the whole requirement when unknown)."""
        return max(self.required - (self.actual or 0.0), 0.0)


@dataclass(frozen=True)
class Readiness:
    carrier_id: int
    kind: str
    on: date
    checks: tuple[ThresholdCheck, ...]

    @property
    def applicable(self) -> bool:
        """False for kinds without reference thresholds."""
        return bool(self.checks)

    @property
    def ready(self) -> bool:
        """Every threshold met (one of each group of alternatives)."""
        if not self.checks:
            return False
        single = all(c.met for c in self.checks if c.group is None)
        groups = {c.group for c in self.checks if c.group is not None}
        return single and all(any(c.met for c in self.checks if c.group == g) for g in groups)


def readiness_check(session: Session, carrier_id: int, on: date | None = None) -> Readiness:
    """Which national-recognition thresholds (settings) a carrier meets on a date, and shortfalls."""
    on = on or date.today()
    carrier = _live_carrier(session, carrier_id)
    s = get_settings(session)
    area = carrier.area
    checks: list[ThresholdCheck] = []
    if carrier.kind == INCUBATOR:
        checks = [
            ThresholdCheck("场地面积", "m²", s.incubator_min_area, area),
            ThresholdCheck(
                "在孵企业",
                "家",
                s.incubator_min_incubatees,
                count_incubating(session, on, carrier_id),
            ),
            ThresholdCheck(
                "累计毕业企业",
                "家",
                s.incubator_min_graduates,
                count_graduates_until(session, carrier_id, on),
            ),
        ]
    elif carrier.kind == MAKERSPACE:
        stations = None if carrier.stations is None else float(carrier.stations)
        checks = [
            ThresholdCheck("场地面积", "m²", s.makerspace_min_area, area, "space"),
            ThresholdCheck("工位", "个", s.makerspace_min_stations, stations, "space"),
            ThresholdCheck(
                f"{on.year}年服务团队和企业",
                "个",
                s.makerspace_min_teams,
                count_served_in(session, carrier_id, on.year),
            ),
        ]
    return Readiness(carrier_id, carrier.kind, on, tuple(checks))


# ------------------------------------------------------------------ summary


@dataclass(frozen=True)
class CarrierSummary:
    on: date
    by_kind: tuple[tuple[str, int], ...]
    by_level: tuple[tuple[str, int], ...]
    incubating: int
    graduates_this_year: int

    @property
    def total(self) -> int:
        """Live carriers."""
        return sum(n for _k, n in self.by_kind)


def summary(session: Session, on: date | None = None) -> CarrierSummary:
    """Carriers by kind and level, incubating on `on` and graduates of its year."""
    on = on or date.today()
    live = Carrier.deleted_at.is_(None)
    kinds = dict(
        session.execute(select(Carrier.kind, func.count()).where(live).group_by(Carrier.kind)).all()
    )
    levels = dict(
        session.execute(
            select(Carrier.level, func.count()).where(live).group_by(Carrier.level)
        ).all()
    )
    return CarrierSummary(
        on=on,
        by_kind=tuple((k, int(kinds[k])) for k in KINDS if k in kinds),
        by_level=tuple((lv, int(levels[lv])) for lv in LEVELS if lv in levels),
        incubating=count_incubating(session, on),
        graduates_this_year=count_graduates(session, on.year),
    )


@dataclass(frozen=True)
class DeletedCarrier:
    """A carrier in the recycle bin, with who deleted it and when."""

    id: int
    name: str
    kind: str
    deleted_at: datetime
    deleted_by: str | None


def deleted_carriers(session: Session) -> list[DeletedCarrier]:
    """The carriers in the recycle bin, most recently deleted first."""
    stmt = (
        select(Carrier)
        .where(Carrier.deleted_at.is_not(None))
        .order_by(Carrier.deleted_at.desc(), Carrier.id.desc())
    )
    return [
        DeletedCarrier(c.id, c.name, c.kind, c.deleted_at, c.deleted_by)
        for c in session.scalars(stmt)
        if c.deleted_at is not None
    ]
