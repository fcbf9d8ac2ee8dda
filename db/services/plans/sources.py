"""The computed sources of the plans' indicators (spec/plans.md table), as set-based SQL.

Each source is a *measure*: one SELECT of (record id, town id, value) rows for a year — the records
the actual counts, sums or takes the share of — and how to fold it (count / sum / rate). The actual
is one grouped query over it (by town, summed for the district), never a query per record; the same
rows give the ids behind the actual for a click-through.

Rules kept here (their one home):
* platforms and carriers count in Y when live and recognised in or before Y (or without a year);
* not the ledger's: whether a contract's, result's or transfer's party is in the district, and its
  town, are db/services/contracts/parties.py's alone; the ledger's sources are its selects with the
  period and the unit added (a contract between district parties of two towns counts in each
  town and once in the district, so those towns do not add up to the district);
* 规上工业企业 are the roster's above-scale enterprises; their figures of Y are the rates' base.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    and_,
    bindparam,
    case,
    distinct,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from db.models import (
    Carrier,
    Commissioner,
    Dispatch,
    Enterprise,
    EnterpriseYear,
    Incubatee,
    Platform,
    Qualification,
    QualificationType,
    ResultTransfer,
    TechContract,
)
from db.rules.indicators import SourceSpec, level_text, parse_source, unit_scale
from db.services.carriers.common import incubating_on
from db.services.contracts import parties
from db.services.figures.counts import (
    count_high_tech_first_by_town,
    high_tech_first_ids,
    high_tech_ids,
    tech_sme_ids,
)
from db.services.queries import held_on, live_enterprise, unindexed


@dataclass(frozen=True)
class Context:
    """What a measure is for: the year, the as-of date, the indicator's unit and base year."""

    year: int
    as_of: date
    unit: str = ""
    base_year: int | None = None

    @property
    def params(self) -> dict[str, Any]:
        """The values of the bound parameters below, for running a measure again for this year."""
        since = date.min if self.base_year is None else date(self.base_year + 1, 1, 1)
        return {
            "year": self.year,
            "as_of": self.as_of,
            "first": date(self.year, 1, 1),
            "since": since,
        }


# A measure's year enters its SQL as bound parameters, so one statement serves every year of a
# trend (built once, run with Context.params); a measure that cannot is marked `per_year`.
def _year(ctx: Context) -> Any:
    return bindparam("year", ctx.year, type_=Integer)


def _as_of(ctx: Context) -> Any:
    return bindparam("as_of", ctx.as_of, type_=Date)


def _first(ctx: Context) -> Any:
    return bindparam("first", ctx.params["first"], type_=Date)


def _since(ctx: Context) -> Any:
    return bindparam("since", ctx.params["since"], type_=Date)


@dataclass(frozen=True)
class Measure:
    """Rows (id, town_id, value) and how they fold: count (distinct ids), sum (values), rate
    (share in % of rows whose value is 1). `additive`: every id has one town, so the towns add up."""

    entity: str
    rows: Any  # a Select of (id, town_id, value)
    fold: str  # count | sum | rate
    additive: bool = True
    per_year: bool = False  # the statement holds its year as a constant: build it for each year
    distinct: bool = False  # an id may come in several rows (count distinct ids, not rows)

    # a Select of (id, value), the district's own rows, when they are cheaper than the town rows
    # (which then give the split and the click-through only): where towns overlap (not additive),
    # or where the town is one more lookup per row
    district: Any = None

    @cached_property
    def totals(self) -> Any:
        """SELECT count(distinct id), count(*), sum(value) over the rows (built once)."""
        if self.district is None:
            sub, _town, cols = _columns(self)
        else:
            sub = self.district.subquery()
            rid, value = sub.c
            ids = func.count(distinct(rid)) if self.distinct else func.count(rid)
            cols = [ids, func.count(rid), func.sum(value)]
        return select(*cols).select_from(sub)

    empty_is_none: bool = False  # a sum over no rows is unknown (no figures yet), not 0


@dataclass(frozen=True)
class Figure:
    """A source's actual for a year: the district value and, where it has one, the town split."""

    total: float | None
    by_town: dict[int | None, float | None]


