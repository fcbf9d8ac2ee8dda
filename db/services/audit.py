"""The audit trail: every write records operator, time, entity, field and old → new."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from db.models import AuditEntry, ImportBatch


def to_json(value: object) -> str | None:
    """Audit values are stored as JSON; dates as ISO strings."""
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return json.dumps(value.isoformat())
    return json.dumps(value, ensure_ascii=False)


def from_json(raw: str | None) -> Any:
    """Inverse of to_json (dates stay ISO strings)."""
    return None if raw is None else json.loads(raw)


def record(
    session: Session,
    operator: str,
    action: str,
    entity: str,
    entity_id: int,
    changes: Mapping[str, tuple[object, object]] | None = None,
    batch_id: int | None = None,
) -> None:
    """Write one audit row per changed field (or one row without a field for create/delete)."""
    rows: list[dict[str, object]] = []
    base = {
        "operator": operator,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "batch_id": batch_id,
    }
    for name, (old, new) in (changes or {}).items():
        rows.append(base | {"field": name, "old_value": to_json(old), "new_value": to_json(new)})
    if not rows:
        rows.append(base | {"field": None, "old_value": None, "new_value": None})
    session.execute(insert(AuditEntry), rows)


def record_many(session: Session, rows: Sequence[Mapping[str, object]]) -> None:
    """Bulk audit rows (already shaped like AuditEntry columns) through Core."""
    if rows:
        session.execute(insert(AuditEntry), list(rows))


@dataclass(frozen=True)
class AuditView:
    at: datetime
    operator: str
    action: str
    entity: str
    entity_id: int
    field: str | None
    old_value: Any
    new_value: Any
    batch_id: int | None
    batch_file: str | None


def history(session: Session, entity: str, entity_id: int) -> list[AuditView]:
    """The audit trail of one record, newest first, with the import batch's file when any."""
    stmt = (
        select(AuditEntry, ImportBatch.file_name)
        .outerjoin(ImportBatch, ImportBatch.id == AuditEntry.batch_id)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.id.desc())
    )
    return [
        AuditView(
            e.at,
            e.operator,
            e.action,
            e.entity,
            e.entity_id,
            e.field,
            from_json(e.old_value),
            from_json(e.new_value),
            e.batch_id,
            file_name,
        )
        for e, file_name in session.execute(stmt)
    ]
