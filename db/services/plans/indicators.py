"""Indicators of the district's plans, evaluated for a year (spec/plans.md, spec/cli.md).

API CONTRACT (written by the lead; the indicators helper implements the bodies, the screen helper
builds on it — keep names and fields).

Rules (arithmetic in db/rules/indicators.py, sources in sources.py):
* year Y is evaluated as of 31 Dec Y, or — for the current year — as of today (or the date given,
  which must lie in Y); earlier years of the trend and of the growths are taken at their 31 Dec;
* a computed indicator's actual is its source's value; a manual one's is the value typed in; a
  growth indicator grows its `series` (a source or another indicator's code; else its own source):
  actual = year-on-year growth of the series in %, avg_growth = average growth since the base year,
  where the base value is the series' value in the base year (else the series' own value then);
* yoy_growth and avg_growth of counts and amounts grow the actual itself; rates and cumulative
  totals have none;
* the town split exists where the source is per enterprise, platform, carrier, contract …; a town
  target is shown where one is set — none is ever invented. With `town`, the table keeps only the
  indicators with a town split and shows that town's actual against the town's target.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    IndicatorTownTarget,
    Town,
)
from db.rules import indicators as rules
from db.rules.indicators import BEHIND, DONE, KINDS, NO_TARGET, ON_SCHEDULE, STATUSES
from db.services.plans.indicators_edit import (
    ENTITY,
    MANUAL,
    IndicatorDefinition,
    IndicatorError,
    add_indicator,
    check_source,
    get_indicator,
    list_indicators,
    set_actual,
    set_target,
    update_indicator,
)
from db.services.plans.sources import (
    CATALOGUE,
    FIGURE_SOURCES,
    SOURCES,
    Context,
    Figure,
    FiguresPass,
    Measure,
    SourceInfo,
    figure,
    figures_pass,
    ids_behind,
    measure_of,
    source_label,
    total,
    yearly_figures,
)
from db.services.versions import NOT_STORED

__all__ = [
    "BEHIND",
    "CATALOGUE",
    "DONE",
    "ENTITY",
    "KINDS",
    "MANUAL",
    "NO_TARGET",
    "ON_SCHEDULE",
    "SOURCES",
    "STATUSES",
    "Behind",
    "IndicatorDefinition",
    "IndicatorError",
    "IndicatorValue",
    "SourceInfo",
    "TownValue",
    "add_indicator",
    "check_source",
    "get_indicator",
    "indicator_table",
    "indicator_value",
    "list_indicators",
    "records_behind",
    "resolve_as_of",
    "set_actual",
    "set_target",
    "source_label",
    "town_id",
    "update_indicator",
]

TREND_YEARS = 5  # at most this many points in a trend (the last five years)
ENTITY_UNITS = {"enterprise": "家", "platform": "个", "carrier": "家", "incubatee": "家"}
ENTITY_UNITS |= {"contract": "项", "result": "项", "commissioner": "人"}
GROWN_KINDS = frozenset({"count", "amount"})


@dataclass(frozen=True)
class TownValue:
    """One town's share of an indicator in a year (town None: records without a town)."""

    town_id: int | None
    town: str | None
    target: float | None
    actual: float | None
    completion: float | None  # % (points for rates and growths), None without a target
    target_version: int = NOT_STORED  # what a save of the town's target names (versions.py)


@dataclass(frozen=True)
class IndicatorValue:
    """An indicator evaluated for a year — the object of `bureau indicators list --json`."""

    id: int
    code: str
    name: str
    unit: str
    kind: str
    source: str
    year: int
    as_of: date
    base_year: int | None
    base_value: float | None
    target: float | None
    actual: float | None  # None where a manual indicator has no value yet
    completion: float | None  # %
    status: str  # one of STATUSES
    yoy_growth: float | None  # %
    avg_growth: float | None  # % a year since the base year
    department: str | None
    by_town: tuple[TownValue, ...]  # empty where the source has no town breakdown
    trend: tuple[tuple[int, float | None], ...]  # (year, actual) from the base year (or Y-4) to Y
    computed: bool  # source is not manual
    entered_by: str | None  # manual actuals: who and when
    entered_at: datetime | None
    note: str | None
    # what a save of the year's target / manual actual names (db/services/versions.py)
    target_version: int = NOT_STORED
    actual_version: int = NOT_STORED


@dataclass(frozen=True)
class Behind:
    """The records a computed actual counts: which table, and the ids (for a click-through)."""

    entity: str  # enterprise | platform | carrier | incubatee | contract | result | commissioner
    ids: tuple[int, ...]
    label: str  # e.g. "2025年有效高企 · 67家"


