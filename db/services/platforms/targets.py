"""Platform counts against their targets: a platform counts in year Y when it was recognised in or
before Y; targets come from indicators whose source is `platforms:<kind>`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.models import Indicator, IndicatorTarget, Platform
from db.rules.validity import average_growth
from db.services.platforms.records import KINDS, SOURCE_PREFIX


def count_by_kind(session: Session, year: int) -> dict[str, int]:
    """Live platforms recognised in or before `year` (or without a year), per kind."""
    stmt = (
        select(Platform.kind, func.count())
        .where(
            Platform.deleted_at.is_(None),
            or_(Platform.recognized_year.is_(None), Platform.recognized_year <= year),
        )
        .group_by(Platform.kind)
    )
    return {str(k): int(n) for k, n in session.execute(stmt)}


@dataclass(frozen=True)
class PlatformTarget:
    """A kind's count in a year beside its indicator (when one has source platforms:<kind>)."""

    kind: str
    year: int
    actual: int
    indicator: str | None = None
    unit: str = "个"
    target: float | None = None
    base_year: int | None = None
    base_value: float | None = None
    department: str | None = None

    @property
    def gap(self) -> float | None:
        """How many are missing to reach the target (0 when reached; None without a target)."""
        return None if self.target is None else max(self.target - self.actual, 0.0)

    @property
    def growth(self) -> float | None:
        """Average yearly growth since the base year (domain.md), None when it cannot be computed."""
        if self.base_year is None or self.base_value is None:
            return None
        return average_growth(self.base_value, float(self.actual), self.base_year, self.year)


def _indicators(session: Session) -> dict[str, Indicator]:
    rows = session.scalars(select(Indicator).where(Indicator.source.like(f"{SOURCE_PREFIX}%")))
    return {i.source[len(SOURCE_PREFIX) :]: i for i in rows}


def _target(session: Session, indicator_id: int, year: int) -> float | None:
    return session.scalar(
        select(IndicatorTarget.target).where(
            IndicatorTarget.indicator_id == indicator_id, IndicatorTarget.year == year
        )
    )


def default_target_year(session: Session, today: date | None = None) -> int:
    """This year when a platform target is set for it, else the latest such year before it."""
    this_year = (today or date.today()).year
    latest = session.scalar(
        select(func.max(IndicatorTarget.year))
        .join(Indicator, Indicator.id == IndicatorTarget.indicator_id)
        .where(Indicator.source.like(f"{SOURCE_PREFIX}%"), IndicatorTarget.year <= this_year)
    )
    return this_year if latest is None else int(latest)


def targets(session: Session, year: int) -> list[PlatformTarget]:
    """Each kind's count in a year with its target, base and growth where an indicator exists."""
    counts = count_by_kind(session, year)
    indicators = _indicators(session)
    out: list[PlatformTarget] = []
    for kind in KINDS:
        ind = indicators.get(kind)
        if ind is None:
            out.append(PlatformTarget(kind, year, counts.get(kind, 0)))
            continue
        out.append(
            PlatformTarget(
                kind=kind,
                year=year,
                actual=counts.get(kind, 0),
                indicator=ind.name,
                unit=ind.unit or "个",
                target=_target(session, ind.id, year),
                base_year=ind.base_year,
                base_value=ind.base_value,
                department=ind.department,
            )
        )
    return out
