"""Automatic backups of a SQLite store: a rotating set in the `backups/` folder beside it.

A copy is taken on the first open of each day (`daily`, from `db.store.open_store`), before every
import (`before(store, "import")` — cheap: a backup of the same reason from the last
`RECENT` minutes is reused, and each import can still be undone on its own), and before every
restore and upgrade (`db.store`, always fresh). Copies use SQLite's online backup API, so they are
consistent while other programs write, and never open the store file outside SQLite (a plain
open/close in this process would drop SQLite's POSIX locks on Linux).

Rotation (`prune`, after every copy): today's backups are all kept (the safety copies of the day's
work); of older ones, the newest of each of the last `keep_daily` days and the newest of each of
the last `keep_weekly` ISO weeks stay, the rest are deleted. Only files named by this module are
ever deleted: `bureau backup --out FILE` copies are the clerk's own.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from db.errors import (
    BUSY_TIMEOUT_MS,
    StoreBusy,
    StoreCorrupt,
    StoreError,
    explain_sqlite_error,
)
from db.locate import backups_dir_for
from db.rules.settings import RETENTION_DEFAULTS, BackupRetention

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy.orm import Session

REASONS = {"daily": "每日自动备份", "import": "导入前", "restore": "恢复前", "upgrade": "升级前"}
_SLUGS = {
    "daily": "daily",
    "import": "before-import",
    "restore": "before-restore",
    "upgrade": "before-upgrade",
}
_REASON_OF_SLUG = {slug: reason for reason, slug in _SLUGS.items()}
STAMP = "%Y%m%d-%H%M%S"
RECENT = timedelta(minutes=10)


class StoreLike(Protocol):
    """What a backup needs of a store (db.store.Store): its file and sessions on it."""

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server database."""

    def session(self) -> Session:
        """A new session on the store."""


@dataclass(frozen=True)
class BackupFile:
    """One automatic backup: its file, when and why it was taken, its size in bytes."""

    path: Path
    taken_at: datetime
    reason: str
    size: int

    @property
    def reason_text(self) -> str:
        """Why it was taken, for the clerk (每日自动备份, 导入前, 恢复前, 升级前)."""
        return REASONS.get(self.reason, self.reason)


def _pattern(store_path: Path) -> re.Pattern[str]:
    slugs = "|".join(re.escape(s) for s in _SLUGS.values())
    return re.compile(
        rf"^{re.escape(store_path.stem)}-(?P<slug>{slugs})(?:-[^-]+)?"
        r"-(?P<stamp>\d{8}-\d{6})(?:-\d+)?\.sqlite$"
    )


def folder(store_path: Path) -> Path:
    """The backups folder of a store file."""
    return backups_dir_for(store_path)


def list_backups(store_path: Path) -> list[BackupFile]:
    """The automatic backups of a store file, newest first."""
    try:
        entries = list(os.scandir(folder(store_path)))
    except OSError:
        return []
    pattern = _pattern(store_path)
    found = []
    for entry in entries:
        match = pattern.match(entry.name)
        if match is None or not entry.is_file():
            continue
        with contextlib.suppress(OSError, ValueError):
            taken = datetime.strptime(match["stamp"], STAMP)
            reason = _REASON_OF_SLUG[match["slug"]]
            found.append(BackupFile(Path(entry.path), taken, reason, entry.stat().st_size))
    found.sort(key=lambda b: (b.taken_at, b.path.name), reverse=True)
    return found


def kept(backups: Iterable[BackupFile], retention: BackupRetention, today: date) -> set[Path]:
    """The backups rotation keeps: all of today's, the newest of each last day and last week."""
    newest_first = sorted(backups, key=lambda b: b.taken_at, reverse=True)
    keep = {b.path for b in newest_first if b.taken_at.date() >= today}
    days: dict[date, Path] = {}
    weeks: dict[tuple[int, int], Path] = {}
    for b in newest_first:
        day = b.taken_at.date()
        if day not in days and len(days) < retention.keep_daily:
            days[day] = b.path
        week = day.isocalendar()[:2]
        if week not in weeks and len(weeks) < retention.keep_weekly:
            weeks[week] = b.path
    return keep | set(days.values()) | set(weeks.values())


def prune(store_path: Path, retention: BackupRetention, now: datetime | None = None) -> list[Path]:
    """Delete the automatic backups rotation does not keep; returns the deleted files."""
    today = (now or datetime.now()).date()
    backups = list_backups(store_path)
    keep = kept(backups, retention, today)
    removed = []
    for b in backups:
        if b.path not in keep:
            with contextlib.suppress(OSError):
                b.path.unlink()
                removed.append(b.path)
    return removed


