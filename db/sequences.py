"""Keep PostgreSQL's id sequences ahead of ids written explicitly (demo data, copied stores).

SQLite gives a new row the id above the largest one; PostgreSQL takes it from the column's
sequence, which rows inserted with their own ids leave behind (the next insert would collide).
"""

from __future__ import annotations

from sqlalchemy import Connection, text

_SERIAL_COLUMNS = text(
    "SELECT c.table_name, c.column_name,"
    " pg_get_serial_sequence(quote_ident(c.table_name), c.column_name)"
    " FROM information_schema.columns c"
    " WHERE c.table_schema = current_schema()"
    " AND pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) IS NOT NULL"
)


def reset_sequences(conn: Connection) -> int:
    """Set every id sequence of the schema to its column's largest value; returns how many.

    Nothing to do on SQLite (returns 0). Runs in the caller's transaction.
    """
    if conn.dialect.name != "postgresql":
        return 0
    quote = conn.dialect.identifier_preparer.quote
    done = 0
    for table, column, sequence in conn.execute(_SERIAL_COLUMNS).all():
        conn.execute(
            text(
                f"SELECT setval(:seq, coalesce((SELECT max({quote(column)}) FROM {quote(table)}), 0) + 1,"
                " false)"
            ),
            {"seq": sequence},
        )
        done += 1
    return done


def reserve_ids(conn: Connection, table: str, count: int) -> list[int]:
    """`count` new ids for rows the caller inserts with their ids given (bulk paths).

    PostgreSQL: taken from the column's sequence, so no other desk's insert can take them too.
    SQLite: the ids above the largest one (the caller holds the write lock).
    """
    if count <= 0:
        return []
    quote = conn.dialect.identifier_preparer.quote
    if conn.dialect.name == "postgresql":
        return [
            int(i)
            for i in conn.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id'))"
                    " FROM generate_series(1, :count)"
                ),
                {"table": quote(table), "count": count},
            ).scalars()
        ]
    first = int(conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {quote(table)}")).scalar_one())
    return list(range(first + 1, first + 1 + count))