def _ids_towns(ids: Any, *, per_year: bool = False) -> Measure:
    """Enterprises of an id query (each id once, live enterprises) with their towns, counted; the
    district's count reads the ids alone (no second lookup of each enterprise for its town)."""
    sub = ids.subquery()
    rows = select(sub.c.enterprise_id, Enterprise.town_id, literal(1)).join(
        Enterprise, Enterprise.id == sub.c.enterprise_id
    )
    district = select(sub.c.enterprise_id, literal(1))
    return Measure("enterprise", rows, "count", per_year=per_year, district=district)


def _high_tech(spec: SourceSpec, ctx: Context) -> Measure:
    return _ids_towns(high_tech_ids(_as_of(ctx)))


def _high_tech_first(spec: SourceSpec, ctx: Context) -> Measure:
    return _ids_towns(high_tech_first_ids(ctx.year), per_year=True)


def _tech_sme(spec: SourceSpec, ctx: Context) -> Measure:
    return _ids_towns(tech_sme_ids(_year(ctx)))


def _qualification(spec: SourceSpec, ctx: Context) -> Measure:
    ids = (
        select(Qualification.enterprise_id)
        .join(QualificationType, QualificationType.id == Qualification.type_id)
        .join(Enterprise, Enterprise.id == Qualification.enterprise_id)
        .where(
            or_(QualificationType.code == spec.argument, QualificationType.name == spec.argument),
            held_on(_as_of(ctx)),
            live_enterprise(),
        )
        .distinct()
    )
    return _ids_towns(ids)


def _figures(year: Any, *where: ColumnElement[bool]) -> Any:
    """Live enterprises' figures of a year. `+year` and `+deleted_at`: one pass over the figures
    with a key lookup per row reads far fewer pages than the year index's row-by-row fetches."""
    return (
        select(Enterprise.id, Enterprise.town_id)
        .join(EnterpriseYear, EnterpriseYear.enterprise_id == Enterprise.id)
        .where(
            unindexed(Enterprise.deleted_at).is_(None),
            unindexed(EnterpriseYear.year) == year,
            *where,
        )
    )


def _rd_expense_total(spec: SourceSpec, ctx: Context) -> Measure:
    value = EnterpriseYear.rd_expense * unit_scale(ctx.unit or "万元")
    rows = _figures(_year(ctx), EnterpriseYear.rd_expense.is_not(None))
    return Measure("enterprise", rows.add_columns(value), "sum", empty_is_none=True)


def _rd_rate(column: Any) -> Callable[[SourceSpec, Context], Measure]:
    def measure(spec: SourceSpec, ctx: Context) -> Measure:
        hit = case((column.is_(True), 1), else_=0)
        rows = _figures(_year(ctx), Enterprise.above_scale.is_(True))
        return Measure("enterprise", rows.add_columns(hit), "rate")

    return measure


def recognised_by(model: Any, year: Any) -> ColumnElement[bool]:
    """A platform or carrier counts in `year`: live, recognised in or before it (or no year)."""
    return and_(
        model.deleted_at.is_(None),
        or_(model.recognized_year.is_(None), model.recognized_year <= year),
    )


def _recognised(model: Any, entity: str) -> Callable[[SourceSpec, Context], Measure]:
    def measure(spec: SourceSpec, ctx: Context) -> Measure:
        rows = select(model.id, model.town_id, literal(1)).where(recognised_by(model, _year(ctx)))
        if spec.argument is not None:
            rows = rows.where(model.kind == spec.argument)
        if spec.levels is not None:
            rows = rows.where(model.level.in_(spec.levels))
        return Measure(entity, rows, "count")

    return measure


def _incubatees(spec: SourceSpec, ctx: Context) -> Measure:
    rows = (
        select(Incubatee.id, Carrier.town_id, literal(1))
        .join(Carrier, Carrier.id == Incubatee.carrier_id)
        .where(Carrier.deleted_at.is_(None), incubating_on(_as_of(ctx)))
    )
    if spec.argument is not None:
        rows = rows.where(Carrier.kind == spec.argument)
    return Measure("incubatee", rows, "count")


