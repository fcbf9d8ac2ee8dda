"""Shared fixtures: a migrated template store built once per session and copied for each test."""

from __future__ import annotations

import os

# Qt must see the offscreen platform before it is first imported.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.store import Store, open_store

FIXTURES = Path(__file__).parent / "fixtures"


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
def store(store_path: Path) -> Iterator[Store]:
    """The test's store, opened."""
    s = open_store(store_path)
    yield s
    s.close()
