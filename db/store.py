"""Open a store from a path or SQLAlchemy URL; upgrade on open; backup, restore and integrity check.

SQLite stores run with WAL, foreign keys and a busy timeout. Before an upgrade and before a restore
the file is copied into the rotating set of db/backups.py (which also takes the first copy of each
day when a store is opened); a store whose schema is newer than this program knows is refused.
A store that cannot be written is opened read-only: reads work, writes are refused (exit 3).
A 0-byte file is never taken for a new store (see `empty_file_message`).
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db import backups
from db.errors import (
    BUSY_TIMEOUT_MS,
    NewerSchemaError,
    StoreBusy,
    StoreError,
    StoreReadOnly,
    explain_sqlite_error,
)
from db.locate import (
    APP_AUTHOR,
    APP_NAME,
    backups_dir_for,
    default_store_path,
    display_name_for,
    resolve_url,
    same_file,
    sqlite_url,
)
from db.restoring import restore_into

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session, sessionmaker

    from db.roles import Role

# SQLAlchemy is imported where it is used, not here: `bureau gui` shows its window before paying
# for it, and `desktop.paths` imports this module for APP_NAME.
__all__ = [
    "APP_AUTHOR",
    "APP_NAME",
    "BUSY_TIMEOUT_MS",
    "MIGRATIONS",
    "NewerSchemaError",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoreReadOnly",
    "backup",
    "backups_dir_for",
    "change_stamp",
    "default_store_path",
    "empty_file_message",
    "head_revision",
    "integrity_problems",
    "known_revisions",
    "make_engine",
    "migrate",
    "network_share_warnings",
    "open_store",
    "resolve_url",
    "restore",
    "store_for",
    "upgrade_store",
    "validate_store_file",
]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.close()


def _read_only_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()  # no journal_mode: changing it would be a write
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def make_engine(url: str, *, read_only: bool = False, immutable: bool = False) -> Engine:
    """An engine for the URL; SQLite connections get the store's pragmas.

    A read-only SQLite store is opened through a `file:` URI with mode=ro (immutable=1 when its
    folder cannot hold SQLite's -shm file: nobody can be writing to it then).
    """
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import URL, make_url

    try:
        parsed = make_url(url)
        if parsed.get_backend_name() != "sqlite":
            # UTC like SQLite's CURRENT_TIMESTAMP: the times of both engines mean the same
            return create_engine(
                parsed, pool_pre_ping=True, connect_args={"options": "-c timezone=UTC"}
            )
        target: str | URL = url
        if read_only and parsed.database:
            query = {"mode": "ro", "uri": "true"} | ({"immutable": "1"} if immutable else {})
            uri = Path(parsed.database).resolve().as_uri()
            target = URL.create("sqlite", database=uri, query=query)
        engine = create_engine(target, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    except ImportError as exc:
        raise StoreError(_driver_message(url, exc)) from exc
    except Exception as exc:  # ArgumentError, NoSuchModuleError: no usable URL
        raise StoreError(f"无法识别的数据库地址：{display_name_for(url)}（{exc}）") from exc
    event.listen(engine, "connect", _read_only_pragmas if read_only else _sqlite_pragmas)
    return engine


def _driver_message(url: str, exc: ImportError) -> str:
    if url.startswith("postgresql"):
        return (
            f"无法连接服务器数据库 {display_name_for(url)}：本程序没有安装 PostgreSQL 驱动"
            f"（缺少 Python 模块 {exc.name or 'psycopg'}）。"
            "请安装支持服务器数据库的版本，或用 --db 指定数据文件。"
        )
    return (
        f"无法连接数据库 {display_name_for(url)}：缺少数据库驱动（Python 模块 {exc.name or exc}）。"
    )


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
    read_only: bool = False
    # db/roles.py: a SQLite store's one user is admin; on PostgreSQL, the login's group role.
    role: Role = "admin"
    # The server's current_user on PostgreSQL (the audit trail's operator); None on SQLite.
    login: str | None = None
    _sessions: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        from sqlalchemy.orm import sessionmaker

        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server database."""
        return _sqlite_path(self.url)

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
        """A session inside one transaction: committed on success, rolled back on error.

        SQLite's refusals (locked after the busy timeout, read-only, disk full) come out as the
        clerk's StoreBusy / StoreReadOnly / StoreRefused naming the file; nothing was written.
        """
        try:
            with self._sessions() as session, session.begin():
                yield session
        except Exception as exc:
            explained = self.explain(exc)
            if explained is None:
                raise
            raise explained from exc

    def explain(self, exc: BaseException) -> StoreError | None:
        """The clerk's exception for a SQLite or server failure on this store (None: another)."""
        from db.server_errors import explain_server_error, explain_stale

        if (stale := explain_stale(exc)) is not None:
            return stale
        if self.path is None:
            return explain_server_error(exc, self.url, self.display_name)
        return explain_sqlite_error(exc, self.display_name)

    def revision(self) -> str | None:
        """The schema revision recorded in the store (None when it has none)."""
        with self.engine.connect() as conn:
            return _read_revision(conn)

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()


def _sqlite_path(url: str) -> Path | None:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:" or parsed.query.get("mode") == "memory":
        return None
    return Path(parsed.database)


def empty_file_message(path: Path) -> str:
    """Why a 0-byte store file is refused rather than silently made into a new, empty store."""
    return (
        f"数据文件 {path} 是空文件（0 字节）：原有数据可能在复制、同步或磁盘写满时丢失了。"
        "为免把它当成新的空数据文件而掩盖数据丢失，程序不会使用它。"
        f"请用“恢复”从备份恢复（bureau restore 备份文件；自动备份在 {backups_dir_for(path)}），"
        "或确认不再需要后删除该文件，再用 bureau init 新建。"
    )


def store_for(target: str | os.PathLike[str] | None) -> Store:
    """The store named by target without opening it (for a restore onto a damaged file)."""
    url = resolve_url(target)
    return Store(url, make_engine(url))


def open_store(
    target: str | os.PathLike[str] | None = None,
    *,
    upgrade: bool = True,
    create: bool = True,
    daily_backup: bool = True,
) -> Store:
    """Open (and by default create and upgrade) the store named by target, $BUREAU_DB or default.

    The first open of each day takes an automatic backup (db/backups.py).
    """
    url = resolve_url(target)
    path = _sqlite_path(url)
    read_only = immutable = False
    if path is not None:
        read_only, immutable = _check_file(path, create)
    store = Store(url, make_engine(url, read_only=read_only, immutable=immutable))
    store.read_only = read_only
    if path is not None:
        store.warnings.extend(network_share_warnings(path))
        if read_only:
            store.warnings.append(f"数据文件是只读的，只能查看，不能修改：{path}")
    current = _checked_revision(store)
    if upgrade and current != head_revision():
        if read_only:
            store.close()
            raise StoreReadOnly(
                f"数据文件 {path} 的结构版本（{current}）需要升级后才能使用，但它是只读的，"
                "无法升级。请把它复制到可写的位置后再打开。"
            )
        upgrade_store(store, current)
    if path is None:
        from db.roles import server_identity

        store.login, store.role = server_identity(store.engine)
    if daily_backup and current is not None and path is not None:
        try:
            backups.daily(store)
        except (StoreError, OSError) as exc:
            store.warnings.append(f"今天的自动备份没有完成：{exc}")
    return store


def _check_file(path: Path, create: bool) -> tuple[bool, bool]:
    """Refuse what is no store file; returns (read_only, immutable). Only stat(), never open()."""
    if path.is_dir():
        raise StoreError(f"数据文件路径是一个文件夹，不是数据文件：{path}")
    if not path.exists():
        if not create:
            raise StoreError(f"数据文件不存在：{path}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"无法创建数据文件所在的文件夹：{path.parent}（{exc.strerror}）"
            ) from exc
        if not os.access(path.parent, os.W_OK):
            raise StoreReadOnly(f"无法在只读的文件夹中新建数据文件：{path}")
        return False, False
    if path.stat().st_size == 0:
        raise StoreError(empty_file_message(path))
    sidecars = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
    folder_writable = os.access(path.parent, os.W_OK)
    sidecars_writable = all(s.exists() and os.access(s, os.W_OK) for s in sidecars)
    if os.access(path, os.W_OK) and (folder_writable or sidecars_writable):
        return False, False
    # Read-only: without a -shm file and a folder to create one in, SQLite can read a WAL store
    # only as immutable — safe, since nobody can be writing to it either.
    return True, not folder_writable and not any(s.exists() for s in sidecars)


def _checked_revision(store: Store) -> str | None:
    try:
        current = store.revision()
    except Exception as exc:  # unreadable file, not a database, no server …
        store.close()
        explained = store.explain(exc)
        if explained is not None:
            raise explained from exc
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise StoreError(f"无法打开数据文件 {store.display_name}：{reason}") from exc
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
    """Upgrade to the newest schema; an existing SQLite store is backed up first (returns the copy).

    The migrations run in one SQLite write transaction taken up front (BEGIN IMMEDIATE): a crash
    leaves the old schema, and two programs upgrading at once take turns.
    """
    copy: Path | None = None
    path = store.path
    if current is not None and path is not None and path.exists():
        copy = backups.take(store, "upgrade", detail=current).path
    try:
        migrate(store)
    except Exception as exc:
        explained = store.explain(exc)
        if explained is None:
            raise
        if path is None and type(explained).__name__ == "PermissionRefused":
            raise type(explained)(
                f"服务器数据库 {store.display_name} 需要升级到本版本的结构，但只有数据库的所有者"
                "（建库时的管理员账号）能升级。请管理员先用本版本打开一次（bureau init），再使用。"
            ) from exc
        raise explained from exc
    return copy


def migrate(store: Store) -> None:
    """Run the migrations up to head (no backup: `upgrade_store` takes one)."""
    from alembic import command

    cfg = alembic_config()
    with store.engine.connect() as conn:
        if store.path is not None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        if conn.dialect.name == "postgresql":  # the roles' grants cover the new schema (desks.py)
            from db.desks import ensure_roles_where_allowed

            ensure_roles_where_allowed(conn)
        conn.commit()


def backup(store: Store, out: str | os.PathLike[str]) -> Path:
    """A consistent copy of a SQLite store, safe while other processes write (online backup API)."""
    src_path = store.path
    out_path = Path(out)
    if src_path is None:  # pg_dump, by an admin (db/server_backups.py)
        from db.roles import server_identity
        from db.server_backups import dump

        return dump(store.url, out_path, server_identity(store.engine))
    if same_file(out_path, src_path) or any(
        same_file(out_path, src_path.with_name(src_path.name + s)) for s in ("-wal", "-shm")
    ):
        raise StoreError(f"备份不能写到数据文件自身：{out_path}")
    return backups.copy_store(src_path, out_path)


def validate_store_file(path: Path) -> str:
    """Check that a file is a whole store this program can open; returns its schema revision.

    Refuses (StoreError, exit 2) a folder, a missing, empty, truncated or damaged file and a file
    that is no store; a store of a newer version is NewerSchemaError.
    """
    if path.is_dir():
        raise StoreError(f"{path} 是一个文件夹，不是备份文件。")
    if not path.is_file():
        raise StoreError(f"文件不存在：{path}")
    with path.open("rb") as fh:
        header = fh.read(100)
    if header[:16] != b"SQLite format 3\x00":
        raise StoreError(f"{path.name} 不是科创台账的数据文件（不是 SQLite 数据库）。")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    # The page count in the header is valid when its "valid for" number is the change counter.
    pages = int.from_bytes(header[28:32], "big") if header[92:96] == header[24:28] else 0
    if len(header) < 100 or path.stat().st_size < page_size * pages:
        raise StoreError(f"{path.name} 不完整（文件被截断），无法用它恢复。")
    try:
        revision = _backup_revision(path)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path.name} 已损坏，无法用它恢复。") from exc
    if revision not in known_revisions():
        raise NewerSchemaError(f"{path.name} 由更新版本的科创台账创建（结构版本 {revision}）。")
    return revision


