"""Platform counts against their targets, read through the plans' indicators.

A platform counts in year Y when it is live and was recognised in or before Y (or has no year) —
db.services.plans.sources.recognised_by, the one home of that rule. Targets, bases and actuals come
from the indicators whose source is `platforms:KIND[:LEVEL+]` (db.services.plans.indicators), so a
`platforms:院士工作站:省级+` indicator counts 国家级 and 省级 stations only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Indicator, IndicatorTarget, Platform
from db.rules.indicators import level_text, parse_source
from db.rules.validity import average_growth
from db.services.plans.indicators import indicator_table
from db.services.plans.sources import recognised_by
from db.services.platforms.records import KINDS, SOURCE_PREFIX

ALL_KINDS = "科技创新平台"  # the kind shown for an indicator over every kind (`platforms:*…`)


def count_by_kind(session: Session, year: int) -> dict[str, int]:
    """Live platforms recognised in or before `year` (or without a year), per kind."""
    stmt = (
        select(Platform.kind, func.count())
        .where(recognised_by(Platform, year))
        .group_by(Platform.kind)
    )
    return {str(k): int(n) for k, n in session.execute(stmt)}


@dataclass(frozen=True)
class PlatformTarget:
    """A kind's count in a year beside its indicator (when one has source platforms:<kind>…).

    `level` is how the indicator's level reads (省级及以上), None when every level counts."""

    kind: str
    year: int
    actual: int
    indicator: str | None = None
    unit: str = "个"
    target: float | None = None
    base_year: int | None = None
    base_value: float | None = None
    department: str | None = None
    level: str | None = None
    code: str | None = None

    @property
    def label(self) -> str:
        """The kind with its level: 院士工作站（省级及以上）."""
        return f"{self.kind}（{self.level}）" if self.level else self.kind

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


def default_target_year(session: Session, today: date | None = None) -> int:
    """This year when a platform target is set for it, else the latest such year before it."""
    this_year = (today or date.today()).year
    latest = session.scalar(
        select(func.max(IndicatorTarget.year))
        .join(Indicator, Indicator.id == IndicatorTarget.indicator_id)
        .where(Indicator.source.like(f"{SOURCE_PREFIX}%"), IndicatorTarget.year <= this_year)
    )
    return this_year if latest is None else int(latest)


def _indicator_rows(session: Session, year: int) -> dict[str | None, list[PlatformTarget]]:
    """The platform indicators evaluated for a year, by kind (None: over every kind)."""
    codes = session.scalars(
        select(Indicator.code).where(Indicator.source.like(f"{SOURCE_PREFIX}%"))
    )
    wanted = set(codes)
    out: dict[str | None, list[PlatformTarget]] = {}
    if not wanted:
        return out
    for v in indicator_table(session, year, as_of=date(year, 12, 31), codes=wanted, trend=False):
        spec = parse_source(v.source)
        row = PlatformTarget(
            kind=spec.argument or ALL_KINDS,
            year=year,
            actual=int(v.actual or 0),
            indicator=v.name,
            unit=v.unit or "个",
            target=v.target,
            base_year=v.base_year,
            base_value=v.base_value,
            department=v.department,
            level=level_text(spec) or None,
            code=v.code,
        )
        out.setdefault(spec.argument, []).append(row)
    return out


def targets(session: Session, year: int) -> list[PlatformTarget]:
    """Each platform indicator of a year (its count, target, base and growth), those over every
    kind first, then per kind; a kind without an indicator shows its count of every level."""
    counts = count_by_kind(session, year)
    rows = _indicator_rows(session, year)
    out: list[PlatformTarget] = list(rows.get(None, []))
    for kind in KINDS:
        out += rows.get(kind) or [PlatformTarget(kind, year, counts.get(kind, 0))]
    return out
