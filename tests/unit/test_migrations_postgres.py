"""Every released schema upgrades on PostgreSQL too, and gives what the same store gives on SQLite.

Each fixture store (tests/fixtures/stores/schema-*.sqlite) is rebuilt on the test server at its
own revision — the real migrations up to that revision, then its rows copied — and upgraded to
head by opening it, as a desk would. The upgraded server database must hold the same rows and give
the same counts as the SQLite file upgraded the usual way.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import MetaData, create_engine, func, insert, select, text

from db.sequences import reset_sequences
from db.services.figures.counts import double_breakthrough
from db.store import alembic_config, head_revision, integrity_problems, open_store
from tests.pgserver import PgServer

FIXTURE_STORES = Path(__file__).parent.parent / "fixtures" / "stores"
FIXTURES = sorted(FIXTURE_STORES.glob("schema-*.sqlite"))
DAYS = (date(2023, 12, 31), date(2025, 6, 30), date(2026, 12, 1))


def _revision(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])


def _server_copy_at_its_revision(source: Path, server: PgServer) -> str:
    """A new server database at the fixture's revision holding the fixture's rows; its URL."""
    name = server.new_database_name("kc_released")
    server.execute(f'CREATE DATABASE "{name}"')
    url = server.url(name)
    engine = create_engine(url)
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, _revision(source))
    old = create_engine(f"sqlite:///{source}")
    source_tables, target_tables = MetaData(), MetaData()
    source_tables.reflect(old)
    target_tables.reflect(engine)
    with old.connect() as src, engine.begin() as dst:
        for table in target_tables.sorted_tables:
            if table.name == "alembic_version" or table.name not in source_tables.tables:
                continue
            rows = [dict(r._mapping) for r in src.execute(select(source_tables.tables[table.name]))]
            dst.execute(table.delete())  # what the migrations seeded: the fixture's own rows win
            if rows:
                dst.execute(insert(table), rows)
        reset_sequences(dst)
    old.dispose()
    engine.dispose()
    return url


def _row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    tables = MetaData()
    tables.reflect(engine)
    with engine.connect() as conn:
        counts = {
            t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in tables.sorted_tables
        }
    engine.dispose()
    return counts


def _figures(url: str) -> list[Any]:
    store = open_store(url, daily_backup=False)
    try:
        with store.session() as session:
            return [double_breakthrough(session, day) for day in DAYS]
    finally:
        store.close()


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_released_schema_upgrades_on_postgresql_like_on_sqlite(
    fixture: Path, pg_server: PgServer, tmp_path: Path
) -> None:
    url = _server_copy_at_its_revision(fixture, pg_server)
    store = open_store(url)  # the desk's open: upgrades to head
    assert store.revision() == head_revision()
    assert integrity_problems(store) == []
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM enterprises")).scalar() >= 1
    store.close()

    local = tmp_path / "old.sqlite"
    shutil.copyfile(fixture, local)
    open_store(local).close()
    assert _row_counts(url) == _row_counts(f"sqlite:///{local}")
    assert _figures(url) == _figures(str(local))


def test_every_released_schema_has_a_fixture() -> None:
    """The newest released revision has its fixture, so the test above covers every upgrade."""
    revisions = {_revision(p) for p in FIXTURES}
    assert "0001" in revisions and len(revisions) == len(FIXTURES)


def test_every_text_column_compares_by_code_point(pg_database: str) -> None:
    """Collation "C" on every text column (migration 0010), so later migrations keep to it."""
    engine = create_engine(pg_database)
    with engine.connect() as conn:
        loose = conn.execute(
            text(
                "SELECT c.table_name || '.' || c.column_name FROM information_schema.columns c"
                " JOIN information_schema.tables t"
                "   ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
                " WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
                " AND c.data_type IN ('character varying', 'text', 'character')"
                " AND c.collation_name IS DISTINCT FROM 'C'"
            )
        ).scalars()
        assert list(loose) == []
    engine.dispose()


def test_names_sort_as_on_sqlite_in_a_database_with_a_chinese_collation(
    pg_server: PgServer,
) -> None:
    """A server database made with a pinyin collation still lists names in SQLite's order."""
    from db.services.enterprises import crud
    from tests.unit.plans_store import uscc

    name = pg_server.new_database_name("kc_pinyin")
    pg_server.execute(
        f'CREATE DATABASE "{name}" TEMPLATE template0 LOCALE_PROVIDER icu'
        " ICU_LOCALE 'zh-u-co-pinyin' LOCALE 'C.UTF-8'"
    )
    store = open_store(pg_server.url(name))
    names = ["谯城药业有限公司", "安徽药业有限公司", "北京药业有限公司", "亳州药业有限公司"]
    codes = [uscc(n) for n in range(1, 5)]
    try:
        with store.transaction() as session:
            for n, code in zip(names, codes, strict=True):
                crud.create(session, {"name": n, "uscc": code}, "测试员")
        with store.engine.connect() as conn:
            listed = list(
                conn.execute(text("SELECT name FROM enterprises ORDER BY name")).scalars()
            )
            pinyin = list(
                conn.execute(
                    text('SELECT name FROM enterprises ORDER BY name COLLATE "default"')
                ).scalars()
            )
    finally:
        store.close()
    assert listed == sorted(names)  # code points, as SQLite
    assert pinyin != listed  # the database's own collation would have ordered them otherwise


def test_a_clerk_cannot_upgrade_a_server_database_and_is_told_who_can(
    pg_server: PgServer,
) -> None:
    """Only the tables' owner migrates: an editor opening an older database is refused clearly."""
    from db.roles import PermissionRefused
    from tests.desk_logins import Logins

    name = pg_server.new_database_name("kc_old")
    pg_server.execute(f'CREATE DATABASE "{name}"')
    url = pg_server.url(name)
    engine = create_engine(url)
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007")
    engine.dispose()
    logins = Logins(pg_server)
    try:
        clerk = logins.make(None)
        pg_server.execute(
            f'GRANT CONNECT ON DATABASE "{name}" TO {clerk}',
            f"GRANT USAGE ON SCHEMA public TO {clerk}",
            f"GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO {clerk}",
            database=name,
        )
        with pytest.raises(PermissionRefused, match="只有数据库的所有者"):
            open_store(logins.url(url, clerk))
        engine = create_engine(url)
        with engine.connect() as conn:  # nothing was changed
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0007"
        engine.dispose()
    finally:
        pg_server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        logins.drop()
