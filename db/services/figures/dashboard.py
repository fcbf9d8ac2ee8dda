"""Everything the 首页 dashboard shows: each figure is a count and the selector of its enterprises.

The counting conditions are those of db/services/queries.py (so the dashboard agrees with the
returns and `bureau stats`). A refresh only counts, with SQL aggregates; each figure carries a
small Selector naming what it counts, and `ids_for(session, selector)` lists the enterprises behind
it when the figure is clicked — exactly those the roster then shows. A refresh is two halves of
about equal cost (high_tech_half, other_half) that 首页 runs side by side, each on its own session,
and `assemble` puts together without the store; `dashboard()` runs both on one session.

Rules and choices (domain.md "Counts that the bureau reports"):
* 高企 on the as-of date; 科小 of the chosen year; targets of the chosen year; the 高企 year-end
  projection = valid on 31 December of the year (expiries drop out, new ones only when entered).
* By town: a town's target is its own (plans.md: town targets are optional; where none is set,
  nothing is invented — no share-of-enterprises split), and its share of the district count is its
  count ÷ the district count.
* Trend since 2019: 高企 valid on 31 December of each year (on the as-of date for the as-of year);
  科小 entries of each evaluation year.
* Expiring: enterprises counted as 高企 on the as-of date whose latest certificate (not revoked)
  ends within N days (as-of + N included) — they drop out unless they are re-certified. Due this
  year (年内到期, plans.md): the same with N reaching 30 December, so they are not valid on 31
  December (有效数 − 年内到期 = the as-of year's year-end count).
* Lapsed (已过期未重新认定): certificates (not revoked) that ended in the as-of year before the
  as-of date, of enterprises holding none issued later — the 到期预警 return's 已到期 rows.
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
from sqlalchemy.orm import Session

from db.models import Enterprise, EnterpriseYear, Qualification, Town
from db.rules.validity import LADDER_NAMES
from db.services.figures.dashboard_rows import (
    ExpiringRow,
    expiring_rows,
    expiring_with_latest,
    lapsed_rows,
)
from db.services.figures.returns_data import count_town_targets
from db.services.figures.selectors import (
    BOTH,
    EXPIRING,
    HIGH_TECH,
    LADDER,
    LAPSED,
    LIVE,
    RD_LIST_A,
    RD_LIST_B,
    TECH_SME,
    Figure,
    Selector,
    dates_valid,
    of_live,
    rd_condition,
    rd_figures,
)
from db.services.queries import HIGH_TECH as HIGH_TECH_CODE
from db.services.queries import (
    dates_cover,
    high_tech_valid_on,
    ladder_stages,
    live_enterprise,
    tech_sme_in_year,
    type_id,
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
class Expiring:
    days: int
    figure: Figure
    rows: tuple[ExpiringRow, ...]  # the EXPIRING_ROWS soonest first


@dataclass(frozen=True)
class Lapsed:
    """Certificates lapsed since 1 January of the as-of year and not renewed (到期预警's 已到期)."""

    since: date
    figure: Figure
    rows: tuple[ExpiringRow, ...]  # the EXPIRING_ROWS most recently lapsed first (days_left < 0)


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
    due_this_year: Figure  # 年内到期: not valid on 31 December of the as-of year
    lapsed: Lapsed
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


def _by_town(
    live: dict[int | None, int], ht: dict[int | None, int], sme: dict[int | None, int]
) -> dict[int | None, _TownCounts]:
    """Per town: live enterprises, 高企 (_high_tech_counts) and 科小 of the year (_tech_sme_counts)."""
    return {
        town: _TownCounts(live.get(town, 0), ht.get(town, 0), sme.get(town, 0))
        for town in {*live, *ht, *sme}
    }


@dataclass(frozen=True)
class _HighTechCounts:
    on: dict[date, int]  # day → 高企 valid that day
    expiring: dict[int, int]  # window in days → 高企 on as_of expiring within it


_NO_TOWN = -1  # the grouping key of enterprises without a town


def _town_key(key: int | None) -> int | None:
    return None if key is None or key == _NO_TOWN else int(key)


def _high_tech_counts(
    session: Session, dates: list[date], as_of: date, windows: Iterable[int]
) -> _HighTechCounts:
    """高企 on each date and expiring within each window, in two passes over the certificates.

    Per enterprise: held on each date; `latest` = last day of its latest certificate not
    revoked; `dated` = one not revoked is valid on as_of and has an end. It is expiring within N
    days exactly when dated and latest ≤ as_of + N (as in expiring_certificates). An enterprise
    with one certificate counts what that certificate counts: the first pass counts certificates
    (no grouping, cheap), the second adds, for the enterprises holding several, what each counts
    less what its certificates counted.
    """
    live_cert = Qualification.revoked_on.is_(None)
    through = Qualification.valid_through
    firm = Qualification.enterprise_id
    held = [dates_valid(on) for on in dates]
    dated = and_(live_cert, dates_cover(as_of, covering=True), through.is_not(None))
    days = list(windows)
    ends = [as_of + timedelta(n) for n in days]
    rows = (
        Qualification.type_id == type_id(HIGH_TECH_CODE),
        Qualification.deleted_at.is_(None),
        # ended before the first date: counted on none, never a held firm's latest
        or_(through.is_(None), through >= min([*dates, as_of])),
        of_live(firm),
    )
    per_cert = [*held, *(and_(dated, through <= end) for end in ends)]
    counts = [
        int(n or 0)
        for n in session.execute(
            select(*(func.count().filter(c) for c in per_cert)).where(*rows)
        ).one()
    ]
    latest = func.max(case((live_cert, through)))
    is_dated = func.max(case((dated, 1), else_=0)) == 1
    per_firm = [
        *(func.max(case((c, 1), else_=0)) for c in held),
        *(case((and_(is_dated, latest <= end), 1), else_=0) for end in ends),
    ]
    several = select(firm).where(*rows).group_by(firm).having(func.count() > 1)
    corrections = (
        select(
            *(
                (g - func.count().filter(c)).label(f"c{i}")
                for i, (g, c) in enumerate(zip(per_firm, per_cert, strict=True))
            )
        )
        .where(*rows, firm.in_(several))
        .group_by(firm)
        .subquery()
    )
    more = session.execute(select(*(func.sum(c) for c in corrections.c))).one()
    counts = [n + int(m or 0) for n, m in zip(counts, more, strict=True)]
    return _HighTechCounts(
        dict(zip(dates, counts, strict=False)),
        dict(zip(days, counts[len(dates) :], strict=True)),
    )


def _high_tech_by_town(session: Session, on: date, year: int) -> tuple[dict[int | None, int], int]:
    """Per town, the live enterprises holding a 高企 certificate valid on `on`; and how many of
    them have a 科小 entry of `year` (同时为高企和科小)."""
    town = func.coalesce(Enterprise.town_id + 0, _NO_TOWN)  # grouped with a sort
    firm = Qualification.enterprise_id
    sme = firm.in_(_tech_sme_of(year))
    stmt = (
        select(town, func.count(distinct(firm)), func.count(distinct(case((sme, firm)))))
        .join(Enterprise, Enterprise.id == firm)
        .where(high_tech_valid_on(on, covering=True), live_enterprise())
        .group_by(town)
    )
    by_town, both = {}, 0
    for t, n, n_both in session.execute(stmt):
        by_town[_town_key(t)] = int(n)
        both += int(n_both)
    return by_town, both


def _tech_sme_counts(session: Session, first: int, last: int) -> dict[int, int]:
    """Evaluation year → 科小 count, for the years first..last: one count per year, each of the
    distinct enterprises of that year's entries (read in enterprise order, no sort)."""
    firm = Qualification.enterprise_id
    per_year = [
        _tech_sme_of(y).where(of_live(firm)).with_only_columns(func.count(distinct(firm)))
        for y in range(first, last + 1)
    ]
    found = session.execute(select(*(q.scalar_subquery() for q in per_year))).one()
    return {y: int(n) for y, n in zip(range(first, last + 1), found, strict=True) if n}


def _tech_sme_by_town(session: Session, year: int) -> dict[int | None, int]:
    """Per town, the live enterprises with a 科小 entry of `year`."""
    town = func.coalesce(Enterprise.town_id + 0, _NO_TOWN)  # grouped with a sort
    firm = Qualification.enterprise_id
    stmt = (
        _tech_sme_of(year)
        .with_only_columns(town, func.count(distinct(firm)))
        .join(Enterprise, Enterprise.id == firm)
        .where(live_enterprise())
        .group_by(town)
    )
    return {_town_key(t): int(n) for t, n in session.execute(stmt)}


def _expiring_found(
    session: Session, on: date, windows: Iterable[int], limit: int
) -> dict[int, tuple[ExpiringRow, ...]]:
    """Each window's soonest rows; the rows of the widest window also give the narrower ones'.

    A narrower window's enterprises are those of the widest whose latest certificate ends within
    it, in the same order: its soonest rows are those found among the widest window's rows, unless
    the widest list was cut and fewer than `limit` of them are in it (then it is asked for on its
    own).
    """
    widest = max(windows)
    found = expiring_with_latest(session, on, widest, limit)
    out = {}
    for days in windows:
        end = on + timedelta(days=days)
        rows = [row for row, latest in found if latest <= end]
        if len(found) >= limit > len(rows):
            rows = expiring_rows(session, on, days, limit)
        out[days] = tuple(rows)
    return out


def _days_to_year_end(on: date) -> int:
    """The window of 年内到期: certificates ending by 30 December are not valid on the 31st."""
    return (date(on.year, 12, 30) - on).days


def _ladder_counts(session: Session, on: date) -> dict[int, int]:
    """Stage → live enterprises at it on `on` (stage 0 is derived from the live count)."""
    stages = ladder_stages(on, extra=of_live(Qualification.enterprise_id))
    stmt = select(stages.c.stage, func.count()).group_by(stages.c.stage)
    return {int(stage): int(n) for stage, n in session.execute(stmt)}


def _ladder(on: date, counts: dict[int, int], live: int) -> tuple[LadderBar, ...]:
    counts = {**counts, 0: live - sum(n for stage, n in counts.items() if stage != 0)}
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
    names: list[tuple[int, str]],
    targets: dict[str, dict[str, int]],
    c: dict[int | None, _TownCounts],
    as_of: date,
    year: int,
) -> tuple[TownFigures, ...]:
    towns: list[tuple[int | None, str | None]] = list(names)
    if None in c and c[None].live:
        towns.append((None, None))
    _n_all, n_ht, n_sme = (sum(getattr(t, k) for t in c.values()) for k in _KINDS)
    live, ht = Selector(LIVE), Selector(HIGH_TECH, on=as_of)
    sme = Selector(TECH_SME, year=year)
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


