"""The audit trail: every write records operator, time, entity, field and old → new."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from db.models import AuditEntry, ImportBatch
from db.services.lengths import check_lengths


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


class Row(Protocol):
    """A mapped row with an integer primary key."""

    @property
    def id(self) -> int: ...


class SoftDeletedRow(Row, Protocol):
    """A mapped row that goes to a recycle bin instead of being deleted."""

    deleted_at: datetime | None
    deleted_by: str | None


def add_created(
    session: Session,
    obj: Row,
    values: Mapping[str, object],
    operator: str,
    entity: str,
    batch_id: int | None = None,
) -> int:
    """Add a new row, flush for its id, audit its non-empty values as a create; returns the id.

    A text longer than its column's declared length is refused (lengths.check_lengths).
    """
    check_lengths(obj, values)
    session.add(obj)
    session.flush()
    changes = {k: (None, v) for k, v in values.items() if v is not None}
    record(session, operator, "create", entity, obj.id, changes, batch_id)
    return obj.id


def apply_changes(
    session: Session,
    obj: Row,
    values: Mapping[str, Any],
    operator: str,
    entity: str,
    batch_id: int | None = None,
    on_change: Callable[[], object] | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Set the values that differ, run on_change, audit and flush; returns {field: (old, new)}.

    A changed text longer than its column's declared length is refused before anything is set.
    """
    diff = {k: (getattr(obj, k), v) for k, v in values.items() if getattr(obj, k) != v}
    check_lengths(obj, {k: new for k, (_old, new) in diff.items()})
    for key, (_old, new) in diff.items():
        setattr(obj, key, new)
    if diff:
        if on_change is not None:
            on_change()
        record(session, operator, "update", entity, obj.id, diff, batch_id)
        session.flush()
    return diff


def apply_year(
    session: Session,
    row: object,
    year: int,
    values: Mapping[str, Any],
    owner: tuple[str, int],
    operator: str,
    batch_id: int | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Set a yearly row's values, audit changes as "<year>.<field>" on its owner (entity, id).

    A text longer than its column's declared length is refused before anything is set.
    """
    check_lengths(row, {k: v for k, v in values.items() if getattr(row, k, None) != v})
    diff = {
        f"{year}.{k}": (getattr(row, k, None), v)
        for k, v in values.items()
        if getattr(row, k, None) != v
    }
    for key, value in values.items():
        setattr(row, key, value)
    if diff:
        entity, entity_id = owner
        record(session, operator, "update", entity, entity_id, diff, batch_id)
    session.flush()
    return diff


def soft_delete(session: Session, obj: SoftDeletedRow, operator: str, entity: str) -> None:
    """Move a row to the recycle bin (audited); a row already there is left alone."""
    if obj.deleted_at is not None:
        return
    obj.deleted_at = datetime.now().replace(microsecond=0)
    obj.deleted_by = operator
    record(session, operator, "delete", entity, obj.id)
    session.flush()


def restore(session: Session, obj: SoftDeletedRow, operator: str, entity: str) -> None:
    """Bring a row back from the recycle bin (audited); a live row is left alone."""
    if obj.deleted_at is None:
        return
    obj.deleted_at = None
    obj.deleted_by = None
    record(session, operator, "restore", entity, obj.id)
    session.flush()


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
    id: int = 0  # the entry's own id: entries of one moment in the order they were written


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
            e.id,
        )
        for e, file_name in session.execute(stmt)
    ]


# A field that holds the id of another record: (that record's id column, its name column).
Reference = tuple[Any, Any]


def referenced_names(
    session: Session, entries: Sequence[AuditView], references: Mapping[str, Reference]
) -> dict[tuple[str, int], str]:
    """The names of the records the entries refer to by id, keyed (field, id).

    A field is a reference when its last part ("type_id", "2024.town_id", "high_tech.type_id")
    is in `references`; its ids are read from the old and new values, and from the fields of a
    value that is a whole record (an import's create). Records deleted since are left out.
    """
    wanted: dict[str, set[int]] = {}

    def note(field: str | None, value: Any) -> None:
        if field is None:
            return
        key = field.rpartition(".")[2]
        if key in references and isinstance(value, int) and not isinstance(value, bool):
            wanted.setdefault(key, set()).add(value)

    for e in entries:
        for value in (e.old_value, e.new_value):
            if isinstance(value, dict):
                for name, inner in value.items():
                    note(name, inner)
            else:
                note(e.field, value)
    found: dict[tuple[str, int], str] = {}
    for key, ids in wanted.items():
        id_col, name_col = references[key]
        for record_id, name in session.execute(select(id_col, name_col).where(id_col.in_(ids))):
            found[(key, record_id)] = name
    return found
