"""`bureau import` / `template` as a subprocess: the samples, duplicates, undo, errors, bad files."""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest

from db.rules.identifiers import uscc_check_char
from tests.cli.conftest import BUREAU, SAMPLES, Run, import_json, run_bureau, store_digest
from tests.pgserver import PgServer

EXPECTED = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
XLSX = "十九里镇-2025年科技型企业统计表.xlsx"
XLS = "牛集镇古井镇-汇总.xls"
CSV = "汤陵街道.csv"
BROKEN = "损坏的文件.xlsx"


def uscc(n: int) -> str:
    """A valid 统一社会信用代码 numbered n."""
    body = f"91341602{n:09d}"
    return body + uscc_check_char(body)


def count(db: Path, table: str, where: str = "1=1") -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0])


def test_samples_give_expected_counts_rejections_and_stats(
    with_towns: Run, store_path: Path
) -> None:
    for name in (XLSX, XLS, CSV):
        spec = EXPECTED["files"][name]
        result = import_json(with_towns, str(SAMPLES / name), *spec["args"])
        for key in ("rows", "created", "rejected", "skipped"):
            assert result[key] == spec[key], (name, key, result)
        total = sum(result[k] for k in ("created", "updated", "unchanged", "rejected", "skipped"))
        assert result["rows"] == total
        rejected_rows = {e["row"] for e in result["errors"]}
        assert rejected_rows == {int(r) for r in spec.get("rejected_rows", {})} or not spec.get(
            "rejected_rows"
        )
        assert result["batch_id"] and result["dry_run"] is False
    broken = with_towns("import", str(SAMPLES / BROKEN), "--json")
    assert broken.returncode == EXPECTED["files"][BROKEN]["exit"]
    stats = json.loads(with_towns("stats", "--as-of", "2025-12-31", "--json").stdout)
    want = EXPECTED["stats_after_all"]["2025-12-31"]
    for key in ("as_of", "enterprises", "high_tech", "tech_sme", "both"):
        assert stats[key] == want[key], key
    by_town = {
        t["town"]: {"high_tech": t["high_tech"], "tech_sme": t["tech_sme"]}
        for t in stats["by_town"]
    }
    assert by_town == want["by_town"]


def test_xlsx_sample_details(with_towns: Run) -> None:
    result = import_json(with_towns, str(SAMPLES / XLSX), "--town", "十九里镇", "--year", "2025")
    assert result["header_row"] == 3 and result["ignored_columns"] == ["序号"]
    messages = {e["row"]: e for e in result["errors"]}
    assert messages[8]["column"] == "统一社会信用代码" and "校验位" in messages[8]["message"]
    assert messages[21]["column"] == "高企发证日期" and "晚于今天" in messages[21]["message"]


def test_xls_two_level_header_and_filled_down_towns(with_towns: Run, store_path: Path) -> None:
    result = import_json(with_towns, str(SAMPLES / XLS), "--year", "2025")
    assert result["header_row"] == 2 and result["sheet"] == "汇总"
    with sqlite3.connect(store_path) as conn:
        towns = dict(
            conn.execute(
                "SELECT e.uscc, t.name FROM enterprises e JOIN towns t ON t.id = e.town_id"
            ).fetchall()
        )
    assert towns["913416029979873288"] == "牛集镇"
    assert towns["91341602217654160K"] == "古井镇"
    assert (
        count(store_path, "qualifications") == 13
    )  # 8 certificates + 5 tech-SME entries (row 7 rejected)


def test_csv_gbk_thousands_separators(with_towns: Run, store_path: Path) -> None:
    import_json(with_towns, str(SAMPLES / CSV), "--year", "2025")
    with sqlite3.connect(store_path) as conn:
        revenue = conn.execute(
            "SELECT y.revenue FROM enterprise_years y JOIN enterprises e ON e.id = y.enterprise_id "
            "WHERE e.uscc = '91341602031449193F' AND y.year = 2025"
        ).fetchone()[0]
    assert revenue == pytest.approx(16760.58)


def test_dry_run_writes_nothing(with_towns: Run, store_path: Path) -> None:
    before = store_digest(store_path)
    result = import_json(with_towns, str(SAMPLES / CSV), "--dry-run")
    assert result["dry_run"] is True and result["batch_id"] is None and result["created"] == 10
    assert store_digest(store_path) == before


