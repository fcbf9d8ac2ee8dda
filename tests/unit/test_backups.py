"""Automatic backups (issue 11): daily on first open, before imports (cheap), rotation by settings."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from db import backups
from db.backups import BackupFile, kept
from db.rules.settings import BackupRetention
from db.services.settings import (
    SettingsError,
    get_backup_retention,
    save_settings,
    set_backup_retention,
)
from db.services.towns import add_towns
from db.store import Store, open_store

NOON = datetime(2026, 3, 18, 12, 0, 0)  # a Wednesday


def fake(store_path: Path, when: datetime, reason: str = "daily") -> BackupFile:
    """A backup file with the name rotation reads (content does not matter here)."""
    path = backups.backup_path(store_path, reason, when)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return BackupFile(path, when, reason, 1)


def towns_in(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM towns ORDER BY id")]
    finally:
        conn.close()


def test_rotation_keeps_today_the_last_days_and_the_last_weeks(tmp_path: Path) -> None:
    store_path = tmp_path / "bureau.sqlite"
    made = [fake(store_path, NOON - timedelta(days=d, hours=h)) for d in range(60) for h in (0, 3)]
    made.append(fake(store_path, NOON + timedelta(minutes=5), "import"))
    keep = kept(made, BackupRetention(keep_daily=7, keep_weekly=4), NOON.date())
    today = {b.path for b in made if b.taken_at.date() == NOON.date()}
    assert today <= keep and len(today) == 3  # every backup of today stays
    days = {b.taken_at.date() for b in made if b.path in keep}
    assert {NOON.date() - timedelta(days=d) for d in range(7)} <= days
    # the newest of each of the last 4 ISO weeks, the newest of each day
    weeks = {b.taken_at.isocalendar()[:2] for b in made if b.path in keep}
    assert len(weeks) == 4
    for day in days:
        of_day = [b for b in made if b.taken_at.date() == day]
        if day != NOON.date():
            assert [b.path in keep for b in of_day].count(True) == 1
            assert max(of_day, key=lambda b: b.taken_at).path in keep
    # today (3), 12–17 March (6 days), and the weeks of 2–8 and 23 Feb–1 March (their newest)
    assert len(keep) == 3 + 6 + 2
    assert {date(2026, 3, 8), date(2026, 3, 1)} <= days


def test_prune_deletes_only_its_own_files(tmp_path: Path) -> None:
    store_path = tmp_path / "bureau.sqlite"
    for d in range(20):
        fake(store_path, NOON - timedelta(days=d))
    folder = backups.folder(store_path)
    mine = folder / "我自己的备份.sqlite"
    mine.write_bytes(b"x")
    other = folder / "other-daily-20200101-000000.sqlite"  # another store's backup
    other.write_bytes(b"x")
    removed = backups.prune(store_path, BackupRetention(keep_daily=3, keep_weekly=0), NOON)
    assert len(removed) == 17
    assert mine.exists() and other.exists()
    assert len(backups.list_backups(store_path)) == 3


@pytest.mark.sqlite_only  # automatic backups are of the SQLite file
def test_before_import_is_reused_for_a_while_then_taken_again(store: Store) -> None:
    first = backups.before(store, "import", now=NOON)
    assert first is not None and first.reason == "import" and first.path.is_file()
    again = backups.before(store, "import", now=NOON + timedelta(minutes=5))
    assert again is not None and again.path == first.path
    later = backups.before(store, "import", now=NOON + backups.RECENT + timedelta(seconds=1))
    assert later is not None and later.path != first.path
    assert towns_in(later.path) == []  # a real, readable copy of the store


def test_first_open_of_each_day_takes_a_backup(store_path: Path) -> None:
    for _ in range(2):
        open_store(store_path).close()
    daily = [b for b in backups.list_backups(store_path) if b.reason == "daily"]
    assert len(daily) == 1 and daily[0].taken_at.date() == date.today()
    store = open_store(store_path)
    assert backups.daily(store, now=datetime.now() + timedelta(days=1)) is not None
    store.close()


def test_a_new_store_takes_no_backup(tmp_path: Path) -> None:
    open_store(tmp_path / "new.sqlite").close()
    assert backups.list_backups(tmp_path / "new.sqlite") == []


@pytest.mark.sqlite_only  # automatic backups are of the SQLite file
def test_rotation_follows_the_bureau_settings(store: Store) -> None:
    with store.transaction() as s:
        assert get_backup_retention(s) == BackupRetention(7, 4)
        set_backup_retention(s, BackupRetention(keep_daily=2, keep_weekly=0), "测试员")
    path = store.path
    assert path is not None
    for d in range(1, 6):
        fake(path, datetime.now() - timedelta(days=d))
    backups.take(store, "import")
    days = {b.taken_at.date() for b in backups.list_backups(path)}
    assert days == {date.today(), date.today() - timedelta(days=1)}


@pytest.mark.parametrize(
    ("daily", "weekly", "words"),
    [(0, 4, "每日"), (367, 4, "每日"), (7, -1, "每周"), (7, 521, "每周")],
)
def test_retention_is_validated(store: Store, daily: int, weekly: int, words: str) -> None:
    with pytest.raises(SettingsError, match=words), store.transaction() as s:
        save_settings(s, {}, {}, "测试员", BackupRetention(daily, weekly))
    with store.session() as s:
        assert get_backup_retention(s) == BackupRetention()


def test_retention_changes_are_audited(store: Store) -> None:
    from sqlalchemy import text

    with store.transaction() as s:
        save_settings(s, {}, {}, "测试员", BackupRetention(10, 8))
    with store.engine.connect() as conn:
        fields = {r[0] for r in conn.execute(text("SELECT field FROM audit_log"))}
    assert {"backups_keep_daily", "backups_keep_weekly"} <= fields


@pytest.mark.sqlite_only  # automatic backups are of the SQLite file
def test_backup_copy_never_leaves_a_part_file(store: Store, tmp_path: Path) -> None:
    from db.errors import StoreError

    path = store.path
    assert path is not None
    with store.transaction() as s:
        add_towns(s, ["古井镇"], "测试员")
    out = tmp_path / "folder"
    out.mkdir()
    with pytest.raises(StoreError, match="文件夹"):
        backups.copy_store(path, out)
    made = backups.copy_store(path, tmp_path / "copy.sqlite")
    assert towns_in(made) == ["古井镇"]
    assert not [p for p in tmp_path.rglob("*") if ".part" in p.name]
