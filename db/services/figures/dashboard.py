"""Everything the 首页 dashboard shows: each figure is a count and the selector of its enterprises.

The counting conditions are those of db/services/queries.py (so the dashboard agrees with the
returns and `bureau stats`). A refresh only counts, with SQL aggregates; each figure carries a
small Selector naming what it counts, and `ids_for(session, selector)` lists the enterprises behind
it when the figure is clicked — exactly those the roster then shows.

Rules and choices (domain.md "Counts that the bureau reports"):
* 高企 on the as-of date; 科小 of the chosen year; targets of the chosen year; the 高企 year-end
  projection = valid on 31 December of the year (expiries drop out, new ones only when entered).
* By town: a town's target is its own (plans.md: town targets are optional; where none is set,
  nothing is invented — no share-of-enterprises split), and its share of the district count is its
  count ÷ the district count.
* Trend since 2019: 高企 valid on 31 December of each year (on the as-of date for the as-of year);
  科小 entries of each evaluation year.
* Expiring: enterprises counted as 高企 on the as-of date whose latest certificate (not revoked)
  ends within N days (as-of + N included) — they drop out unless they are re-certified.
* 两清零 (thresholds are settings): the figures of `rd_year` (default: the year before), list A =
  规上工业企业 with revenue ≥ A and R&D activity reported as none; list B = revenue ≥ B and
  R&D institution reported as none (as in the 两清零 return; unreported is not listed).
* Ladder: each live enterprise's stage on the as-of date (highest rank valid then, 0 when none)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, distinct, func, or_, select
from sqlalchemy.orm import Session, aliased

from db.models import Enterprise, EnterpriseYear, Qualification, Town
from db.rules.validity import LADDER_NAMES
from db.services.figures.returns_data import count_town_targets
from db.services.figures.selectors import (
    BOTH,
    EXPIRING,
    HIGH_TECH,
    LADDER,
    LIVE,
    RD_LIST_A,
    RD_LIST_B,
    TECH_SME,
    Figure,
    Selector,
    dates_valid,
    expiring_certificates,
    of_live,
    rd_condition,
    rd_figures,
)
from db.services.queries import HIGH_TECH as HIGH_TECH_CODE
from db.services.queries import TECH_SME as TECH_SME_CODE
from db.services.queries import (
    dates_cover,
    ladder_stages,
    live_enterprise,
    tech_sme_in_year,
    type_id,
    unindexed,
)
from db.services.settings import get_count_targets, get_settings

TREND_FIRST_YEAR = 2019
EXPIRY_WINDOWS = (90, 180)
EXPIRING_ROWS = 20  # the soonest-expiring certificates listed on the dashboard


@dataclass(frozen=True)
class CountSummary:
    """One of the two counts with its target (gap and completion derived)."""

    count: Figure
    target: int | None

    @property
    def gap(self) -> int | None:
        """Still missing to reach the target (0 when reached; None without a target)."""
        return None if self.target is None else max(self.target - self.count.value, 0)

    @property
    def completion(self) -> float | None:
        """Count ÷ target (None without a target or with a zero target)."""
        return None if not self.target else self.count.value / self.target


@dataclass(frozen=True)
class TownFigures:
    """One town (town_id None = enterprises without a town)."""

    town_id: int | None
    town: str | None
    enterprises: Figure
    high_tech: Figure
    tech_sme: Figure
    high_tech_share: float | None  # of the district count
    tech_sme_share: float | None
    high_tech_target: int | None  # the town's own target for the year, None when none is set
    tech_sme_target: int | None


@dataclass(frozen=True)
class TrendPoint:
    year: int
    high_tech_on: date
    high_tech: Figure
    tech_sme: Figure


@dataclass(frozen=True)
class ExpiringRow:
    enterprise_id: int
    name: str
    town: str | None
    number: str | None
    valid_through: date
    days_left: int


@dataclass(frozen=True)
class Expiring:
    days: int
    figure: Figure
    rows: tuple[ExpiringRow, ...]  # the EXPIRING_ROWS soonest first


@dataclass(frozen=True)
class LadderBar:
    stage: int
    name: str
    figure: Figure


@dataclass(frozen=True)
class Dashboard:
    as_of: date
    year: int
    rd_year: int
    high_tech: CountSummary
    tech_sme: CountSummary
    projection_high_tech: Figure
    both: Figure
    enterprises: Figure
    towns: tuple[TownFigures, ...]
    trend: tuple[TrendPoint, ...]
    expiring: tuple[Expiring, ...]
    rd_list_a: Figure
    rd_list_b: Figure
    rd_list_a_revenue: float
    rd_list_b_revenue: float
    ladder: tuple[LadderBar, ...]

    def expiring_within(self, days: int) -> Expiring:
        """The expiring figure of a window (KeyError when not computed)."""
        for e in self.expiring:
            if e.days == days:
                return e
        raise KeyError(days)


# ----- counts (on refresh) -----
# Joining every qualification to its (wide) enterprise row costs a random read each; the counts
# instead leave out the few deleted enterprises by id and split by town in one enterprise scan.


def town_names(session: Session) -> list[tuple[int, str]]:
    """All towns (id, name) in display order."""
    stmt = select(Town.id, Town.name).order_by(Town.sort_order, Town.id)
    return [(int(i), n) for i, n in session.execute(stmt)]


def _tech_sme_of(year: int) -> Select[Any]:
    return select(Qualification.enterprise_id).where(tech_sme_in_year(year))


@dataclass(frozen=True)
class _TownCounts:
    live: int
    high_tech: int
    tech_sme: int


def _live_by_town(session: Session) -> dict[int | None, int]:
    """Live enterprises per town: all (town index only) less the few deleted ones."""
    found = {
        town: int(n)
        for town, n in session.execute(
            select(Enterprise.town_id, func.count()).group_by(Enterprise.town_id)
        )
    }
    # Reads only the deleted rows, found by id on the deleted_at index.
    town = Enterprise.town_id + 0  # not the town index: it would read every row
    deleted_ids = select(Enterprise.id).where(Enterprise.deleted_at.is_not(None))
    deleted = select(town, func.count()).where(Enterprise.id.in_(deleted_ids)).group_by(town)
    for town_id, n in session.execute(deleted):
        found[town_id] -= int(n)
    return found


def _count_by_town(session: Session, ids: Select[Any]) -> dict[int | None, int]:
    """Per town, how many live enterprises a SELECT of qualification rows names."""
    town = Enterprise.town_id + 0  # group with a sort, not by walking the town index
    stmt = (
        ids.with_only_columns(town, func.count(distinct(Qualification.enterprise_id)))
        .join(Enterprise, Enterprise.id == Qualification.enterprise_id)
        .where(live_enterprise())
        .group_by(town)
    )
    return {town_id: int(n) for town_id, n in session.execute(stmt)}


def _by_town(
    session: Session, ht: dict[int | None, int], year: int
) -> dict[int | None, _TownCounts]:
    """Per town: live enterprises, 高企 (counted by _high_tech_counts) and 科小 of `year`."""
    live = _live_by_town(session)
    sme = _count_by_town(session, _tech_sme_of(year))
    return {
        town: _TownCounts(live.get(town, 0), ht.get(town, 0), sme.get(town, 0))
        for town in {*live, *ht, *sme}
    }


@dataclass(frozen=True)
class _HighTechCounts:
    on: dict[date, int]  # day → 高企 valid that day
    expiring: dict[int, int]  # window in days → 高企 on as_of expiring within it
    by_town: dict[int | None, int]  # 高企 on as_of per town
    both: int  # 高企 on as_of that are 科小 of the year


_NO_TOWN = -1  # grouping keys of _high_tech_counts
_NOT_HELD = -2


def _high_tech_counts(
    session: Session, dates: list[date], as_of: date, year: int, windows: Iterable[int]
) -> _HighTechCounts:
    """Every 高企 figure: one pass over the certificates, grouped per enterprise then per town.

    Per enterprise (in index order): held on each date and on as_of; `latest` = last day of its
    latest certificate not revoked; `dated` = one not revoked is valid on as_of and has an end. It
    is expiring within N days exactly when dated and latest ≤ as_of + N (as in
    expiring_certificates). Only the enterprises held on as_of are joined to their town.
    """
    live_cert = Qualification.revoked_on.is_(None)
    through = Qualification.valid_through
    flags = [dates_valid(on) for on in dates] + [dates_valid(as_of)]
    held = [func.max(case((flag, 1), else_=0)).label(f"d{i}") for i, flag in enumerate(flags)]
    dated = and_(live_cert, dates_cover(as_of, covering=True), through.is_not(None))
    per_firm = (
        select(
            Qualification.enterprise_id.label("enterprise_id"),
            *held,
            func.max(case((live_cert, through))).label("latest"),
            func.max(case((dated, 1), else_=0)).label("dated"),
        )
        .where(
            Qualification.type_id == type_id(HIGH_TECH_CODE),
            Qualification.deleted_at.is_(None),
            of_live(Qualification.enterprise_id),
        )
        .group_by(Qualification.enterprise_id)
        .subquery()
    )
    now = per_firm.c[f"d{len(dates)}"] == 1
    town = case((now, func.coalesce(Enterprise.town_id + 0, _NO_TOWN)), else_=_NOT_HELD)
    days = list(windows)
    ending = [
        func.count(
            case((and_(per_firm.c.dated == 1, per_firm.c.latest <= as_of + timedelta(n)), 1))
        )
        for n in days
    ]
    sme = per_firm.c.enterprise_id.in_(_tech_sme_of(year))
    stmt = (
        select(
            town,
            func.count(),
            *(func.sum(per_firm.c[f"d{i}"]) for i in range(len(dates))),
            *ending,
            func.count(case((now, case((sme, 1))))),  # CASE: asks only for those held
        )
        .select_from(per_firm)
        .outerjoin(Enterprise, and_(now, Enterprise.id == per_firm.c.enterprise_id))
        .group_by(town)
    )
    on = dict.fromkeys(dates, 0)
    expiring, by_town, both = dict.fromkeys(days, 0), {}, 0
    for key, firms, *found in session.execute(stmt):
        counts = [int(n or 0) for n in found]
        for d, n in zip(dates, counts, strict=False):
            on[d] += n
        for w, n in zip(days, counts[len(dates) :], strict=False):
            expiring[w] += n
        both += counts[-1]
        if key != _NOT_HELD:  # every enterprise of the group holds one on as_of
            by_town[None if key == _NO_TOWN else int(key)] = int(firms)
    return _HighTechCounts(on, expiring, by_town, both)


def _tech_sme_counts(session: Session, first: int, last: int) -> dict[int, int]:
    """Evaluation year → 科小 count, for the years first..last (distinct pairs, in index order)."""
    year = Qualification.evaluation_year
    pairs = (
        select(year.label("year"), Qualification.enterprise_id)
        .where(
            Qualification.type_id == type_id(TECH_SME_CODE),
            Qualification.deleted_at.is_(None),
            Qualification.revoked_on.is_(None),
            unindexed(year).between(first, last),
            of_live(Qualification.enterprise_id),
        )
        .distinct()
        .subquery()
    )
    stmt = select(pairs.c.year, func.count()).group_by(pairs.c.year)
    return {int(y): int(n) for y, n in session.execute(stmt) if y is not None}


def _expiring_rows(
    session: Session, on: date, days: int, limit: int
) -> list[tuple[ExpiringRow, date]]:
    """expiring_rows, each with the end of the enterprise's latest certificate not revoked."""
    # The latest expiring certificate of each enterprise (its number with its end), ranked in
    # SQL: portable, where SQLite alone would take a bare column from the row holding the max.
    ranked = (
        expiring_certificates(on, days)
        .add_columns(
            Qualification.enterprise_id.label("enterprise_id"),
            Qualification.number.label("number"),
            Qualification.valid_through.label("through"),
            func.row_number()
            .over(
                partition_by=Qualification.enterprise_id,
                order_by=(Qualification.valid_through.desc(), Qualification.id.desc()),
            )
            .label("rank"),
        )
        .subquery()
    )
    later = aliased(Qualification)
    latest = (
        select(func.max(later.valid_through))
        .where(
            later.enterprise_id == ranked.c.enterprise_id,
            later.type_id == type_id(HIGH_TECH_CODE),
            later.deleted_at.is_(None),
            later.revoked_on.is_(None),
        )
        .correlate(ranked)
        .scalar_subquery()
    )
    stmt = (
        select(Enterprise.id, Enterprise.name, Town.name, ranked.c.number, ranked.c.through, latest)
        .select_from(ranked)
        .join(Enterprise, Enterprise.id == ranked.c.enterprise_id)
        .outerjoin(Town, Town.id == Enterprise.town_id)
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.through, Enterprise.name, Enterprise.id)
        .limit(limit)
    )
    return [
        (ExpiringRow(int(eid), name, town, number, end, (end - on).days), last)
        for eid, name, town, number, end, last in session.execute(stmt)
    ]


