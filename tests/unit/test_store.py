"""The store: migrations, newer-schema refusal, upgrade backup, backup while writing, restore, check."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from db.backups import list_backups
from db.store import (
    NewerSchemaError,
    Store,
    StoreError,
    backup,
    head_revision,
    integrity_problems,
    network_share_warnings,
    open_store,
    resolve_url,
    restore,
    validate_store_file,
)

FIXTURE_STORES = Path(__file__).parent.parent / "fixtures" / "stores"


def test_empty_store_migrates_to_head_with_seeded_catalogue(tmp_path: Path) -> None:
    store = open_store(tmp_path / "new.sqlite")
    assert store.revision() == head_revision()
    with store.engine.connect() as conn:
        names = [r[0] for r in conn.execute(text("SELECT name FROM qualification_types"))]
        assert "高新技术企业" in names and "科技型中小企业" in names and len(names) == 9
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert conn.execute(text("SELECT province_code FROM bureau_settings")).scalar() == "34"
    store.close()


def test_unique_uscc_is_enforced_by_the_schema(store_path: Path) -> None:
    conn = sqlite3.connect(store_path)
    conn.execute(
        "INSERT INTO enterprises (name, uscc, above_scale, search_text, pinyin_initials)"
        " VALUES ('甲', '91110000600037341L', 0, '', '')"
    )
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO enterprises (name, uscc, above_scale, search_text, pinyin_initials)"
            " VALUES ('乙', '91110000600037341L', 0, '', '')"
        )
    conn.close()


def test_newer_schema_is_refused(store_path: Path) -> None:
    conn = sqlite3.connect(store_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    with pytest.raises(NewerSchemaError, match="更新版本"):
        open_store(store_path)


@pytest.mark.parametrize(
    "fixture", sorted(FIXTURE_STORES.glob("schema-*.sqlite")), ids=lambda p: p.name
)
def test_every_released_schema_upgrades_with_a_backup(fixture: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copyfile(fixture, path)
    before = sqlite3.connect(path).execute("SELECT version_num FROM alembic_version").fetchone()[0]
    store = open_store(path)
    assert store.revision() == head_revision()
    assert integrity_problems(store) == []
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM enterprises")).scalar() >= 1
    store.close()
    if before != head_revision():
        assert list((tmp_path / "backups").glob("old-before-upgrade-*.sqlite"))


def test_released_schema_fixtures_exist() -> None:
    assert (FIXTURE_STORES / "schema-0001.sqlite").is_file()


def test_resolve_url_from_path_env_and_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_url(tmp_path / "a.sqlite") == f"sqlite:///{tmp_path / 'a.sqlite'}"
    assert resolve_url("postgresql://u@h/db") == "postgresql://u@h/db"
    monkeypatch.setenv("BUREAU_DB", str(tmp_path / "env.sqlite"))
    assert resolve_url(None).endswith("env.sqlite")


def test_unreadable_file_is_a_store_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError):
        open_store(bad)


WRITER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], timeout=10)
conn.execute("PRAGMA journal_mode=WAL")
i = 0
deadline = time.time() + float(sys.argv[2])
while time.time() < deadline:
    conn.execute("INSERT INTO towns (name, sort_order) VALUES (?, 0)", (f"镇{i}",))
    conn.commit()
    i += 1
"""


def test_backup_is_consistent_while_another_process_writes(
    store_path: Path, tmp_path: Path
) -> None:
    store = open_store(store_path)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(store_path), "3"])
    try:
        time.sleep(0.5)
        copies = [backup(store, tmp_path / f"copy{i}.sqlite") for i in range(3)]
    finally:
        writer.wait(timeout=30)
    for copy in copies:
        assert validate_store_file(copy) == head_revision()
        conn = sqlite3.connect(copy)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        names = [r[0] for r in conn.execute("SELECT name FROM towns ORDER BY id")]
        conn.close()
        # Rows are committed in order: a consistent copy holds a gap-free prefix of them.
        assert names == [f"镇{i}" for i in range(len(names))]
    store.close()


