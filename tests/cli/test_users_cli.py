"""`bureau users …` and the roles the server enforces, end to end (spec/desks.md, spec/cli.md).

PostgreSQL only: the tests take `pg_database` itself (not `store_url`), so they run once, on the
test server; the clerks' logins are made per test (tests/desk_logins.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from db.roles import server_identity
from db.store import Store
from tests.cli.conftest import BUREAU, SAMPLES, run_bureau
from tests.desk_logins import Logins, logins_for
from tests.pgserver import PgServer

CSV = "汤陵街道.csv"
XLSX = "十九里镇-2025年科技型企业统计表.xlsx"


@pytest.fixture
def logins(pg_server: PgServer) -> Iterator[Logins]:
    yield from logins_for(pg_server)


@pytest.fixture
def towns(pg_database: str) -> str:
    """The test database with the samples' towns (added by the superuser, an admin)."""
    done = run_bureau(pg_database, "towns", "add", "汤陵街道", "十九里镇")
    assert done.returncode == 0, done.stderr
    return pg_database


def users(db: str, *args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
    """`bureau --db DB users ARGS…` with the password on stdin (no terminal)."""
    return subprocess.run(
        [*BUREAU, "--db", db, "users", *args],
        input=None if password is None else password + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=os.environ | {"PYTHONIOENCODING": "utf-8"},
        timeout=300,
    )


def count(db: str, table: str) -> int:
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() or 0)
    finally:
        engine.dispose()


def can_connect(url: str) -> bool:
    parsed = make_url(url)
    try:
        with psycopg.connect(
            host=str(parsed.query["host"]),
            port=int(str(parsed.query["port"])),
            dbname=parsed.database,
            user=parsed.username,
            password=parsed.password,
        ):
            return True
    except psycopg.OperationalError:
        return False