def expiring_rows(session: Session, on: date, days: int, limit: int) -> list[ExpiringRow]:
    """The `limit` soonest 高企 on `on` whose latest certificate ends by on + days (inclusive)."""
    return [row for row, _latest in _expiring_rows(session, on, days, limit)]


def _expiring(session: Session, on: date, counts: dict[int, int]) -> tuple[Expiring, ...]:
    """Every window's figure; the rows of the widest window also give the narrower ones'.

    A narrower window's enterprises are those of the widest whose latest certificate ends within
    it, in the same order: its soonest rows are those found among the widest window's rows unless
    fewer than it has were found (then it is asked for on its own).
    """
    widest = max(counts)
    found = _expiring_rows(session, on, widest, EXPIRING_ROWS)
    out = []
    for days, n in counts.items():
        end = on + timedelta(days=days)
        rows = [row for row, latest in found if latest <= end]
        if len(rows) < min(n, EXPIRING_ROWS):
            rows = expiring_rows(session, on, days, EXPIRING_ROWS)
        figure = Figure(n, Selector(EXPIRING, on=on, days=days))
        out.append(Expiring(days, figure, tuple(rows)))
    return tuple(out)


def _ladder(session: Session, on: date, live: int) -> tuple[LadderBar, ...]:
    stages = ladder_stages(on, extra=of_live(Qualification.enterprise_id))
    stmt = select(stages.c.stage, func.count()).group_by(stages.c.stage)
    counts = {int(stage): int(n) for stage, n in session.execute(stmt)}
    counts[0] = live - sum(n for stage, n in counts.items() if stage != 0)
    return tuple(
        LadderBar(stage, name, Figure(counts.get(stage, 0), Selector(LADDER, on=on, stage=stage)))
        for stage, name in sorted(LADDER_NAMES.items())
    )


