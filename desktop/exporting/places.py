"""Export sheets of carriers, incubatees, carrier years, platforms and the plans' indicators.

Each kind reads its live records in a stable order into one sheet in the canonical import columns
(desktop/exporting/columns.py); the town filter applies through the record's (or its carrier's) town.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    Carrier,
    CarrierYear,
    Enterprise,
    Incubatee,
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    Platform,
    Town,
)
from db.services.carriers import CARRIER_FIELDS, YEAR_FIELDS
from desktop.exporting.columns import CARRIER_YEARS, INDICATOR_ACTUALS, schema_fields
from desktop.exporting.people import sheet
from desktop.exporting.scope import ExportScope
from desktop.exporting.sheets import Sheet
from desktop.importing.schemas import INDICATOR_YEARS

INDICATOR_FIELDS = ("code", "name", "unit", "base_year", "base_value", "department", "note")


def carriers(session: Session, scope: ExportScope) -> list[Sheet]:
    """The incubation carriers (孵化载体), by name."""
    stmt = (
        select(Carrier, Town.name)
        .outerjoin(Town, Town.id == Carrier.town_id)
        .where(Carrier.deleted_at.is_(None))
        .order_by(Carrier.name, Carrier.id)
    )
    rows = [
        {k: getattr(c, k) for k in CARRIER_FIELDS if k != "town_id"} | {"town": town}
        for c, town in session.execute(scope.in_town(stmt, Carrier.town_id))
    ]
    return [sheet("孵化载体", schema_fields("carriers"), rows)]


def incubatees(session: Session, scope: ExportScope) -> list[Sheet]:
    """The incubatees (在孵企业) of every live carrier, by carrier and entry date."""
    stmt = (
        select(Incubatee, Carrier.name, Enterprise.name, Enterprise.uscc)
        .join(Carrier, Carrier.id == Incubatee.carrier_id)
        .outerjoin(Enterprise, Enterprise.id == Incubatee.enterprise_id)
        .where(Incubatee.deleted_at.is_(None), Carrier.deleted_at.is_(None))
        .order_by(Carrier.name, Incubatee.entered_on, Incubatee.id)
    )
    rows = [
        {
            "carrier": carrier,
            "name": name if i.enterprise_id is not None else i.team_name,
            "uscc": uscc,
            "entered_on": i.entered_on,
            "exited_on": i.exited_on,
            "exit_kind": i.exit_kind,
            "investment": i.investment,
            "listed": i.listed,
            "note": i.note,
        }
        for i, carrier, name, uscc in session.execute(scope.in_town(stmt, Carrier.town_id))
    ]
    return [sheet("在孵企业", schema_fields("incubatees"), rows)]


def carrier_years(session: Session, scope: ExportScope) -> list[Sheet]:
    """The carriers' yearly operation data (载体年度数据), by carrier and year."""
    stmt = (
        select(CarrierYear, Carrier.name)
        .join(Carrier, Carrier.id == CarrierYear.carrier_id)
        .where(Carrier.deleted_at.is_(None))
        .order_by(Carrier.name, CarrierYear.year)
    )
    rows = [
        {k: getattr(y, k) for k in YEAR_FIELDS} | {"carrier": carrier, "year": y.year}
        for y, carrier in session.execute(scope.in_town(stmt, Carrier.town_id))
    ]
    return [sheet("载体年度数据", CARRIER_YEARS, rows)]


def platforms(session: Session, scope: ExportScope) -> list[Sheet]:
    """The innovation platforms (创新平台), by kind and name."""
    stmt = (
        select(Platform, Enterprise.uscc, Town.name)
        .outerjoin(Enterprise, Enterprise.id == Platform.host_enterprise_id)
        .outerjoin(Town, Town.id == Platform.town_id)
        .where(Platform.deleted_at.is_(None))
        .order_by(Platform.kind, Platform.name, Platform.id)
    )
    town = func.coalesce(Platform.town_id, Enterprise.town_id)
    rows = [
        {
            "name": p.name,
            "kind": p.kind,
            "level": p.level,
            "host": p.host_name,
            "host_uscc": uscc,
            "recognized_year": p.recognized_year,
            "department": p.department,
            "town": town_name,
            "note": p.note,
        }
        for p, uscc, town_name in session.execute(scope.in_town(stmt, town))
    ]
    return [sheet("创新平台", schema_fields("platforms"), rows)]


def indicators(session: Session, scope: ExportScope) -> list[Sheet]:
    """The indicators in the layout of a plan's annex (the `indicators` import kind: one row per
    indicator, a column of targets per year), so the export re-imports unchanged and edited
    targets come back; the hand-entered actuals follow on a sheet of their own (for reading:
    actuals are entered in 指标与目标 or with `bureau indicators set`)."""
    del scope
    targets = {(t.indicator_id, t.year): t.target for t in session.scalars(select(IndicatorTarget))}
    stmt = select(Indicator).order_by(Indicator.sort_order, Indicator.code)
    found = list(session.scalars(stmt))
    rows: list[dict[str, Any]] = []
    for ind in found:
        own: dict[str, Any] = {k: getattr(ind, k) for k in INDICATOR_FIELDS}
        for year in INDICATOR_YEARS:
            own[f"target_{year}"] = targets.get((ind.id, year))
        rows.append(own)
    names = {i.id: i for i in found}
    actuals = [
        {
            "code": names[a.indicator_id].code,
            "indicator": f"{names[a.indicator_id].name}（{names[a.indicator_id].unit}）",
            "year": a.year,
            "actual": a.value,
            "actual_note": a.note,
            "entered_by": a.entered_by,
        }
        for a in session.scalars(
            select(IndicatorActual).order_by(IndicatorActual.indicator_id, IndicatorActual.year)
        )
        if a.indicator_id in names
    ]
    return [
        sheet("规划指标", schema_fields("indicators"), rows),
        sheet("手工填报的完成值", INDICATOR_ACTUALS, actuals),
    ]
