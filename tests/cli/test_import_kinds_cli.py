"""`bureau import FILE --json` on the messy samples of the other kinds: counts, re-import, undo."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.cli.conftest import SAMPLES, Run, import_json, store_digest

KINDS = SAMPLES / "kinds"
ROSTER = "企业名录.csv"
# file → kind, created, rejected, skipped, rejected row, words of its message
EXPECTED = {
    "十九里镇-科技特派员名单.xlsx": ("commissioners", 4, 1, 2, 7, "校验位"),
    "十九里镇-需求库.xlsx": ("demands", 3, 1, 2, 7, "晚于今天"),
    "十九里镇-服务记录.csv": ("services", 4, 1, 2, 8, "不在特派员名单中"),
    "孵化载体名单.xlsx": ("carriers", 2, 1, 2, 6, "载体类型应为"),
    "在孵企业名单.xlsx": ("incubatees", 3, 1, 2, 7, "不在企业名录中"),
    "创新平台名单.xlsx": ("platforms", 3, 1, 2, 7, "级别应为"),
}


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute(sql))


def test_samples_import_reimport_unchanged_and_undo(with_towns: Run, store_path: Path) -> None:
    assert import_json(with_towns, str(KINDS / ROSTER), "--year", "2025")["created"] == 2
    batches: dict[str, int] = {}
    for name, (kind, created, rejected, skipped, bad_row, words) in EXPECTED.items():
        result = import_json(with_towns, str(KINDS / name))
        assert result["kind"] == kind, name
        assert (result["created"], result["rejected"], result["skipped"]) == (
            created,
            rejected,
            skipped,
        ), (name, result)
        assert result["rows"] == created + rejected + skipped
        assert [e["row"] for e in result["errors"]] == [bad_row], (name, result["errors"])
        assert words in result["errors"][0]["message"], name
        batches[name] = result["batch_id"]
    for name, (_kind, created, rejected, skipped, _row, _words) in EXPECTED.items():
        again = import_json(with_towns, str(KINDS / name))
        assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, created), name
        assert (again["rejected"], again["skipped"]) == (rejected, skipped)
        assert again["duplicate_of_batch"] == batches[name]
    # Re-imports only add their batch rows.
    assert rows(store_path, "SELECT count(*) FROM audit_log WHERE batch_id > 7")[0][0] == 0
    benefit = rows(store_path, "SELECT benefit FROM service_records ORDER BY id")
    assert [b[0] for b in benefit] == [5.0, None, 12.0, 8.05]
    statuses = rows(store_path, "SELECT requester, status FROM demands ORDER BY id")
    assert statuses[2] == ("丰收合作社", "已解决")
    _undo_in_order(with_towns, store_path, batches)


def _undo_in_order(bureau: Run, db: Path, batches: dict[str, int]) -> None:
    commissioners = batches["十九里镇-科技特派员名单.xlsx"]
    done = bureau("import", "undo", str(commissioners), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["reverted"] == 1 and len(result["kept"]) == 3  # referenced by dispatches
    assert all("引用" in k["reason"] for k in result["kept"])
    assert not any(k["uscc"].isdigit() for k in result["kept"])
    for name in ("十九里镇-服务记录.csv", "在孵企业名单.xlsx", "创新平台名单.xlsx"):
        undone = bureau("import", "undo", str(batches[name]), "--json")
        assert undone.returncode == 0, undone.stderr
    for table in ("service_records", "dispatches", "incubatees", "platforms"):
        assert rows(db, f"SELECT count(*) FROM {table}")[0][0] == 0, table
    assert rows(db, "SELECT count(*) FROM commissioners")[0][0] == 3
    again = bureau("import", "undo", str(commissioners))
    assert again.returncode != 0 and "不能重复撤销" in again.stderr
    history = json.loads(bureau("import", "history", "--json").stdout)
    undone_ids = {h["batch_id"] for h in history if h["undone"]}
    assert commissioners in undone_ids and batches["创新平台名单.xlsx"] in undone_ids


def test_id_numbers_never_unmasked_in_json(with_towns: Run) -> None:
    result = import_json(with_towns, str(KINDS / "十九里镇-科技特派员名单.xlsx"), "--dry-run")
    text = json.dumps(result, ensure_ascii=False)
    assert "3416**********" in text
    assert "341602198001010" not in text
    assert result["batch_id"] is None


def test_dry_run_and_kind_option(with_towns: Run, store_path: Path) -> None:
    before = store_digest(store_path)
    result = import_json(with_towns, str(KINDS / "孵化载体名单.xlsx"), "--dry-run")
    assert result["created"] == 2 and store_digest(store_path) == before
    wrong = with_towns("import", str(KINDS / "孵化载体名单.xlsx"), "--kind", "platforms")
    assert wrong.returncode == 2 and "表头" in wrong.stderr
