"""Import batches of the kinds other than enterprises: shared plan types, audit tagging, undo,
and the column mappings remembered per town and kind (import.md).

Per-kind store access lives in db/services/imports/kinds.py. Every write of these kinds goes
through the kind's own service (which validates and audits); audit rows carry the batch id so
that `undo_other_batch` can restore the store from them:
- action create → the record is deleted again (unless edited after the batch or referenced);
- action update with a field → the field gets its old value back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from db.models import (
    AuditEntry,
    Carrier,
    Commissioner,
    Demand,
    Dispatch,
    Incubatee,
    Platform,
    ResultTransfer,
    ServiceRecord,
    TechContract,
    TechResult,
)
from db.models import Base as _Base
from db.services.commissioners import roster
from db.services.imports.batches import (
    KeptRecord,
    UndoResult,
    batch_entries,
    edited_after,
    finish_undo,
)

T = TypeVar("T")

ENTITY_MODELS: dict[str, Any] = {
    "commissioner": Commissioner,
    "demand": Demand,
    "dispatch": Dispatch,
    "service_record": ServiceRecord,
    "carrier": Carrier,
    "incubatee": Incubatee,
    "platform": Platform,
    "tech_contract": TechContract,
    "tech_result": TechResult,
    "result_transfer": ResultTransfer,
}
_LABEL_COLUMNS = ("name", "requester", "target_name", "team_name")


@dataclass
class Incoming:
    """One accepted row of a sheet of another kind, normalised; only non-blank values present."""

    row: int
    key: tuple[Any, ...]
    label: str  # how the record is named in messages (never an unmasked ID number)
    values: dict[str, Any]  # model columns → values
    refs: dict[str, Any] = field(default_factory=dict)  # lookup data not stored as such
    sheet: str = ""  # the sheet the row came from (a workbook may have several)


@dataclass(frozen=True)
class Issue:
    """A problem found while planning against the store; `field` is the schema field."""

    field: str
    message: str


@dataclass
class KindPlan:
    """What committing one incoming row of another kind will do."""

    incoming: Incoming
    record_id: int | None = None  # None → create
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    new: bool = True
    issues: list[Issue] = field(default_factory=list)  # any issue rejects the row
    warnings: list[Issue] = field(default_factory=list)
    resolved: dict[str, Any] = field(default_factory=dict)  # ids found while planning

    @property
    def outcome(self) -> str:
        """created / updated / unchanged."""
        if self.new:
            return "created"
        return "updated" if self.changes else "unchanged"

    def shown_changes(self, year: int) -> dict[str, tuple[Any, Any]]:
        """Every changed field old → new (the year is not used by these kinds)."""
        del year
        return dict(self.changes)


def same(old: Any, new: Any) -> bool:
    """Stored and incoming values are equal (floats within 1e-6, datetimes as dates)."""
    if isinstance(old, datetime) and isinstance(new, date) and not isinstance(new, datetime):
        old = old.date()
    if isinstance(old, float) or isinstance(new, float):
        try:
            return old is not None and new is not None and abs(float(old) - float(new)) < 1e-6
        except (TypeError, ValueError):
            return False
    return bool(old == new)


def diff(stored: Mapping[str, Any], incoming: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Changed fields; blank (None) incoming values never erase stored ones."""
    return {
        k: (stored.get(k), v)
        for k, v in incoming.items()
        if v is not None and not same(stored.get(k), v)
    }


def tagged(session: Session, batch_id: int, write: Callable[[], T]) -> T:
    """Run a service write and give the audit rows it wrote (without a batch) this batch's id.

    For services that take no batch_id (carriers, platforms, demand status, service records).
    """
    before = session.scalar(select(func.max(AuditEntry.id))) or 0
    result = write()
    stmt = update(AuditEntry).where(AuditEntry.id > before, AuditEntry.batch_id.is_(None))
    if session.get_bind().dialect.name == "postgresql":
        # other desks commit audit rows meanwhile: only the rows this transaction wrote
        stmt = stmt.where(text("audit_log.xmin = pg_current_xact_id()::xid"))
    session.execute(stmt.values(batch_id=batch_id))
    return result


# ---------------------------------------------------------------- undo


