"""Bulk writes through SQLAlchemy Core for import batches: chunks, raw SQLite inserts, updates by id.

No per-row ORM objects: a 100,000-row batch is written with executemany inside the caller's
transaction, with the cyclic garbage collector paused while the rows are built."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Date, Table, bindparam, func, insert, select, update

CHUNK_SIZE = 500
# The page cache of a bulk write (KiB; SQLite's own default is 2 MB): the B-trees of the indexes
# a 100,000-row batch inserts into at random places then stay in memory instead of being spilled.
BULK_CACHE_KIB = 64 * 1024
# An index is dropped and built again after the rows only when at least this many rows, and
# no fewer than the table holds already, are to be inserted: building it afresh sorts once,
# which is several times cheaper than as many random inserts, but it sorts the whole table.
DEFER_INDEXES_FROM = 10_000


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while bulk rows (which form no cycles) are built.

    Its passes grow with the number of live objects, so a 100,000-row import would otherwise
    walk the whole plan again and again. The previous state is restored on exit.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def chunks(items: Sequence[Any], size: int = CHUNK_SIZE) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def iso(value: Any) -> str:
    """json.dumps default: dates as ISO text (the same text _jsonable gives)."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def table_of(model: Any) -> Table:
    table: Table = model.__table__
    return table


def same_value(value: Any) -> Any:
    return value


def iso_day(value: date | None) -> str | None:
    """SQLite's text form of a date column (what SQLAlchemy's SQLite Date type writes)."""
    return None if value is None else value.isoformat()


def insert_rows(
    conn: Connection, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Insert plain tuples in one executemany: straight to the driver on SQLite, else via Core.

    On SQLite the tuples must already hold driver values (dates as ISO text, see day_writer).
    """
    if not rows:
        return
    if raw_sqlite(conn):
        quote = conn.dialect.identifier_preparer
        names = ", ".join(quote.quote(c) for c in columns)
        marks = ", ".join("?" for _ in columns)
        conn.exec_driver_sql(
            f"INSERT INTO {quote.format_table(table)} ({names}) VALUES ({marks})", rows
        )
    else:
        conn.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])


def insert_dicts(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert dicts with the keys of the first in one executemany (as Core's insert does),
    straight to the driver on SQLite when every value of a Date column is a date or None."""
    if not rows:
        return
    columns = tuple(rows[0])
    days = {c for c in columns if isinstance(table.c[c].type, Date)}
    if raw_sqlite(conn) and all(
        row[c] is None or row[c].__class__ is date for row in rows for c in days
    ):
        values = [tuple(iso_day(row[c]) if c in days else row[c] for c in columns) for row in rows]
        insert_rows(conn, table, columns, values)
    else:
        conn.execute(insert(table), rows)


def inserted_ids(conn: Connection, table: Table, before: int, count: int) -> list[int] | None:
    """The ids of the `count` rows just inserted in one executemany into a SQLite table whose
    largest id was `before`, in insertion order; None when that cannot be told from the ids.

    Without AUTOINCREMENT SQLite gives each row the id above the largest one, so the rows are
    exactly the `count` consecutive ids above `before` (checked: their number and span)."""
    if not raw_sqlite(conn):
        return None
    span = select(func.min(table.c.id), func.max(table.c.id), func.count())
    low, high, found = conn.execute(span.where(table.c.id > before)).one()
    if found != count or low is None or high - low + 1 != count:
        return None
    return list(range(int(low), int(high) + 1))


def raw_sqlite(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite" and conn.dialect.paramstyle == "qmark"


def day_writer(conn: Connection) -> Any:
    return iso_day if raw_sqlite(conn) else same_value


def update_many(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """UPDATE table SET … WHERE id = :_id, one executemany per set of changed columns.

    A versioned record's version is bumped too (an editor opened before sees the change)."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(k for k in row if k != "_id"), []).append(row)
    bump = {"version": table.c.version + 1} if "version" in table.c else {}
    for keys, group in groups.items():
        stmt = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({k: bindparam(f"_v_{k}") for k in keys} | bump)
        )
        conn.execute(
            stmt, [{f"_v_{k}": v for k, v in row.items()} | {"_id": row["_id"]} for row in group]
        )


@contextmanager
def bulk_cache(conn: Connection) -> Iterator[None]:
    """A larger SQLite page cache on this connection while a bulk write runs (others: no-op)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = int(conn.exec_driver_sql("PRAGMA cache_size").scalar() or -2000)
    conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    with _finally(lambda: conn.exec_driver_sql(f"PRAGMA cache_size = {before}")):
        yield


def deferrable_indexes(conn: Connection, table: Table, incoming: int) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the plain indexes of a SQLite table worth building after
    `incoming` new rows rather than while they are inserted (see DEFER_INDEXES_FROM).

    Only indexes made by CREATE INDEX that are not UNIQUE: constraints stay enforced row by row.
    Only inside an open transaction, so that a rollback brings the dropped indexes back.
    """
    if conn.dialect.name != "sqlite" or incoming < DEFER_INDEXES_FROM or not _in_transaction(conn):
        return []
    held = conn.exec_driver_sql(f'SELECT max(rowid) FROM "{table.name}"').scalar() or 0
    if incoming < held:
        return []
    plain = [
        name
        for _seq, name, unique, origin, _partial in conn.exec_driver_sql(
            f'PRAGMA index_list("{table.name}")'
        )
        if origin == "c" and not unique
    ]
    found = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (table.name,)
    )
    sql = {name: text for name, text in found if text}
    return [(name, sql[name]) for name in plain if name in sql]


def _in_transaction(conn: Connection) -> bool:
    """Whether the SQLite connection is inside a transaction already. The driver only opens one
    before the first INSERT/UPDATE/DELETE: a DROP INDEX before that would commit on its own."""
    return bool(getattr(conn.connection.dbapi_connection, "in_transaction", False))


@contextmanager
def indexes_deferred(conn: Connection, indexes: list[tuple[str, str]]) -> Iterator[None]:
    """Drop the indexes, run the block, build them again (in the caller's transaction, so a
    rollback restores them too; they are built again even when the block fails)."""
    for name, _sql in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')

    def build() -> None:
        for _name, sql in indexes:
            conn.exec_driver_sql(sql)

    with _finally(build):
        yield


@contextmanager
def _finally(undo: Callable[[], object]) -> Iterator[None]:
    """Run `undo` after the block; when the block failed, its own failure is the one raised."""
    try:
        yield
    except BaseException:
        with suppress(Exception):
            undo()
        raise
    undo()
