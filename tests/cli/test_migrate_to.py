"""`bureau migrate-to URL` (spec/desks.md): a desk's SQLite store moved whole into a new server database.

The moved database gives the same `stats`, returns and exports as the file it came from, keeps its
audit trail, and takes new rows (the sequences went on past the copied ids); a database already
holding data is refused with 3 and left as it was, and so is a login that is not admin there.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import create_engine, text

from db.errors import StoreRefused
from tests.cli.conftest import run_bureau
from tests.cli.test_store_safety_cli import enterprises_csv
from tests.pgserver import PgServer


def ok(db: Path | str, *args: str) -> str:
    done = run_bureau(db, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo store (`bureau init --demo`), made once for the module."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    ok(path, "init", "--demo")
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "desk" / "demo.sqlite"
    path.parent.mkdir()
    shutil.copyfile(demo_template, path)
    return path


@pytest.fixture
def empty_database(pg_server: PgServer) -> Iterator[str]:
    """The URL of a new, empty database (not a copy of the migrated template)."""
    name = pg_server.new_database_name("kc_move")
    pg_server.execute(f'CREATE DATABASE "{name}"')
    yield pg_server.url(name)
    pg_server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def sqlite_rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return [tuple(r) for r in conn.execute(sql)]


def workbook(path: Path) -> list[list[Any]]:
    book = openpyxl.load_workbook(path)
    return [[sheet.title, *sheet.iter_rows(values_only=True)] for sheet in book]


def test_a_demo_store_moves_whole_and_gives_the_same_results(
    demo: Path, empty_database: str, tmp_path: Path
) -> None:
    out = ok(demo, "migrate-to", empty_database)
    enterprises = sqlite_rows(demo, "SELECT count(*) FROM enterprises")[0][0]
    assert enterprises > 0 and f"enterprises：{enterprises} 行" in out
    assert "核对一致" in out and "设置 → 数据位置" in out and "--db" in out
    assert "test-password" not in out

    assert json.loads(ok(demo, "stats", "--json")) == json.loads(
        ok(empty_database, "stats", "--json")
    )
    for kind, period in (("double-breakthrough", "2025"), ("commissioners", "2025")):
        here, there = tmp_path / f"{kind}-file.xlsx", tmp_path / f"{kind}-server.xlsx"
        ok(demo, "returns", "render", kind, "--period", period, "--out", str(here))
        ok(empty_database, "returns", "render", kind, "--period", period, "--out", str(there))
        assert workbook(here) == workbook(there), kind
    for suffix in ("csv", "xlsx"):
        here, there = tmp_path / f"file.{suffix}", tmp_path / f"server.{suffix}"
        ok(demo, "export", "enterprises", "--out", str(here))
        ok(empty_database, "export", "enterprises", "--out", str(there))
        if suffix == "csv":
            assert here.read_bytes() == there.read_bytes()
        else:
            assert workbook(here) == workbook(there)
    # The audit trail as it was: the same operators, actions and ids.
    audit = "SELECT id, operator, action, entity, entity_id, field FROM audit_log ORDER BY id"
    assert rows(empty_database, audit) == sqlite_rows(demo, audit)
    assert {r[1] for r in rows(empty_database, audit)} != {"kc_test_admin"}


def test_a_second_move_onto_the_filled_database_is_3(demo: Path, empty_database: str) -> None:
    ok(demo, "migrate-to", empty_database)
    count = "SELECT count(*) FROM audit_log"
    before = rows(empty_database, count)
    done = run_bureau(demo, "migrate-to", empty_database)
    assert done.returncode == 3, done.stderr
    assert "已有数据" in done.stderr and "内部错误" not in done.stderr
    assert rows(empty_database, count) == before


def test_writes_after_the_move_take_new_ids(
    demo: Path, empty_database: str, tmp_path: Path
) -> None:
    ok(demo, "migrate-to", empty_database)
    largest = rows(empty_database, "SELECT max(id) FROM enterprises")[0][0]
    ok(empty_database, "towns", "add", "新设街道")
    imported = run_bureau(
        empty_database, "import", str(enterprises_csv(tmp_path / "new.csv", 30, first=5000))
    )
    assert imported.returncode == 0, imported.stderr
    new = rows(empty_database, f"SELECT count(*) FROM enterprises WHERE id > {largest}")
    assert new == [(30,)]


def test_a_database_made_ready_with_init_counts_as_empty(demo: Path, empty_database: str) -> None:
    ok(empty_database, "init")  # migrations, roles, the seeded indicators (audited)
    ok(demo, "migrate-to", empty_database)
    sql = "SELECT code FROM indicators ORDER BY id"
    assert rows(empty_database, sql) == sqlite_rows(demo, sql)


def test_only_an_admin_of_the_target_may_move(
    pg_server: PgServer, demo: Path, empty_database: str
) -> None:
    ok(empty_database, "init")
    login = pg_server.new_database_name("kc_clerk")
    pg_server.execute(f"CREATE ROLE {login} LOGIN PASSWORD 'p'", f"GRANT kc_editor TO {login}")
    try:
        database = empty_database.split("@/")[1].split("?")[0]
        done = run_bureau(demo, "migrate-to", pg_server.url(database, user=login, password="p"))
    finally:
        pg_server.execute(f"DROP ROLE IF EXISTS {login}")
    assert done.returncode == 3, done.stderr
    assert "没有权限" in done.stderr
    assert rows(empty_database, "SELECT count(*) FROM enterprises") == [(0,)]


def test_the_target_must_be_a_server_and_the_source_a_file(
    demo: Path, empty_database: str, tmp_path: Path
) -> None:
    done = run_bureau(demo, "migrate-to", str(tmp_path / "other.sqlite"))
    assert done.returncode == 2 and "服务器数据库的地址" in done.stderr
    done = run_bureau(empty_database, "migrate-to", empty_database)
    assert done.returncode == 2 and "本机的数据文件" in done.stderr


def test_a_check_that_differs_rolls_everything_back(
    demo: Path, empty_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from db import migrate_to
    from db.store import open_store

    real = migrate_to._stats
    calls: list[int] = []

    def differing(conn: Any) -> dict[str, Any]:
        result = real(conn)
        calls.append(1)
        return result | {"high_tech": -1} if len(calls) == 2 else result

    monkeypatch.setattr(migrate_to, "_stats", differing)
    source, target = open_store(demo), open_store(empty_database)
    try:
        with pytest.raises(StoreRefused, match="high_tech"):
            migrate_to.move_store(source, target)
    finally:
        source.close()
        target.close()
    assert rows(empty_database, "SELECT count(*) FROM enterprises") == [(0,)]
    assert rows(empty_database, "SELECT count(*) FROM qualification_types") == [(9,)]
