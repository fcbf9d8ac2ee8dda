"""Everything the 首页 dashboard shows, each figure with the ids of the enterprises behind it.

The counting conditions are those of db/services/counts.py (so the dashboard agrees with the
returns and `bureau stats`); each figure carries its enterprise ids so that a click shows exactly
those enterprises in the roster.

Rules and choices (domain.md "Counts that the bureau reports"):
* 高企 on the as-of date; 科小 of the chosen year; targets of the chosen year; the 高企 year-end
  projection = valid on 31 December of the year (expiries drop out, new ones only when entered).
* By town: towns have no targets of their own, so a town's share of a target is the district
  target × the town's share of the district's live enterprises (its base), and its share of the
  district count is its count ÷ the district count.
* Trend since 2019: 高企 valid on 31 December of each year (on the as-of date for the as-of year);
  科小 entries of each evaluation year.
* Expiring: enterprises counted as 高企 on the as-of date whose latest certificate (not revoked)
  ends within N days (as-of + N included) — they drop out unless they are re-certified.
* 两清零 (thresholds are settings): the figures of `rd_year` (default: the year before), list A =
  规上工业企业 with revenue ≥ A and R&D activity reported as none; list B = revenue ≥ B and
  R&D institution reported as none (as in the 两清零 return; unreported is not listed).
* Ladder: each live enterprise's stage on the as-of date (highest rank valid then, 0 when none).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from db.models import Enterprise, Qualification, QualificationType, Town
from db.rules.validity import LADDER_NAMES
from db.services.counts import high_tech_ids, high_tech_valid_on, tech_sme_ids
from db.services.returns_data import RdRow, above_scale_figures
from db.services.settings import get_count_targets, get_settings

TREND_FIRST_YEAR = 2019
EXPIRY_WINDOWS = (90, 180)


@dataclass(frozen=True)
class Figure:
    """A count and the ids of the enterprises behind it (sorted)."""

    ids: tuple[int, ...]

    @property
    def value(self) -> int:
        """How many enterprises."""
        return len(self.ids)


def figure(ids: Iterable[int]) -> Figure:
    """A figure from any iterable of ids (deduplicated, sorted)."""
    return Figure(tuple(sorted(set(ids))))


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
    high_tech_target_share: float | None  # target × share of the district's enterprises
    tech_sme_target_share: float | None


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
    rows: tuple[ExpiringRow, ...]  # soonest first


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


# ----- queries (one per figure) -----


def _ids_by_town(session: Session, ids: Select[Any]) -> dict[int, int | None]:
    """Enterprise id → town id for the ids of a counting query."""
    sub = ids.subquery()
    stmt = select(sub.c.enterprise_id, Enterprise.town_id).join(
        Enterprise, Enterprise.id == sub.c.enterprise_id
    )
    return {int(eid): town for eid, town in session.execute(stmt)}


def live_enterprises(session: Session) -> dict[int, int | None]:
    """Every live enterprise id → its town id."""
    stmt = select(Enterprise.id, Enterprise.town_id).where(Enterprise.deleted_at.is_(None))
    return {int(eid): town for eid, town in session.execute(stmt)}


def town_names(session: Session) -> list[tuple[int, str]]:
    """All towns (id, name) in display order."""
    stmt = select(Town.id, Town.name).order_by(Town.sort_order, Town.id)
    return [(int(i), n) for i, n in session.execute(stmt)]


def ladder_stages(session: Session, on: date) -> dict[int, int]:
    """Ladder stage of every live enterprise on a date (highest rank valid then, 0 when none)."""
    valid = and_(
        Qualification.enterprise_id == Enterprise.id,
        Qualification.deleted_at.is_(None),
        Qualification.valid_from <= on,
        or_(Qualification.valid_through.is_(None), Qualification.valid_through >= on),
        or_(Qualification.revoked_on.is_(None), Qualification.revoked_on > on),
    )
    stmt = (
        select(Enterprise.id, func.coalesce(func.max(QualificationType.ladder_rank), 0))
        .select_from(Enterprise)
        .outerjoin(Qualification, valid)
        .outerjoin(QualificationType, QualificationType.id == Qualification.type_id)
        .where(Enterprise.deleted_at.is_(None))
        .group_by(Enterprise.id)
    )
    return {int(eid): int(stage) for eid, stage in session.execute(stmt)}


def expiring_high_tech(session: Session, on: date, days: int) -> list[ExpiringRow]:
    """高企 on `on` whose latest non-revoked certificate ends by on + days (inclusive)."""
    end = on + timedelta(days=days)
    latest = (
        select(
            Qualification.enterprise_id.label("eid"),
            func.max(Qualification.valid_through).label("through"),
        )
        .where(
            high_tech_valid_on(on),
            Qualification.revoked_on.is_(None),
        )
        .group_by(Qualification.enterprise_id)
        .subquery()
    )
    stmt = (
        select(
            Enterprise.id,
            Enterprise.name,
            Town.name,
            Qualification.number,
            latest.c.through,
        )
        .join(latest, latest.c.eid == Enterprise.id)
        .join(
            Qualification,
            and_(
                Qualification.enterprise_id == Enterprise.id,
                Qualification.valid_through == latest.c.through,
                high_tech_valid_on(on),
            ),
        )
        .outerjoin(Town, Town.id == Enterprise.town_id)
        .where(Enterprise.deleted_at.is_(None), latest.c.through <= end)
        .where(~_renewed(end))
        .order_by(latest.c.through, Enterprise.name, Enterprise.id)
    )
    rows: dict[int, ExpiringRow] = {}
    for eid, name, town, number, through in session.execute(stmt):
        if eid not in rows:
            rows[eid] = ExpiringRow(eid, name, town, number, through, (through - on).days)
    return list(rows.values())


def _high_tech_type() -> Any:
    return (
        select(QualificationType.id).where(QualificationType.code == "high_tech").scalar_subquery()
    )


def _renewed(end: date) -> Any:
    """The enterprise already holds a certificate (not revoked) ending after `end`."""
    later = aliased(Qualification)
    return (
        select(later.id)
        .where(
            later.enterprise_id == Enterprise.id,
            later.type_id == _high_tech_type(),
            later.deleted_at.is_(None),
            later.revoked_on.is_(None),
            later.valid_through > end,
        )
        .correlate(Enterprise)
        .exists()
    )


def rd_lists(
    session: Session, year: int, a_revenue: float, b_revenue: float
) -> tuple[list[RdRow], list[RdRow]]:
    """两清零 lists A and B of a year's figures (the row source of the 两清零 return)."""
    rows = above_scale_figures(session, year, None, min(a_revenue, b_revenue))
    list_a = [r for r in rows if (r.revenue or 0.0) >= a_revenue and r.rd_activity is False]
    list_b = [r for r in rows if (r.revenue or 0.0) >= b_revenue and r.rd_institution is False]
    return list_a, list_b


