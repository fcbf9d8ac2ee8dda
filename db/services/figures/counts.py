"""The counts the bureau reports: high-tech enterprises on a date, tech-SMEs in a year, by town.

Rules (domain.md; their SQL forms live in db/services/queries.py): a high-tech enterprise counts
on D when a 高新技术企业 qualification is valid on D (issue ≤ D ≤ valid_through, not revoked on or
before D); a tech-SME counts in year Y with a non-revoked entry for evaluation year Y; deleted
enterprises never count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, extract, func, or_, select
from sqlalchemy.orm import Session

from db.models import Enterprise, Qualification, Town
from db.services.queries import (
    HIGH_TECH,
    high_tech_valid_on,
    live_enterprise,
    not_revoked_on,
    tech_sme_in_year,
    type_id,
    unindexed,
)
from db.services.settings import get_count_targets


def high_tech_ids(on: date) -> Select[int]:
    """Ids of live enterprises counted as high-tech on a date."""
    return (
        select(Qualification.enterprise_id)
        .join(Enterprise, Enterprise.id == Qualification.enterprise_id)
        .where(high_tech_valid_on(on), live_enterprise())
        .distinct()
    )


def tech_sme_ids(year: int) -> Select[int]:
    """Ids of live enterprises counted as tech-SMEs in a year."""
    return (
        select(Qualification.enterprise_id)
        .join(Enterprise, Enterprise.id == Qualification.enterprise_id)
        .where(tech_sme_in_year(year), live_enterprise())
        .distinct()
    )


def _high_tech_issues() -> Select[int, date]:
    """(enterprise, first issue date) over every 高新技术企业 certificate ever entered (not deleted;
    a revoked certificate was still issued), the start of validity standing in for a missing issue date."""
    issued = func.coalesce(Qualification.issued_on, Qualification.valid_from)
    return (
        select(Qualification.enterprise_id, func.min(issued).label("first_issued"))
        .where(
            Qualification.type_id == type_id(HIGH_TECH),
            Qualification.deleted_at.is_(None),
            issued.is_not(None),
        )
        .group_by(Qualification.enterprise_id)
    )


def high_tech_first_ids(year: int) -> Select[int]:
    """Ids of live enterprises whose **first ever** 高新技术企业 certificate was issued in `year`
    (plans.md `high_tech_first`, the 双突破 return's 其中本年新认定; a renewal is not new)."""
    first = _high_tech_issues().subquery()
    return (
        select(first.c.enterprise_id)
        .join(Enterprise, Enterprise.id == first.c.enterprise_id)
        .where(
            first.c.first_issued >= date(year, 1, 1),
            first.c.first_issued <= date(year, 12, 31),
            live_enterprise(),
        )
    )


def count_high_tech_first_by_town(
    session: Session, years: Sequence[int]
) -> dict[tuple[int, int | None], int]:
    """首次认定高新技术企业数 by (year, town) for several years in one query (the rule of
    high_tech_first_ids: the first ever certificate issued in the year; live enterprises)."""
    if not years:
        return {}
    first = _high_tech_issues().subquery()
    year = extract("year", first.c.first_issued)
    town = Enterprise.town_id + 0  # a few towns: sorted, not walked through a town index
    stmt = (
        select(year, town, func.count())
        .select_from(first)
        .join(Enterprise, Enterprise.id == first.c.enterprise_id)
        .where(
            first.c.first_issued >= date(min(years), 1, 1),
            first.c.first_issued <= date(max(years), 12, 31),
            live_enterprise(),
        )
        .group_by(year, town)
    )
    return {(int(y), t): int(n) for y, t, n in session.execute(stmt) if int(y) in years}


def high_tech_renewed_ids(year: int, until: date | None = None) -> Select[int]:
    """Ids of live enterprises issued a 高新技术企业 certificate in `year` that is not their first
    (其中重新认定); with `until`, only certificates issued by that day count (as of a date)."""
    first = _high_tech_issues().subquery()
    issued = func.coalesce(Qualification.issued_on, Qualification.valid_from)
    return (
        select(Qualification.enterprise_id)
        .join(first, first.c.enterprise_id == Qualification.enterprise_id)
        .join(Enterprise, Enterprise.id == Qualification.enterprise_id)
        .where(
            Qualification.type_id == type_id(HIGH_TECH),
            Qualification.deleted_at.is_(None),
            issued >= date(year, 1, 1),
            issued <= min(date(year, 12, 31), until or date(year, 12, 31)),
            first.c.first_issued < date(year, 1, 1),
            live_enterprise(),
        )
        .distinct()
    )


def high_tech_expiring_ids(as_of: date) -> Select[int]:
    """Ids of the enterprises counted as high-tech on `as_of` that will not be on 31 Dec of its year
    (plans.md 年内到期): no certificate of theirs, current or later, not revoked by `as_of`, runs to
    31 Dec. So 有效数 − 年内到期 = 年末预计 always holds."""
    year_end = date(as_of.year, 12, 31)
    later = (
        select(Qualification.id)
        .where(
            Qualification.enterprise_id == Enterprise.id,
            Qualification.type_id == type_id(HIGH_TECH),
            Qualification.deleted_at.is_(None),
            not_revoked_on(as_of),
            or_(Qualification.valid_through.is_(None), Qualification.valid_through >= year_end),
        )
        .exists()
    )
    valid = high_tech_ids(as_of).subquery()
    return select(Enterprise.id).join(valid, valid.c.enterprise_id == Enterprise.id).where(~later)


def high_tech_year_end_ids(as_of: date) -> Select[int]:
    """Ids of the enterprises counted as high-tech on `as_of` that are not 年内到期 (年末预计):
    the set 有效数 − 年内到期, so the return and `bureau stats` agree row by row."""
    valid = high_tech_ids(as_of).subquery()
    return select(valid.c.enterprise_id).where(
        valid.c.enterprise_id.not_in(high_tech_expiring_ids(as_of))
    )


def count_ids(session: Session, ids: Select[Any]) -> int:
    """How many ids a select of enterprise ids yields."""
    return session.scalar(select(func.count()).select_from(ids.subquery())) or 0


def count_high_tech(session: Session, on: date) -> int:
    """高新技术企业数 on a date."""
    return session.scalar(select(func.count()).select_from(high_tech_ids(on).subquery())) or 0


def count_tech_sme(session: Session, year: int) -> int:
    """科技型中小企业数 in a year."""
    return session.scalar(select(func.count()).select_from(tech_sme_ids(year).subquery())) or 0


@dataclass(frozen=True)
class TownCounts:
    town: str | None
    enterprises: int
    high_tech: int
    tech_sme: int


@dataclass(frozen=True)
class DoubleBreakthrough:
    as_of: date
    year: int
    enterprises: int
    high_tech: int
    tech_sme: int
    both: int
    target_high_tech: int | None
    target_tech_sme: int | None
    projection_high_tech: int
    projection_tech_sme: int
    by_town: tuple[TownCounts, ...]

    def gap(self, key: str) -> int | None:
        """How many are still missing to reach the target (0 when reached; None without target)."""
        target = self.target_high_tech if key == "high_tech" else self.target_tech_sme
        count = self.high_tech if key == "high_tech" else self.tech_sme
        return None if target is None else max(target - count, 0)

    def completion(self, key: str) -> float | None:
        """Count ÷ target (None without a target or with a zero target)."""
        target = self.target_high_tech if key == "high_tech" else self.target_tech_sme
        count = self.high_tech if key == "high_tech" else self.tech_sme
        return None if not target else count / target


def _per_town(session: Session, ids: Select[Any]) -> dict[int | None, int]:
    """How many of a select of enterprise ids are in each town: one pass, grouped."""
    chosen = ids.subquery()
    town = unindexed(Enterprise.town_id)  # a few towns: grouped after the join, not by index
    stmt = (
        select(town, func.count())
        .select_from(chosen)
        .join(Enterprise, Enterprise.id == chosen.c.enterprise_id)
        .group_by(town)
    )
    return {t: int(n) for t, n in session.execute(stmt)}


def by_town(session: Session, as_of: date) -> list[TownCounts]:
    """Counts per town (towns with at least one live enterprise; no town last).

    Each figure is one grouped query over its set of ids (linear in the store): joining the sets
    to every enterprise in one statement made SQLite re-scan them per enterprise (quadratic)."""
    live: dict[int | None, int] = {
        t: int(n)
        for t, n in session.execute(
            select(unindexed(Enterprise.town_id), func.count())
            .where(Enterprise.deleted_at.is_(None))
            .group_by(unindexed(Enterprise.town_id))
        )
    }
    high_tech = _per_town(session, high_tech_ids(as_of))
    tech_sme = _per_town(session, tech_sme_ids(as_of.year))
    towns = session.execute(select(Town.id, Town.name).order_by(Town.sort_order, Town.id))
    order: list[tuple[int | None, str | None]] = [(t, n) for t, n in towns] + [(None, None)]
    return [
        TownCounts(name, int(live[tid]), high_tech.get(tid, 0), tech_sme.get(tid, 0))
        for tid, name in order
        if live.get(tid)
    ]


def double_breakthrough(session: Session, as_of: date) -> DoubleBreakthrough:
    """Both counts on a date, targets of its year, year-end projection and the split by town."""
    year = as_of.year
    # INTERSECT, not a join of the two sets: SQLite re-scanned one per row of the other.
    both = session.scalar(
        select(func.count()).select_from(
            high_tech_ids(as_of).intersect(tech_sme_ids(year)).subquery()
        )
    )
    live = session.scalar(
        select(func.count()).select_from(Enterprise).where(Enterprise.deleted_at.is_(None))
    )
    targets = get_count_targets(session, year)
    tech_sme = count_tech_sme(session, year)
    return DoubleBreakthrough(
        as_of=as_of,
        year=year,
        enterprises=live or 0,
        high_tech=count_high_tech(session, as_of),
        tech_sme=tech_sme,
        both=both or 0,
        target_high_tech=targets["high_tech"],
        target_tech_sme=targets["tech_sme"],
        projection_high_tech=count_ids(session, high_tech_year_end_ids(as_of)),
        projection_tech_sme=tech_sme,
        by_town=tuple(by_town(session, as_of)),
    )