def resolve_as_of(year: int, as_of: date | None = None, today: date | None = None) -> date:
    """The as-of date of year Y: the date given (inside Y), else today within Y, else its 31 Dec
    (1 Jan for a year still to come)."""
    if as_of is not None:
        if as_of.year != year:
            raise IndicatorError(f"截至日期 {as_of.isoformat()} 不在{year}年内")
        return as_of
    day = today or date.today()
    return min(max(day, date(year, 1, 1)), date(year, 12, 31))


def _has_split(ind: Indicator) -> bool:
    """The actual comes from a source with a town split (not manual, not a growth)."""
    if ind.source == MANUAL or ind.kind == "growth":
        return False
    info = SOURCES.get(ind.source.split(":", 1)[0])
    return info is not None and info.by_town


def _is_growth(ind: Indicator) -> bool:
    return ind.kind == "growth" and (ind.series is not None or ind.source != MANUAL)


class _Evaluation:
    """One evaluation of the indicators for a year: loads targets and actuals once, and keeps each
    source's value per year so that a series shared by several indicators is computed once."""

    def __init__(self, session: Session, year: int, as_of: date, trend: bool = True) -> None:
        self.session, self.year, self.as_of, self.with_trend = session, year, as_of, trend
        self.share = rules.year_share(year, as_of)
        self.indicators = {
            i.code: i
            for i in session.scalars(select(Indicator).order_by(Indicator.sort_order, Indicator.id))
        }
        self.actuals = {
            (a.indicator_id, a.year): a for a in session.scalars(select(IndicatorActual))
        }
        district = session.scalars(select(IndicatorTarget).where(IndicatorTarget.year == year))
        self.target_rows = {t.indicator_id: t for t in district}
        self.targets = {i: t.target for i, t in self.target_rows.items()}
        towns = session.scalars(select(IndicatorTownTarget).where(IndicatorTownTarget.year == year))
        self.town_target_rows = {(t.indicator_id, t.town_id): t for t in towns}
        self.town_targets = {k: t.target for k, t in self.town_target_rows.items()}
        self.towns = list(
            session.execute(select(Town.id, Town.name).order_by(Town.sort_order, Town.id))
        )
        self._totals: dict[tuple[str, float, int | None, int], float | None] = {}
        self._figures: dict[tuple[str, float, int | None], Figure] = {}
        self._measures: dict[tuple[str, float, int | None], Measure] = {}
        self._pass: FiguresPass | None = None
        self._yearly: dict[tuple[str, float, int | None], dict[int, Figure]] = {}

    def context(self, ind: Indicator, year: int) -> Context:
        as_of = self.as_of if year == self.year else date(year, 12, 31)
        return Context(year, as_of, ind.unit, ind.base_year)

    @staticmethod
    def key(ind: Indicator, source: str) -> tuple[str, float, int | None]:
        """What a source's value depends on besides the year: the unit's scale, and the base year
        of a cumulative count — so indicators sharing a series share its queries."""
        since = ind.base_year if source.startswith("results_transferred_cumulative") else None
        return source, rules.unit_scale(ind.unit), since

    def measure(self, ind: Indicator, source: str, year: int) -> Measure:
        """A source's measure, built once and run again for each year where it can be."""
        key = self.key(ind, source)
        found = self._measures.get(key)
        if found is None or (found.per_year and year != self.year):
            found = measure_of(source, self.context(ind, year))
            if year == self.year or not found.per_year:
                self._measures[key] = found
        return found

    def figures(self, source: str, year: int) -> FiguresPass | None:
        """The one pass over the yearly figures of the last years, for the sources read there."""
        if source not in FIGURE_SOURCES or not self.year - TREND_YEARS <= year <= self.year:
            return None
        if self._pass is None:
            years = range(self.year - TREND_YEARS, self.year + 1)
            self._pass = figures_pass(self.session, years, towns_year=self.year)
        return self._pass

    def yearly(self, ind: Indicator, source: str) -> dict[int, Figure]:
        """A source's values of the trend's past years, in one query where the source has one
        (and the current year's where it comes at no extra cost); empty where it has none or
        without a trend (then only the year before is asked for: its own query costs no more)."""
        if not self.with_trend:
            return {}
        key = self.key(ind, source)
        if key not in self._yearly:
            past = [self.context(ind, y) for y in range(self.year - TREND_YEARS, self.year)]
            current = self.context(ind, self.year)
            self._yearly[key] = yearly_figures(self.session, source, past, current) or {}
        return self._yearly[key]

    def source_total(self, ind: Indicator, source: str, year: int) -> float | None:
        key = (*self.key(ind, source), year)
        if key not in self._totals:
            shared = self.figures(source, year)
            if year > self.year:
                self._totals[key] = None
            elif shared is None and year in (batch := self.yearly(ind, source)):
                self._totals[key] = batch[year].total
            elif shared is not None:
                self._totals[key] = shared.figure(source, year, ind.unit).total
            else:
                ctx = self.context(ind, year)
                m = self.measure(ind, source, year)
                self._totals[key] = total(self.session, m, ctx)
        return self._totals[key]

    def source_figure(self, ind: Indicator) -> Figure:
        key = self.key(ind, ind.source)
        if key not in self._figures:
            shared = self.figures(ind.source, self.year)
            if shared is not None:
                found = shared.figure(ind.source, self.year, ind.unit)
            elif self.year in (batch := self.yearly(ind, ind.source)):
                found = batch[self.year]
            else:
                m = self.measure(ind, ind.source, self.year)
                found = figure(self.session, m, self.context(ind, self.year))
            self._figures[key] = found
            self._totals[(*key, self.year)] = found.total
        return self._figures[key]

    def plain(self, ind: Indicator, year: int) -> float | None:
        """The indicator's own value in a year (no growth taken)."""
        if ind.source == MANUAL:
            row = self.actuals.get((ind.id, year))
            return None if row is None else row.value
        return self.source_total(ind, ind.source, year)

    def series(self, ind: Indicator, year: int) -> float | None:
        """The yearly value a growth indicator grows."""
        key = ind.series or ind.source
        other = self.indicators.get(key)
        if other is not None and other.code != ind.code:
            return None if _is_growth(other) else self.plain(other, year)
        return self.source_total(ind, key, year)

    def value(self, ind: Indicator, year: int) -> float | None:
        """The actual of an indicator in a year."""
        if _is_growth(ind):
            return rules.growth_pct(self.series(ind, year), self.series(ind, year - 1))
        return self.plain(ind, year)

    def trend_value(self, ind: Indicator, year: int) -> float | None:
        """A past year's actual; the base value stands in for a base year without one."""
        found = self.value(ind, year)
        if found is None and year == ind.base_year and not _is_growth(ind):
            return ind.base_value
        return found

    def trend_years(self, ind: Indicator) -> range:
        if not self.with_trend:
            return range(self.year, self.year + 1)
        start = (
            ind.base_year
            if ind.base_year is not None and ind.base_year < self.year
            else self.year - 4
        )
        if _is_growth(ind) and ind.base_year is not None:
            start = max(start, ind.base_year + 1)
        return range(max(start, self.year - TREND_YEARS + 1), self.year + 1)

    def growths(self, ind: Indicator, actual: float | None) -> tuple[float | None, float | None]:
        """(yoy_growth, avg_growth) in %."""
        y = self.year
        if _is_growth(ind):
            base = ind.base_value
            if base is None and ind.base_year is not None:
                base = self.series(ind, ind.base_year)
            return actual, rules.average_growth_pct(base, self.series(ind, y), ind.base_year, y)
        if ind.kind not in GROWN_KINDS:
            return None, None
        yoy = rules.growth_pct(actual, self.value(ind, y - 1))
        return yoy, rules.average_growth_pct(ind.base_value, actual, ind.base_year, y)

    def by_town(self, ind: Indicator) -> tuple[TownValue, ...]:
        if not _has_split(ind):
            return tuple(
                TownValue(tid, name, target, None, None, self._town_version(ind, tid))
                for tid, name in self.towns
                if (target := self.town_targets.get((ind.id, tid))) is not None
            )
        found = self.source_figure(ind)
        missing = None if ind.kind == "rate" else 0.0
        rows: list[tuple[int | None, str | None]] = [(tid, name) for tid, name in self.towns]
        if None in found.by_town:
            rows.append((None, None))
        out = []
        for tid, name in rows:
            actual = found.by_town.get(tid, missing)
            target = None if tid is None else self.town_targets.get((ind.id, tid))
            completion = rules.completion(ind.kind, actual, target)
            out.append(
                TownValue(tid, name, target, actual, completion, self._town_version(ind, tid))
            )
        return tuple(out)

    def _town_version(self, ind: Indicator, town_id: int | None) -> int:
        row = self.town_target_rows.get((ind.id, town_id)) if town_id is not None else None
        return NOT_STORED if row is None else row.version

    def evaluate(self, ind: Indicator) -> IndicatorValue:
        y = self.year
        actual = self.source_figure(ind).total if _has_split(ind) else self.value(ind, y)
        target = self.targets.get(ind.id)
        yoy, avg = self.growths(ind, actual)
        entered = (
            self.actuals.get((ind.id, y)) if ind.source == MANUAL and not _is_growth(ind) else None
        )
        return IndicatorValue(
            id=ind.id,
            code=ind.code,
            name=ind.name,
            unit=ind.unit,
            kind=ind.kind,
            source=ind.source,
            year=y,
            as_of=self.as_of,
            base_year=ind.base_year,
            base_value=ind.base_value,
            target=target,
            actual=actual,
            completion=rules.completion(ind.kind, actual, target),
            status=rules.status(ind.kind, actual, target, self.share),
            yoy_growth=yoy,
            avg_growth=avg,
            department=ind.department,
            by_town=self.by_town(ind),
            trend=tuple(
                (t, actual if t == y else self.trend_value(ind, t)) for t in self.trend_years(ind)
            ),
            computed=ind.source != MANUAL or _is_growth(ind),
            entered_by=None if entered is None else entered.entered_by,
            entered_at=None if entered is None else entered.entered_at,
            note=entered.note if entered is not None and entered.note else ind.note,
            target_version=self._version(self.target_rows.get(ind.id)),
            actual_version=self._version(self.actuals.get((ind.id, y))),
        )

    @staticmethod
    def _version(row: IndicatorTarget | IndicatorActual | None) -> int:
        return NOT_STORED if row is None else row.version

    def for_town(self, value: IndicatorValue, town_id: int) -> IndicatorValue:
        """The same indicator narrowed to one town: its actual against its target."""
        mine = next((t for t in value.by_town if t.town_id == town_id), None)
        if mine is None:
            return value
        return replace(
            value,
            target=mine.target,
            actual=mine.actual,
            completion=mine.completion,
            status=rules.status(value.kind, mine.actual, mine.target, self.share),
            target_version=mine.target_version,
            yoy_growth=None,
            avg_growth=None,
            by_town=(mine,),
            trend=((value.year, mine.actual),),
        )