def _id_town_value(stmt: Any, value: str | None = None) -> Any:
    """(id, town_id, value) of a parties.py select (its first column the id, `town_id` labelled;
    `value` the label of the value column, else 1)."""
    sub = stmt.subquery()
    return select(sub.c[0], sub.c.town_id, literal(1) if value is None else sub.c[value])


# The ledger's sources are built from db/services/contracts/parties.py, the one home of its rules
# (who is in the district, which town); only the period and the unit are added here.


def _contracts(side: parties.Side) -> Callable[[SourceSpec, Context], Measure]:
    def measure(spec: SourceSpec, ctx: Context) -> Measure:
        value = (TechContract.amount * unit_scale(ctx.unit or "万元")).label("value")
        rows = parties.side_select(side, TechContract.id, value).where(
            parties.registered_between(_first(ctx), _as_of(ctx))
        )
        return Measure("contract", _id_town_value(rows, "value"), "sum")

    return measure


def _contracts_count(spec: SourceSpec, ctx: Context) -> Measure:
    # once per town of its district parties, once in the district: the towns need not add up
    first, as_of = _first(ctx), _as_of(ctx)
    rows = _id_town_value(parties.district_towns(first, as_of))
    district = parties.district_contracts(first, as_of).add_columns(literal(1))
    return Measure("contract", rows, "count", additive=False, district=district)


def _results(cumulative: bool) -> Callable[[SourceSpec, Context], Measure]:
    def measure(spec: SourceSpec, ctx: Context) -> Measure:
        period = parties.transferred_between(
            _since(ctx) if cumulative else _first(ctx), _as_of(ctx)
        )
        # one row per transfer, in the transfer's town: a result counts once in each of its towns
        # and once in the district
        rows = parties.transfer_select(ResultTransfer.result_id).where(period)
        district = parties.live_transfers(ResultTransfer.result_id, literal(1)).where(period)
        return Measure(
            "result",
            _id_town_value(rows),
            "count",
            additive=False,
            distinct=True,
            district=district,
        )

    return measure


def _results_local_rate(spec: SourceSpec, ctx: Context) -> Measure:
    local = case((parties.transfer_is_local(), 1), else_=0).label("value")
    rows = parties.transfer_select(ResultTransfer.result_id, local).where(
        parties.transferred_between(_first(ctx), _as_of(ctx)), parties.result_in_district()
    )
    # one row per transfer (the share counts transfers); its id is the result's, for the click-through
    return Measure("result", _id_town_value(rows, "value"), "rate")


def _commissioners(spec: SourceSpec, ctx: Context) -> Measure:
    rows = (
        select(Dispatch.commissioner_id, Dispatch.town_id, literal(1))
        .join(Commissioner, Commissioner.id == Dispatch.commissioner_id)
        .where(
            Commissioner.deleted_at.is_(None),
            Dispatch.deleted_at.is_(None),
            # the dispatch overlaps the year up to the as-of date (dispatches.in_year_condition)
            Dispatch.start_on <= _as_of(ctx),
            or_(Dispatch.end_on.is_(None), Dispatch.end_on >= _first(ctx)),
        )
    )
    return Measure("commissioner", rows, "count", additive=False, distinct=True)


MEASURES: dict[str, Callable[[SourceSpec, Context], Measure]] = {
    "high_tech": _high_tech,
    "high_tech_first": _high_tech_first,
    "tech_sme": _tech_sme,
    "qualification": _qualification,
    "rd_expense_total": _rd_expense_total,
    "rd_activity_rate": _rd_rate(EnterpriseYear.rd_activity),
    "rd_institution_rate": _rd_rate(EnterpriseYear.rd_institution),
    "platforms": _recognised(Platform, "platform"),
    "carriers": _recognised(Carrier, "carrier"),
    "incubatees": _incubatees,
    "contracts_absorbed": _contracts(parties.ABSORBED),
    "contracts_output": _contracts(parties.OUTPUT),
    "contracts_count": _contracts_count,
    "results_transferred": _results(cumulative=False),
    "results_transferred_cumulative": _results(cumulative=True),
    "results_local_rate": _results_local_rate,
    "commissioners_dispatched": _commissioners,
}


