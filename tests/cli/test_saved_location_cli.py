"""`bureau` without --db uses this user's saved data location (设置 → 数据位置), like the window;
a saved server URL has no password: PGPASSWORD / pgpass supply it, a terminal asks, else exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from db.locate import has_password, without_password
from db.server import LoginRefused, PasswordNeeded
from db.services.towns import list_towns
from db.store import open_store
from desktop.commands import server_login
from desktop.preferences import Preferences
from tests import pgserver


def bureau_without_db(
    *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = os.environ | {"PYTHONIOENCODING": "utf-8"} | (env or {})
    for name in ("PGPASSWORD", "BUREAU_DB"):
        if env is None or name not in env:
            full_env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "desktop.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=full_env,
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=120,
    )


def save_location(url: str) -> None:
    prefs = Preferences.load()
    prefs.store_url = url
    prefs.save()


def town_names(target: str) -> list[str]:
    store = open_store(target)
    try:
        with store.session() as session:
            return [t.name for t in list_towns(session)]
    finally:
        store.close()


def test_help_names_the_saved_location() -> None:
    done = bureau_without_db("--help")
    assert done.returncode == 0
    assert "数据位置" in done.stdout and "$BUREAU_DB" in done.stdout


def test_the_saved_file_is_used_without_db(store_path: Path, tmp_path: Path) -> None:
    save_location(str(store_path))
    done = bureau_without_db("towns", "add", "古井镇")
    assert done.returncode == 0, done.stderr
    assert town_names(str(store_path)) == ["古井镇"]
    other = tmp_path / "env.sqlite"
    done = bureau_without_db("init", env={"BUREAU_DB": str(other)})  # $BUREAU_DB comes first
    assert done.returncode == 0, done.stderr
    assert other.exists() and town_names(str(store_path)) == ["古井镇"]


def test_a_saved_server_without_password_needs_one(
    pg_server: pgserver.PgServer, pg_database: str
) -> None:
    save_location(without_password(pg_database))
    assert not has_password(Preferences.load().store_url)
    done = bureau_without_db("towns", "add", "古井镇")
    assert done.returncode == 2
    assert "服务器要求密码：" in done.stderr and "Traceback" not in done.stderr
    done = bureau_without_db("towns", "add", "古井镇", env={"PGPASSWORD": pg_server.password})
    assert done.returncode == 0, done.stderr
    assert town_names(pg_database) == ["古井镇"]


def test_a_pgpass_file_supplies_the_password(
    pg_server: pgserver.PgServer, pg_database: str, tmp_path: Path
) -> None:
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"*:*:*:{pg_server.user}:{pg_server.password}\n", encoding="utf-8")
    pgpass.chmod(0o600)
    done = bureau_without_db(
        "--db", without_password(pg_database), "towns", "add", "五马镇",
        env={"PGPASSFILE": str(pgpass)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert town_names(pg_database) == ["五马镇"]


def test_a_terminal_asks_for_the_password(
    pg_server: pgserver.PgServer, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    typed = iter(["wrong", pg_server.password])
    prompts: list[str] = []

    def getpass(prompt: str) -> str:
        prompts.append(prompt)
        return next(typed)

    monkeypatch.setattr(server_login, "_interactive", lambda: True)
    monkeypatch.setattr(server_login.getpass, "getpass", getpass)
    bare = without_password(pg_database)
    target = server_login.store_target(bare)
    assert target is not None and has_password(target)
    assert without_password(target) == bare
    assert len(prompts) == 2 and pg_server.user in prompts[0]
    assert not has_password(Preferences.load().store_url or "")

    monkeypatch.setattr(server_login.getpass, "getpass", lambda _prompt: "wrong")
    with pytest.raises(LoginRefused):
        server_login.store_target(bare)
    monkeypatch.setattr(server_login, "_interactive", lambda: False)
    with pytest.raises(PasswordNeeded):
        server_login.store_target(bare)
