"""Dispatches (选派/结对): a commissioner paired with a service target in a town for a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from db.models import Commissioner, Demand, Dispatch, Enterprise, Town
from db.rules.text import normalize_text
from db.services import audit
from db.services.commissioners import demands
from db.services.commissioners.common import MATCHED, PENDING, fetch, year_bounds
from db.services.errors import InputError
from db.services.versions import claim

ENTITY = "dispatch"
Target = int | str  # an enterprise of the roster (its id) or another named unit


@dataclass(frozen=True)
class DispatchView:
    id: int
    commissioner_id: int
    commissioner: str
    enterprise_id: int | None
    target_name: str
    town_id: int | None
    town: str | None
    start_on: date
    end_on: date | None
    agreement: bool
    demand_id: int | None
    version: int = 1  # what an editor names when it saves (db/services/versions.py)

    def active_on(self, day: date) -> bool:
        """Started by `day` and not ended before it."""
        return self.start_on <= day and (self.end_on is None or self.end_on >= day)


def active_condition(today: date) -> Any:
    """SQL condition: the dispatch is running on `today` (no end date or end ≥ today)."""
    return and_(
        Dispatch.deleted_at.is_(None),
        Dispatch.start_on <= today,
        or_(Dispatch.end_on.is_(None), Dispatch.end_on >= today),
    )


def in_year_condition(year: int) -> Any:
    """SQL condition: the dispatch overlaps the year."""
    first, last = year_bounds(year)
    return and_(
        Dispatch.deleted_at.is_(None),
        Dispatch.start_on <= last,
        or_(Dispatch.end_on.is_(None), Dispatch.end_on >= first),
    )


def active_loads(session: Session, today: date) -> dict[int, int]:
    """Active dispatches per commissioner on `today`."""
    stmt = (
        select(Dispatch.commissioner_id, func.count())
        .where(active_condition(today))
        .group_by(Dispatch.commissioner_id)
    )
    return {cid: int(n) for cid, n in session.execute(stmt)}


def _target(session: Session, target: Target) -> tuple[int | None, str]:
    if isinstance(target, int):
        e = session.get(Enterprise, target)
        if e is None or e.deleted_at is not None:
            raise InputError("服务对象企业不存在", "target")
        return e.id, e.name
    name = normalize_text(target)
    if not name:
        raise InputError("请填写服务对象", "target")
    return None, name


def _check_period(start_on: date, end_on: date | None) -> None:
    if end_on is not None and end_on < start_on:
        raise InputError("结束日期不能早于开始日期", "end_on")


def _check_commissioner(session: Session, commissioner_id: int) -> Commissioner:
    c = session.get(Commissioner, commissioner_id)
    if c is None or c.deleted_at is not None:
        raise InputError("科技特派员不存在或已删除", "commissioner_id")
    return c


def _check_demand(session: Session, demand_id: int | None) -> Demand | None:
    if demand_id is None:
        return None
    d = session.get(Demand, demand_id)
    if d is None or d.deleted_at is not None:
        raise InputError("需求不存在或已删除", "demand_id")
    if d.status not in (PENDING, MATCHED):
        raise InputError(f"该需求已{d.status}，不能再派遣", "demand_id")
    return d


def dispatch(
    session: Session,
    commissioner_id: int,
    target: Target,
    town_id: int | None,
    start_on: date,
    end_on: date | None = None,
    agreement: bool = False,
    demand_id: int | None = None,
    *,
    operator: str,
    batch_id: int | None = None,
) -> int:
    """Create a dispatch; the demand it answers (if any) becomes 已对接."""
    _check_commissioner(session, commissioner_id)
    enterprise_id, target_name = _target(session, target)
    _check_period(start_on, end_on)
    demand = _check_demand(session, demand_id)
    if town_id is not None and session.get(Town, town_id) is None:
        raise InputError("镇街不存在", "town_id")
    values = {
        "commissioner_id": commissioner_id,
        "enterprise_id": enterprise_id,
        "target_name": target_name,
        "town_id": town_id,
        "start_on": start_on,
        "end_on": end_on,
        "agreement": bool(agreement),
        "demand_id": demand_id,
    }
    dispatch_id = audit.add_created(session, Dispatch(**values), values, operator, ENTITY, batch_id)
    if demand is not None and demand.status == PENDING:
        demands.set_status(session, demand.id, MATCHED, operator)
    return dispatch_id


def end_dispatch(
    session: Session,
    dispatch_id: int,
    end_on: date | None,
    operator: str,
    expected_version: int | None = None,
) -> None:
    """Set (or clear) the end date of a dispatch; refused (StaleEdit) when another desk changed
    it since the version `expected_version` was shown."""
    claim(session, Dispatch, dispatch_id, expected_version, (ENTITY, dispatch_id))
    row = _get(session, dispatch_id)
    _check_period(row.start_on, end_on)
    audit.apply_changes(session, row, {"end_on": end_on}, operator, ENTITY)


def update_dispatch(
    session: Session,
    dispatch_id: int,
    target: Target,
    town_id: int | None,
    start_on: date,
    end_on: date | None,
    agreement: bool,
    *,
    operator: str,
    expected_version: int | None = None,
) -> int:
    """Correct a dispatch — its service target, town, period, 三方协议 (e.g. signed later); the
    commissioner and the demand it answers stay. Audited per changed field; refused (StaleEdit)
    when another desk changed it since the version `expected_version` was shown. Returns its id."""
    claim(session, Dispatch, dispatch_id, expected_version, (ENTITY, dispatch_id))
    row = _get(session, dispatch_id)
    if row.deleted_at is not None:
        raise InputError("派遣记录已删除", "target")
    enterprise_id, target_name = _target(session, target)
    _check_period(start_on, end_on)
    if town_id is not None and session.get(Town, town_id) is None:
        raise InputError("镇街不存在", "town_id")
    values = {
        "enterprise_id": enterprise_id,
        "target_name": target_name,
        "town_id": town_id,
        "start_on": start_on,
        "end_on": end_on,
        "agreement": bool(agreement),
    }
    audit.apply_changes(session, row, values, operator, ENTITY)
    return dispatch_id


def _get(session: Session, dispatch_id: int) -> Dispatch:
    return fetch(session, Dispatch, dispatch_id, "派遣记录不存在")


def soft_delete(session: Session, dispatch_id: int, operator: str) -> None:
    """Move a dispatch to the recycle bin."""
    audit.soft_delete(session, _get(session, dispatch_id), operator, ENTITY)


def list_dispatches(
    session: Session, year: int | None = None, commissioner_id: int | None = None
) -> list[DispatchView]:
    """Live dispatches (overlapping `year` when given), newest first."""
    stmt = (
        select(Dispatch, Commissioner.name, Town.name)
        .join(Commissioner, Commissioner.id == Dispatch.commissioner_id)
        .outerjoin(Town, Town.id == Dispatch.town_id)
        .where(Dispatch.deleted_at.is_(None))
    )
    if year is not None:
        stmt = stmt.where(in_year_condition(year))
    if commissioner_id is not None:
        stmt = stmt.where(Dispatch.commissioner_id == commissioner_id)
    stmt = stmt.order_by(Dispatch.start_on.desc(), Dispatch.id.desc())
    return [_view(d, name, town) for d, name, town in session.execute(stmt)]


def get(session: Session, dispatch_id: int) -> DispatchView:
    """One dispatch with its commissioner's and town's names."""
    row = _get(session, dispatch_id)
    c = session.get(Commissioner, row.commissioner_id)
    town = session.get(Town, row.town_id) if row.town_id else None
    return _view(row, c.name if c else "", town.name if town else None)


def _view(d: Dispatch, commissioner: str, town: str | None) -> DispatchView:
    return DispatchView(
        d.id,
        d.commissioner_id,
        commissioner,
        d.enterprise_id,
        d.target_name,
        d.town_id,
        town,
        d.start_on,
        d.end_on,
        d.agreement,
        d.demand_id,
        d.version,
    )


def enterprise_choices(session: Session) -> list[tuple[int, str]]:
    """Live enterprises of the roster (id, name) by name, to pick a service target."""
    stmt = select(Enterprise.id, Enterprise.name).where(Enterprise.deleted_at.is_(None))
    return [(eid, name) for eid, name in session.execute(stmt.order_by(Enterprise.name))]


def targets_in_year(
    session: Session, year: int, town_id: int | None = None
) -> dict[int, list[str]]:
    """Service targets per commissioner from dispatches overlapping the year (one town if given)."""
    stmt = select(Dispatch.commissioner_id, Dispatch.target_name).where(in_year_condition(year))
    if town_id is not None:
        stmt = stmt.where(Dispatch.town_id == town_id)
    out: dict[int, list[str]] = {}
    for cid, name in session.execute(stmt.order_by(Dispatch.start_on, Dispatch.id)):
        names = out.setdefault(cid, [])
        if name not in names:
            names.append(name)
    return out
