"""Import batches of every kind: the batch record, its audit rows, undo results, the history (import.md)."""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from db.models import (
    AuditEntry,
    ImportBatch,
)


class UndoRefused(Exception):
    """An undo that must not run (already undone); the message is for the clerk."""


class BatchNotFound(LookupError):
    """No import batch with that id."""


def duplicate_of_batch(session: Session, sha256: str) -> int | None:
    """The latest earlier batch that imported a file with the same SHA-256, if any."""
    return session.scalar(select(func.max(ImportBatch.id)).where(ImportBatch.sha256 == sha256))


@dataclass(frozen=True)
class BatchInfo:
    file_name: str
    sha256: str
    kind: str
    sheet: str | None
    town: str | None
    year: int
    operator: str
    counts: dict[str, int]
    report: dict[str, Any]


def create_batch(session: Session, info: BatchInfo) -> int:
    """Record the import batch (file, SHA-256, kind, town, year, operator, counts)."""
    values = {
        "file_name": info.file_name[:260],
        "sha256": info.sha256,
        "kind": info.kind,
        "sheet": info.sheet,
        "town": info.town,
        "year": info.year,
        "operator": info.operator,
        "report": json.dumps(info.report, ensure_ascii=False, default=str),
        **{k: info.counts.get(k, 0) for k in ("rows", "created", "updated", "unchanged")},
        **{k: info.counts.get(k, 0) for k in ("rejected", "skipped")},
    }
    batch_id = session.execute(insert(ImportBatch).values(**values).returning(ImportBatch.id))
    return int(batch_id.scalar_one())


@dataclass(frozen=True)
class KeptRecord:
    uscc: str
    reason: str


@dataclass(frozen=True)
class UndoResult:
    batch_id: int
    reverted: int
    kept: tuple[KeptRecord, ...]


def open_batch(session: Session, batch_id: int) -> ImportBatch:
    """The batch, refused when missing (BatchNotFound) or already undone (UndoRefused)."""
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise BatchNotFound(f"找不到导入批次 {batch_id}")
    if batch.undone_at is not None:
        raise UndoRefused(
            f"导入批次 {batch_id} 已于 {batch.undone_at:%Y-%m-%d %H:%M} 由 {batch.undone_by} 撤销，不能重复撤销"
        )
    return batch


def batch_entries(session: Session, batch_id: int) -> list[AuditEntry]:
    """The audit rows a batch wrote, in order."""
    stmt = select(AuditEntry).where(AuditEntry.batch_id == batch_id).order_by(AuditEntry.id)
    return list(session.scalars(stmt))


K = TypeVar("K", bound=Hashable)


def _undone_batch_of(raw: str | None) -> int | None:
    """The batch an undo's own audit row names (old_value {"batch_id": …}), if any."""
    try:
        value = json.loads(raw) if raw else None
    except ValueError:
        return None
    batch = value.get("batch_id") if isinstance(value, dict) else None
    return batch if isinstance(batch, int) else None


def edited_after(
    session: Session,
    batch_id: int,
    last_id: int,
    entities: Iterable[str],
    key_of: Callable[[str, int], K | None],
) -> set[K]:
    """Records (as key_of names them) changed after a batch by writes that still stand.

    A later edit is an audit row after the batch's last one, by hand or by another batch — except
    the audit rows an undo writes, and the rows of a later batch whose undo reverted that record
    (an undone batch is no later edit: undoing batches in reverse order restores the store).
    """
    names = list(entities)
    seen: dict[tuple[str, int], K | None] = {}

    def key(entity: str, entity_id: int) -> K | None:
        if (entity, entity_id) not in seen:
            seen[entity, entity_id] = key_of(entity, entity_id)
        return seen[entity, entity_id]

    after = (AuditEntry.id > last_id, AuditEntry.entity.in_(names))
    undos = session.execute(
        select(AuditEntry.entity, AuditEntry.entity_id, AuditEntry.old_value).where(
            *after, AuditEntry.action == "undo"
        )
    ).all()
    reverted: set[tuple[int, K]] = set()
    for entity, entity_id, raw in undos:
        undone, record = _undone_batch_of(raw), key(entity, int(entity_id))
        if undone is not None and record is not None:
            reverted.add((undone, record))
    edits = session.execute(
        select(AuditEntry.entity, AuditEntry.entity_id, AuditEntry.batch_id)
        .where(
            *after,
            AuditEntry.action != "undo",
            or_(AuditEntry.batch_id.is_(None), AuditEntry.batch_id != batch_id),
        )
        .distinct()
    ).all()
    out: set[K] = set()
    for entity, entity_id, other in edits:
        record = key(entity, int(entity_id))
        if record is not None and (other is None or (other, record) not in reverted):
            out.add(record)
    return out


@dataclass(frozen=True)
class BatchView:
    id: int
    file_name: str
    sha256: str
    kind: str
    sheet: str | None
    town: str | None
    year: int | None
    operator: str
    created_at: datetime
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    skipped: int
    undone_at: datetime | None
    undone_by: str | None


def history(session: Session) -> list[BatchView]:
    """Every import batch, newest first."""
    batches = session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()))
    return [
        BatchView(
            b.id,
            b.file_name,
            b.sha256,
            b.kind,
            b.sheet,
            b.town,
            b.year,
            b.operator,
            b.created_at,
            b.rows,
            b.created,
            b.updated,
            b.unchanged,
            b.rejected,
            b.skipped,
            b.undone_at,
            b.undone_by,
        )
        for b in batches
    ]


def finish_undo(
    session: Session, batch_id: int, operator: str, audits: list[dict[str, Any]], close: bool
) -> None:
    """Write an undo's audit rows; `close`: also its "undo import_batch" row, and mark the batch
    undone (a batch of several kinds is closed once, by undo.py)."""
    if close:
        audits.append(
            {
                "operator": operator,
                "action": "undo",
                "entity": "import_batch",
                "entity_id": batch_id,
                "batch_id": None,
                "field": None,
                "old_value": None,
                "new_value": None,
            }
        )
    if audits:
        session.execute(insert(AuditEntry), audits)
    if close:
        session.execute(
            update(ImportBatch)
            .where(ImportBatch.id == batch_id)
            .values(undone_at=datetime.now().replace(microsecond=0), undone_by=operator)
        )
