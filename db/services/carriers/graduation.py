"""Graduation routes (domain.md): which incubatees could graduate, and by which route.

Suggestions for the clerk, never enforced."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    EnterpriseYear,
    Qualification,
)
from db.services.carriers.common import (
    GRADUATION_INVESTMENT,
    GRADUATION_REVENUE,
    ROUTE_HIGH_TECH,
    ROUTE_INVESTMENT,
    ROUTE_LISTED,
    ROUTE_REVENUE,
)
from db.services.carriers.incubatees import IncubateeView, get_incubatee, list_incubatees
from db.services.queries import high_tech_valid_on

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


def incubatee_graduation_check(session: Session, incubatee_id: int, on: date) -> GraduationCheck:
    """The graduation routes one incubatee meets on `on`, whatever its status (the 毕业/离孵
    dialog asks before a graduation no route supports: 暂不满足)."""
    i = get_incubatee(session, incubatee_id)
    ids = [i.enterprise_id] if i.enterprise_id is not None else []
    routes, details = _routes(
        i, _high_tech_holders(session, ids, on), _revenues(session, ids, on.year)
    )
    return GraduationCheck(i.id, i.name, tuple(routes), tuple(details))
