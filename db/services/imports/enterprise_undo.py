"""Undo of an enterprises import batch: every record it created or changed goes back, except those
edited after it (kept, with the reason) and created enterprises other records now refer to."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from db.models import (
    AuditEntry,
    Enterprise,
    EnterpriseYear,
    Qualification,
)
from db.services.enterprises.search_text import search_columns
from db.services.imports.batches import (
    KeptRecord,
    UndoResult,
    batch_entries,
    edited_after,
    finish_undo,
)
from db.services.imports.bulk import table_of
from db.services.imports.enterprises import audit_row

# ---------------------------------------------------------------- undo


def _enterprise_of(session: Session, entity: str, entity_id: int) -> int | None:
    if entity == "enterprise":
        return entity_id
    model = Qualification if entity == "qualification" else EnterpriseYear
    return session.scalar(select(model.enterprise_id).where(model.id == entity_id))


def _edited_later(session: Session, batch_id: int, last_id: int) -> set[int]:
    """Enterprises changed after the batch by writes that still stand (batches.edited_after)."""
    entities = ("enterprise", "qualification", "enterprise_year")
    return edited_after(
        session, batch_id, last_id, entities, lambda e, i: _enterprise_of(session, e, i)
    )


def _referenced(session: Session, enterprise_id: int) -> bool:
    from db.models import Base

    table = table_of(Enterprise)
    for other in Base.metadata.sorted_tables:
        if other.name in ("enterprise_years", "qualifications"):
            continue
        for fk in other.foreign_keys:
            if fk.column.table is table:
                hit = session.execute(
                    select(func.count()).select_from(other).where(fk.parent == enterprise_id)
                ).scalar_one()
                if hit:
                    return True
    return False


def _uscc_of(session: Session, enterprise_id: int) -> str:
    return session.scalar(select(Enterprise.uscc).where(Enterprise.id == enterprise_id)) or ""


def _restore_entry(session: Session, entry: AuditEntry) -> None:
    old = None if entry.old_value is None else json.loads(entry.old_value)
    if entry.entity == "enterprise" and entry.field and "." in entry.field:
        year_text, name = entry.field.split(".", 1)
        stmt = update(EnterpriseYear).where(
            EnterpriseYear.enterprise_id == entry.entity_id, EnterpriseYear.year == int(year_text)
        )
        bumped = {"version": EnterpriseYear.version + 1}
        session.execute(stmt.values({name: _typed(EnterpriseYear, name, old)} | bumped))
    elif entry.entity == "enterprise" and entry.field:
        session.execute(
            update(Enterprise)
            .where(Enterprise.id == entry.entity_id)
            .values({entry.field: _typed(Enterprise, entry.field, old)})
            .values(version=Enterprise.version + 1)
        )
    elif entry.entity == "qualification" and entry.field:
        session.execute(
            update(Qualification)
            .where(Qualification.id == entry.entity_id)
            .values({entry.field: _typed(Qualification, entry.field, old)})
            .values(version=Qualification.version + 1)
        )


def _typed(model: Any, name: str, value: Any) -> Any:
    """Audit JSON keeps dates as ISO text; turn them back into dates for date columns."""
    column = model.__table__.c[name]
    if isinstance(value, str) and column.type.python_type is date:
        return date.fromisoformat(value)
    return value


def _remove_created(session: Session, entry: AuditEntry) -> None:
    if entry.entity == "enterprise":
        session.execute(
            delete(EnterpriseYear).where(EnterpriseYear.enterprise_id == entry.entity_id)
        )
        session.execute(delete(Qualification).where(Qualification.enterprise_id == entry.entity_id))
        session.execute(delete(Enterprise).where(Enterprise.id == entry.entity_id))
    elif entry.entity == "qualification":
        session.execute(delete(Qualification).where(Qualification.id == entry.entity_id))
    elif entry.entity == "enterprise_year":
        session.execute(delete(EnterpriseYear).where(EnterpriseYear.id == entry.entity_id))


ENTITIES = ("enterprise", "qualification", "enterprise_year")


def undo_enterprise_batch(
    session: Session, batch_id: int, operator: str, close: bool = True
) -> UndoResult:
    """Undo the enterprises, qualifications and figures a batch wrote, except those edited after
    it; `close` marks the batch undone (undo.py closes a batch of several kinds once)."""
    entries = [e for e in batch_entries(session, batch_id) if e.entity in ENTITIES]
    last_id = max((e.id for e in entries), default=0)
    edited = _edited_later(session, batch_id, last_id)
    by_enterprise: dict[int, list[AuditEntry]] = {}
    for entry in entries:
        eid = (
            entry.entity_id
            if entry.entity == "enterprise"
            else _enterprise_of(session, entry.entity, entry.entity_id)
        )
        if eid is not None:
            by_enterprise.setdefault(eid, []).append(entry)
    kept: list[KeptRecord] = []
    reverted = 0
    audits: list[dict[str, Any]] = []
    for eid, own in by_enterprise.items():
        reason = _keep_reason(session, eid, own, edited)
        if reason:
            kept.append(KeptRecord(_uscc_of(session, eid), reason))
            continue
        uscc = _uscc_of(session, eid)
        for entry in reversed(own):
            if entry.action == "create":
                _remove_created(session, entry)
            else:
                _restore_entry(session, entry)
        _refresh_search_columns(session, eid)
        reverted += 1
        undo = audit_row(operator, "undo", "enterprise", eid, None)
        undo["old_value"] = json.dumps({"batch_id": batch_id, "uscc": uscc}, ensure_ascii=False)
        audits.append(undo)
    finish_undo(session, batch_id, operator, audits, close)
    return UndoResult(batch_id, reverted, tuple(kept))


def _refresh_search_columns(session: Session, enterprise_id: int) -> None:
    """Recompute the search columns after an undo restored the name (they are not audited)."""
    row = session.execute(
        select(Enterprise.name, Enterprise.uscc).where(Enterprise.id == enterprise_id)
    ).first()
    if row is None:  # the undo removed an enterprise the batch created
        return
    text, initials = search_columns(row.name, row.uscc)
    session.execute(
        update(Enterprise)
        .where(Enterprise.id == enterprise_id)
        .values(search_text=text, pinyin_initials=initials)
    )


def _keep_reason(
    session: Session, enterprise_id: int, own: list[AuditEntry], edited: set[int]
) -> str | None:
    if enterprise_id in edited:
        return "导入后该企业又被修改过，已保留"
    creates = any(e.action == "create" and e.entity == "enterprise" for e in own)
    if creates and _referenced(session, enterprise_id):
        return "该企业已被其他记录引用，已保留"
    return None
