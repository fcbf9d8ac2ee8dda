"""Restore a store from a backup file while no other program can write (`db.store.restore`).

SQLite's backup API onto the live file made the safety copy and the overwrite two steps: an
import that committed between them (100,000 rows) was in neither, and both programs said "done"
(issue 11). Here one connection takes the store's write lock first (BEGIN IMMEDIATE, waiting at
most RESTORE_WAIT_S: another program is writing → StoreBusy, nothing changed; one that committed
while we waited is refused the same way, so a restore never overwrites what the clerk who asked
for it has not seen) and, holding it,

1. copies the current content as a 恢复前 backup (a second connection reads: in WAL, readers are
   not blocked by the writer, and no commit can come in between);
2. replaces every table, index, trigger and view with those of the backup — copied and upgraded
   beforehand, attached read-only — in that same transaction, and records the restore in the
   audit trail;
3. commits. A writer that started meanwhile waited for the lock (or gave up with "占用"): it
   sees the restored store, and nothing it committed was lost.

A store file SQLite cannot read at all (damaged, not a database) cannot be locked either: it is
moved aside as the safety copy, as it was found, and the backup takes its place.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from db import backups
from db.errors import StoreBusy, StoreCorrupt, StoreError, explain_sqlite_error

RESTORE_WAIT_S = 2.0
SIDECARS = ("-wal", "-shm", "-journal")


def busy_message(dest: Path) -> str:
    """Why a restore was refused while another program writes."""
    return (
        f"有其他程序正在写入数据文件 {dest}（例如正在导入），本次没有恢复，当前数据保持不变。"
        "请等它完成后再恢复。"
    )


def restore_into(
    store: backups.StoreLike,
    dest: Path,
    source: Path,
    prepare: Callable[[Path], None],
    operator: str,
) -> Path | None:
    """Put a validated backup's content into the store at dest; returns the safety copy.

    `prepare(staged)` upgrades the staged copy of the backup to this program's schema.
    """
    staged = backups.folder(dest) / f".restoring-{uuid.uuid4().hex[:12]}.sqlite"
    try:
        backups.copy_store(source, staged)
        prepare(staged)
        try:
            return _swap(store, dest, staged, operator, source.name)
        except StoreCorrupt:
            return _replace_damaged(dest, staged)
    finally:
        for path in (staged, *(staged.with_name(staged.name + s) for s in SIDECARS)):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)


def _swap(
    store: backups.StoreLike, dest: Path, staged: Path, operator: str, source_name: str
) -> Path | None:
    conn = sqlite3.connect(str(dest), timeout=RESTORE_WAIT_S, isolation_level=None)
    try:
        try:
            conn.execute("PRAGMA foreign_keys = OFF")
            conn.execute("ATTACH DATABASE ? AS restored", (str(staged),))
            seen = conn.execute("PRAGMA main.data_version").fetchone()[0]
            conn.execute("BEGIN IMMEDIATE")
            has_content = bool(_objects(conn, "main"))  # a damaged file fails here
            changed = conn.execute("PRAGMA main.data_version").fetchone()[0] != seen
        except sqlite3.DatabaseError as exc:
            raise _lock_failure(exc, dest) from exc
        if changed:  # another program committed while we waited: it must not be overwritten
            conn.execute("ROLLBACK")
            raise StoreBusy(busy_message(dest))
        try:
            safety = backups.take(store, "restore").path if has_content else None
            _replace_content(conn)
            _record(conn, operator, source_name)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return safety
    finally:
        conn.close()


def _lock_failure(exc: sqlite3.DatabaseError, dest: Path) -> StoreError:
    explained = explain_sqlite_error(exc, str(dest))
    if isinstance(explained, StoreBusy):
        return StoreBusy(busy_message(dest))
    return explained or StoreCorrupt(f"数据文件 {dest} 无法读取：{exc}")


def _objects(conn: sqlite3.Connection, schema: str) -> list[tuple[str, str, str | None]]:
    """(type, name, sql) of a schema's own objects, SQLite's internal ones left out."""
    rows = conn.execute(
        f"SELECT type, name, sql FROM {schema}.sqlite_master WHERE name NOT LIKE 'sqlite\\_%' "
        "ESCAPE '\\' ORDER BY rowid"
    ).fetchall()
    return [(str(t), str(n), s) for t, n, s in rows]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _is_virtual(sql: str | None) -> bool:
    return bool(sql) and " ".join(str(sql).split()[:2]).upper() == "CREATE VIRTUAL"


def _replace_content(conn: sqlite3.Connection) -> None:
    """Drop the main schema's objects, then create and fill them as in `restored`."""
    current = _objects(conn, "main")
    for kind in ("view", "trigger"):
        for t, name, _sql in current:
            if t == kind:
                conn.execute(f"DROP {kind.upper()} IF EXISTS main.{_quoted(name)}")
    for t, name, sql in current:  # virtual tables first: they drop their shadow tables
        if t == "table" and _is_virtual(sql):
            conn.execute(f"DROP TABLE IF EXISTS main.{_quoted(name)}")
    for t, name, _sql in _objects(conn, "main"):
        if t == "table":
            conn.execute(f"DROP TABLE main.{_quoted(name)}")
    wanted = _objects(conn, "restored")
    tables = [(name, sql) for t, name, sql in wanted if t == "table" and sql]
    for _name, sql in tables:
        if _is_virtual(sql):
            conn.execute(str(sql))  # creates its shadow tables as well
    existing = {name for t, name, _sql in _objects(conn, "main") if t == "table"}
    for name, sql in tables:
        if not _is_virtual(sql) and name not in existing:
            conn.execute(str(sql))
    for name, sql in tables:
        if not _is_virtual(sql):
            conn.execute(f"DELETE FROM main.{_quoted(name)}")
            conn.execute(f"INSERT INTO main.{_quoted(name)} SELECT * FROM restored.{_quoted(name)}")
    _copy_sequences(conn)
    for kind in ("index", "trigger", "view"):
        for t, _name, sql in wanted:
            if t == kind and sql:
                conn.execute(str(sql))
    version = conn.execute("PRAGMA restored.user_version").fetchone()[0]
    conn.execute(f"PRAGMA main.user_version = {int(version)}")