def measure_of(source: str | SourceSpec, ctx: Context) -> Measure:
    """The measure of a computed source (KeyError when the source is not computed)."""
    spec = parse_source(source) if isinstance(source, str) else source
    return MEASURES[spec.name](spec, ctx)


def _fold(m: Measure, count: Any, hits: Any, total: Any) -> float | None:
    fold = m.fold
    if fold == "sum" and m.empty_is_none and not hits:
        return None
    if fold == "count":
        return float(count or 0)
    if fold == "sum":
        return float(total or 0.0)
    return None if not hits else float(total or 0) * 100 / float(hits)


def _columns(m: Measure) -> tuple[Any, Any, list[Any]]:
    sub = m.rows.subquery()
    rid, town, value = sub.c
    ids = func.count(distinct(rid)) if m.distinct else func.count(rid)
    return sub, town, [ids, func.count(rid), func.sum(value)]


def total(session: Session, m: Measure, ctx: Context | None = None) -> float | None:
    """The district value of a measure (one query), for `ctx`'s year when given."""
    distinct_ids, rows, summed = session.execute(m.totals, ctx.params if ctx else {}).one()
    return _fold(m, distinct_ids, rows, summed)


def figure(session: Session, m: Measure, ctx: Context | None = None) -> Figure:
    """The district value and the value per town (one grouped query; two when towns overlap)."""
    sub, town, cols = _columns(m)
    by_town: dict[int | None, float | None] = {}
    sums = [0, 0, 0.0]
    town = town + 0  # grouped by sorting the (few) towns, not by walking a town index
    stmt = select(town, *cols).select_from(sub).group_by(town)
    for tid, distinct_ids, rows, summed in session.execute(stmt, ctx.params if ctx else {}):
        by_town[tid] = _fold(m, distinct_ids, rows, summed)
        sums = [sums[0] + distinct_ids, sums[1] + rows, sums[2] + float(summed or 0)]
    if not m.additive:
        return Figure(total(session, m, ctx), by_town)
    return Figure(_fold(m, *sums), by_town)


def ids_behind(
    session: Session, m: Measure, town_id: int | None = None, *, narrow: bool = False
) -> tuple[int, ...]:
    """Distinct ids of the rows of a measure, optionally of one town (`narrow`; None = no town)."""
    sub = m.rows.subquery()
    rid, town, _value = sub.c
    stmt = select(rid).select_from(sub).distinct().order_by(rid)
    if narrow:
        stmt = stmt.where(town.is_(None) if town_id is None else town == town_id)
    return tuple(int(i) for i in session.scalars(stmt))


# ----- several years of a source in one query, where its rule has such a form -----


def _days(contexts: Sequence[Context]) -> Any:
    """A subquery of (year, first, as_of) rows, one per context: the periods of several years."""
    rows = [
        select(
            literal(c.year, Integer).label("year"),
            literal(c.params["first"], Date).label("first"),
            literal(c.as_of, Date).label("as_of"),
        )
        for c in contexts
    ]
    return union_all(*rows).subquery("days")


def _contracts_yearly(side: parties.Side | None, contexts: Sequence[Context]) -> Any:
    """select(year, value) grouped by year: the ledger's contract sources over several periods
    (the same selects as the measures, the period joined instead of bound)."""
    days = _days(contexts)
    period = parties.registered_between(days.c.first, days.c.as_of)
    if side is None:  # contracts_count: each contract once in the district
        sub = parties.district_contracts(days.c.first, days.c.as_of).add_columns(days.c.year)
        sub = sub.subquery()
        return select(sub.c.year, func.count(sub.c.id)).group_by(sub.c.year)
    scale = unit_scale(contexts[0].unit or "万元")
    value = (TechContract.amount * scale).label("value")
    sub = parties.side_select(side, days.c.year, value).join(days, period).subquery()
    return select(sub.c.year, func.sum(sub.c.value)).group_by(sub.c.year)


