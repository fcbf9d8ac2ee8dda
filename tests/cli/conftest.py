"""Helpers for running `bureau` as a subprocess on the test's store."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"
TOWNS = ("十九里镇", "五马镇", "牛集镇", "古井镇", "汤陵街道", "芍花路街道")

# The console script's own entry: `main()` of desktop.cli, as `bureau` calls it.
BUREAU = (sys.executable, "-c", "import sys; from desktop.cli import main; sys.exit(main())")

Run = Callable[..., subprocess.CompletedProcess[str]]


def run_bureau(
    db: Path | str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m desktop.cli --db DB ARGS…` and capture its output."""
    full_env = os.environ | {"PYTHONIOENCODING": "utf-8"} | (env or {})
    return subprocess.run(
        [*BUREAU, "--db", str(db), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=full_env,
        timeout=300,
    )


@pytest.fixture
def bureau(store_url: str) -> Run:
    """`bureau(*args)` on the test's fresh store (SQLite file or PostgreSQL database)."""

    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return run_bureau(store_url, *args, env=env)

    return run


@pytest.fixture
def with_towns(bureau: Run) -> Run:
    """The same runner, with the sample towns configured."""
    done = bureau("towns", "add", *TOWNS)
    assert done.returncode == 0, done.stderr
    return bureau


def import_json(bureau: Run, *args: str) -> dict[str, Any]:
    """Run `bureau import … --json`, assert exit 0 and return the object."""
    done = bureau("import", *args, "--json")
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def store_digest(path: Path) -> str:
    """A hash of the contents of every table of a store (to prove nothing changed)."""
    digest = hashlib.sha256()
    with sqlite3.connect(path) as conn:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                digest.update(repr(row).encode())
    return digest.hexdigest()