def test_users_add_list_set_role_and_disable(pg_database: str, logins: Logins) -> None:
    login = logins.adopt(f"zhang_{os.getpid()}")
    added = users(pg_database, "add", login, "--role", "editor", password="Secret-1")
    assert added.returncode == 0, added.stderr
    assert "Secret-1" not in added.stdout + added.stderr
    assert can_connect(logins.url(pg_database, login, "Secret-1"))
    assert not can_connect(logins.url(pg_database, login, "wrong"))

    listed = users(pg_database, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    mine = [u for u in json.loads(listed.stdout) if u["login"] == login]
    assert mine == [{"login": login, "role": "editor", "can_login": True}]
    assert "录入" in users(pg_database, "list").stdout

    moved = users(pg_database, "set-role", login, "admin")
    assert moved.returncode == 0, moved.stderr
    engine = create_engine(logins.url(pg_database, login, "Secret-1"))
    try:
        assert server_identity(Store(pg_database, engine).engine) == (login, "admin")
    finally:
        engine.dispose()

    disabled = users(pg_database, "disable", login)
    assert disabled.returncode == 0, disabled.stderr
    assert "下次连接" in disabled.stdout
    assert not can_connect(logins.url(pg_database, login, "Secret-1"))
    after = {u["login"]: u for u in json.loads(users(pg_database, "list", "--json").stdout)}
    assert after[login] == {"login": login, "role": "admin", "can_login": False}


def test_an_admin_login_made_by_users_add_manages_users(pg_database: str, logins: Logins) -> None:
    admin = logins.adopt(f"chief_{os.getpid()}")
    clerk = logins.adopt(f"clerk_by_chief_{os.getpid()}")
    assert users(pg_database, "add", admin, "--role", "admin", password="pw-a").returncode == 0
    as_admin = logins.url(pg_database, admin, "pw-a")
    done = users(as_admin, "add", clerk, "--role", "viewer", password="pw-c")
    assert done.returncode == 0, done.stderr
    refused = users(as_admin, "disable", admin)
    assert refused.returncode == 3 and "当前登录的账号" in refused.stderr


def test_bad_logins_and_other_roles_exit_2(
    pg_database: str, pg_server: PgServer, logins: Logins
) -> None:
    for bad in ("Zhang", "1abc", "kc_boss", "pg_x", "a-b", "张三"):
        done = users(pg_database, "add", bad, "--role", "viewer", password="pw")
        assert done.returncode == 2 and "登录名" in done.stderr, (bad, done.stderr)
    other = logins.make(None)  # a role of the server that is none of the app's users
    done = users(pg_database, "add", other, "--role", "viewer", password="pw")
    assert done.returncode == 2 and "其他角色" in done.stderr
    done = users(pg_database, "set-role", other, "editor")
    assert done.returncode == 2 and "不是科创台账的用户" in done.stderr
    assert users(pg_database, "add", "x_y", "--role", "boss", password="pw").returncode == 2
    empty = users(pg_database, "add", f"nopw_{os.getpid()}", "--role", "viewer", password="")
    assert empty.returncode == 2 and "密码不能为空" in empty.stderr


def test_users_on_a_sqlite_store_exit_2(store_path: Path) -> None:
    done = users(str(store_path), "list")
    assert done.returncode == 2
    assert "单机数据文件没有用户和角色" in done.stderr


def test_only_an_admin_manages_users(pg_database: str, logins: Logins) -> None:
    editor = logins.make("editor")
    done = users(logins.url(pg_database, editor), "list")
    assert done.returncode == 3 and "没有权限" in done.stderr


def test_a_viewers_import_exits_3_and_writes_nothing(towns: str, logins: Logins) -> None:
    viewer = logins.make("viewer")
    before = {t: count(towns, t) for t in ("enterprises", "import_batches", "audit_log")}
    done = run_bureau(logins.url(towns, viewer), "import", str(SAMPLES / CSV), "--year", "2025")
    assert done.returncode == 3, done.stderr
    assert "没有权限" in done.stderr and viewer in done.stderr
    assert {t: count(towns, t) for t in before} == before
    dry = run_bureau(logins.url(towns, viewer), "import", str(SAMPLES / CSV), "--dry-run")
    assert dry.returncode == 0, dry.stderr  # a preview writes nothing: a viewer may look


@pytest.mark.skipif(shutil.which("psql") is None, reason="没有 psql 程序")
def test_a_viewers_psql_insert_is_refused_by_the_server(pg_database: str, logins: Logins) -> None:
    viewer = logins.make("viewer", password="view-pw")
    env = os.environ | logins.libpq_env(pg_database, viewer, "view-pw")
    insert = (
        "INSERT INTO enterprises (uscc, name, above_scale, search_text, pinyin_initials)"
        " VALUES ('913416020000000001', '甲', false, '', '')"
    )
    done = subprocess.run(
        ["psql", "-v", "ON_ERROR_STOP=1", "-c", insert],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode != 0
    assert "permission denied" in done.stderr
    read = subprocess.run(
        ["psql", "-At", "-c", "SELECT count(*) FROM enterprises"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert read.returncode == 0 and read.stdout.strip() == "0"


def test_an_editor_undoes_its_own_batch_but_not_anothers(towns: str, logins: Logins) -> None:
    editor = logins.make("editor")
    as_editor = logins.url(towns, editor)
    theirs = json.loads(
        run_bureau(
            towns, "import", str(SAMPLES / XLSX), "--town", "十九里镇", "--year", "2025", "--json"
        ).stdout
    )["batch_id"]
    done = run_bureau(as_editor, "import", str(SAMPLES / CSV), "--year", "2025", "--json")
    assert done.returncode == 0, done.stderr
    mine = json.loads(done.stdout)["batch_id"]

    refused = run_bureau(as_editor, "import", "undo", str(theirs))
    assert refused.returncode == 3 and "没有权限" in refused.stderr
    undone = run_bureau(as_editor, "import", "undo", str(mine))
    assert undone.returncode == 0, undone.stderr
    history = json.loads(run_bureau(towns, "import", "history", "--json").stdout)
    state = {b["batch_id"]: (b["operator"], b["undone"], b["undone_by"]) for b in history}
    assert state[mine] == (editor, True, editor)
    assert state[theirs][1] is False


def test_the_audit_operator_is_the_login_whatever_operator_is_given(
    towns: str, logins: Logins
) -> None:
    editor = logins.make("editor")
    done = run_bureau(
        logins.url(towns, editor),
        "--operator",
        "别人",
        "import",
        str(SAMPLES / CSV),
        "--year",
        "2025",
        env={"BUREAU_OPERATOR": "也是别人"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("警告") == 1 and editor in done.stderr
    engine = create_engine(towns)
    try:
        with engine.connect() as conn:
            operators = set(conn.execute(text("SELECT operator FROM audit_log")).scalars())
            batches = set(conn.execute(text("SELECT operator FROM import_batches")).scalars())
    finally:
        engine.dispose()
    superuser = make_url(towns).username
    assert batches == {editor}
    assert operators <= {editor, superuser} and editor in operators


def test_editors_may_not_change_admin_tables_from_the_command_line(
    towns: str, logins: Logins, tmp_path: Path
) -> None:
    editor = logins.url(towns, logins.make("editor"))
    before = count(towns, "audit_log")
    for args in (
        ("towns", "add", "新镇"),
        ("indicators", "set", "high_tech_count", "--year", "2025", "--target", "5"),
        ("indicators", "add", "x_count", "--name", "某指标", "--unit", "家", "--source", "manual"),
        ("export", "commissioners", "--out", str(tmp_path / "ids.xlsx"), "--with-ids"),
        ("init", "--demo"),
    ):
        done = run_bureau(editor, *args)
        assert done.returncode == 3 and "没有权限" in done.stderr, (args, done.stderr)
    assert not (tmp_path / "ids.xlsx").exists()
    assert count(towns, "audit_log") == before


def test_an_editors_import_of_a_plans_annex_needs_an_admin(towns: str, logins: Logins) -> None:
    editor = logins.url(towns, logins.make("editor"))
    annex = str(SAMPLES / "kinds" / "规划指标附件.xlsx")
    before = count(towns, "indicator_targets"), count(towns, "import_batches")
    refused = run_bureau(editor, "import", annex)
    assert refused.returncode == 3 and "指标和目标" in refused.stderr, refused.stderr
    assert run_bureau(editor, "import", annex, "--dry-run").returncode == 0
    assert (count(towns, "indicator_targets"), count(towns, "import_batches")) == before


def test_init_on_a_new_server_database_creates_roles_and_grants_idempotently(
    pg_server: PgServer,
) -> None:
    name = pg_server.new_database_name("kc_init")
    pg_server.execute(f'CREATE DATABASE "{name}"')
    url = pg_server.url(name)
    try:
        for _ in range(2):
            done = run_bureau(url, "init")
            assert done.returncode == 0, done.stderr
        pg_server.execute("REVOKE SELECT ON enterprises FROM kc_viewer", database=name)
        assert run_bureau(url, "init").returncode == 0
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                rights = conn.execute(
                    text(
                        "SELECT has_table_privilege('kc_viewer', 'enterprises', 'SELECT'),"
                        " has_table_privilege('kc_editor', 'enterprises', 'INSERT'),"
                        " has_table_privilege('kc_editor', 'towns', 'INSERT'),"
                        " has_table_privilege('kc_admin', 'towns', 'INSERT')"
                    )
                ).one()
                groups = set(
                    conn.execute(
                        text("SELECT rolname FROM pg_roles WHERE rolname LIKE 'kc\\_%' ESCAPE '\\'")
                    ).scalars()
                )
        finally:
            engine.dispose()
        assert tuple(rights) == (True, True, False, True)
        assert {"kc_viewer", "kc_editor", "kc_admin"} <= groups
    finally:
        pg_server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_init_by_a_login_that_may_not_grant_says_so(pg_database: str, logins: Logins) -> None:
    editor = logins.make("editor")
    done = run_bureau(logins.url(pg_database, editor), "init")
    assert done.returncode == 0, done.stderr  # an editor's desk: the store is ready to use
    assert "所有者" in done.stderr
    admin = logins.make("admin")  # manages users, but the tables are not its own
    refused = run_bureau(logins.url(pg_database, admin), "init")
    assert refused.returncode == 3 and "所有者" in refused.stderr


def test_a_terminal_asks_for_the_password_twice_without_echo(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    from desktop.commands import users as users_command
    from desktop.commands.context import UsageError

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    typed = iter(["s3cret", "s3cret", "s3cret", "typo"])
    prompts: list[str] = []

    def getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(typed)

    monkeypatch.setattr(users_command.sys, "stdin", Terminal())
    monkeypatch.setattr(users_command.getpass, "getpass", getpass)
    assert users_command.read_password("zhang") == "s3cret"
    with pytest.raises(UsageError, match="不一致"):
        users_command.read_password("zhang")
    assert len(prompts) == 4 and "zhang" in prompts[0]
