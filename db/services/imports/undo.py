"""Undo an import batch of any kind (import.md): one entry point, one implementation per family."""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.services.imports.batches import UndoResult, open_batch
from db.services.imports.enterprise_undo import undo_enterprise_batch
from db.services.imports.other import undo_other_batch


def undo_batch(session: Session, batch_id: int, operator: str) -> UndoResult:
    """Restore every record the batch created or changed, except those edited after it (kept)."""
    if open_batch(session, batch_id).kind == "enterprises":
        return undo_enterprise_batch(session, batch_id, operator)
    return undo_other_batch(session, batch_id, operator)
