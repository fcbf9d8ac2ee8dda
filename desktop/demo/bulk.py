"""Core bulk inserts with ids chosen up front, and their audit rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from db.models import Base
from db.services import audit

Row = dict[str, Any]


def next_id(session: Session, model: type[Base]) -> int:
    """The first free id of a table (ids are given explicitly so rows can refer to each other)."""
    column = model.__table__.c.id
    return int(session.scalar(select(func.coalesce(func.max(column), 0))) or 0) + 1


def insert_rows(session: Session, model: type[Base], rows: Sequence[Row]) -> None:
    """Insert many rows through Core."""
    if rows:
        session.execute(insert(cast(Table, model.__table__)), list(rows))


def created(
    session: Session, operator: str, entity: str, rows: Sequence[Mapping[str, Any]]
) -> None:
    """One 'create' audit row per created record."""
    audit.record_many(
        session,
        [
            {"operator": operator, "action": "create", "entity": entity, "entity_id": r["id"]}
            for r in rows
        ],
    )


def created_fields(
    session: Session,
    operator: str,
    entity: str,
    rows: Sequence[Mapping[str, Any]],
    fields: Sequence[str],
) -> None:
    """'create' audit rows naming each non-empty field, like the services write them."""
    out: list[Row] = []
    for r in rows:
        for name in fields:
            if r.get(name) is None:
                continue
            out.append(
                {
                    "operator": operator,
                    "action": "create",
                    "entity": entity,
                    "entity_id": r["id"],
                    "field": name,
                    "old_value": None,
                    "new_value": audit.to_json(r[name]),
                }
            )
    audit.record_many(session, out)