@dataclass(frozen=True)
class DashboardPlan:
    """What one refresh counts: the as-of date, the target year, the 两清零 figures' year."""

    as_of: date
    year: int
    rd_year: int

    @property
    def points(self) -> list[tuple[int, date]]:
        return _trend_dates(self.as_of, self.year)

    @property
    def year_end(self) -> date:
        return date(self.year, 12, 31)

    @property
    def this_year(self) -> int:
        return _days_to_year_end(self.as_of)


def plan(as_of: date, year: int | None = None, rd_year: int | None = None) -> DashboardPlan:
    """The refresh on `as_of` for `year` (default as_of's year), 两清零 of rd_year (year − 1)."""
    year = as_of.year if year is None else year
    return DashboardPlan(as_of, year, year - 1 if rd_year is None else rd_year)


@dataclass(frozen=True)
class HighTechHalf:
    """The 高企 pass and the 两清零 lists: one half of a refresh (see other_half)."""

    counts: _HighTechCounts
    by_town: dict[int | None, int]  # 高企 on as_of
    both: int  # of them, 科小 of the year
    rd: tuple[int, int]
    rd_revenue: tuple[float, float]


@dataclass(frozen=True)
class OtherHalf:
    """科小, towns, ladder and the certificate lists: the other half of a refresh."""

    targets: dict[str, int | None]
    tech_sme: dict[int, int]
    tech_sme_by_town: dict[int | None, int]
    live_by_town: dict[int | None, int]
    ladder: dict[int, int]
    expiring_rows: dict[int, tuple[ExpiringRow, ...]]
    lapsed: Lapsed
    town_names: list[tuple[int, str]]
    town_targets: dict[str, dict[str, int]]