# ----- assembling -----


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def _towns(
    session: Session,
    live: dict[int, int | None],
    high_tech: dict[int, int | None],
    tech_sme: dict[int, int | None],
    targets: tuple[int | None, int | None],
) -> tuple[TownFigures, ...]:
    groups: dict[str, dict[int | None, list[int]]] = {
        k: defaultdict(list) for k in ("all", "ht", "sme")
    }
    for key, source in (("all", live), ("ht", high_tech), ("sme", tech_sme)):
        for eid, town in source.items():
            groups[key][town].append(eid)
    towns: list[tuple[int | None, str | None]] = list(town_names(session))
    if groups["all"].get(None):
        towns.append((None, None))
    n_all, n_ht, n_sme = len(live), len(high_tech), len(tech_sme)
    out = []
    for town_id, name in towns:
        base = groups["all"].get(town_id, [])
        ht, sme = groups["ht"].get(town_id, []), groups["sme"].get(town_id, [])
        base_share = _share(len(base), n_all)
        out.append(
            TownFigures(
                town_id=town_id,
                town=name,
                enterprises=figure(base),
                high_tech=figure(ht),
                tech_sme=figure(sme),
                high_tech_share=_share(len(ht), n_ht),
                tech_sme_share=_share(len(sme), n_sme),
                high_tech_target_share=_target_share(targets[0], base_share),
                tech_sme_target_share=_target_share(targets[1], base_share),
            )
        )
    return tuple(out)


def _target_share(target: int | None, base_share: float | None) -> float | None:
    return None if target is None or base_share is None else target * base_share


def _high_tech_spans(session: Session) -> list[tuple[int, date, date | None, date | None]]:
    """Every live high-tech certificate as (enterprise id, valid from, through, revoked on)."""
    stmt = (
        select(
            Qualification.enterprise_id,
            Qualification.valid_from,
            Qualification.valid_through,
            Qualification.revoked_on,
        )
        .join(Enterprise, Enterprise.id == Qualification.enterprise_id)
        .where(
            Qualification.type_id == _high_tech_type(),
            Qualification.deleted_at.is_(None),
            Qualification.valid_from.is_not(None),
            Enterprise.deleted_at.is_(None),
        )
    )
    return [(int(e), f, t, r) for e, f, t, r in session.execute(stmt) if f is not None]


def _valid_ids(spans: list[tuple[int, date, date | None, date | None]], on: date) -> Figure:
    """The rule of counts.high_tech_valid_on applied in memory to the fetched spans."""
    return figure(
        eid
        for eid, start, through, revoked in spans
        if start <= on and (through is None or through >= on) and (revoked is None or revoked > on)
    )