def test_restore_validates_keeps_a_copy_and_replaces_content(
    store_path: Path, tmp_path: Path
) -> None:
    from db.services.towns import add_towns, list_towns

    store = open_store(store_path)
    with store.transaction() as s:
        add_towns(s, ["古井镇"], "甲")
    saved = backup(store, tmp_path / "saved.sqlite")
    with store.transaction() as s:
        add_towns(s, ["五马镇"], "甲")
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"PK\x03\x04 not a store")
    with pytest.raises(StoreError):
        restore(store, junk)
    safety = restore(store, saved)
    with store.session() as s:
        assert [t.name for t in list_towns(s)] == ["古井镇"]
    conn = sqlite3.connect(safety)
    assert [r[0] for r in conn.execute("SELECT name FROM towns ORDER BY id")] == [
        "古井镇",
        "五马镇",
    ]
    conn.close()
    store.close()


def test_integrity_check_reports_broken_foreign_keys(store_path: Path) -> None:
    conn = sqlite3.connect(store_path)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute(
        "INSERT INTO enterprises (name, uscc, town_id, above_scale, search_text,"
        " pinyin_initials) VALUES ('甲', '91110000600037341L', 999, 0, '', '')"
    )
    conn.commit()
    conn.close()
    store = open_store(store_path)
    problems = integrity_problems(store)
    store.close()
    assert any("外键" in p for p in problems)


def test_network_share_paths_warn() -> None:
    assert network_share_warnings(Path("//server/share/bureau.sqlite"))
    assert network_share_warnings(Path("/tmp/local.sqlite")) == []


def test_concurrent_reader_does_not_block_on_writer(store_path: Path) -> None:
    store = open_store(store_path)
    done = threading.Event()

    def write() -> None:
        with store.transaction() as s:
            s.execute(text("INSERT INTO towns (name, sort_order) VALUES ('写入中', 0)"))
            done.wait(2)

    t = threading.Thread(target=write)
    t.start()
    time.sleep(0.2)
    with store.engine.connect() as conn:  # WAL: readers proceed while a write is open
        assert conn.execute(text("SELECT count(*) FROM towns")).scalar() == 0
    done.set()
    t.join()
    store.close()


def test_revision_reading_without_alembic_agrees_with_alembic() -> None:
    from alembic.script import ScriptDirectory

    from db.store import alembic_config, known_revisions

    script = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == script.get_current_head()
    assert known_revisions() == {r.revision for r in script.walk_revisions()}


# ---- issue 11: restore excludes writers, restores exactly, repairs; paths; refusals ----------


