"""`bureau import` of crafted files as a process: no crash, no traceback, the exit codes of cli.md.

Before issue 11: a cell at XFD1048576 aborted the process (SIGABRT, "memory allocation of
549755813888 bytes failed"), XFD5000 took 3.2 GB; a CSV cell over 131,072 characters exited 1; a
header-only file wrote an empty batch; a NUL was stored and broke every XLSX export.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.cli.conftest import Run
from tests.unit.importing import crafted


@pytest.mark.parametrize("far", ["XFD1048576", "XFD5000"])
def test_far_cell_xlsx_imports_without_crashing(with_towns: Run, tmp_path: Path, far: str) -> None:
    path = crafted.xlsx(tmp_path / f"{far}.xlsx", crafted.rows(3), far=far)
    done = with_towns("import", str(path), "--dry-run", "--json")
    assert done.returncode in (0, 2), done.stderr
    assert "Traceback" not in done.stderr
    result = json.loads(done.stdout)
    assert result["created"] == 3
    row = int(far[3:])
    assert any(w["row"] == row and w["column"] == "第XFD列" for w in result["warnings"])


def test_far_cell_ods_and_ods_bomb(with_towns: Run, tmp_path: Path) -> None:
    done = with_towns(
        "import",
        str(crafted.ods_far_cell(tmp_path / "far.ods", crafted.rows(2))),
        "--dry-run",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["created"] == 2
    done = with_towns("import", str(crafted.ods_bomb(tmp_path / "bomb.ods")), "--dry-run")
    assert done.returncode == 2 and "bomb.ods" in done.stderr and "单元格超过" in done.stderr
    assert "Traceback" not in done.stderr


def test_csv_cell_over_131072_characters(with_towns: Run, tmp_path: Path) -> None:
    name = "长" * 140_000
    text = f"企业名称,统一社会信用代码,所属镇街\n{name},{crafted.uscc(1)},十九里镇\n"
    done = with_towns("import", str(crafted.csv_file(tmp_path / "long.csv", text)), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["rejected"] == 1 and result["errors"][0]["column"] == "企业名称"
    text = '企业名称,统一社会信用代码\n"' + "x" * 1_100_000 + "\n"
    done = with_towns("import", str(crafted.csv_file(tmp_path / "huge.csv", text)), "--dry-run")
    assert done.returncode == 2
    assert "huge.csv" in done.stderr and "第2行" in done.stderr and "Traceback" not in done.stderr


def test_header_only_file_writes_no_batch(
    with_towns: Run, store_path: Path, tmp_path: Path
) -> None:
    path = crafted.csv_file(tmp_path / "head.csv", "企业名称,统一社会信用代码,所属镇街\n")
    done = with_towns("import", str(path), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["rows"] == 0 and result["batch_id"] is None
    with sqlite3.connect(store_path) as conn:
        assert conn.execute("SELECT count(*) FROM import_batches").fetchone() == (0,)


def test_nul_in_a_cell_is_stripped_and_export_still_works(with_towns: Run, tmp_path: Path) -> None:
    path = crafted.xlsx(tmp_path / "nul.xlsx", [])
    cells = (
        '<c r="A2" t="inlineStr"><is><t>亳州_x0000_科技有限公司</t></is></c>'
        f'<c r="B2" t="inlineStr"><is><t>{crafted.uscc(5)}</t></is></c>'
        '<c r="C2" t="inlineStr"><is><t>十九里镇</t></is></c>'
    )
    crafted.add_row_xml(path, f'<row r="2">{cells}</row>')
    done = with_towns("import", str(path), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["created"] == 1
    assert {"row": 2, "column": "企业名称"}.items() <= result["warnings"][0].items()
    out = tmp_path / "out.xlsx"
    done = with_towns("export", "enterprises", "--out", str(out))
    assert done.returncode == 0, done.stderr
