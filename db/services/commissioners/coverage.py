"""覆盖情况: which towns had a commissioner in a year, the units served, open demands by town."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Demand, Dispatch, Town
from db.services.commissioners.common import MATCHED, PENDING, year_bounds
from db.services.commissioners.dispatches import in_year_condition


@dataclass(frozen=True)
class TownCoverage:
    town_id: int | None  # None: dispatches / demands without a town
    town: str
    commissioners: int
    units: int
    pending_demands: int  # 待对接
    matched_demands: int  # 已对接 (being served)

    @property
    def covered(self) -> bool:
        """At least one commissioner active in the town during the year."""
        return self.commissioners > 0


@dataclass(frozen=True)
class Coverage:
    year: int
    towns: tuple[TownCoverage, ...]
    served_units: tuple[str, ...]

    @property
    def covered(self) -> tuple[TownCoverage, ...]:
        """Towns with a commissioner."""
        return tuple(t for t in self.towns if t.covered and t.town_id is not None)

    @property
    def uncovered(self) -> tuple[TownCoverage, ...]:
        """Towns without any commissioner in the year."""
        return tuple(t for t in self.towns if not t.covered and t.town_id is not None)

    @property
    def open_demands(self) -> int:
        """Demands still 待对接 in the whole district."""
        return sum(t.pending_demands for t in self.towns)


def _dispatch_counts(session: Session, year: int) -> dict[int | None, tuple[int, int]]:
    stmt = (
        select(
            Dispatch.town_id,
            func.count(func.distinct(Dispatch.commissioner_id)),
            func.count(func.distinct(Dispatch.target_name)),
        )
        .where(in_year_condition(year))
        .group_by(Dispatch.town_id)
    )
    return {town: (int(c), int(u)) for town, c, u in session.execute(stmt)}


def _demand_counts(session: Session, year: int) -> dict[tuple[int | None, str], int]:
    _first, last = year_bounds(year)
    stmt = (
        select(Demand.town_id, Demand.status, func.count())
        .where(
            Demand.deleted_at.is_(None),
            Demand.raised_on <= last,
            Demand.status.in_((PENDING, MATCHED)),
        )
        .group_by(Demand.town_id, Demand.status)
    )
    return {(town, status): int(n) for town, status, n in session.execute(stmt)}


def _served_units(session: Session, year: int) -> tuple[str, ...]:
    stmt = (
        select(Dispatch.target_name)
        .where(in_year_condition(year))
        .group_by(Dispatch.target_name)
        .order_by(Dispatch.target_name)
    )
    return tuple(session.scalars(stmt))


def coverage(session: Session, year: int) -> Coverage:
    """Every town with its commissioners, units served and open demands in the year."""
    dispatches = _dispatch_counts(session, year)
    demands = _demand_counts(session, year)
    ordered = select(Town.id, Town.name).order_by(Town.sort_order, Town.id)
    towns: list[tuple[int | None, str]] = [(tid, name) for tid, name in session.execute(ordered)]
    if None in dispatches or any(town is None for town, _s in demands):
        towns.append((None, "未注明镇街"))
    rows = tuple(
        TownCoverage(
            town_id,
            name,
            *dispatches.get(town_id, (0, 0)),
            demands.get((town_id, PENDING), 0),
            demands.get((town_id, MATCHED), 0),
        )
        for town_id, name in towns
    )
    return Coverage(year, rows, _served_units(session, year))
