"""the server records who wrote: operator columns are the login (PostgreSQL)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 18:00:00.000000

spec/desks.md: on a server every desk connects as its clerk's own login, so the audit trail's
operator is the server's current_user and cannot be forged (a desk's --operator, or a program
writing to the database directly). A trigger on each table with a column naming who wrote sets it
to current_user: the operator of audit rows, import batches and 报出 returns and the creator of a
collection round on insert (never changed afterwards); who deleted a record, undid a batch or
entered an actual whenever such a name is written. A copy of existing history (moving a store to
the server) keeps its names: `SET LOCAL kc.keep_operator = 'on'` by the tables' owner.

SQLite has no logins: nothing to do there.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written once when the row is made; an update keeps the recorded name.
ON_INSERT = {
    "audit_log": "operator",
    "import_batches": "operator",
    "submitted_returns": "operator",
    "collection_rounds": "created_by",
}
# Nullable names set when something happens to the row (deleted, undone, entered by hand).
WHEN_WRITTEN = {
    "import_batches": ("undone_by",),
    "indicator_actuals": ("entered_by",),
    **{
        table: ("deleted_by",)
        for table in (
            "enterprises",
            "qualifications",
            "commissioners",
            "demands",
            "dispatches",
            "service_records",
            "carriers",
            "incubatees",
            "platforms",
            "cultivation_entries",
            "tech_contracts",
            "tech_results",
            "result_transfers",
        )
    },
}

# The owner of a table may copy history with its names (migrate-to); nobody else can skip it.
_KEEP = """
    IF current_setting('kc.keep_operator', true) = 'on' THEN
        IF pg_has_role(current_user,
                       (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
            RETURN NEW;
        END IF;
    END IF;"""

_ON_INSERT = """
CREATE OR REPLACE FUNCTION kc_login_as_{column}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN{keep}
    IF TG_OP = 'INSERT' THEN
        NEW.{column} := current_user;
    ELSE
        NEW.{column} := OLD.{column};
    END IF;
    RETURN NEW;
END $$"""

_WHEN_WRITTEN = """
CREATE OR REPLACE FUNCTION kc_login_as_{column}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN{keep}
    IF NEW.{column} IS NOT NULL
       AND (TG_OP = 'INSERT' OR NEW.{column} IS DISTINCT FROM OLD.{column}) THEN
        NEW.{column} := current_user;
    END IF;
    RETURN NEW;
END $$"""


# Triggers on INSERT OR UPDATE, not UPDATE OF the column: a column named in a trigger's definition
# could no longer change its type or collation (0010).


def _triggers() -> list[tuple[str, str]]:
    """(table, column) of every trigger this migration makes."""
    pairs = list(ON_INSERT.items())
    pairs += [(table, column) for table, columns in WHEN_WRITTEN.items() for column in columns]
    return pairs


def _trigger_name(table: str, column: str) -> str:
    return f"kc_{table}_{column}_is_login"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in sorted(set(ON_INSERT.values())):
        op.execute(_ON_INSERT.format(column=column, keep=_KEEP))
    for column in sorted({c for columns in WHEN_WRITTEN.values() for c in columns}):
        op.execute(_WHEN_WRITTEN.format(column=column, keep=_KEEP))
    for table, column in _triggers():
        op.execute(
            f"CREATE TRIGGER {_trigger_name(table, column)}"
            f" BEFORE INSERT OR UPDATE ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION kc_login_as_{column}()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in _triggers():
        op.execute(f"DROP TRIGGER IF EXISTS {_trigger_name(table, column)} ON {table}")
    columns = set(ON_INSERT.values()) | {c for cs in WHEN_WRITTEN.values() for c in cs}
    for column in sorted(columns):
        op.execute(f"DROP FUNCTION IF EXISTS kc_login_as_{column}()")
