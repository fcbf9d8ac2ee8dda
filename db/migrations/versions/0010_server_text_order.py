"""text compares by code point on PostgreSQL too (collation "C"), as on SQLite

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 17:10:00.000000

A bureau's server database takes the server's locale (zh_CN.UTF-8, en_US.UTF-8 …), whose
collation orders and compares names differently from SQLite, which compares text by code point:
the roster's order, a return's rows and every "name > x" would differ between a desk on the
server and one on its own file. Every text column of the schema gets collation "C" on PostgreSQL
(code point order, the same as SQLite's BINARY); SQLite is left as it is. Later migrations that
add text columns on PostgreSQL use `sa.String(collation="C")` or call `text_columns_to_c()`;
tests/unit/test_migrations_postgres.py checks that no text column is left without it.
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT_COLUMNS = text(
    "SELECT c.table_name, c.column_name, c.data_type, c.character_maximum_length,"
    " c.collation_name FROM information_schema.columns c"
    " JOIN information_schema.tables t"
    "   ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
    " WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
    " AND c.data_type IN ('character varying', 'text', 'character')"
    " ORDER BY c.table_name, c.ordinal_position"
)


# Triggers fired by an UPDATE OF a column depend on it: PostgreSQL will not alter its type.
_COLUMN_TRIGGERS = text(
    "SELECT t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t"
    " JOIN pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = ANY (t.tgattr)"
    " WHERE NOT t.tgisinternal AND t.tgrelid = CAST(:table AS regclass)"
    " AND a.attname = :column"
)


def text_columns_to_c(collation: str = "C") -> None:
    """Give every text column of the schema the collation (PostgreSQL only)."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    quote = bind.dialect.identifier_preparer.quote
    for table, column, kind, length, current in bind.execute(_TEXT_COLUMNS).all():
        if current == collation:
            continue
        type_ = {"character varying": "varchar", "character": "char"}.get(kind, kind)
        if length is not None:
            type_ += f"({length})"
        triggers = bind.execute(_COLUMN_TRIGGERS, {"table": table, "column": column}).all()
        for name, _definition in triggers:
            op.execute(f"DROP TRIGGER {quote(name)} ON {quote(table)}")
        op.execute(
            f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)}"
            f' TYPE {type_} COLLATE "{collation}"'
        )
        for _name, definition in triggers:
            op.execute(definition)


def upgrade() -> None:
    text_columns_to_c("C")


def downgrade() -> None:
    text_columns_to_c("default")
