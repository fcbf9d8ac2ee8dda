"""The saved data location (设置 → 数据位置), server URLs without passwords, and why a server
cannot be used — against the run's real PostgreSQL server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from db.errors import NewerSchemaError
from db.locate import has_password, url_user, with_password, without_password
from db.server import (
    LoginRefused,
    NoSuchDatabase,
    PasswordNeeded,
    ServerAddress,
    ServerUnreachable,
    check_location,
    probe,
)
from desktop.preferences import Preferences, chosen_store
from tests import pgserver

SERVER = "postgresql+psycopg://desk1:s3cret%40x@db.example:5433/kechuang?sslmode=prefer"


def test_passwords_are_taken_out_and_put_back() -> None:
    assert has_password(SERVER) and url_user(SERVER) == "desk1"
    bare = without_password(SERVER)
    assert bare == "postgresql+psycopg://desk1@db.example:5433/kechuang?sslmode=prefer"
    assert not has_password(bare)
    assert with_password(bare, "s3cret@x") == SERVER
    assert without_password("postgresql://u@h/db?password=x&sslmode=require") == (
        "postgresql://u@h/db?sslmode=require"
    )
    socket = "postgresql+psycopg://u:p@/db?host=%2Ftmp%2Fpg&port=5432"
    assert without_password(socket) == "postgresql+psycopg://u@/db?host=%2Ftmp%2Fpg&port=5432"
    assert without_password("/某个/文件夹/bureau.sqlite") == "/某个/文件夹/bureau.sqlite"


def test_the_saved_location_never_keeps_a_password() -> None:
    prefs = Preferences.load()
    assert prefs.store_url == ""
    prefs.store_url = SERVER
    prefs.save()
    text = Preferences.path().read_text(encoding="utf-8")
    assert "s3cret" not in text
    assert Preferences.load().store_url == without_password(SERVER)


def test_a_damaged_saved_location_falls_back_to_the_default() -> None:
    Preferences.path().parent.mkdir(parents=True, exist_ok=True)
    Preferences.path().write_text(json.dumps({"store_url": None, "operator": "张三"}), "utf-8")
    prefs = Preferences.load()
    assert prefs.store_url == "" and prefs.operator == "张三"
    assert chosen_store(None, prefs) is None


def test_db_then_environment_then_saved_location_then_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prefs = Preferences(store_url="/saved/bureau.sqlite")
    assert chosen_store("/given.sqlite", prefs) == "/given.sqlite"
    assert chosen_store(None, prefs) == "/saved/bureau.sqlite"
    monkeypatch.setenv("BUREAU_DB", "/env.sqlite")
    assert chosen_store(None, prefs) == "/env.sqlite"
    assert chosen_store("/given.sqlite", prefs) == "/given.sqlite"
    monkeypatch.delenv("BUREAU_DB")
    assert chosen_store(None, Preferences()) is None


def test_a_server_address_round_trips() -> None:
    address = ServerAddress("db.example", 5433, "kechuang", "desk1")
    assert address.url() == "postgresql+psycopg://desk1@db.example:5433/kechuang"
    assert ServerAddress.of(address.url("p@ss:word")) == address
    assert url_user(address.url("x")) == "desk1"
    socket = ServerAddress("/tmp/pg", 5432, "kc", "desk1")
    assert ServerAddress.of(socket.url("pw")) == socket
    assert ServerAddress.of("/a/file.sqlite") is None
    assert ServerAddress.of("postgresql://h/db") == ServerAddress("h", 5432, "db", "")


# ---- against the real server ------------------------------------------------------------------------


def test_why_a_server_cannot_be_used(pg_server: pgserver.PgServer, tmp_path: Path) -> None:
    probe(pg_server.url("postgres"))
    with pytest.raises(LoginRefused, match="密码不正确"):
        probe(pg_server.url("postgres", password="wrong"))
    with pytest.raises(PasswordNeeded, match=r"^服务器要求密码："):
        probe(without_password(pg_server.url("postgres")))
    with pytest.raises(NoSuchDatabase, match="没有名为“kc_no_such_db”的数据库"):
        probe(pg_server.url("kc_no_such_db"))
    down = ServerAddress(str(tmp_path / "no-server"), 5432, "kc", "desk1").url("pw")
    with pytest.raises(ServerUnreachable, match=r"^无法连接服务器.*没有启动"):
        probe(down)


def test_pgpassword_is_used_when_the_url_has_none(
    pg_server: pgserver.PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGPASSWORD", pg_server.password)
    probe(without_password(pg_server.url("postgres")))


def test_check_location_reports_role_and_schema(
    pg_server: pgserver.PgServer, pg_database: str
) -> None:
    name = pg_server.new_database_name("viewer")
    pg_server.execute(f"CREATE ROLE {name} LOGIN PASSWORD 'pw'", f"GRANT kc_viewer TO {name}")
    address = ServerAddress.of(pg_database)
    assert address is not None
    as_viewer = ServerAddress(address.host, address.port, address.database, name).url("pw")
    found = check_location(as_viewer)
    assert (found.login, found.role, found.state) == (name, "viewer", "current")
    assert "pw" not in found.display_name

    empty = pg_server.new_database_name("empty")
    pg_server.execute(f'CREATE DATABASE "{empty}"')
    try:
        assert check_location(pg_server.url(empty)).state == "empty"
    finally:
        pg_server.execute(f'DROP DATABASE "{empty}"')

    pg_server.execute(
        "UPDATE alembic_version SET version_num = '9999_future'", database=address.database
    )
    with pytest.raises(NewerSchemaError):
        check_location(pg_database)


def test_check_location_of_files(store_path: Path, tmp_path: Path) -> None:
    found = check_location(str(store_path))
    assert (found.login, found.role, found.state) == (None, "admin", "current")
    assert check_location(str(tmp_path / "新的.sqlite")).state == "new"
    assert not (tmp_path / "新的.sqlite").exists()
