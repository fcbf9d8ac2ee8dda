"""What 首页 shows, as plain values: one HomeFigures (with the headline tiles and the 培育库 line).

The live refresh turns the services' Dashboard, IndicatorValue rows and PipelineCounts into these
(`figures_of`, `tiles_of`, `pipeline_of`), and the start-up snapshot (snapshot.py) stores and reads
them back as JSON; the screen fills its widgets from these alone, so a valid snapshot shows exactly
what the live refresh shows. Nothing here imports SQLAlchemy or the models: the snapshot fills the
first screen before they are imported. The click-throughs use the live Dashboard's figures (their
selectors), which come with the refresh.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class CountRow:
    """One of the two counts with its target (gap and completion as the service derives them)."""

    value: int
    target: int | None
    gap: int | None
    completion: float | None


@dataclass(frozen=True)
class TownRow:
    town_id: int | None
    town: str | None
    enterprises: int
    high_tech: int
    tech_sme: int
    high_tech_share: float | None
    tech_sme_share: float | None
    high_tech_target: int | None
    tech_sme_target: int | None


@dataclass(frozen=True)
class TrendRow:
    year: int
    high_tech: int
    tech_sme: int


@dataclass(frozen=True)
class LadderRow:
    stage: int
    name: str
    value: int


@dataclass(frozen=True)
class CertRow:
    """A certificate of the expiring list (the fields of dashboard_rows.ExpiringRow)."""

    enterprise_id: int
    name: str
    town: str | None
    number: str | None
    valid_through: date
    days_left: int


@dataclass(frozen=True)
class TileRow:
    """A headline indicator tile (the fields of IndicatorValue it shows)."""

    code: str
    name: str
    unit: str
    kind: str
    actual: float | None
    target: float | None
    completion: float | None
    status: str


@dataclass(frozen=True)
class PipelineRow:
    """The district's 培育库 of a figures year: how many, expected new, by open stage."""

    total: int
    expected_new: int
    declared: int
    cultivating: int


@dataclass(frozen=True)
class HomeFigures:
    as_of: date
    year: int
    rd_year: int
    high_tech: CountRow
    tech_sme: CountRow
    projection: int  # 高企 still valid on 31 December of the year
    both: int
    enterprises: int
    towns: tuple[TownRow, ...]
    trend: tuple[TrendRow, ...]
    lapsed: int
    due_this_year: int
    within_90: int
    within_180: int
    certs: tuple[CertRow, ...]  # expiring within 180 days, soonest first, then the lapsed
    rd_list_a: int
    rd_list_b: int
    rd_list_a_revenue: float
    rd_list_b_revenue: float
    ladder: tuple[LadderRow, ...]


# ----- from the services' results (duck-typed: their classes are not imported here) -----


def _count(summary: Any) -> CountRow:
    return CountRow(summary.count.value, summary.target, summary.gap, summary.completion)


def _cert(row: Any) -> CertRow:
    return CertRow(
        row.enterprise_id, row.name, row.town, row.number, row.valid_through, row.days_left
    )


def figures_of(d: Any) -> HomeFigures:
    """The figures of a db.services.figures.dashboard.Dashboard."""
    within_180 = d.expiring_within(180)
    return HomeFigures(
        as_of=d.as_of,
        year=d.year,
        rd_year=d.rd_year,
        high_tech=_count(d.high_tech),
        tech_sme=_count(d.tech_sme),
        projection=d.projection_high_tech.value,
        both=d.both.value,
        enterprises=d.enterprises.value,
        towns=tuple(
            TownRow(
                t.town_id,
                t.town,
                t.enterprises.value,
                t.high_tech.value,
                t.tech_sme.value,
                t.high_tech_share,
                t.tech_sme_share,
                t.high_tech_target,
                t.tech_sme_target,
            )
            for t in d.towns
        ),
        trend=tuple(TrendRow(p.year, p.high_tech.value, p.tech_sme.value) for p in d.trend),
        lapsed=d.lapsed.figure.value,
        due_this_year=d.due_this_year.value,
        within_90=d.expiring_within(90).figure.value,
        within_180=within_180.figure.value,
        certs=tuple(_cert(r) for r in (*within_180.rows, *d.lapsed.rows)),
        rd_list_a=d.rd_list_a.value,
        rd_list_b=d.rd_list_b.value,
        rd_list_a_revenue=d.rd_list_a_revenue,
        rd_list_b_revenue=d.rd_list_b_revenue,
        ladder=tuple(LadderRow(b.stage, b.name, b.figure.value) for b in d.ladder),
    )


def tiles_of(values: Iterable[Any]) -> tuple[TileRow, ...]:
    """The tiles of IndicatorValue rows (db.services.plans.indicators)."""
    return tuple(
        TileRow(v.code, v.name, v.unit, v.kind, v.actual, v.target, v.completion, v.status)
        for v in values
    )


def pipeline_of(counts: Any) -> PipelineRow:
    """The district line of a PipelineCounts (db.services.plans.cultivation_pipeline)."""
    from db.rules.cultivation import CULTIVATING, DECLARED

    district = counts.district
    stages: Mapping[str, int] = district.by_stage
    return PipelineRow(
        district.total,
        district.expected_new,
        stages.get(DECLARED, 0),
        stages.get(CULTIVATING, 0),
    )


# ----- JSON (the snapshot) -----


def to_plain(value: Any) -> Any:
    """A dataclass of this module as JSON-ready values (dates as ISO text, tuples as lists)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [to_plain(v) for v in value]
    return value


def _same(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        raise ValueError("a value where a number or text belongs")
    return value


def _record(cls: Any, raw: Any, **convert: Callable[[Any], Any]) -> Any:
    """cls from a dict holding exactly its fields (ValueError on anything else)."""
    names = [f.name for f in fields(cls)]
    if not isinstance(raw, dict) or sorted(raw) != sorted(names):
        raise ValueError(f"not a {cls.__name__}: {raw!r:.80}")
    return cls(**{n: convert.get(n, _same)(raw[n]) for n in names})


def _rows(cls: Any, **convert: Callable[[Any], Any]) -> Callable[[Any], tuple[Any, ...]]:
    def read(raw: Any) -> tuple[Any, ...]:
        if not isinstance(raw, list):
            raise ValueError(f"not a list of {cls.__name__}")
        return tuple(_record(cls, r, **convert) for r in raw)

    return read


def figures_from_plain(raw: Any) -> HomeFigures:
    """Inverse of to_plain for HomeFigures (ValueError, TypeError on a damaged one)."""

    def count(r: Any) -> CountRow:
        return _record(CountRow, r)  # type: ignore[no-any-return]

    figures: HomeFigures = _record(
        HomeFigures,
        raw,
        as_of=date.fromisoformat,
        high_tech=count,
        tech_sme=count,
        towns=_rows(TownRow),
        trend=_rows(TrendRow),
        certs=_rows(CertRow, valid_through=date.fromisoformat),
        ladder=_rows(LadderRow),
    )
    return figures


def tiles_from_plain(raw: Any) -> tuple[TileRow, ...]:
    """Inverse of to_plain for the tiles."""
    return _rows(TileRow)(raw)


def pipeline_from_plain(raw: Any) -> PipelineRow:
    """Inverse of to_plain for the 培育库 line."""
    row: PipelineRow = _record(PipelineRow, raw)
    return row


def shown_towns(towns: Sequence[TownRow]) -> list[int]:
    """The rows of `towns` shown (every town; enterprises without a town only when there are any)."""
    return [i for i, t in enumerate(towns) if t.town_id is not None or t.enterprises]