def high_tech_half(session: Session, p: DashboardPlan) -> HighTechHalf:
    """The half of a refresh that counts 高企 (every date, window and town) and 两清零."""
    days = sorted({p.year_end, *(on for _, on in p.points)})
    windows = {*EXPIRY_WINDOWS, p.this_year}
    ht = _high_tech_counts(session, days, p.as_of, windows)
    settings = get_settings(session)
    a, b = settings.rd_list_a_revenue, settings.rd_list_b_revenue
    n_a, n_b = _rd_counts(session, p.rd_year, a, b)
    by_town, both = _high_tech_by_town(session, p.as_of, p.year)
    return HighTechHalf(ht, by_town, both, (n_a, n_b), (a, b))


def other_half(session: Session, p: DashboardPlan) -> OtherHalf:
    """The other half: targets, 科小 by year and town, live firms, ladder, certificate lists."""
    first = min(TREND_FIRST_YEAR, p.year)
    sme = _tech_sme_counts(session, first, max(p.year, p.as_of.year))
    rows, n_lapsed = lapsed_rows(session, p.as_of, EXPIRING_ROWS)
    since = date(p.as_of.year, 1, 1)
    lapsed = Lapsed(since, Figure(n_lapsed, Selector(LAPSED, on=p.as_of)), tuple(rows))
    return OtherHalf(
        targets=get_count_targets(session, p.year),
        tech_sme=sme,
        tech_sme_by_town=_tech_sme_by_town(session, p.year),
        live_by_town=_live_by_town(session),
        ladder=_ladder_counts(session, p.as_of),
        expiring_rows=_expiring_found(session, p.as_of, EXPIRY_WINDOWS, EXPIRING_ROWS),
        lapsed=lapsed,
        town_names=town_names(session),
        town_targets=count_town_targets(session, p.year),
    )


