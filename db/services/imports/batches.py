"""Import batches of every kind: the batch record, its audit rows, undo results, the history (import.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
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