def _copy_sequences(conn: sqlite3.Connection) -> None:
    """AUTOINCREMENT counters travel with the content."""
    has = "SELECT 1 FROM {0}.sqlite_master WHERE name = 'sqlite_sequence'"
    if conn.execute(has.format("restored")).fetchone() is None:
        return
    if conn.execute(has.format("main")).fetchone() is not None:
        conn.execute("DELETE FROM main.sqlite_sequence")
        conn.execute("INSERT INTO main.sqlite_sequence SELECT * FROM restored.sqlite_sequence")


def _record(conn: sqlite3.Connection, operator: str, source_name: str) -> None:
    """The restore in the restored store's audit trail (who, when, from which file)."""
    if conn.execute(
        "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'audit_log'"
    ).fetchone():
        conn.execute(
            "INSERT INTO main.audit_log (operator, action, entity, entity_id, field, new_value)"
            " VALUES (?, 'restore', 'store', 0, 'backup', ?)",
            (operator or "未知", json.dumps(source_name, ensure_ascii=False)),
        )


def _replace_damaged(dest: Path, staged: Path) -> Path | None:
    """A store SQLite cannot read: keep it aside as found, put the backup in its place."""
    safety: Path | None = None
    if dest.exists() and dest.stat().st_size > 0:
        safety = backups.backup_path(dest, "restore", datetime.now())
        os.replace(dest, safety)
    for suffix in SIDECARS:
        sidecar = dest.with_name(dest.name + suffix)
        if sidecar.exists():
            if safety is not None:
                os.replace(sidecar, safety.with_name(safety.name + suffix))
            else:
                sidecar.unlink()
    backups.copy_store(staged, dest)
    return safety
