"""Bulk writes through SQLAlchemy Core for import batches: chunks, raw SQLite inserts, updates by id.

No per-row ORM objects: a 100,000-row batch is written with executemany inside the caller's
transaction, with the cyclic garbage collector paused while the rows are built."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, insert, update

CHUNK_SIZE = 500


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


def raw_sqlite(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite" and conn.dialect.paramstyle == "qmark"


def day_writer(conn: Connection) -> Any:
    return iso_day if raw_sqlite(conn) else same_value


def update_many(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """UPDATE table SET … WHERE id = :_id, one executemany per set of changed columns."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(k for k in row if k != "_id"), []).append(row)
    for keys, group in groups.items():
        stmt = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({k: bindparam(f"_v_{k}") for k in keys})
        )
        conn.execute(
            stmt, [{f"_v_{k}": v for k, v in row.items()} | {"_id": row["_id"]} for row in group]
        )