def test_truncated_file_exit_2_and_store_unchanged(with_towns: Run, store_path: Path) -> None:
    before = store_digest(store_path)
    done = with_towns("import", str(SAMPLES / BROKEN), "--json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert BROKEN in done.stderr and "损坏" in done.stderr
    assert store_digest(store_path) == before


def test_same_file_twice_reports_duplicate_and_unchanged(with_towns: Run) -> None:
    args = (str(SAMPLES / XLSX), "--town", "十九里镇", "--year", "2025")
    first = import_json(with_towns, *args)
    second = import_json(with_towns, *args)
    assert first["duplicate_of_batch"] is None
    assert second["duplicate_of_batch"] == first["batch_id"]
    assert second["created"] == 0 and second["updated"] == 0
    assert second["unchanged"] == first["created"]
    assert second["rejected"] == first["rejected"]


def _write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_update_then_undo_restores_prior_values(
    with_towns: Run, store_path: Path, tmp_path: Path
) -> None:
    header = ["企业名称", "统一社会信用代码", "所属镇街", "营业收入(万元)", "法定代表人"]
    first = _write_csv(tmp_path / "a.csv", [header, ["甲公司", uscc(1), "五马镇", "100", "张三"]])
    import_json(with_towns, str(first), "--year", "2024")
    second = _write_csv(
        tmp_path / "b.csv",
        [
            header,
            ["甲公司", uscc(1), "五马", "250", ""],
            ["乙公司", uscc(2), "五马镇", "5", "李四"],
        ],
    )
    result = import_json(with_towns, str(second), "--year", "2024")
    assert (result["created"], result["updated"]) == (1, 1)
    with sqlite3.connect(store_path) as conn:
        row = conn.execute(
            "SELECT legal_rep FROM enterprises WHERE uscc = ?", (uscc(1),)
        ).fetchone()
    assert row[0] == "张三"  # blank incoming never erases
    undo = with_towns("import", "undo", str(result["batch_id"]), "--json")
    assert undo.returncode == 0, undo.stderr
    assert json.loads(undo.stdout) == {"batch_id": result["batch_id"], "reverted": 2, "kept": []}
    with sqlite3.connect(store_path) as conn:
        revenue = conn.execute("SELECT revenue FROM enterprise_years").fetchall()
    assert revenue == [(100.0,)]
    assert count(store_path, "enterprises") == 1
    assert count(store_path, "audit_log", "action = 'undo'") >= 1
    again = with_towns("import", "undo", str(result["batch_id"]), "--json")
    assert again.returncode == 3 and "撤销" in again.stderr


def test_undo_keeps_record_edited_after_batch(with_towns: Run, store_path: Path) -> None:
    result = import_json(with_towns, str(SAMPLES / CSV), "--year", "2025")
    from db.services import enterprises
    from db.store import open_store

    store = open_store(store_path)
    with store.transaction() as session:
        eid = enterprises.find_by_uscc(session, "91341602031449193F")
        assert eid is not None
        enterprises.update(session, eid, {"address": "汤陵街道某路1号"}, "科员")
    store.close()
    undo = with_towns("import", "undo", str(result["batch_id"]), "--json")
    body = json.loads(undo.stdout)
    assert body["reverted"] == 9
    assert [k["uscc"] for k in body["kept"]] == ["91341602031449193F"] and body["kept"][0]["reason"]
    assert count(store_path, "enterprises") == 1
    history = json.loads(with_towns("import", "history", "--json").stdout)
    assert history[0]["batch_id"] == result["batch_id"] and history[0]["undone"] is True


def test_undo_unknown_batch_exit_2(with_towns: Run) -> None:
    assert with_towns("import", "undo", "999").returncode == 2


def test_error_workbook_can_be_fixed_and_reimported(with_towns: Run, tmp_path: Path) -> None:
    errors = tmp_path / "errors.xlsx"
    import_json(
        with_towns,
        str(SAMPLES / XLSX),
        "--town",
        "十九里镇",
        "--year",
        "2025",
        "--errors-out",
        str(errors),
    )
    book = openpyxl.load_workbook(errors)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["序号", "企业名称", "统一社会信用代码"] and header[-1] == "错误说明"
    assert sheet.max_row == 3
    code_col = header.index("统一社会信用代码") + 1
    date_col = header.index("高企发证日期") + 1
    bad = sheet.cell(row=2, column=code_col).value
    assert isinstance(bad, str) and "校验位" in sheet.cell(row=2, column=len(header)).value
    body = unicodedata.normalize("NFKC", bad)[:17]  # the town's own full-width digits are kept
    sheet.cell(row=2, column=code_col).value = body + uscc_check_char(body)
    sheet.cell(row=3, column=date_col).value = "2023年1月1日"
    sheet.delete_cols(len(header))
    book.save(errors)
    fixed = import_json(with_towns, str(errors), "--town", "十九里镇", "--year", "2025")
    assert (fixed["created"], fixed["rejected"]) == (2, 0)


def test_templates_for_all_kinds_and_enterprise_roundtrip(with_towns: Run, tmp_path: Path) -> None:
    kinds = (
        "enterprises",
        "commissioners",
        "demands",
        "services",
        "carriers",
        "incubatees",
        "platforms",
    )
    for kind in kinds:
        out = tmp_path / f"{kind}.xlsx"
        done = with_towns("template", kind, "--out", str(out))
        assert done.returncode == 0, done.stderr
        book = openpyxl.load_workbook(out)
        assert "填表说明" in book.sheetnames
    book = openpyxl.load_workbook(tmp_path / "enterprises.xlsx")
    sheet = book["数据"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["企业名称", "统一社会信用代码", "所属镇街"]
    assert sheet.cell(row=2, column=2).number_format == "@"
    formulas = [dv.formula1 for dv in sheet.data_validations.dataValidation]
    assert any("选项" in f for f in formulas)
    values = {
        "企业名称": "模板公司",
        "统一社会信用代码": uscc(7),
        "所属镇街": "古井镇",
        "是否有研发活动": "是",
    }
    for col, name in enumerate(header, start=1):
        if name in values:
            sheet.cell(row=2, column=col).value = values[name]
    book.save(tmp_path / "filled.xlsx")
    result = import_json(with_towns, str(tmp_path / "filled.xlsx"), "--year", "2025")
    assert result["created"] == 1 and result["sheet"] == "数据"
    empty = import_json(with_towns, str(tmp_path / "carriers.xlsx"), "--kind", "carriers")
    assert (empty["kind"], empty["rows"], empty["created"]) == ("carriers", 0, 0)


def test_other_kind_detected_from_its_header(with_towns: Run, tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path / "p.csv",
        [["平台名称", "平台类型", "级别", "依托单位"], ["甲", "院士工作站", "省级", "乙"]],
    )
    done = import_json(with_towns, str(path))
    assert (done["kind"], done["created"], done["rejected"]) == ("platforms", 1, 0)
    assert with_towns("template", "nonsense", "--out", str(tmp_path / "x.xlsx")).returncode == 2


def _png(path: Path) -> Path:
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    return path


def _docx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return path


def _empty_workbook(path: Path) -> Path:
    openpyxl.Workbook().save(path)
    return path


def _no_header(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for i in range(40):
        sheet.append([f"随便{i}", i, "内容"])
    book.save(path)
    return path


def _random_csv(path: Path) -> Path:
    import random

    rng = random.Random(4)
    path.write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    return path


def _zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"\x00" * (16 * 1024 * 1024)
            for _ in range(65):
                member.write(block)
    return path


@pytest.mark.parametrize(
    ("maker", "name", "words"),
    [
        (_png, "picture.xlsx", "PNG"),
        (_docx, "letter.xlsx", "Word"),
        (_empty_workbook, "empty.xlsx", "没有任何数据"),
        (_no_header, "noheader.xlsx", "表头"),
        (_random_csv, "random.csv", "无法"),
        (_zip_bomb, "bomb.xlsx", "1 GB"),
    ],
)
def test_bad_files_refused_with_message(
    with_towns: Run, store_path: Path, tmp_path: Path, maker: object, name: str, words: str
) -> None:
    path = maker(tmp_path / name)  # type: ignore[operator]
    before = store_digest(store_path)
    done = with_towns("import", str(path), "--json")
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert name in done.stderr and words in done.stderr
    assert store_digest(store_path) == before


def _big_csv(path: Path, rows: int) -> Path:
    lines = [
        ["企业名称", "统一社会信用代码", "所属镇街", "营业收入(万元)", "研发费用(万元)", "成立日期"]
    ]
    for i in range(rows):
        lines.append(
            [
                f"测试企业{i}有限公司",
                uscc(100000 + i),
                "古井镇",
                f"{i % 997}.5",
                "12",
                "2020年5月1日",
            ]
        )
    return _write_csv(path, lines)


@pytest.mark.slow
def test_kill_mid_commit_leaves_store_as_before(
    with_towns: Run, store_path: Path, tmp_path: Path
) -> None:
    big = _big_csv(tmp_path / "big.csv", 30000)
    before = store_digest(store_path)
    env = os.environ | {"PYTHONIOENCODING": "utf-8", "BUREAU_PROGRESS": "1"}
    proc = subprocess.Popen(
        [*BUREAU, "--db", str(store_path), "import", str(big)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
    )
    assert proc.stderr is not None
    writing = 0
    for line in proc.stderr:
        if "正在写入" in line:
            writing += 1
            if writing >= 3:  # a few chunks are written inside the open transaction
                proc.send_signal(signal.SIGKILL)
                break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert store_digest(store_path) == before
    result = import_json(with_towns, str(big))
    assert result["created"] == 30000
    assert count(store_path, "enterprises") == 30000


def test_an_import_into_a_demo_store_gets_new_ids(pg_server: PgServer) -> None:
    """`init --demo` writes its own ids: on a server, the sequences follow so an import works."""
    name = pg_server.new_database_name("kc_demo")
    pg_server.execute(f'CREATE DATABASE "{name}"')
    url = pg_server.url(name)
    try:
        for args in (("init", "--demo"), ("towns", "add", "新城镇")):
            done = run_bureau(url, *args)
            assert done.returncode == 0, done.stderr
        done = run_bureau(
            url, "import", str(SAMPLES / "十九里镇-2025年科技型企业统计表.xlsx"), "--json"
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["created"] > 0
    finally:
        pg_server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