@contextlib.contextmanager
def written_whole(out: Path) -> Iterator[Path]:
    """A part file beside `out` to write the backup into: renamed to `out` when the block ends,
    removed when it fails — so `out` is written whole or not at all (SQLite copies, pg_dump).

    Refuses an output that is a folder or no regular file (a device or pipe is never replaced).
    """
    if out.is_dir():
        raise StoreError(f"备份的输出路径是一个文件夹，请给出文件名：{out}")
    if out.exists() and not out.is_file():
        raise StoreError(f"备份的输出路径不是普通文件：{out}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"无法创建备份所在的文件夹：{out.parent}（{exc.strerror}）") from exc
    part = out.with_name(f".{out.name}.{uuid.uuid4().hex[:12]}.part")
    try:
        yield part
        os.replace(part, out)
    except OSError as exc:
        raise StoreError(f"无法写入备份文件：{out}（{exc.strerror or exc}）") from exc
    finally:
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)


def copy_store(source: Path, out: Path) -> Path:
    """A consistent copy of a SQLite file (online backup API), written whole or not at all."""
    with written_whole(out) as part:
        try:
            _online_copy(source, part)
        except sqlite3.Error as exc:
            raise _copy_failure(exc, source, out) from exc
    return out


def _copy_failure(exc: sqlite3.Error, source: Path, out: Path) -> StoreError:
    """Busy or corrupt sources are the store's problem; anything else is the output's."""
    explained = explain_sqlite_error(exc, str(source))
    if isinstance(explained, (StoreBusy, StoreCorrupt)):
        return explained
    return StoreError(f"无法写入备份文件：{out}（{exc}）")


def _online_copy(source: Path, tmp: Path) -> None:
    src = sqlite3.connect(str(source), timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            dst.close()
    finally:
        src.close()


def backup_path(store_path: Path, reason: str, when: datetime, detail: str = "") -> Path:
    """A new, unused name for a backup of `reason` (detail: e.g. the revision before an upgrade)."""
    slug = _SLUGS[reason] + (f"-{detail}" if detail else "")
    base = f"{store_path.stem}-{slug}-{when.strftime(STAMP)}"
    candidate = folder(store_path) / f"{base}.sqlite"
    n = 1
    while candidate.exists():
        n += 1
        candidate = folder(store_path) / f"{base}-{n}.sqlite"
    return candidate


def retention_of(store: StoreLike) -> BackupRetention:
    """The store's retention setting (the defaults when it cannot be read, e.g. before 0003)."""
    from sqlalchemy.exc import SQLAlchemyError

    from db.services.settings import get_backup_retention

    try:
        with store.session() as session:
            return get_backup_retention(session)
    except (SQLAlchemyError, sqlite3.Error):
        return RETENTION_DEFAULTS


def take(
    store: StoreLike, reason: str, *, detail: str = "", now: datetime | None = None
) -> BackupFile:
    """A fresh automatic backup of `reason`, then rotation of the set."""
    path = _file_of(store)
    when = now or datetime.now()
    out = copy_store(path, backup_path(path, reason, when, detail))
    prune(path, retention_of(store), when)
    return BackupFile(out, when.replace(microsecond=0), reason, out.stat().st_size)


def before(store: StoreLike, reason: str, *, now: datetime | None = None) -> BackupFile | None:
    """The backup before an import (or other change): reused when one of this reason is recent.

    None for a server database or a store file that does not exist yet (nothing to keep).
    Qt-free and cheap enough to call before every import.
    """
    path = store.path
    if path is None or not path.exists():
        return None
    when = now or datetime.now()
    for b in list_backups(path):
        if b.reason == reason and timedelta(0) <= when - b.taken_at < RECENT:
            return b
    return take(store, reason, now=when)


def daily(store: StoreLike, *, now: datetime | None = None) -> BackupFile | None:
    """The backup of the first open of each day (None when today's exists or nothing to keep)."""
    path = store.path
    if path is None or not path.exists():
        return None
    today = (now or datetime.now()).date()
    if any(b.reason == "daily" and b.taken_at.date() == today for b in list_backups(path)):
        return None
    return take(store, "daily", now=now)


def _file_of(store: StoreLike) -> Path:
    path = store.path
    if path is None:
        raise StoreError("服务器数据库请用数据库自身的备份工具（如 pg_dump）备份。")
    return path
