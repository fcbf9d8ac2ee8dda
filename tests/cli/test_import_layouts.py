"""Every layout issue 12 names imports as tests/fixtures/samples/layouts/expected.json says.

The files are made by make_layouts.py (committed beside them): one sheet per town after an
instruction sheet, a hidden first sheet, a renamed file whose title names the town, a two-level
merged ods header with vertical town blocks, UTF-16 “Unicode 文本”, signature footers, a namesake
under another code, and commissioners with exactly the starred columns required.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import SAMPLES, Run, import_json

LAYOUTS = SAMPLES / "layouts"
EXPECTED: dict[str, Any] = json.loads((LAYOUTS / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture
def layout_towns(bureau: Run) -> Run:
    done = bureau("towns", "add", *EXPECTED["towns"])
    assert done.returncode == 0, done.stderr
    return bureau


def _check(name: str, result: dict[str, Any]) -> None:
    want = EXPECTED["files"][name]
    assert result["kind"] == want.get("kind", "enterprises"), name
    for key in ("rows", "created", "rejected", "skipped", "header_row"):
        if key in want:
            assert result[key] == want[key], (name, key, result["errors"])
    if "sheets" in want:
        got = [[s["sheet"], s["town"], s["town_source"], s["rows"]] for s in result["sheets"]]
        assert got == want["sheets"], name
    skipped = [[s["sheet"], s["reason"]] for s in result["skipped_sheets"]]
    assert skipped == want.get("skipped_sheets", []), name
    for key in ("errors", "warnings"):
        for row, column, text in want.get(key, []):
            assert any(
                p["row"] == row and p["column"] == column and text in p["message"]
                for p in result[key]
            ), (name, key, result[key])


def test_every_layout_imports_as_expected(layout_towns: Run) -> None:
    for name in EXPECTED["order"]:
        _check(name, import_json(layout_towns, str(LAYOUTS / name), "--year", "2025"))
    want = EXPECTED["stats_after_all"]
    stats = json.loads(layout_towns("stats", "--as-of", want["as_of"], "--json").stdout)
    assert (stats["enterprises"], stats["high_tech"], stats["tech_sme"]) == (
        want["enterprises"],
        want["high_tech"],
        want["tech_sme"],
    )
    by_town = {t["town"]: [t["high_tech"], t["tech_sme"]] for t in stats["by_town"]}
    assert by_town == want["by_town"]


def test_several_sheets_name_their_sheet_in_problems(layout_towns: Run, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(LAYOUTS / "三镇汇总.xlsx")
    book["五马镇"]["C5"] = "91341602000000000X"  # a bad check character on the second sheet
    path = tmp_path / "三镇汇总-改.xlsx"
    book.save(path)
    errors = tmp_path / "错误.xlsx"
    result = import_json(
        layout_towns, str(path), "--year", "2025", "--dry-run", "--errors-out", str(errors)
    )
    assert result["rejected"] == 1 and result["created"] == 23
    (error,) = {e["row"]: e for e in result["errors"]}.values()
    assert error["sheet"] == "五马镇" and error["row"] == 5
    assert [s["rejected"] for s in result["sheets"]] == [0, 1, 0]
    back = load_workbook(errors)
    assert back.sheetnames == ["五马镇"]  # named after its sheet: the town comes back with it
    assert back["五马镇"]["B2"].value == "五马镇涡河电子有限公司"
    assert "校验" in str(back["五马镇"].cell(2, back["五马镇"].max_column).value)


def test_a_town_given_for_the_file_wins_over_sheet_names(layout_towns: Run) -> None:
    result = import_json(
        layout_towns,
        str(LAYOUTS / "三镇汇总.xlsx"),
        "--year",
        "2025",
        "--town",
        "魏岗镇",
        "--dry-run",
    )
    assert {(s["town"], s["town_source"]) for s in result["sheets"]} == {("魏岗镇", "指定")}


def test_one_sheet_can_be_picked(layout_towns: Run) -> None:
    result = import_json(
        layout_towns,
        str(LAYOUTS / "隐藏旧表.xlsx"),
        "--year",
        "2025",
        "--sheet",
        "2024年",
        "--dry-run",
    )
    assert result["sheet"] == "2024年" and result["created"] == 5


def test_a_namesake_already_stored_under_another_code_is_warned(
    layout_towns: Run, tmp_path: Path
) -> None:
    from tests.fixtures.samples.layouts.make_layouts import uscc

    seed = tmp_path / "已有.csv"
    seed.write_text(f"企业名称,统一社会信用代码\n亳州市瑞丰中药饮片有限公司,{uscc(900)}\n", "utf-8")
    import_json(layout_towns, str(seed), "--year", "2025")
    result = import_json(layout_towns, str(LAYOUTS / "同名企业.xlsx"), "--year", "2025")
    stored = [w for w in result["warnings"] if "同名企业已存在" in w["message"]]
    assert [w["row"] for w in stored] == [2, 3] and uscc(900) in stored[0]["message"]
    again = import_json(layout_towns, str(LAYOUTS / "同名企业.xlsx"), "--year", "2025")
    assert again["unchanged"] == 2 and not again["warnings"]  # known codes: nothing to warn