def _tech_sme_by_year(session: Session, first: int, last: int) -> dict[int, list[int]]:
    """Tech-SME enterprise ids per evaluation year (the rule of counts.tech_sme_in_year)."""
    stmt = (
        select(Qualification.evaluation_year, Qualification.enterprise_id)
        .join(Enterprise, Enterprise.id == Qualification.enterprise_id)
        .where(
            Qualification.type_id
            == select(QualificationType.id)
            .where(QualificationType.code == "tech_sme")
            .scalar_subquery(),
            Qualification.deleted_at.is_(None),
            Qualification.revoked_on.is_(None),
            Qualification.evaluation_year.between(first, last),
            Enterprise.deleted_at.is_(None),
        )
    )
    found: dict[int, list[int]] = defaultdict(list)
    for year, eid in session.execute(stmt):
        if year is not None:
            found[int(year)].append(int(eid))
    return found


def _trend(session: Session, as_of: date, year: int) -> tuple[TrendPoint, ...]:
    """Both counts per year since 2019: one fetch of certificates, one of tech-SME entries."""
    last = max(year, as_of.year)
    spans = _high_tech_spans(session)
    sme = _tech_sme_by_year(session, TREND_FIRST_YEAR, last)
    points = []
    for y in range(TREND_FIRST_YEAR, last + 1):
        on = as_of if y == as_of.year else date(y, 12, 31)
        points.append(TrendPoint(y, on, _valid_ids(spans, on), figure(sme.get(y, []))))
    return tuple(points)


def _ladder(session: Session, as_of: date) -> tuple[LadderBar, ...]:
    by_stage: dict[int, list[int]] = defaultdict(list)
    for eid, stage in ladder_stages(session, as_of).items():
        by_stage[stage].append(eid)
    return tuple(
        LadderBar(stage, name, figure(by_stage.get(stage, [])))
        for stage, name in sorted(LADDER_NAMES.items())
    )


def dashboard(
    session: Session, as_of: date, year: int | None = None, rd_year: int | None = None
) -> Dashboard:
    """Every figure of the dashboard on `as_of` for `year` (default as_of's year)."""
    year = as_of.year if year is None else year
    rd_year = year - 1 if rd_year is None else rd_year
    settings = get_settings(session)
    targets = get_count_targets(session, year)
    live = live_enterprises(session)
    ht = _ids_by_town(session, high_tech_ids(as_of))
    sme = _ids_by_town(session, tech_sme_ids(year))
    list_a, list_b = rd_lists(
        session, rd_year, settings.rd_list_a_revenue, settings.rd_list_b_revenue
    )
    expiring = []
    for days in EXPIRY_WINDOWS:
        rows = expiring_high_tech(session, as_of, days)
        expiring.append(Expiring(days, figure(r.enterprise_id for r in rows), tuple(rows)))
    return Dashboard(
        as_of=as_of,
        year=year,
        rd_year=rd_year,
        high_tech=CountSummary(figure(ht), targets["high_tech"]),
        tech_sme=CountSummary(figure(sme), targets["tech_sme"]),
        projection_high_tech=figure(session.scalars(high_tech_ids(date(year, 12, 31)))),
        both=figure(set(ht) & set(sme)),
        enterprises=figure(live),
        towns=_towns(session, live, ht, sme, (targets["high_tech"], targets["tech_sme"])),
        trend=_trend(session, as_of, year),
        expiring=tuple(expiring),
        rd_list_a=figure(r.enterprise_id for r in list_a),
        rd_list_b=figure(r.enterprise_id for r in list_b),
        rd_list_a_revenue=settings.rd_list_a_revenue,
        rd_list_b_revenue=settings.rd_list_b_revenue,
        ladder=_ladder(session, as_of),
    )


# ----- the 两清零一提升 lists in full -----


@dataclass(frozen=True)
class RdListRow:
    enterprise_id: int
    name: str
    uscc: str
    town: str | None
    revenue: float | None
    rd_expense: float | None
    rd_activity: bool | None
    rd_institution: bool | None


@dataclass(frozen=True)
class RdLists:
    year: int
    a_revenue: float
    b_revenue: float
    list_a: tuple[RdListRow, ...]
    list_b: tuple[RdListRow, ...]


def _usccs(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    stmt = select(Enterprise.id, Enterprise.uscc).where(Enterprise.id.in_(ids))
    return {int(eid): uscc for eid, uscc in session.execute(stmt)}


def rd_list_details(session: Session, year: int) -> RdLists:
    """Lists A and B of a year's figures with the thresholds of the settings (for the screen)."""
    settings = get_settings(session)
    a, b = settings.rd_list_a_revenue, settings.rd_list_b_revenue
    list_a, list_b = rd_lists(session, year, a, b)
    codes = _usccs(session, {r.enterprise_id for r in list_a + list_b})

    def rows(found: list[RdRow]) -> tuple[RdListRow, ...]:
        return tuple(
            RdListRow(
                r.enterprise_id,
                r.name,
                codes.get(r.enterprise_id, ""),
                r.town,
                r.revenue,
                r.rd_expense,
                r.rd_activity,
                r.rd_institution,
            )
            for r in found
        )

    return RdLists(year, a, b, rows(list_a), rows(list_b))