def assemble(p: DashboardPlan, first: HighTechHalf, other: OtherHalf) -> Dashboard:
    """The dashboard from its two halves (no store: the halves may come from two threads)."""
    as_of, year, ht = p.as_of, p.year, first.counts
    towns = _by_town(other.live_by_town, first.by_town, other.tech_sme_by_town)
    total = _TownCounts(*(sum(getattr(t, f) for t in towns.values()) for f in _KINDS))
    (a, b), (n_a, n_b) = first.rd_revenue, first.rd
    expiring = tuple(
        Expiring(
            n, Figure(ht.expiring[n], Selector(EXPIRING, on=as_of, days=n)), other.expiring_rows[n]
        )
        for n in EXPIRY_WINDOWS
    )
    due = Selector(EXPIRING, on=as_of, days=p.this_year)
    return Dashboard(
        as_of=as_of,
        year=year,
        rd_year=p.rd_year,
        high_tech=CountSummary(
            Figure(total.high_tech, Selector(HIGH_TECH, on=as_of)), other.targets["high_tech"]
        ),
        tech_sme=CountSummary(
            Figure(total.tech_sme, Selector(TECH_SME, year=year)), other.targets["tech_sme"]
        ),
        projection_high_tech=Figure(ht.on[p.year_end], Selector(HIGH_TECH, on=p.year_end)),
        both=Figure(first.both, Selector(BOTH, on=as_of, year=year)),
        enterprises=Figure(total.live, Selector(LIVE)),
        towns=_towns(other.town_names, other.town_targets, towns, as_of, year),
        trend=_trend(p.points, ht.on, other.tech_sme),
        expiring=expiring,
        due_this_year=Figure(ht.expiring[p.this_year], due),
        lapsed=other.lapsed,
        rd_list_a=Figure(n_a, Selector(RD_LIST_A, year=p.rd_year, revenue=a)),
        rd_list_b=Figure(n_b, Selector(RD_LIST_B, year=p.rd_year, revenue=b)),
        rd_list_a_revenue=a,
        rd_list_b_revenue=b,
        ladder=_ladder(as_of, other.ladder, total.live),
    )


def dashboard(
    session: Session, as_of: date, year: int | None = None, rd_year: int | None = None
) -> Dashboard:
    """Every figure of the dashboard on `as_of` for `year` (default as_of's year).

    Both halves on one session here; 首页 runs them as two background tasks side by side."""
    p = plan(as_of, year, rd_year)
    return assemble(p, high_tech_half(session, p), other_half(session, p))
