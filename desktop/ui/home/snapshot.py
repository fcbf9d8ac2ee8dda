"""首页 at start-up from a snapshot of its figures saved by the last run, while the store opens.

Cold start: SQLAlchemy and the models take longer to import than the whole window takes to show.
So each full refresh of 首页 on today's date (and this year) of a SQLite store saves what it showed
(figures.py) as JSON in this user's cache folder, one file per store; the next start, before
SQLAlchemy is imported, shows 首页 filled from it when the snapshot provably shows the store as
it is now, then opens the store and refreshes (nothing changes when the snapshot was right).

Valid only when all of these are as they were when the figures were read (`load`):
* the store file (its real path) and its change stamp, read with the stdlib sqlite3: the schema
  revision and the last audit entry (every write of this program is audited) and import batch —
  what db.store.change_stamp and the window's refresh-on-focus compare;
* the program: its migrations (the schema it knows) and the files the figures are computed by;
* the date (the figures are those of today: 统计日期 today, 目标年度 this year) and the desk's
  role (a SQLite store's one user is admin).
A refresh saves only when the stamp read before its reads equals the one read after them all: no
write came between. A server store (PostgreSQL) never has a snapshot: the normal start.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from desktop.ui.home.figures import (
    HomeFigures,
    PipelineRow,
    TileRow,
    figures_from_plain,
    pipeline_from_plain,
    tiles_from_plain,
    to_plain,
)

log = logging.getLogger(__name__)

FORMAT = 1
ROLE = "admin"  # a SQLite store's one user (db/roles.py)
# The code the figures are computed by, relative to the project's root (db/ and desktop/).
CODE = (
    "db/migrations/versions/*.py",  # the schema this program knows
    "db/services/figures/*.py",
    "db/services/plans/*.py",
    "db/services/queries.py",
    "db/services/settings.py",
    "db/rules/*.py",
    "desktop/ui/home/figures.py",
)
Stamp = list[Any]


@dataclass(frozen=True)
class Snapshot:
    """What 首页 shows: the dashboard's figures, the headline tiles and the 培育库 line."""

    figures: HomeFigures
    tiles: tuple[TileRow, ...]
    pipeline: PipelineRow


def folder() -> Path:
    """Where the snapshots live: $BUREAU_CACHE_DIR, else beside a $BUREAU_CONFIG_DIR (tests and
    the benchmark), else this user's cache folder."""
    if os.environ.get("BUREAU_CACHE_DIR"):
        return Path(os.environ["BUREAU_CACHE_DIR"])
    if os.environ.get("BUREAU_CONFIG_DIR"):
        return Path(os.environ["BUREAU_CONFIG_DIR"]) / "cache"
    from platformdirs import user_cache_path

    from db.locate import APP_AUTHOR, APP_NAME

    return user_cache_path(APP_NAME, APP_AUTHOR)


def sqlite_file(url: str) -> Path | None:
    """The file of a plain SQLite URL (none for a server, memory or a URL with options)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    raw = unquote(url[len(prefix) :])
    if not raw or raw == ":memory:":
        return None
    return Path(os.path.realpath(raw))


def snapshot_path(store_file: Path) -> Path:
    """The snapshot file of a store (named by a digest of its real path)."""
    digest = hashlib.sha256(str(store_file).encode("utf-8")).hexdigest()[:20]
    return folder() / f"home-{digest}.json"


def read_stamp(store_file: Path) -> Stamp | None:
    """The store's change stamp, read-only with the stdlib sqlite3 (None when it cannot be read:
    no file, not a store, locked past the timeout …)."""
    if not store_file.is_file() or store_file.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(f"{store_file.as_uri()}?mode=ro", uri=True, timeout=2)
    except sqlite3.Error:
        return None
    try:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        last = conn.execute("SELECT id, at FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        batch = conn.execute("SELECT max(id) FROM import_batches").fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    stamp: Stamp = json.loads(json.dumps([revision, last, batch], default=str))  # as JSON reads
    return stamp


def code_stamp() -> list[Any]:
    """What changes when the program computing the figures does: the size and time of its
    migrations and of the files computing them (of the executable, in a bundle)."""
    root = Path(__file__).resolve().parents[3]
    files = sorted(p for pattern in CODE for p in root.glob(pattern))
    if not files:  # a PyInstaller bundle: the modules are inside the executable
        files = [Path(sys.executable)]
    stamps = []
    for p in files:
        s = p.stat()
        stamps.append(
            [
                p.relative_to(root).as_posix() if p.is_relative_to(root) else str(p),
                s.st_size,
                s.st_mtime_ns,
            ]
        )
    return stamps


def _key(store_file: Path, stamp: Stamp, today: date) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "store": str(store_file),
        "stamp": stamp,
        "code": code_stamp(),
        "as_of": today.isoformat(),
        "year": today.year,
        "role": ROLE,
    }


def load(url: str, today: date) -> Snapshot | None:
    """The snapshot of the store at `url` when it is valid now (see the module's docstring)."""
    store_file = sqlite_file(url)
    if store_file is None:
        return None
    try:
        raw = json.loads(snapshot_path(store_file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict):
        return None
    stamp = read_stamp(store_file)
    try:
        if stamp is None or raw.get("key") != _key(store_file, stamp, today):
            return None
        return Snapshot(
            figures_from_plain(raw["figures"]),
            tiles_from_plain(raw["tiles"]),
            pipeline_from_plain(raw["pipeline"]),
        )
    except (KeyError, TypeError, ValueError, OSError) as exc:
        log.warning("home snapshot of %s unreadable: %s", store_file, exc)
        return None


def save(store_file: Path, stamp: Stamp, shown: Snapshot) -> None:
    """Keep what 首页 shows of the store as it was at `stamp` (written whole or not at all)."""
    today = shown.figures.as_of
    data = {
        "key": _key(store_file, stamp, today),
        "figures": to_plain(shown.figures),
        "tiles": to_plain(shown.tiles),
        "pipeline": to_plain(shown.pipeline),
    }
    path = snapshot_path(store_file)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("home snapshot not saved: %s", exc)
