"""The server's roles (db/desks.py) and the operator the server records (migration 0009).

PostgreSQL only (the tests take `pg_database` itself, so they do not run on SQLite too), except
the checks of the table lists against the models.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from types import ModuleType

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, make_url

from db import desks
from db.models import Base
from db.store import MIGRATIONS, open_store
from tests.desk_logins import Logins, logins_for
from tests.pgserver import PgServer


@pytest.fixture
def logins(pg_server: PgServer) -> Iterator[Logins]:
    yield from logins_for(pg_server)


def _migration_0009() -> ModuleType:
    path = MIGRATIONS / "versions" / "0009_server_operator.py"
    spec = importlib.util.spec_from_file_location("migration_0009", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _privilege(conn: Connection, role: str, table: str, right: str) -> bool:
    query = text("SELECT has_table_privilege(:role, :table, :right)")
    return bool(conn.execute(query, {"role": role, "table": table, "right": right}).scalar())


def _connect(url: str) -> psycopg.Connection[tuple[object, ...]]:
    parsed = make_url(url)
    return psycopg.connect(
        host=str(parsed.query["host"]),
        port=int(str(parsed.query["port"])),
        dbname=parsed.database,
        user=parsed.username,
        password=parsed.password,
    )


def test_the_admin_only_tables_are_the_models_tables() -> None:
    tables = set(Base.metadata.tables)
    assert tables >= desks.ADMIN_TABLES
    assert set(desks.EDITOR_APPEND_ONLY) <= tables
    assert {"bureau_settings", "towns", "indicator_targets", "return_legal_marks"} <= (
        desks.ADMIN_TABLES
    )
    assert not desks.ADMIN_TABLES & {"enterprises", "import_batches", "audit_log"}


def test_every_column_naming_who_wrote_has_a_trigger() -> None:
    migration = _migration_0009()
    deleted = {t for t, cols in migration.WHEN_WRITTEN.items() if "deleted_by" in cols}
    with_deleted_by = {name for name, t in Base.metadata.tables.items() if "deleted_by" in t.c}
    assert deleted == with_deleted_by
    for table, column in migration._triggers():
        assert column in Base.metadata.tables[table].c, (table, column)


def test_each_group_may_write_only_what_its_role_may(pg_database: str) -> None:
    engine = create_engine(pg_database)
    try:
        with engine.begin() as conn:
            desks.ensure_roles(conn)
            desks.ensure_roles(conn)  # idempotent
        with engine.connect() as conn:
            can = lambda role, table, right: _privilege(conn, role, table, right)  # noqa: E731
            assert can("kc_viewer", "enterprises", "SELECT")
            assert not can("kc_viewer", "enterprises", "INSERT")
            assert not can("kc_viewer", "audit_log", "INSERT")
            assert can("kc_editor", "enterprises", "INSERT")
            assert can("kc_editor", "enterprises", "DELETE")
            assert can("kc_editor", "column_mappings", "UPDATE")
            assert can("kc_editor", "audit_log", "INSERT")
            assert not can("kc_editor", "audit_log", "DELETE")
            assert not can("kc_editor", "import_batches", "DELETE")
            for table in ("towns", "bureau_settings", "indicator_targets", "return_legal_marks"):
                assert can("kc_editor", table, "SELECT")
                assert not can("kc_editor", table, "UPDATE"), table
                assert can("kc_admin", table, "UPDATE"), table
            assert not can("kc_admin", "alembic_version", "UPDATE")
            column = conn.execute(
                text("SELECT has_column_privilege('kc_editor', 'audit_log', :c, 'UPDATE')"),
                [{"c": "batch_id"}],
            ).scalar()
            assert column is True
            sequence = conn.execute(
                text("SELECT has_sequence_privilege('kc_editor', 'enterprises_id_seq', 'USAGE')")
            ).scalar()
            assert sequence is True
    finally:
        engine.dispose()


def test_a_grant_taken_away_comes_back_with_the_next_run(pg_database: str) -> None:
    engine = create_engine(pg_database)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("REVOKE INSERT ON enterprises FROM kc_editor")
            conn.exec_driver_sql("GRANT UPDATE ON towns TO kc_editor")
            desks.ensure_roles(conn)
        with engine.connect() as conn:
            assert _privilege(conn, "kc_editor", "enterprises", "INSERT")
            assert not _privilege(conn, "kc_editor", "towns", "UPDATE")
    finally:
        engine.dispose()


def test_a_viewer_login_cannot_write_whatever_program_it_uses(
    pg_database: str, logins: Logins
) -> None:
    viewer = logins.make("viewer")
    with _connect(logins.url(pg_database, viewer)) as conn:
        assert conn.execute("SELECT count(*) FROM enterprises").fetchone() is not None
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO enterprises (uscc, name, town_id) VALUES ('x', 'x', NULL)")


def test_the_server_records_the_login_not_the_name_a_desk_gives(
    pg_database: str, logins: Logins
) -> None:
    editor = logins.make("editor")
    with _connect(logins.url(pg_database, editor)) as conn:
        conn.execute("SET kc.keep_operator = 'on'")  # only the tables' owner may keep names
        row = conn.execute(
            "INSERT INTO audit_log (operator, action, entity, entity_id)"
            " VALUES ('伪造的名字', 'create', 'enterprise', 1) RETURNING id, operator"
        ).fetchone()
        assert row is not None and row[1] == editor
        conn.commit()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE audit_log SET operator = '伪造的名字' WHERE id = %s", (row[0],))


def test_the_owner_may_copy_history_with_its_names(pg_database: str) -> None:
    engine = create_engine(pg_database)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("SET LOCAL kc.keep_operator = 'on'")
            kept = conn.exec_driver_sql(
                "INSERT INTO audit_log (operator, action, entity, entity_id)"
                " VALUES ('老王', 'create', 'enterprise', 1) RETURNING operator"
            ).scalar()
            stamped = conn.exec_driver_sql(
                "INSERT INTO import_batches (file_name, sha256, kind, operator, rows, created,"
                " updated, unchanged, rejected, skipped)"
                " VALUES ('a.xlsx', 'x', 'enterprises', '老王', 0, 0, 0, 0, 0, 0) RETURNING operator"
            ).scalar()
        with engine.begin() as conn:
            login = conn.exec_driver_sql(
                "INSERT INTO audit_log (operator, action, entity, entity_id)"
                " VALUES ('老王', 'create', 'enterprise', 2) RETURNING operator"
            ).scalar()
        assert (kept, stamped) == ("老王", "老王")
        assert login == make_url(pg_database).username
    finally:
        engine.dispose()


def test_who_deleted_or_undid_is_the_login(pg_database: str, logins: Logins) -> None:
    editor = logins.make("editor")
    with _connect(logins.url(pg_database, editor)) as conn:
        conn.execute(
            "INSERT INTO enterprises (uscc, name, above_scale, search_text, pinyin_initials)"
            " VALUES ('913416020000000001', '甲', false, '', '')"
        )
        deleted = conn.execute(
            "UPDATE enterprises SET deleted_at = now(), deleted_by = '别人'"
            " WHERE uscc = '913416020000000001' RETURNING deleted_by"
        ).fetchone()
        restored = conn.execute(
            "UPDATE enterprises SET deleted_at = NULL, deleted_by = NULL"
            " WHERE uscc = '913416020000000001' RETURNING deleted_by"
        ).fetchone()
    assert deleted == (editor,) and restored == (None,)


def test_a_login_that_owns_no_tables_may_not_grant(pg_database: str, logins: Logins) -> None:
    editor = logins.make("editor")
    engine = create_engine(logins.url(pg_database, editor))
    try:
        with engine.begin() as conn, pytest.raises(desks.RolesRefused, match="所有者"):
            desks.ensure_roles(conn)
        with engine.begin() as conn:
            assert desks.ensure_roles_where_allowed(conn) is False
    finally:
        engine.dispose()


def test_the_owner_of_a_new_database_grants_without_createrole(
    pg_server: PgServer, logins: Logins, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = logins.make(None)
    name = pg_server.new_database_name("kc_owned")
    pg_server.execute(f'CREATE DATABASE "{name}" OWNER {owner}')
    try:
        store = open_store(pg_server.url(name, user=owner, password="desk-password"))
        try:
            with store.engine.connect() as conn:
                assert _privilege(conn, "kc_editor", "enterprises", "INSERT")
                monkeypatch.setattr(desks, "_existing_groups", lambda _conn: set())
                assert desks.grant_problem(conn) is not None
                assert "CREATEROLE" in (desks.grant_problem(conn) or "")
            assert store.role == "admin" and store.login == owner
        finally:
            store.close()
    finally:
        pg_server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