YEARLY_LEDGER: dict[str, parties.Side | None] = {
    "contracts_absorbed": parties.ABSORBED,
    "contracts_output": parties.OUTPUT,
    "contracts_count": None,
}


def _high_tech_first_yearly(session: Session, years: Sequence[int]) -> dict[int, Figure]:
    cells = count_high_tech_first_by_town(session, years)
    out = {}
    for y in years:
        counts = {t: n for (cy, t), n in cells.items() if cy == y}
        out[y] = Figure(float(sum(counts.values())), {t: float(n) for t, n in counts.items()})
    return out


def yearly_figures(
    session: Session, source: str, past: Sequence[Context], current: Context
) -> dict[int, Figure] | None:
    """A source's values in the years of `past` in one query (their district values; no town
    split), or None where the source has no several-years form (then each year is its own query).
    Where that query gives the town split at no extra cost (high_tech_first: the year alone, not
    the as-of date, decides), the current year's whole Figure comes with it."""
    spec = parse_source(source)
    if spec.argument is not None or spec.levels is not None or not past:
        return None
    years = [c.year for c in past]
    if spec.name == "high_tech_first":
        return _high_tech_first_yearly(session, [*years, current.year])
    if spec.name not in YEARLY_LEDGER:
        return None
    stmt = _contracts_yearly(YEARLY_LEDGER[spec.name], past)
    found = {int(y): v for y, v in session.execute(stmt)}
    return {y: Figure(float(found.get(y) or 0), {}) for y in years}


# ----- one pass over the yearly figures for the three sources read from them -----

FIGURE_SOURCES = {"rd_expense_total": 0, "rd_activity_rate": 1, "rd_institution_rate": 2}


@dataclass(frozen=True)
class FiguresPass:
    """Per (year, town): figures with 研发费用 and their sum; above-scale figures, those with R&D
    activity, those with an R&D institution — what rd_expense_total and the two rates fold. With
    `towns_year` the town split is kept for that year only (the table's year); earlier years have
    one cell each, under town None, for their district values."""

    years: range
    cells: dict[tuple[int, int | None], tuple[int, float, int, int, int]]
    towns_year: int | None = None  # None: every year has its town split

    def figure(self, source: str, year: int, unit: str) -> Figure:
        """A figures source's value for a year of the pass, with its town split (where kept)."""
        which = FIGURE_SOURCES[source]
        by_town: dict[int | None, float | None] = {}
        sums = [0, 0.0, 0, 0, 0]
        for (y, town), cell in self.cells.items():
            counted = cell[0] if which == 0 else cell[2]  # rows the measure itself would have
            if y == year and counted:
                by_town[town] = _pass_fold(which, cell, unit)
                sums = [a + b for a, b in zip(sums, cell, strict=True)]
        n, rd, above, activity, institution = sums
        return Figure(
            _pass_fold(which, (int(n), rd, int(above), int(activity), int(institution)), unit),
            by_town if self.towns_year in (None, year) else {},
        )


def _pass_fold(which: int, cell: tuple[int, float, int, int, int], unit: str) -> float | None:
    n, rd, above, activity, institution = cell
    if which == 0:
        return None if not n else rd * unit_scale(unit or "万元")
    hits = activity if which == 1 else institution
    return None if not above else hits * 100 / above


