"""Undo an import batch of any kind (import.md): one entry point, one implementation per family.

A batch may hold several kinds (a workbook of several sheets): the enterprise family (enterprises,
their qualifications and figures) is restored by enterprise_undo, every other kind by other.py;
the later writes are undone first, and the batch is marked undone once.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEntry
from db.services.imports import enterprise_undo
from db.services.imports.batches import UndoResult, open_batch
from db.services.imports.other import ENTITY_MODELS, undo_other_batch
from db.services.plans.indicators_import import revert_indicator_entries

INDICATOR = (
    "indicator"  # a plan's annex: reverted by its own service (targets live in other tables)
)


def undo_batch(session: Session, batch_id: int, operator: str) -> UndoResult:
    """Restore every record the batch created or changed, except those edited after it (kept)."""
    batch = open_batch(session, batch_id)
    entities = set(
        session.scalars(select(AuditEntry.entity).where(AuditEntry.batch_id == batch_id))
    )
    indicators = 0
    if INDICATOR in entities:
        entries = list(
            session.scalars(
                select(AuditEntry).where(
                    AuditEntry.batch_id == batch_id, AuditEntry.entity == INDICATOR
                )
            )
        )
        indicators = revert_indicator_entries(session, entries, operator)
    others = bool(entities & {*ENTITY_MODELS, INDICATOR})
    ours = bool(entities & set(enterprise_undo.ENTITIES)) or not others
    if not others:
        return enterprise_undo.undo_enterprise_batch(session, batch_id, operator)
    if not ours and batch.kind not in ("enterprises", "qualifications", "figures"):
        done = undo_other_batch(session, batch_id, operator)
        return UndoResult(batch_id, done.reverted + indicators, done.kept)
    # Both families: the other kinds were written last, so they are undone first.
    later = undo_other_batch(session, batch_id, operator, close=False)
    first = enterprise_undo.undo_enterprise_batch(session, batch_id, operator)
    reverted = later.reverted + first.reverted + indicators
    return UndoResult(batch_id, reverted, later.kept + first.kept)
