"""`bureau` as a subprocess: init, towns, stats, backup, restore, check — exit codes and JSON."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def bureau(
    *args: str, db: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = os.environ | {"PYTHONIOENCODING": "utf-8"} | (env or {})
    prefix = ["--db", str(db)] if db is not None else []
    return subprocess.run(
        [sys.executable, "-m", "desktop.cli", *prefix, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=full_env,
        timeout=120,
    )


def test_init_towns_stats_json_shape(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    assert bureau("init", db=db).returncode == 0
    added = bureau("towns", "add", "十九里镇", "古井镇", db=db)
    assert added.returncode == 0, added.stderr
    again = bureau("towns", "add", "十九里镇", db=db)
    assert "已存在" in again.stdout
    listed = json.loads(bureau("towns", "list", "--json", db=db).stdout)
    assert [t["name"] for t in listed] == ["十九里镇", "古井镇"]
    out = bureau("stats", "--as-of", "2025-12-31", "--json", db=db)
    assert out.returncode == 0, out.stderr
    stats = json.loads(out.stdout)
    assert stats == {
        "as_of": "2025-12-31",
        "year": 2025,
        "enterprises": 0,
        "high_tech": 0,
        "tech_sme": 0,
        "both": 0,
        "targets": {"high_tech": None, "tech_sme": None},
        "projection_year_end": {"high_tech": 0, "tech_sme": 0},
        "by_town": [],
    }


def test_db_from_environment_and_operator_in_audit(tmp_path: Path) -> None:
    db = tmp_path / "env.sqlite"
    env = {"BUREAU_DB": str(db), "BUREAU_OPERATOR": "张三"}
    assert bureau("towns", "add", "五马镇", env=env).returncode == 0
    assert bureau("--operator", "李四", "towns", "add", "牛集镇", env=env).returncode == 0
    conn = sqlite3.connect(db)
    operators = [r[0] for r in conn.execute("SELECT operator FROM audit_log ORDER BY id")]
    conn.close()
    assert operators == ["张三", "李四"]


def test_bad_arguments_exit_2(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    result = bureau("stats", "--as-of", "2025/12/31", db=db)
    assert result.returncode == 2 and "YYYY-MM-DD" in result.stderr
    assert bureau("no-such-command", db=db).returncode == 2


def test_newer_store_is_refused_with_exit_3(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    bureau("init", db=db)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    result = bureau("stats", db=db)
    assert result.returncode == 3
    assert "更新版本" in result.stderr
    assert result.stdout == ""


def test_backup_restore_check(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    bureau("towns", "add", "十九里镇", db=db)
    copy = tmp_path / "backup.sqlite"
    result = bureau("backup", "--out", str(copy), db=db)
    assert result.returncode == 0, result.stderr
    bureau("towns", "add", "古井镇", db=db)
    assert bureau("check", db=db).returncode == 0
    restored = bureau("restore", str(copy), db=db)
    assert restored.returncode == 0, restored.stderr
    listed = json.loads(bureau("towns", "list", "--json", db=db).stdout)
    assert [t["name"] for t in listed] == ["十九里镇"]
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a store", encoding="utf-8")
    bad = bureau("restore", str(junk), db=db)
    assert bad.returncode == 2 and "junk.sqlite" in bad.stderr


def test_check_reports_a_damaged_store(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    bureau("init", db=db)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute(
        "INSERT INTO enterprises (name, uscc, town_id, above_scale, search_text, pinyin_initials)"
        " VALUES ('甲', '91110000600037341L', 42, 0, '', '')"
    )
    conn.commit()
    conn.close()
    result = bureau("check", db=db)
    assert result.returncode == 2 and "外键" in result.stderr


@pytest.mark.parametrize("missing", ["backup", "check"])
def test_commands_on_a_missing_store_do_not_create_it(tmp_path: Path, missing: str) -> None:
    db = tmp_path / "missing.sqlite"
    args = ["backup", "--out", str(tmp_path / "x.sqlite")] if missing == "backup" else ["check"]
    result = bureau(*args, db=db)
    assert result.returncode == 2 and "不存在" in result.stderr
    assert not db.exists()