def figures_pass(session: Session, years: range, *, towns_year: int | None = None) -> FiguresPass:
    """The live enterprises' figures of `years` (the same rows as the three measures: _figures),
    grouped by year and town — or, with `towns_year` (the last year), that year by town and the
    earlier ones by year alone: read in the order of the (year, enterprise, …) index, they need
    no sorting, and the table shows only its own year's split."""
    above = Enterprise.above_scale.is_(True)

    def flag(column: Any) -> Any:
        return func.sum(case((and_(above, column.is_(True)), 1), else_=0))

    sums = (
        func.count(EnterpriseYear.rd_expense),
        func.coalesce(func.sum(EnterpriseYear.rd_expense), 0.0),
        func.sum(case((above, 1), else_=0)),
        flag(EnterpriseYear.rd_activity),
        flag(EnterpriseYear.rd_institution),
    )
    year, town = EnterpriseYear.year, Enterprise.town_id + 0

    def grouped(keys: list[Any], *where: ColumnElement[bool]) -> Any:
        return (
            select(*keys, *sums)
            .join(Enterprise, Enterprise.id == EnterpriseYear.enterprise_id)
            .where(unindexed(Enterprise.deleted_at).is_(None), *where)
            .group_by(*keys)
        )

    def cell(n: Any, rd: Any, a: Any, ac: Any, ins: Any) -> tuple[int, float, int, int, int]:
        return int(n), float(rd), int(a or 0), int(ac or 0), int(ins or 0)

    cells: dict[tuple[int, int | None], tuple[int, float, int, int, int]] = {}
    if towns_year is None:
        stmt = grouped([year, town], year >= years.start, year < years.stop)
        for y, t, *values in session.execute(stmt):
            cells[(int(y), t)] = cell(*values)
        return FiguresPass(years, cells)
    for t, *values in session.execute(grouped([town], year == towns_year)):
        cells[(towns_year, t)] = cell(*values)
    earlier = grouped([year], year >= years.start, year < towns_year)
    for y, *values in session.execute(earlier):
        cells[(int(y), None)] = cell(*values)
    return FiguresPass(years, cells, towns_year)


# ----- the catalogue of sources, for pickers and messages -----


@dataclass(frozen=True)
class SourceInfo:
    """One source of the catalogue: its name, what it counts in Chinese, the usual kind and unit,
    whether it has a town split and whether it takes an argument (a kind, a type) and a level."""

    name: str
    label: str
    kind: str
    unit: str
    by_town: bool = True
    argument: str | None = None  # what the argument is: 平台类型 / 载体类型 / 资质类型
    levels: bool = False


CATALOGUE: tuple[SourceInfo, ...] = (
    SourceInfo("manual", "手工填报", "count", "", by_town=False),
    SourceInfo("high_tech", "有效高新技术企业数", "count", "家"),
    SourceInfo("high_tech_first", "首次认定高新技术企业数", "count", "家"),
    SourceInfo("tech_sme", "科技型中小企业入库数", "count", "家"),
    SourceInfo("qualification", "持有效资质的企业数", "count", "家", argument="资质类型"),
    SourceInfo("rd_expense_total", "企业研发费用合计", "amount", "万元"),
    SourceInfo("rd_activity_rate", "规上工业企业研发活动开展率", "rate", "%"),
    SourceInfo("rd_institution_rate", "规上工业企业研发机构设置率", "rate", "%"),
    SourceInfo("platforms", "科技创新平台数", "count", "个", argument="平台类型", levels=True),
    SourceInfo("carriers", "孵化载体数", "count", "家", argument="载体类型", levels=True),
    SourceInfo("incubatees", "在孵企业数", "count", "家", argument="载体类型"),
    SourceInfo("contracts_absorbed", "吸纳技术合同成交额", "amount", "亿元"),
    SourceInfo("contracts_output", "输出技术合同成交额", "amount", "亿元"),
    SourceInfo("contracts_count", "技术合同登记数", "count", "项"),
    SourceInfo("results_transferred", "当年转化科技成果数", "count", "项"),
    SourceInfo("results_transferred_cumulative", "累计转化科技成果数", "cumulative", "项"),
    SourceInfo("results_local_rate", "科技成果本地转化率", "rate", "%"),
    SourceInfo("commissioners_dispatched", "选派科技特派员数", "count", "人"),
)
SOURCES = {s.name: s for s in CATALOGUE}


def source_label(source: str) -> str:
    """What a source counts, in words: `platforms:院士工作站:省级+` → 科技创新平台数（院士工作站，省级及以上）."""
    try:
        spec = parse_source(source)
    except ValueError:
        return source
    info = SOURCES.get(spec.name)
    if info is None:
        return source
    extra = [x for x in (spec.argument, level_text(spec)) if x]
    return info.label + (f"（{'，'.join(extra)}）" if extra else "")
