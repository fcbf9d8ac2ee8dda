"""`bureau backup|restore` on a PostgreSQL store: pg_dump / pg_restore, admin only (spec/desks.md).

A restore gives back exactly the backup's rows, in one transaction: a file that is no dump, a
truncated dump, a newer one, a missing tool or a login without the role leave the database as it
was (exit 2 or 3 with the clerk's message). The tools get the password in the environment only.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from db import server_backups
from db.errors import StoreError
from db.store import head_revision
from tests.cli.conftest import run_bureau
from tests.pgserver import PgServer


def digest(url: str, *, audit_below: int | None = None) -> str:
    """A hash of every row of every table (the audit trail up to an id, when given)."""
    engine = create_engine(url)
    found = hashlib.sha256()
    try:
        with engine.connect() as conn:
            tables = conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
            ).scalars()
            for table in list(tables):
                where = f" WHERE id < {audit_below}" if table == "audit_log" and audit_below else ""
                rows = conn.execute(text(f'SELECT * FROM "{table}"{where} ORDER BY 1'))
                found.update(table.encode() + repr(rows.all()).encode())
    finally:
        engine.dispose()
    return found.hexdigest()


def scalar(url: str, sql: str) -> Any:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def towns(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT name FROM towns ORDER BY id")).scalars())
    finally:
        engine.dispose()


def ok(url: str, *args: str, env: dict[str, str] | None = None) -> str:
    done = run_bureau(url, *args, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def saved(pg_database: str, tmp_path: Path) -> Path:
    """A backup of the test's database holding the town 古井镇."""
    ok(pg_database, "towns", "add", "古井镇")
    out = tmp_path / "saved.dump"
    assert "已备份到" in ok(pg_database, "backup", "--out", str(out))
    return out


@pytest.fixture
def login(pg_server: PgServer, pg_database: str) -> Iterator[tuple[str, str]]:
    """A new login role (name, password), dropped afterwards."""
    name = pg_server.new_database_name("kc_clerk")
    pg_server.execute(f"CREATE ROLE {name} LOGIN PASSWORD 'p'")
    try:
        yield name, "p"
    finally:
        pg_server.execute(f"DROP ROLE IF EXISTS {name}")


def test_backup_then_change_then_restore_gives_back_the_backup(
    pg_database: str, saved: Path, tmp_path: Path
) -> None:
    assert saved.read_bytes()[:5] == b"PGDMP"
    assert [p.name for p in tmp_path.iterdir()] == ["saved.dump"]  # no part file left
    at_backup = digest(pg_database)
    last = int(scalar(pg_database, "SELECT max(id) FROM audit_log") or 0)
    ok(pg_database, "towns", "add", "五马镇", "牛集镇")
    assert digest(pg_database) != at_backup

    out = ok(pg_database, "restore", str(saved))

    assert towns(pg_database) == ["古井镇"]
    assert digest(pg_database, audit_below=last + 1) == at_backup
    audit = scalar(
        pg_database, "SELECT action || ' ' || new_value FROM audit_log ORDER BY id DESC LIMIT 1"
    )
    assert audit == 'restore "saved.dump"'
    safety = next(tmp_path.glob("*-before-restore-*.dump"))
    assert str(safety) in out
    # The ids go on where the backup's left off, and the roles' grants are back.
    ok(pg_database, "towns", "add", "汤陵街道")
    assert towns(pg_database) == ["古井镇", "汤陵街道"]
    assert scalar(pg_database, "SELECT has_table_privilege('kc_viewer', 'towns', 'SELECT')")
    assert scalar(pg_database, "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")


def test_the_copy_before_a_restore_holds_what_was_replaced(
    pg_database: str, saved: Path, tmp_path: Path
) -> None:
    ok(pg_database, "towns", "add", "五马镇")
    before = digest(pg_database)
    ok(pg_database, "restore", str(saved))
    safety = next(tmp_path.glob("*-before-restore-*.dump"))
    ok(pg_database, "restore", str(safety))
    last = int(scalar(pg_database, "SELECT max(id) FROM audit_log") or 0)
    assert towns(pg_database) == ["古井镇", "五马镇"]
    assert digest(pg_database, audit_below=last) == before


