"""Incubatees (在孵企业/团队): entry, exit, counts of incubating and graduates, incubation history.

An incubatee counts as incubating on D when entry ≤ D and (no exit or exit > D)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from db.models import (
    Carrier,
    Enterprise,
    Incubatee,
)
from db.services import audit
from db.services.carriers.common import (
    EXIT_KINDS,
    GRADUATED,
    INCUBATEE,
    INCUBATEE_FIELDS,
    float_or_none,
    graduated_in,
    incubating_on,
    live_carrier,
    parse_date,
    reject_unknown,
    text_or_none,
)
from db.services.errors import DuplicateError, InputError, NotFound
from db.services.versions import claim

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
    version: int = 1  # what an editor names when it saves (db/services/versions.py)

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


def clean_incubatee(values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate incubatee fields (no store access); raises InputError naming the field."""
    reject_unknown(values, INCUBATEE_FIELDS)
    out: dict[str, Any] = dict(values)
    if "team_name" in values:
        out["team_name"] = text_or_none(values["team_name"])
    if "note" in values:
        out["note"] = text_or_none(values["note"])
    if "exit_kind" in values:
        out["exit_kind"] = text_or_none(values["exit_kind"])
    for key, label in (("entered_on", "入孵日期"), ("exited_on", "离孵日期")):
        if key in values:
            out[key] = parse_date(values[key], label, key)
    if "investment" in values:
        out["investment"] = float_or_none(values["investment"], "获投资额", "investment")
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
    live_carrier(session, carrier_id)
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
    session: Session,
    incubatee_id: int,
    values: Mapping[str, Any],
    operator: str,
    expected_version: int | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Change fields of an incubatee; returns what changed (audited)."""
    claim(session, Incubatee, incubatee_id, expected_version, (INCUBATEE, incubatee_id))
    row = _live_incubatee(session, incubatee_id)
    data = clean_incubatee(values)
    merged = {k: getattr(row, k) for k in INCUBATEE_FIELDS} | data
    _check_incubatee(merged)
    _refuse_overlap(session, row.carrier_id, merged, incubatee_id)
    return audit.apply_changes(session, row, data, operator, INCUBATEE)


def exit_incubatee(
    session: Session,
    incubatee_id: int,
    on: date,
    kind: str,
    operator: str,
    expected_version: int | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Record a graduation or another exit (毕业/迁出/淘汰/注销) on a date."""
    claim(session, Incubatee, incubatee_id, expected_version, (INCUBATEE, incubatee_id))
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
            version=i.version,
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