def _rd_counts(session: Session, year: int, a_revenue: float, b_revenue: float) -> list[int]:
    """How many enterprises are on 两清零 lists A and B."""
    conds = [rd_condition(RD_LIST_A, a_revenue), rd_condition(RD_LIST_B, b_revenue)]
    sums = [func.count(case((cond, EnterpriseYear.enterprise_id))) for cond in conds]
    # Only the figures on either list are joined to their (wide) enterprise rows.
    stmt = rd_figures(year).add_columns(*sums).where(or_(*conds))
    return [int(n or 0) for n in session.execute(stmt).one()]


# ----- assembling -----


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def _towns(
    session: Session,
    c: dict[int | None, _TownCounts],
    as_of: date,
    year: int,
) -> tuple[TownFigures, ...]:
    towns: list[tuple[int | None, str | None]] = list(town_names(session))
    if None in c and c[None].live:
        towns.append((None, None))
    _n_all, n_ht, n_sme = (sum(getattr(t, k) for t in c.values()) for k in _KINDS)
    live, ht = Selector(LIVE), Selector(HIGH_TECH, on=as_of)
    sme = Selector(TECH_SME, year=year)
    targets = count_town_targets(session, year)
    out = []
    for town_id, name in towns:
        n = c.get(town_id, _TownCounts(0, 0, 0))
        out.append(
            TownFigures(
                town_id=town_id,
                town=name,
                enterprises=Figure(n.live, live.in_town(town_id)),
                high_tech=Figure(n.high_tech, ht.in_town(town_id)),
                tech_sme=Figure(n.tech_sme, sme.in_town(town_id)),
                high_tech_share=_share(n.high_tech, n_ht),
                tech_sme_share=_share(n.tech_sme, n_sme),
                high_tech_target=targets["high_tech"].get(name or ""),
                tech_sme_target=targets["tech_sme"].get(name or ""),
            )
        )
    return tuple(out)