def dump(path: Path, skip: tuple[str, ...] = ()) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows (and the schema's objects) of a SQLite file."""
    conn = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        out = {n: sorted(conn.execute(f'SELECT * FROM "{n}"'), key=repr) for n in names}
        out["<schema>"] = sorted(
            conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
        )
    finally:
        conn.close()
    return {k: v for k, v in out.items() if k not in skip}


def test_migration_0003_adds_the_backup_settings_with_their_defaults(tmp_path: Path) -> None:
    from db.services.settings import get_backup_retention

    path = tmp_path / "old.sqlite"
    shutil.copyfile(FIXTURE_STORES / "schema-0002.sqlite", path)
    store = open_store(path)
    with store.engine.connect() as conn:
        row = conn.execute(
            text("SELECT backups_keep_daily, backups_keep_weekly FROM bureau_settings")
        ).one()
    assert tuple(row) == (7, 4)
    with store.session() as s:
        assert get_backup_retention(s).keep_daily == 7
    store.close()
    assert list((tmp_path / "backups").glob("old-before-upgrade-0002-*.sqlite"))


@pytest.mark.sqlite_only  # the SQLite file; PostgreSQL: tests/unit/test_server_backups.py
def test_restore_is_refused_while_another_connection_writes(store: Store, tmp_path: Path) -> None:
    from db.errors import StoreBusy

    saved = backup(store, tmp_path / "saved.sqlite")
    assert store.path is not None
    writer = sqlite3.connect(store.path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO towns (name, sort_order) VALUES ('正在写入的镇', 0)")
    before = {b.path for b in list_backups(store.path)}
    with pytest.raises(StoreBusy, match="有其他程序正在写入"):
        restore(store, saved)
    writer.execute("COMMIT")
    writer.close()
    assert towns(store.path) == ["正在写入的镇"]  # the writer's commit was not lost
    assert {b.path for b in list_backups(store.path)} == before  # and nothing half-done


@pytest.mark.sqlite_only  # the SQLite file; PostgreSQL: tests/unit/test_server_backups.py
def test_restore_refuses_to_overwrite_a_commit_made_while_it_waited(
    store: Store, tmp_path: Path
) -> None:
    from db.errors import StoreBusy

    saved = backup(store, tmp_path / "saved.sqlite")
    assert store.path is not None
    writer = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO towns (name, sort_order) VALUES ('刚写入的镇', 0)")
    threading.Timer(0.5, lambda: writer.execute("COMMIT")).start()  # within the restore's wait
    with pytest.raises(StoreBusy, match="有其他程序正在写入"):
        restore(store, saved)
    writer.close()
    assert towns(store.path) == ["刚写入的镇"]


@pytest.mark.sqlite_only  # the SQLite file; PostgreSQL: tests/unit/test_server_backups.py
def test_restore_puts_back_exactly_the_backup(store: Store, tmp_path: Path) -> None:
    from db.services.towns import add_towns

    with store.transaction() as s:
        add_towns(s, ["古井镇", "五马镇"], "甲")
    saved = backup(store, tmp_path / "saved.sqlite")
    with store.transaction() as s:
        add_towns(s, ["牛集镇"], "甲")
    assert store.path is not None
    safety = restore(store, saved, "乙")
    assert dump(store.path, ("audit_log",)) == dump(saved, ("audit_log",))
    assert safety is not None and towns(safety) == ["古井镇", "五马镇", "牛集镇"]
    with store.engine.connect() as conn:
        last = conn.execute(
            text("SELECT operator, action, entity, new_value FROM audit_log ORDER BY id DESC")
        ).first()
    assert last is not None and tuple(last) == ("乙", "restore", "store", '"saved.sqlite"')
    assert integrity_problems(store) == []


@pytest.mark.sqlite_only  # the SQLite file; PostgreSQL: tests/unit/test_server_backups.py
def test_restore_carries_views_triggers_and_virtual_tables(store: Store, tmp_path: Path) -> None:
    saved = backup(store, tmp_path / "saved.sqlite")
    conn = sqlite3.connect(saved)
    conn.executescript(
        """
        CREATE VIEW town_names AS SELECT name FROM towns;
        CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT);
        CREATE TRIGGER note_town AFTER INSERT ON notes
            BEGIN INSERT INTO towns (name, sort_order) VALUES (new.body, 9); END;
        CREATE VIRTUAL TABLE note_search USING fts5(body);
        INSERT INTO notes (body) VALUES ('一');
        INSERT INTO note_search (body) VALUES ('科技 企业');
        """
    )
    conn.commit()
    conn.close()
    assert store.path is not None
    live = sqlite3.connect(store.path)
    live.execute("CREATE TABLE only_here (x)")  # the current content's own objects go
    live.commit()
    live.close()
    restore(store, saved)
    conn = sqlite3.connect(store.path)
    try:
        assert conn.execute("SELECT name FROM town_names").fetchall() == [("一",)]
        conn.execute("INSERT INTO notes (body) VALUES ('二')")
        assert conn.execute("SELECT max(id) FROM notes").fetchone() == (2,)
        assert conn.execute("SELECT count(*) FROM towns").fetchone() == (2,)
        assert conn.execute(
            "SELECT body FROM note_search WHERE note_search MATCH '企业'"
        ).fetchall() == [("科技 企业",)]
        assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name='only_here'").fetchall()
    finally:
        conn.close()


@pytest.mark.sqlite_only  # the SQLite file; PostgreSQL: tests/unit/test_server_backups.py
def test_restore_of_an_older_schema_upgrades_it(store: Store) -> None:
    restore(store, FIXTURE_STORES / "schema-0001.sqlite")
    assert store.revision() == head_revision()
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM enterprises")).scalar() >= 1


def test_restore_repairs_a_damaged_or_empty_store(store_path: Path, tmp_path: Path) -> None:
    from db.store import store_for

    store = open_store(store_path)
    saved = backup(store, tmp_path / "saved.sqlite")
    store.close()
    for damage in (b"\x00garbage" * 5000, b""):
        store_path.write_bytes(damage)
        for sidecar in ("-wal", "-shm"):
            store_path.with_name(store_path.name + sidecar).unlink(missing_ok=True)
        target = store_for(store_path)
        safety = restore(target, saved)
        target.close()
        if damage:
            assert safety is not None and safety.read_bytes() == damage  # kept as it was found
        assert validate_store_file(store_path) == head_revision()


@pytest.mark.sqlite_only  # the SQLite file; PostgreSQL: tests/unit/test_server_backups.py
def test_restore_refuses_truncated_damaged_and_missing_backups(
    store: Store, tmp_path: Path
) -> None:
    saved = backup(store, tmp_path / "saved.sqlite")
    data = saved.read_bytes()
    truncated = tmp_path / "truncated.sqlite"
    truncated.write_bytes(data[: len(data) // 2])
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(data[:8192] + b"\xde\xad" * 4096 + data[16384:])
    for bad, words in (
        (truncated, "截断"),
        (damaged, "损坏"),
        (tmp_path / "missing.sqlite", "不存在"),
        (tmp_path, "文件夹"),
    ):
        with pytest.raises(StoreError, match=words):
            restore(store, bad)
    assert store.path is not None
    with pytest.raises(StoreError, match="自身"):
        restore(store, store.path)


@pytest.mark.parametrize("name", ["x%41.sqlite", "q?mode=ro.sqlite", "a#b%2F c.sqlite"])
def test_a_path_is_a_path_whatever_its_characters(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    store = open_store(path)
    assert store.path == path
    store.close()
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [name]
    from db.locate import display_name_for

    assert display_name_for(path) == str(path)


def test_an_empty_file_is_not_made_into_a_new_store(tmp_path: Path) -> None:
    empty = tmp_path / "bureau.sqlite"
    empty.write_bytes(b"")
    with pytest.raises(StoreError, match="0 字节"):
        open_store(empty)
    assert empty.stat().st_size == 0


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("postgresql://u@localhost/db", "PostgreSQL 驱动"),
        ("postgresql+psycopg://u:secret@localhost/db", "PostgreSQL 驱动"),
        ("nosuchdb://x/y", "无法识别"),
    ],
)
def test_urls_without_a_driver_are_store_errors(
    url: str, words: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for driver in ("psycopg", "psycopg2"):  # a build without them (the driver is a dependency)
        monkeypatch.setitem(sys.modules, driver, None)
    with pytest.raises(StoreError, match=words) as caught:
        open_store(url)
    assert "secret" not in str(caught.value)


def test_sqlite_refusals_are_named_for_the_clerk() -> None:
    from sqlalchemy.exc import OperationalError

    from db.errors import StoreBusy, StoreReadOnly, explain_sqlite_error

    locked = OperationalError("INSERT …", {}, sqlite3.OperationalError("database is locked"))
    readonly = sqlite3.OperationalError("attempt to write a readonly database")
    assert isinstance(explain_sqlite_error(locked, "x.sqlite"), StoreBusy)
    assert "占用" in str(explain_sqlite_error(locked, "x.sqlite"))
    assert isinstance(explain_sqlite_error(readonly, "x.sqlite"), StoreReadOnly)
    assert explain_sqlite_error(ValueError("no"), "x.sqlite") is None


def towns(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM towns ORDER BY id")]
    finally:
        conn.close()
