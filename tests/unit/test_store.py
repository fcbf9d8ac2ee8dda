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

from db.store import (
    NewerSchemaError,
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
