"""Open a store from a path or SQLAlchemy URL; upgrade on open; backup, restore and integrity check.

SQLite stores run with WAL, foreign keys and a busy timeout. Before an upgrade the file is copied to a
timestamped backup; a store whose schema is newer than this program knows is refused.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db.errors import NewerSchemaError, StoreError
from db.locate import (
    APP_AUTHOR,
    APP_NAME,
    backups_dir_for,
    default_store_path,
    resolve_url,
)

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session, sessionmaker

# SQLAlchemy is imported where it is used, not here: `bureau gui` shows its window before paying
# for it, and `desktop.paths` imports this module for APP_NAME.
__all__ = [
    "APP_AUTHOR",
    "APP_NAME",
    "BUSY_TIMEOUT_MS",
    "MIGRATIONS",
    "NewerSchemaError",
    "Store",
    "StoreError",
    "backup",
    "backups_dir_for",
    "default_store_path",
    "head_revision",
    "integrity_problems",
    "known_revisions",
    "make_engine",
    "network_share_warnings",
    "open_store",
    "resolve_url",
    "restore",
    "upgrade_store",
    "validate_store_file",
]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 10_000


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.close()


def make_engine(url: str) -> Engine:
    """An engine for the URL; SQLite connections get the store's pragmas."""
    from sqlalchemy import create_engine, event

    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config() -> Config:
    """Alembic configuration pointing at the packaged migrations (Alembic loads only when needed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


_REVISION = re.compile(r"^revision: str = ['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN = re.compile(r"^down_revision: [^=]+= (?:['\"]([^'\"]+)['\"]|None)", re.MULTILINE)


@lru_cache(maxsize=1)
def _revision_graph() -> dict[str, str | None]:
    """revision → down_revision, read from the version files without importing Alembic.

    Opening a current store must not pay Alembic's import time (cold start); the upgrade itself
    runs through Alembic, and a test checks this reading agrees with Alembic's own.
    """
    graph: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        rev, down = _REVISION.search(source), _DOWN.search(source)
        if rev is None or down is None:
            raise StoreError(f"迁移脚本 {path.name} 缺少版本号")
        graph[rev.group(1)] = down.group(1)
    return graph


def head_revision() -> str:
    """The newest schema revision this program knows."""
    graph = _revision_graph()
    heads = set(graph) - {down for down in graph.values() if down}
    if len(heads) != 1:
        raise StoreError(f"迁移脚本应只有一个最新版本，实际为：{sorted(heads)}")
    return heads.pop()


def known_revisions() -> set[str]:
    """Every schema revision this program knows."""
    return set(_revision_graph())


@dataclass
class Store:
    """An open store: its URL, engine and a session factory."""

    url: str
    engine: Engine
    warnings: list[str] = field(default_factory=list)
    _sessions: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        from sqlalchemy.orm import sessionmaker

        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server database."""
        from sqlalchemy.engine import make_url

        parsed = make_url(self.url)
        if parsed.get_backend_name() != "sqlite" or not parsed.database:
            return None
        return Path(parsed.database)

    @property
    def display_name(self) -> str:
        """What the status bar shows: the file path, or the URL without its password."""
        from sqlalchemy.engine import make_url

        p = self.path
        return str(p) if p else make_url(self.url).render_as_string(hide_password=True)

    def session(self) -> Session:
        """A new session; use `with store.session() as s, s.begin(): …` for one transaction."""
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session inside one transaction: committed on success, rolled back on error."""
        with self._sessions() as session, session.begin():
            yield session

    def revision(self) -> str | None:
        """The schema revision recorded in the store (None when it has none)."""
        with self.engine.connect() as conn:
            return _read_revision(conn)

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()


def open_store(
    target: str | os.PathLike[str] | None = None, *, upgrade: bool = True, create: bool = True
) -> Store:
    """Open (and by default create and upgrade) the store named by target, $BUREAU_DB or default."""
    url = resolve_url(target)
    store = Store(url, make_engine(url))
    path = store.path
    if path is not None:
        if not create and not path.exists():
            raise StoreError(f"数据文件不存在：{path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        store.warnings.extend(network_share_warnings(path))
    current = _checked_revision(store)
    if upgrade and current != head_revision():
        upgrade_store(store, current)
    return store


def _checked_revision(store: Store) -> str | None:
    try:
        current = store.revision()
    except Exception as exc:  # unreadable file, not a database …
        store.close()
        raise StoreError(f"无法打开数据文件 {store.display_name}：{exc}") from exc
    if current is not None and current not in known_revisions():
        store.close()
        raise NewerSchemaError(
            f"数据文件 {store.display_name} 由更新版本的科创台账创建（结构版本 {current}），"
            "本程序无法安全使用它。请安装新版本后再打开。"
        )
    return current


def _read_revision(conn: Connection) -> str | None:
    from sqlalchemy import inspect, text

    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade_store(store: Store, current: str | None) -> Path | None:
    """Upgrade to the newest schema; an existing SQLite store is backed up first (returns the copy)."""
    copy: Path | None = None
    path = store.path
    if current is not None and path is not None and path.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        copy = backups_dir_for(path) / f"{path.stem}-before-upgrade-{current}-{stamp}.sqlite"
        backup(store, copy)
    from alembic import command

    cfg = alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return copy


def backup(store: Store, out: str | os.PathLike[str]) -> Path:
    """A consistent copy of a SQLite store, safe while other processes write (online backup API)."""
    src_path = store.path
    if src_path is None:
        raise StoreError("服务器数据库请用数据库自身的备份工具（如 pg_dump）备份。")
    out_path = Path(out)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(out_path.name + ".part")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(str(src_path), timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst, pages=1024)
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    os.replace(tmp, out_path)
    return out_path


def validate_store_file(path: Path) -> str:
    """Check that a file is a store this program can open; returns its schema revision."""
    if not path.is_file():
        raise StoreError(f"文件不存在：{path}")
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise StoreError(f"{path.name} 不是科创台账的数据文件（不是 SQLite 数据库）。")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise StoreError(f"{path.name} 已损坏：{'; '.join(problems[:5])}")
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path.name} 不是科创台账的数据文件（缺少结构版本）。") from exc
    finally:
        conn.close()
    if row is None:
        raise StoreError(f"{path.name} 不是科创台账的数据文件（缺少结构版本）。")
    revision = str(row[0])
    if revision not in known_revisions():
        raise NewerSchemaError(f"{path.name} 由更新版本的科创台账创建（结构版本 {revision}）。")
    return revision


def restore(store: Store, source: str | os.PathLike[str]) -> Path:
    """Replace the store's content with a backup file after validating it; returns the safety copy."""
    src_path = Path(source)
    dest = store.path
    if dest is None:
        raise StoreError("服务器数据库请用数据库自身的工具恢复。")
    validate_store_file(src_path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    safety = backups_dir_for(dest) / f"{dest.stem}-before-restore-{stamp}.sqlite"
    if dest.exists():
        backup(store, safety)
    store.engine.dispose()
    src = sqlite3.connect(f"file:{src_path}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(str(dest), timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    current = _checked_revision(store)
    if current != head_revision():
        upgrade_store(store, current)
    return safety


def integrity_problems(store: Store) -> list[str]:
    """Integrity check: SQLite's own checks, foreign keys and the schema revision; [] when sound."""
    from sqlalchemy import text

    problems: list[str] = []
    with store.engine.connect() as conn:
        if store.path is not None:
            rows = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
            problems += [f"完整性：{r}" for r in rows if r != "ok"]
            for table, rowid, parent, _fk in conn.execute(text("PRAGMA foreign_key_check")):
                problems.append(f"外键：{table} 第 {rowid} 行引用的 {parent} 不存在")
        revision = _read_revision(conn)
    if revision != head_revision():
        problems.append(f"结构版本为 {revision}，应为 {head_revision()}")
    return problems


def network_share_warnings(path: Path) -> list[str]:
    """SQLite over a network share corrupts under concurrent use: detect it and warn."""
    text_path = str(path)
    if text_path.startswith(("\\\\", "//")):
        return [
            f"数据文件位于网络共享 {text_path}：多台电脑同时使用会损坏数据，请改用服务器数据库。"
        ]
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    best = ("", "")
    for line in mounts:
        parts = line.split()
        if len(parts) >= 3 and text_path.startswith(parts[1]) and len(parts[1]) > len(best[0]):
            best = (parts[1], parts[2])
    if best[1] in {"cifs", "smbfs", "smb3", "nfs", "nfs4", "9p", "fuse.sshfs"}:
        return [
            f"数据文件位于网络共享（{best[1]}）：多台电脑同时使用会损坏数据，请改用服务器数据库。"
        ]
    return []
