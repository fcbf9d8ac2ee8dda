"""The store's exceptions, light to import (no SQLAlchemy); `db.store` re-exports them.

`StoreError` is unusable input (the command line exits 2); `StoreRefused` and its kinds are
refusals for safety (exit 3): a newer schema, a store another program holds, a read-only store.
`explain_sqlite_error` turns SQLite's own errors (raw, or wrapped by SQLAlchemy) into these, with
the clerk's words and the file's name.
"""

from __future__ import annotations

BUSY_TIMEOUT_MS = 10_000


class StoreError(Exception):
    """A store that cannot be used; the message is for the clerk."""


class StoreCorrupt(StoreError):
    """The file is damaged or is no SQLite database at all."""


class StoreRefused(StoreError):
    """A store that may not be used now, for the data's safety (the command line exits 3)."""


class NewerSchemaError(StoreRefused):
    """The store was written by a newer version of the program."""


class StoreBusy(StoreRefused):
    """Another program holds the store (still writing after the busy timeout, or restoring)."""


class StoreReadOnly(StoreRefused):
    """The store (or its folder) may not be written: nothing was written."""


class StaleEdit(StoreRefused):
    """A save based on a record's version that another desk changed since: nothing was written.

    `operator` and `at` are the other desk's change (from the audit trail) when known.
    """

    def __init__(self, message: str, operator: str | None = None, at: object = None) -> None:
        super().__init__(message)
        self.operator = operator
        self.at = at


def busy_message(name: str) -> str:
    """The clerk's words for a store another program still holds after the busy timeout."""
    return (
        f"数据文件被其他程序占用：{name}（等待 {BUSY_TIMEOUT_MS // 1000} 秒后仍未释放）。"
        "本次操作没有写入任何数据，请等对方完成后再试。"
    )


def read_only_message(name: str) -> str:
    """The clerk's words for a store that cannot be written."""
    return (
        f"数据文件是只读的，无法写入：{name}。本次操作没有写入任何数据；"
        "请检查该文件及其所在文件夹的写入权限，或把它复制到可写的位置后再用。"
    )


def _sqlite_messages(exc: BaseException) -> list[str]:
    """The messages of the SQLite errors in an exception's chain (SQLAlchemy keeps it in .orig)."""
    import sqlite3

    found: list[str] = []
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, sqlite3.Error):
            found.append(str(current).lower())
        orig = getattr(current, "orig", None)
        todo += [orig if isinstance(orig, BaseException) else None]
        todo += [current.__cause__, current.__context__]
    return found


def explain_sqlite_error(exc: BaseException, name: str) -> StoreError | None:
    """The clerk's exception for a SQLite failure on the store `name`; None for anything else."""
    for message in _sqlite_messages(exc):
        if "locked" in message or "busy" in message:
            return StoreBusy(busy_message(name))
        if "readonly" in message or "read-only" in message:
            return StoreReadOnly(read_only_message(name))
        if "disk is full" in message:
            return StoreRefused(
                f"磁盘空间不足，无法写入数据文件：{name}。本次操作没有写入任何数据。"
            )
        if "unable to open" in message:
            return StoreError(f"无法打开数据文件：{name}（文件夹不存在或没有访问权限）。")
        if "not a database" in message or "malformed" in message:
            return StoreCorrupt(
                f"数据文件已损坏或不是科创台账的数据文件：{name}。"
                "可以用“恢复”从备份恢复（bureau restore 备份文件）。"
            )
        if "disk i/o error" in message:
            return StoreError(f"读写数据文件时磁盘出错：{name}。请检查磁盘或存储设备。")
    return None
