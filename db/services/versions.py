"""Versions of editable records (migration 0008, spec/desks.md): no lost updates between desks.

An editor keeps the version of the record it opened and its save names it (`expected_version`);
`claim` refuses the save with StaleEdit when the stored version differs, naming the operator and
time of the latest change in the audit trail, so nothing another desk saved is overwritten. The
claim is itself a write of the row, taken before anything else is read or written: it holds the
row (PostgreSQL) or the store's write lock (SQLite) until the transaction ends, so no other desk
can change the record between the check and the save. `expected_version` None (the CLI, imports)
skips the check; the ORM's version counter still refuses an update that races another desk.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.errors import StaleEdit
from db.models import AuditEntry

# The version an editor names for a record that did not exist when it was opened (a data year
# not yet entered): the save is refused when another desk created it in between.
NOT_STORED = 0


def claim(
    session: Session,
    model: Any,
    row_id: int | None,
    expected: int | None,
    owner: tuple[str, int],
) -> None:
    """Refuse (StaleEdit) a save based on version `expected` of the row `row_id` of `model`
    (None: no row) when its stored version differs; `owner` is the (entity, id) its audit
    trail is kept under. Otherwise the row stays locked for this transaction."""
    if expected is None:
        return
    if row_id is None:
        if expected == NOT_STORED:
            return
        raise stale(session, *owner)
    if expected != NOT_STORED:
        held = session.execute(
            update(model)
            .where(model.id == row_id, model.version == expected)
            .values(version=model.version)
            .execution_options(synchronize_session=False)
        )
        if getattr(held, "rowcount", 0) == 1:
            return
    if session.scalar(select(model.id).where(model.id == row_id)) is None:
        return  # gone: the caller's own look-up says so (NotFound)
    raise stale(session, *owner)


def stale(session: Session, entity: str, entity_id: int) -> StaleEdit:
    """The refusal of a save over another desk's change, naming who changed it and when."""
    last = session.execute(
        select(AuditEntry.operator, AuditEntry.at)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    operator, at = (last.operator, last.at) if last is not None else (None, None)
    return StaleEdit(stale_message(operator, at), operator, at)


def stale_message(operator: str | None, at: datetime | None) -> str:
    """The clerk's words: who changed the record since it was opened, and that nothing was saved."""
    if operator and at is not None:
        who = f"已被 {operator} 于 {at:%Y-%m-%d %H:%M} 修改"
    elif operator:
        who = f"已被 {operator} 修改"
    else:
        who = "已被其他人修改"
    return f"保存失败：此记录在您打开后{who}。为免覆盖对方的修改，本次没有保存。请重新载入后再改。"


@contextmanager
def refused_when_stale(session: Session, entity: str, entity_id: int) -> Iterator[None]:
    """Turn the ORM's StaleDataError (an update raced another desk's) into the clerk's StaleEdit.

    The session's transaction is gone after a failed flush, so the words are read in a new one.
    """
    try:
        yield
    except StaleDataError as exc:
        bind = session.get_bind()
        with Session(bind) as fresh:
            raise stale(fresh, entity, entity_id) from exc
