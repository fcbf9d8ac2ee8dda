"""Indicators of the district's plans, evaluated for a year (spec/plans.md, spec/cli.md).

API CONTRACT (written by the lead; the indicators helper implements the bodies, the screen helper
builds on it — keep names and fields):
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

KINDS = ("count", "amount", "rate", "growth", "cumulative")
DONE, ON_SCHEDULE, BEHIND, NO_TARGET = "已完成", "序时进度内", "滞后", "无目标"
STATUSES = (DONE, ON_SCHEDULE, BEHIND, NO_TARGET)


@dataclass(frozen=True)
class TownValue:
    """One town's share of an indicator in a year (town None: records without a town)."""

    town_id: int | None
    town: str | None
    target: float | None
    actual: float | None
    completion: float | None  # % (points for rates and growths), None without a target


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


@dataclass(frozen=True)
class Behind:
    """The records a computed actual counts: which table, and the ids (for a click-through)."""

    entity: str  # enterprise | platform | carrier | incubatee | contract | result | commissioner
    ids: tuple[int, ...]
    label: str  # e.g. "2025年有效高企 · 67家"


def indicator_table(
    session: Session, year: int, *, as_of: date | None = None, town: str | None = None
) -> list[IndicatorValue]:
    """Every indicator evaluated for `year` in sort order; `town` narrows to one town."""
    raise NotImplementedError


def indicator_value(
    session: Session, code: str, year: int, *, as_of: date | None = None
) -> IndicatorValue:
    """One indicator evaluated for `year` (IndicatorError when the code is unknown)."""
    raise NotImplementedError


def records_behind(
    session: Session, code: str, year: int, *, as_of: date | None = None, town_id: int | None = None
) -> Behind | None:
    """The records behind a computed actual (None for manual and growth indicators)."""
    raise NotImplementedError


def set_target(
    session: Session,
    code: str,
    year: int,
    value: float | None,
    operator: str,
    *,
    town_id: int | None = None,
) -> None:
    """Set or clear (None) the district target, or a town's target, for a year; audited."""
    raise NotImplementedError


def set_actual(
    session: Session, code: str, year: int, value: float | None, operator: str, note: str | None = None
) -> None:
    """Set or clear a manual indicator's actual (who and when kept); refused for computed ones."""
    raise NotImplementedError