def _backup_revision(path: Path) -> str:
    uri = path.resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise StoreError(f"{path.name} 已损坏：{'; '.join(problems[:5])}")
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:
            row = None
    finally:
        conn.close()
    if row is None:
        raise StoreError(f"{path.name} 不是科创台账的数据文件（缺少结构版本）。")
    return str(row[0])


def restore(store: Store, source: str | os.PathLike[str], operator: str = "") -> Path | None:
    """Replace the store's content with a backup file after validating it; returns the safety copy.

    The backup is checked, copied and upgraded aside; then, holding the store's write lock (so no
    other program can be writing meanwhile — refused as StoreBusy after a short wait), the
    current content is saved as a 恢复前 backup and replaced in one transaction (db/restoring.py).
    """
    dest = store.path
    if dest is None:  # pg_restore, by an admin (db/server_backups.py)
        from db.roles import server_identity
        from db.server_backups import restore_dump

        identity = server_identity(store.engine)
        safety = restore_dump(store.url, Path(source), identity, known_revisions())
        migrate(store)  # upgrades an older backup; grants the desks' roles again
        return safety
    src = Path(source)
    if same_file(src, dest):  # checked first: validating would open the store a second time
        raise StoreError(f"不能用数据文件自身恢复：{src}")
    validate_store_file(src)

    def upgrade_staged(staged: Path) -> None:
        staging = Store(sqlite_url(staged), make_engine(sqlite_url(staged)))
        try:
            if _checked_revision(staging) != head_revision():
                migrate(staging)
        finally:
            staging.close()

    return restore_into(store, dest, src, upgrade_staged, operator)


def change_stamp(store: Store) -> tuple[object, ...]:
    """What differs after any write of this program (every write is audited) or any restore."""
    from sqlalchemy import text

    with store.engine.connect() as conn:
        last = conn.execute(text("SELECT id, at FROM audit_log ORDER BY id DESC LIMIT 1")).first()
        batch = conn.execute(text("SELECT max(id) FROM import_batches")).scalar()
    return (tuple(last) if last else None, batch)


def integrity_problems(store: Store) -> list[str]:
    """Integrity check: SQLite's own checks, foreign keys and the schema revision; [] when sound.

    A known older revision is no problem (the next writable open upgrades it).
    """
    from sqlalchemy import text

    problems: list[str] = []
    with store.engine.connect() as conn:
        if store.path is not None:
            rows = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
            problems += [f"完整性：{r}" for r in rows if r != "ok"]
            for table, rowid, parent, _fk in conn.execute(text("PRAGMA foreign_key_check")):
                problems.append(f"外键：{table} 第 {rowid} 行引用的 {parent} 不存在")
        revision = _read_revision(conn)
    if revision not in known_revisions():
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