def _town_id(session: Session, town: str) -> int:
    found = session.scalar(select(Town.id).where(Town.name == town.strip()))
    if found is None:
        raise IndicatorError(f"没有名为“{town}”的镇街", "town")
    return int(found)


def town_id(session: Session, town: str) -> int:
    """The id of a town by its name (IndicatorError naming it when unknown)."""
    return _town_id(session, town)


def indicator_table(
    session: Session,
    year: int,
    *,
    as_of: date | None = None,
    town: str | None = None,
    codes: Collection[str] | None = None,
    trend: bool = True,
) -> list[IndicatorValue]:
    """Every indicator evaluated for `year` in sort order; `town` narrows to one town, `codes`
    to those indicators; `trend=False` leaves the past years out of `trend` (only (Y, actual)),
    for the CLI and the return, which print no sparkline."""
    run = _Evaluation(session, year, resolve_as_of(year, as_of), trend)
    chosen = [i for i in run.indicators.values() if codes is None or i.code in codes]
    if town is None:
        return [run.evaluate(ind) for ind in chosen]
    tid = _town_id(session, town)
    return [run.for_town(run.evaluate(ind), tid) for ind in chosen if _has_split(ind)]


def indicator_value(
    session: Session, code: str, year: int, *, as_of: date | None = None
) -> IndicatorValue:
    """One indicator evaluated for `year` (IndicatorError when the code is unknown)."""
    run = _Evaluation(session, year, resolve_as_of(year, as_of))
    ind = run.indicators.get(code.strip())
    if ind is None:
        raise IndicatorError(f"没有代码为“{code}”的指标", "code")
    return run.evaluate(ind)


def records_behind(
    session: Session, code: str, year: int, *, as_of: date | None = None, town_id: int | None = None
) -> Behind | None:
    """The records behind a computed actual (None for manual and growth indicators). For a rate
    these are its base (e.g. every 规上工业企业 with figures), not only those counted in it."""
    definition = get_indicator(session, code)
    if definition.source == MANUAL or definition.kind == "growth":
        return None
    ctx = Context(year, resolve_as_of(year, as_of), definition.unit, definition.base_year)
    m = measure_of(definition.source, ctx)
    ids = ids_behind(session, m, town_id, narrow=town_id is not None)
    where = ""
    if town_id is not None:
        town = session.get(Town, town_id)
        where = f"{town.name} · " if town is not None else ""
    label = f"{year}年{source_label(definition.source)} · {where}{len(ids)}{ENTITY_UNITS[m.entity]}"
    return Behind(m.entity, ids, label)
