"""Export sheets of the commissioners' area: commissioners, demands, services, dispatches, assessments.

Each kind reads its live (not deleted) records in a stable order and returns one sheet in the
canonical import columns (desktop/exporting/columns.py). ID numbers are masked unless the scope says
--with-ids; the town filter applies where the record has a town.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from db.models import (
    Assessment,
    Commissioner,
    Demand,
    Dispatch,
    Enterprise,
    ServiceRecord,
    Town,
)
from db.services.commissioners import records, roster
from desktop.exporting.columns import ASSESSMENTS, DISPATCHES, schema_fields
from desktop.exporting.scope import ExportScope, Ts
from desktop.exporting.sheets import Field, Sheet

COMMISSIONER_FIELDS = tuple(f for f in roster.EDITABLE if f != "id_number")  # IDs: masked
SERVICE_FIELDS = records.EDITABLE


def sheet(title: str, fields: tuple[Field, ...], rows: list[dict[str, Any]]) -> Sheet:
    """A sheet of rows already read."""
    return Sheet(title, fields, rows, len(rows))


def commissioners(session: Session, scope: ExportScope) -> list[Sheet]:
    """The commissioners' roster (科技特派员), by name."""
    stmt = (
        select(Commissioner)
        .where(Commissioner.deleted_at.is_(None))
        .order_by(Commissioner.name, Commissioner.kind, Commissioner.unit, Commissioner.id)
    )
    rows = [
        {k: getattr(c, k) for k in COMMISSIONER_FIELDS}
        | {"id_number": scope.id_number(c.id_number)}
        for c in session.scalars(stmt)
    ]
    return [sheet("科技特派员", schema_fields("commissioners"), rows)]


def demands(session: Session, scope: ExportScope) -> list[Sheet]:
    """The demands (需求库), by date raised."""
    stmt = (
        select(Demand, Enterprise.uscc, Town.name)
        .outerjoin(Enterprise, Enterprise.id == Demand.enterprise_id)
        .outerjoin(Town, Town.id == Demand.town_id)
        .where(Demand.deleted_at.is_(None))
        .order_by(Demand.raised_on, Demand.requester, Demand.id)
    )
    rows = [
        {
            "requester": d.requester,
            "requester_kind": d.requester_kind,
            "uscc": uscc,
            "town": town,
            "field": d.field,
            "problem": d.problem,
            "raised_on": d.raised_on,
            "status": d.status,
            "note": d.note,
        }
        for d, uscc, town in session.execute(scope.in_town(stmt, Demand.town_id))
    ]
    return [sheet("需求库", schema_fields("demands"), rows)]


def _dispatch_join(stmt: Select[*Ts]) -> Select[*Ts]:
    return (
        stmt.join(Commissioner, Commissioner.id == Dispatch.commissioner_id)
        .outerjoin(Enterprise, Enterprise.id == Dispatch.enterprise_id)
        .outerjoin(Town, Town.id == Dispatch.town_id)
        .where(Dispatch.deleted_at.is_(None), Commissioner.deleted_at.is_(None))
    )


def services(session: Session, scope: ExportScope) -> list[Sheet]:
    """The service records (服务记录), by date."""
    stmt = _dispatch_join(
        select(ServiceRecord, Dispatch, Commissioner, Enterprise.uscc, Town.name).join(
            Dispatch, Dispatch.id == ServiceRecord.dispatch_id
        )
    ).where(ServiceRecord.deleted_at.is_(None))
    stmt = stmt.order_by(ServiceRecord.served_on, Commissioner.name, ServiceRecord.id)
    rows = [
        {k: getattr(r, k) for k in SERVICE_FIELDS}
        | {
            "commissioner": c.name,
            "id_number": scope.id_number(c.id_number),
            "target": d.target_name,
            "target_uscc": uscc,
            "town": town,
        }
        for r, d, c, uscc, town in session.execute(scope.in_town(stmt, Dispatch.town_id))
    ]
    return [sheet("服务记录", schema_fields("services"), rows)]


def dispatches(session: Session, scope: ExportScope) -> list[Sheet]:
    """The dispatches (选派结对), by start date, with the demand each answers."""
    stmt = _dispatch_join(
        select(Dispatch, Commissioner, Enterprise.uscc, Town.name, Demand).outerjoin(
            Demand, Demand.id == Dispatch.demand_id
        )
    ).order_by(Dispatch.start_on, Commissioner.name, Dispatch.id)
    rows = []
    for d, c, uscc, town, demand in session.execute(scope.in_town(stmt, Dispatch.town_id)):
        rows.append(
            {
                "commissioner": c.name,
                "id_number": scope.id_number(c.id_number),
                "unit": c.unit,
                "target": d.target_name,
                "target_uscc": uscc,
                "town": town,
                "start_on": d.start_on,
                "end_on": d.end_on,
                "agreement": d.agreement,
                "demand_requester": demand.requester if demand else None,
                "demand_problem": demand.problem if demand else None,
                "demand_raised_on": demand.raised_on if demand else None,
            }
        )
    return [sheet("选派结对", DISPATCHES, rows)]


def assessments(session: Session, scope: ExportScope) -> list[Sheet]:
    """The annual assessments (年度考核): a grade per commissioner and year."""
    stmt = (
        select(Assessment, Commissioner)
        .join(Commissioner, Commissioner.id == Assessment.commissioner_id)
        .where(Commissioner.deleted_at.is_(None))
        .order_by(Assessment.year, Commissioner.name, Assessment.id)
    )
    rows = [
        {
            "commissioner": c.name,
            "id_number": scope.id_number(c.id_number),
            "unit": c.unit,
            "year": a.year,
            "grade": a.grade,
            "note": a.note,
        }
        for a, c in session.execute(stmt)
    ]
    return [sheet("年度考核", ASSESSMENTS, rows)]