def test_restore_of_bad_files_is_2_and_changes_nothing(
    pg_database: str, saved: Path, tmp_path: Path, store_path: Path
) -> None:
    ok(pg_database, "towns", "add", "五马镇")
    before = digest(pg_database)
    data = saved.read_bytes()
    truncated = tmp_path / "truncated.dump"
    truncated.write_bytes(data[: len(data) * 2 // 3])
    short = tmp_path / "short.dump"
    short.write_bytes(data[:200])
    text_file = tmp_path / "notes.dump"
    text_file.write_text("这不是备份\n", encoding="utf-8")
    sqlite_copy = tmp_path / "local.sqlite"
    with sqlite3.connect(store_path) as src, sqlite3.connect(sqlite_copy) as dst:
        src.backup(dst)
    folder = tmp_path / "folder"
    folder.mkdir()
    cases = {
        truncated: "不完整或已损坏",
        short: "不完整或已损坏",
        text_file: "不是服务器数据库的备份文件",
        sqlite_copy: "bureau migrate-to",
        folder: "文件夹",
        tmp_path / "missing.dump": "不存在",
    }
    for bad, words in cases.items():
        done = run_bureau(pg_database, "restore", str(bad))
        assert done.returncode == 2, (bad, done.stderr)
        assert words in done.stderr and bad.name in done.stderr, done.stderr
        assert "内部错误" not in done.stderr and "Traceback" not in done.stderr
    assert digest(pg_database) == before
    assert not list(tmp_path.glob("*-before-restore-*"))


def test_a_backup_of_a_newer_program_is_refused_with_3(
    pg_server: PgServer, pg_database: str, saved: Path, tmp_path: Path
) -> None:
    newer = pg_server.new_database_name()
    source = make_url(pg_database).database
    pg_server.execute(f'CREATE DATABASE "{newer}" TEMPLATE "{source}"')
    try:
        pg_server.execute("UPDATE alembic_version SET version_num = '9999'", database=newer)
        dump = server_backups.dump(pg_server.url(newer), tmp_path / "newer.dump")
    finally:
        pg_server.execute(f'DROP DATABASE IF EXISTS "{newer}" WITH (FORCE)')
    before = digest(pg_database)
    done = run_bureau(pg_database, "restore", str(dump))
    assert done.returncode == 3, done.stderr
    assert "更新版本" in done.stderr and "9999" in done.stderr
    assert digest(pg_database) == before


def test_restore_of_an_older_backup_upgrades_it(
    pg_server: PgServer, pg_database: str, tmp_path: Path
) -> None:
    from alembic import command

    from db.store import alembic_config

    older = pg_server.new_database_name()
    pg_server.execute(f'CREATE DATABASE "{older}"')
    try:
        engine = create_engine(pg_server.url(older))
        with engine.connect() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0007")
            conn.execute(text("INSERT INTO towns (name, sort_order) VALUES ('十九里镇', 1)"))
            conn.commit()
        engine.dispose()
        dump = server_backups.dump(pg_server.url(older), tmp_path / "old.dump")
    finally:
        pg_server.execute(f'DROP DATABASE IF EXISTS "{older}" WITH (FORCE)')
    ok(pg_database, "restore", str(dump))
    assert scalar(pg_database, "SELECT version_num FROM alembic_version") == head_revision()
    assert towns(pg_database) == ["十九里镇"]
    ok(pg_database, "towns", "add", "古井镇")  # the upgraded schema takes writes
    assert towns(pg_database) == ["十九里镇", "古井镇"]


def test_backup_to_a_folder_or_no_file_is_2_and_leaves_nothing(
    pg_database: str, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    done = run_bureau(pg_database, "backup", "--out", str(folder))
    assert done.returncode == 2 and "文件夹" in done.stderr and str(folder) in done.stderr
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    done = run_bureau(pg_database, "backup", "--out", str(fifo))
    assert done.returncode == 2 and "不是普通文件" in done.stderr
    assert fifo.is_fifo() and list(folder.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "pipe"]


def test_missing_tools_are_2_saying_what_to_install(
    pg_database: str, saved: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "no-tools"
    empty.mkdir()
    env = {"PATH": "", server_backups.TOOLS_ENV: str(empty)}
    done = run_bureau(pg_database, "backup", "--out", str(tmp_path / "x.dump"), env=env)
    assert done.returncode == 2, done.stderr
    last_line = done.stderr.strip().splitlines()[-1]
    assert last_line == f"bureau: {server_backups.install_message('pg_dump')}"
    assert "Command Line Tools" in done.stderr and "apt install postgresql-client" in done.stderr
    done = run_bureau(pg_database, "restore", str(saved), env=env)
    assert done.returncode == 2 and "没有找到 pg_restore" in done.stderr
    assert towns(pg_database) == ["古井镇"]


def test_tools_are_found_in_the_install_folders_when_not_on_path(tmp_path: Path) -> None:
    if not list(Path("/usr/lib/postgresql").glob("*/bin/pg_dump")):
        pytest.skip("没有 /usr/lib/postgresql/*/bin/pg_dump")
    found = server_backups.find_tool("pg_dump", {"PATH": str(tmp_path)})
    assert found.parent.parent.parent == Path("/usr/lib/postgresql")


@pytest.mark.parametrize("role", ["kc_viewer", "kc_editor", None])
def test_only_an_admin_may_back_up_or_restore(
    pg_server: PgServer,
    pg_database: str,
    saved: Path,
    login: tuple[str, str],
    tmp_path: Path,
    role: str | None,
) -> None:
    name, password = login
    if role:
        pg_server.execute(f"GRANT {role} TO {name}")
    url = pg_server.url(str(make_url(pg_database).database), user=name, password=password)
    ok(pg_database, "towns", "add", "五马镇")
    before = digest(pg_database)
    out = tmp_path / "by-clerk.dump"
    done = run_bureau(url, "backup", "--out", str(out))
    assert done.returncode == 3, done.stderr
    # A login in no group may not even read: the server refuses before the app does.
    assert ("没有权限：备份数据库" if role else "没有权限") in done.stderr, done.stderr
    assert not out.exists()
    done = run_bureau(url, "restore", str(saved))
    assert done.returncode == 3, done.stderr
    assert ("没有权限：恢复数据库" if role else "没有权限") in done.stderr, done.stderr
    assert digest(pg_database) == before


def test_the_password_goes_in_the_environment_never_on_the_command_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[tuple[list[str], dict[str, str]]] = []

    def fake_run(argv: list[str], env: dict[str, str], **_kw: object) -> object:
        seen.append((argv, env))
        Path(argv[-1].removeprefix("--file=")).write_bytes(b"PGDMP")
        return subprocess.CompletedProcess(argv, 0, b"", b"")

    monkeypatch.setattr(subprocess, "run", fake_run)  # the module db.server_backups calls
    url = "postgresql+psycopg://clerk:s%40cret@db.example:6543/bureau?sslmode=require"
    server_backups.dump(url, tmp_path / "b.dump")
    [(argv, env)] = seen
    assert not any("s@cret" in a or "clerk" in a or "db.example" in a for a in argv)
    assert env["PGPASSWORD"] == "s@cret" and env["PGUSER"] == "clerk"
    assert (env["PGHOST"], env["PGPORT"], env["PGDATABASE"]) == ("db.example", "6543", "bureau")
    assert env["PGSSLMODE"] == "require"
    socket = server_backups.libpq_env("postgresql+psycopg://u@/kc?host=/run/pg&port=5433", {})
    assert (socket["PGHOST"], socket["PGPORT"], "PGPASSWORD" in socket) == (
        "/run/pg",
        "5433",
        False,
    )


def test_a_pg_dump_older_than_the_server_says_so() -> None:
    stderr = (
        "pg_dump: error: aborting because of server version mismatch\n"
        "pg_dump: detail: server version: 17.2; pg_dump version: 15.18\n"
    )
    failure = server_backups._dump_failure(stderr, "bureau")
    assert isinstance(failure, StoreError)
    assert "15.18" in str(failure) and "17.2" in str(failure) and "客户端工具" in str(failure)


@pytest.mark.slow
def test_restore_waits_for_another_desk_then_is_3_and_changes_nothing(
    pg_database: str, saved: Path
) -> None:
    ok(pg_database, "towns", "add", "五马镇")
    before = digest(pg_database)
    engine = create_engine(pg_database)
    with engine.connect() as desk:
        desk.execute(text("SELECT count(*) FROM towns"))  # holds a lock until it ends
        done = run_bureau(pg_database, "restore", str(saved))
        desk.rollback()
    engine.dispose()
    assert done.returncode == 3, done.stderr
    assert "其他电脑正在使用" in done.stderr and "保持不变" in done.stderr
    assert digest(pg_database) == before