def _audit_row(operator: str, entity: str, entity_id: int, old: str | None) -> dict[str, Any]:
    return {
        "operator": operator,
        "action": "undo",
        "entity": entity,
        "entity_id": entity_id,
        "batch_id": None,
        "field": None,
        "old_value": old,
        "new_value": None,
    }


def _edited_later(session: Session, batch_id: int, last_id: int) -> set[tuple[str, int]]:
    """Records changed after the batch by writes that still stand (batches.edited_after)."""

    def key(entity: str, entity_id: int) -> tuple[str, int]:
        return entity, entity_id

    return edited_after(session, batch_id, last_id, ENTITY_MODELS, key)


def _referenced(session: Session, model: Any, record_id: int) -> bool:
    table = model.__table__
    for other in _Base.metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is table:
                hits = session.execute(
                    select(func.count()).select_from(other).where(fk.parent == record_id)
                ).scalar_one()
                if hits:
                    return True
    return False


def _label(session: Session, model: Any, record_id: int) -> str:
    for name in _LABEL_COLUMNS:
        if name in model.__table__.c:
            value = session.scalar(
                select(model.__table__.c[name]).where(model.__table__.c.id == record_id)
            )
            if value:
                return str(value)
    return f"{model.__table__.name} {record_id}"


def _typed(model: Any, name: str, value: Any) -> Any:
    """Audit JSON keeps dates as ISO text; turn them back into dates for date columns."""
    column = model.__table__.c[name]
    if isinstance(value, str) and column.type.python_type is date:
        return date.fromisoformat(value)
    return value


# Columns derived from audited ones (not audited themselves): recomputed after a revert.
_DERIVED: dict[str, Callable[[Session, int], None]] = {
    "commissioner": roster.refresh_search_text,
}


def _revert(session: Session, model: Any, record_id: int, own: list[AuditEntry]) -> None:
    for entry in reversed(own):
        if entry.action == "create":
            session.execute(delete(model).where(model.id == record_id))
        elif entry.action == "update" and entry.field:
            old = None if entry.old_value is None else json.loads(entry.old_value)
            value = _typed(model, entry.field, old)
            bumped = {entry.field: value, "version": model.version + 1}
            session.execute(update(model).where(model.id == record_id).values(bumped))
    refresh = _DERIVED.get(own[0].entity)
    if refresh is not None:
        refresh(session, record_id)


def _keep_reason(
    session: Session,
    key: tuple[str, int],
    own: list[AuditEntry],
    edited: set[tuple[str, int]],
) -> str | None:
    if key in edited:
        return "导入后该记录又被修改过，已保留"
    creates = any(e.action == "create" for e in own)
    if creates and _referenced(session, ENTITY_MODELS[key[0]], key[1]):
        return "该记录已被其他记录引用，已保留"
    return None


def undo_other_batch(
    session: Session, batch_id: int, operator: str, close: bool = True
) -> UndoResult:
    """Undo the records of the other kinds a batch wrote: newest writes first, records edited
    later are kept; `close` marks the batch undone (undo.py closes a batch of several kinds once)."""
    entries = batch_entries(session, batch_id)
    last_id = max((e.id for e in entries), default=0)
    edited = _edited_later(session, batch_id, last_id)
    groups: dict[tuple[str, int], list[AuditEntry]] = {}
    for entry in entries:
        if entry.entity in ENTITY_MODELS:
            groups.setdefault((entry.entity, entry.entity_id), []).append(entry)
    kept: list[KeptRecord] = []
    audits: list[dict[str, Any]] = []
    reverted = 0
    for key, own in reversed(list(groups.items())):
        model = ENTITY_MODELS[key[0]]
        label = _label(session, model, key[1])
        reason = _keep_reason(session, key, own, edited)
        if reason:
            kept.append(KeptRecord(label, reason))
            continue
        _revert(session, model, key[1], own)
        reverted += 1
        old = json.dumps({"batch_id": batch_id, "label": label}, ensure_ascii=False)
        audits.append(_audit_row(operator, key[0], key[1], old))
    finish_undo(session, batch_id, operator, audits, close)
    return UndoResult(batch_id, reverted, tuple(kept))


# ---------------------------------------------------------------- column mappings