_KINDS = ("live", "high_tech", "tech_sme")


def _trend_dates(as_of: date, year: int) -> list[tuple[int, date]]:
    """(year, day 高企 are counted on) for every year of the trend."""
    last = max(year, as_of.year)
    return [
        (y, as_of if y == as_of.year else date(y, 12, 31))
        for y in range(TREND_FIRST_YEAR, last + 1)
    ]


def _trend(
    points: list[tuple[int, date]], high_tech: dict[date, int], tech_sme: dict[int, int]
) -> tuple[TrendPoint, ...]:
    return tuple(
        TrendPoint(
            y,
            on,
            Figure(high_tech[on], Selector(HIGH_TECH, on=on)),
            Figure(tech_sme.get(y, 0), Selector(TECH_SME, year=y)),
        )
        for y, on in points
    )


def dashboard(
    session: Session, as_of: date, year: int | None = None, rd_year: int | None = None
) -> Dashboard:
    """Every figure of the dashboard on `as_of` for `year` (default as_of's year)."""
    year = as_of.year if year is None else year
    rd_year = year - 1 if rd_year is None else rd_year
    settings = get_settings(session)
    targets = get_count_targets(session, year)
    points = _trend_dates(as_of, year)
    year_end = date(year, 12, 31)
    days = sorted({year_end, *(on for _, on in points)})
    ht = _high_tech_counts(session, days, as_of, year, EXPIRY_WINDOWS)
    sme = _tech_sme_counts(session, TREND_FIRST_YEAR, max(year, as_of.year))
    towns = _by_town(session, ht.by_town, year)
    total = _TownCounts(*(sum(getattr(t, f) for t in towns.values()) for f in _KINDS))
    a, b = settings.rd_list_a_revenue, settings.rd_list_b_revenue
    n_a, n_b = _rd_counts(session, rd_year, a, b)
    return Dashboard(
        as_of=as_of,
        year=year,
        rd_year=rd_year,
        high_tech=CountSummary(
            Figure(total.high_tech, Selector(HIGH_TECH, on=as_of)), targets["high_tech"]
        ),
        tech_sme=CountSummary(
            Figure(total.tech_sme, Selector(TECH_SME, year=year)), targets["tech_sme"]
        ),
        projection_high_tech=Figure(ht.on[year_end], Selector(HIGH_TECH, on=year_end)),
        both=Figure(ht.both, Selector(BOTH, on=as_of, year=year)),
        enterprises=Figure(total.live, Selector(LIVE)),
        towns=_towns(session, towns, as_of, year),
        trend=_trend(points, ht.on, sme),
        expiring=_expiring(session, as_of, ht.expiring),
        rd_list_a=Figure(n_a, Selector(RD_LIST_A, year=rd_year, revenue=a)),
        rd_list_b=Figure(n_b, Selector(RD_LIST_B, year=rd_year, revenue=b)),
        rd_list_a_revenue=a,
        rd_list_b_revenue=b,
        ladder=_ladder(session, as_of, total.live),
    )
