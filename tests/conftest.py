"""Shared fixtures: a migrated template store built once per session and copied for each test.

Tests under tests/unit and tests/cli that take the store through `store`, `store_url` or `bureau`
(and not the SQLite file itself, `store_path`) run on both engines: SQLite, and a PostgreSQL
server this run starts (tests/pgserver.py). `@pytest.mark.sqlite_only` keeps a test on SQLite;
`@pytest.mark.both_engines` puts a test elsewhere (a GUI test) on both.
"""

from __future__ import annotations

import os

# Qt must see the offscreen platform before it is first imported.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.store import Store, open_store
from tests import pgserver

FIXTURES = Path(__file__).parent / "fixtures"
TESTS = Path(__file__).parent
ENGINES = ("sqlite", "postgresql")
BOTH_ENGINES_UNDER = (TESTS / "unit", TESTS / "cli")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run store tests on both engines (see the module's docstring)."""
    if "engine_name" not in metafunc.fixturenames or "store_path" in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("sqlite_only"):
        return
    path = Path(str(metafunc.definition.path))
    wanted = metafunc.definition.get_closest_marker("both_engines") or any(
        path.is_relative_to(folder) for folder in BOTH_ENGINES_UNDER
    )
    if wanted:
        metafunc.parametrize("engine_name", ENGINES, indirect=True)


@pytest.fixture
def engine_name(request: pytest.FixtureRequest) -> str:
    """The engine of the test's store: 'sqlite', or 'postgresql' when parametrized so."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pgserver.PgServer]:
    """The run's PostgreSQL server (started here and stopped at the end, or from the environment)."""
    existing = pgserver.from_environment()
    if existing is not None:
        yield existing
        return
    base = Path(tempfile.mkdtemp(prefix="kc-pg-", dir="/tmp" if os.path.isdir("/tmp") else None))
    try:
        server = pgserver.start(base)
    except RuntimeError as exc:
        shutil.rmtree(base, ignore_errors=True)
        if os.environ.get("BUREAU_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"需要 PostgreSQL 的测试无法运行：{exc}")
        pytest.skip(f"没有可用的 PostgreSQL 服务器：{exc}")
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_template(pg_server: pgserver.PgServer) -> str:
    """A PostgreSQL database migrated through the real migrations, once per session."""
    name = pg_server.new_database_name("kc_template")
    pg_server.execute(f'CREATE DATABASE "{name}"')
    store = open_store(pg_server.url(name))
    store.close()
    return name


@pytest.fixture
def pg_database(pg_server: pgserver.PgServer, pg_template: str) -> Iterator[str]:
    """A fresh copy of the template database for one test; its URL (dropped afterwards)."""
    name = pg_server.new_database_name()
    pg_server.execute(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    yield pg_server.url(name)
    pg_server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Preferences and logs of tests never touch the real user's folders."""
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("BUREAU_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("BUREAU_LOG_DIR", str(base / "logs"))
    monkeypatch.setenv("BUREAU_OPERATOR", "测试员")
    monkeypatch.delenv("BUREAU_DB", raising=False)


@pytest.fixture(scope="session")
def template_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store migrated through the real migrations, once per session."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    store = open_store(path)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


@pytest.fixture
def store_path(template_store: Path, tmp_path: Path) -> Path:
    """A fresh copy of the template store for one test."""
    path = tmp_path / "bureau.sqlite"
    shutil.copyfile(template_store, path)
    return path


@pytest.fixture
def store_url(engine_name: str, request: pytest.FixtureRequest) -> str:
    """The test's store as `--db` takes it: the SQLite file's path, or a PostgreSQL URL."""
    if engine_name == "postgresql":
        return str(request.getfixturevalue("pg_database"))
    return str(request.getfixturevalue("store_path"))


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """The test's store, opened."""
    s = open_store(store_url)
    yield s
    s.close()
