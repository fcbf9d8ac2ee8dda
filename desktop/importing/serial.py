"""Imports from several desks, one at a time (spec/desks.md): PostgreSQL advisory locks.

Writing a batch (apply_import) and undoing one take the store's import lock for their whole
transaction (`pg_advisory_xact_lock`, released when it commits or rolls back), so two desks'
batches never interleave; the second desk says it is waiting instead of failing. The command
line also holds its turn (`ImportTurn`, a session lock of its own key) from reading the store for
the plan until the commit, so the plan it writes was made after the other desk's batch.
On SQLite the store's single write lock already serialises writers: nothing to do here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from db.store import Store
from desktop.progress import CancelToken, Progress, Work

# Fixed keys of the two advisory locks (any bigint; the same in every desk's program).
IMPORT_LOCK = 0x6B635F696D706F72  # "kc_impor": writing or undoing a batch
TURN_LOCK = 0x6B635F7475726E00  # "kc_turn": a command-line import, from plan to commit
WAITING = "另一台电脑正在导入，等待其完成…"
POLL_SECONDS = 0.2


def _on_server(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def _try(conn: Connection, function: str, key: int) -> bool:
    return bool(conn.execute(text(f"SELECT {function}(:key)"), {"key": key}).scalar())


def hold_import_lock(session: Session, cancel: CancelToken | None = None) -> Work[None]:
    """Take the import lock for the session's transaction (PostgreSQL); while another desk
    holds it, yield WAITING once and wait (cancel still works). SQLite: nothing to take."""
    conn = session.connection()
    if not _on_server(conn) or _try(conn, "pg_try_advisory_xact_lock", IMPORT_LOCK):
        return
    yield Progress(0, 0, WAITING)
    while not _try(conn, "pg_try_advisory_xact_lock", IMPORT_LOCK):
        if cancel is not None:
            cancel.raise_if_cancelled()
        time.sleep(POLL_SECONDS)


class ImportTurn:
    """A command-line import's turn on a PostgreSQL store, held on a connection of its own from
    before the plan reads the store until after the batch is committed (no-op on SQLite).

    `on_progress` hears WAITING once when another desk's import goes first.
    """

    def __init__(self, store: Store, on_progress: Callable[[Progress], None]) -> None:
        self._store = store
        self._on_progress = on_progress
        self._conn: Connection | None = None

    def __enter__(self) -> ImportTurn:
        return self.take()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def take(self) -> ImportTurn:
        """Wait for the turn (saying so when another desk has it) and hold it."""
        if self._store.engine.dialect.name != "postgresql" or self._conn is not None:
            return self
        conn = self._store.engine.connect()
        try:
            if not _try(conn, "pg_try_advisory_lock", TURN_LOCK):
                self._on_progress(Progress(0, 0, WAITING))
                conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": TURN_LOCK})
            conn.commit()  # the lock is the session's: it outlives this (empty) transaction
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return self

    def release(self) -> None:
        """Give the turn to the next desk (nothing when it is not held)."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": TURN_LOCK})
            conn.commit()
        except BaseException:
            conn.invalidate()  # never back to the pool still holding the lock
            raise
        finally:
            conn.close()
