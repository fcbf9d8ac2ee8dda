"""Import kind `indicators` (a plan's annex table) and its template, through `bureau`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from openpyxl import Workbook, load_workbook

from tests.cli.conftest import SAMPLES, Run, import_json

ANNEX = SAMPLES / "kinds" / "规划指标附件.xlsx"


def _rows(bureau: Run, year: int) -> dict[str, dict[str, object]]:
    done = bureau("indicators", "list", "--year", str(year), "--json")
    assert done.returncode == 0, done.stderr
    return {r["name"]: r for r in json.loads(done.stdout)}


def test_annex_targets_match_or_create_indicators(bureau: Run, store_path: Path) -> None:
    assert bureau("init").returncode == 0
    result = import_json(bureau, str(ANNEX))
    assert result["kind"] == "indicators"  # detected from the header
    assert (result["created"], result["updated"], result["rejected"]) == (2, 3, 1)
    assert result["errors"] == [
        {"row": 9, "column": "2022年", "value": "一百", "message": "数字无法识别：一百"}
    ]
    rows = _rows(bureau, 2025)
    platforms = rows["省级及以上科技创新平台"]  # the seeded, computed indicator
    assert (platforms["source"], platforms["target"]) == ("platforms:*:省级+", 42.0)
    assert (platforms["base_year"], platforms["base_value"]) == (2020, 28.0)
    rate = rows["规上工业企业研发活动开展率"]
    assert (rate["target"], rate["kind"]) == (90.0, "rate")  # written “≥90%”
    assert rows["吸纳技术合同成交额"]["target"] == 20.0
    new = rows["高新技术产业增加值占规上工业比重"]
    assert (new["source"], new["kind"], new["unit"], new["target"]) == ("manual", "rate", "%", 48.0)
    assert new["department"] == "区经信局"
    station = rows["院士工作站"]
    assert (station["source"], station["kind"], station["target"]) == ("manual", "count", 7.0)
    assert _rows(bureau, 2022)["院士工作站"]["target"] == 6.0
    assert "科技企业孵化器在孵企业" not in rows
    with sqlite3.connect(store_path) as conn:
        tagged = conn.execute(
            "SELECT count(*) FROM audit_log WHERE entity = 'indicator' AND batch_id = ?",
            (result["batch_id"],),
        ).fetchone()[0]
    assert tagged >= 5 * 5


def test_a_different_unit_is_refused(bureau: Run, tmp_path: Path) -> None:
    assert bureau("init").returncode == 0
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["指标名称", "单位", "基期年度", "基期值", "2025年", "责任单位"])
    sheet.append(["吸纳技术合同成交额", "万元", 2020, 46000, 200000, "区科技局"])
    path = tmp_path / "附件.xlsx"
    book.save(path)
    result = import_json(bureau, str(path), "--kind", "indicators")
    assert result["rejected"] == 1
    assert (
        "单位“万元”与已有指标“吸纳技术合同成交额”的单位“亿元”不同" in result["errors"][0]["message"]
    )
    assert _rows(bureau, 2025)["吸纳技术合同成交额"]["target"] is None


def test_template_has_the_annex_columns(bureau: Run, tmp_path: Path) -> None:
    out = tmp_path / "模板.xlsx"
    done = bureau("template", "indicators", "--out", str(out))
    assert done.returncode == 0, done.stderr
    sheet = load_workbook(out)["数据"]
    headers = [c.value for c in sheet[1] if c.value]
    assert headers[:6] == ["指标名称", "单位", "基期年度", "基期值", "2021年", "2022年"]
    assert "责任单位" in headers and "2030年" in headers


def test_undo_of_an_annex_batch(bureau: Run, store_path: Path) -> None:
    """`bureau import undo`: created indicators go, targets come back."""
    assert bureau("init").returncode == 0
    assert (
        bureau("indicators", "set", "tech_contracts", "--year", "2025", "--target", "18").returncode
        == 0
    )
    batch = import_json(bureau, str(ANNEX))["batch_id"]
    assert _rows(bureau, 2025)["吸纳技术合同成交额"]["target"] == 20.0
    done = bureau("import", "undo", str(batch), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["reverted"] == 5
    rows = _rows(bureau, 2025)
    assert "院士工作站" not in rows and "高新技术产业增加值占规上工业比重" not in rows
    assert rows["吸纳技术合同成交额"]["target"] == 18.0
    assert rows["规上工业企业研发活动开展率"]["target"] is None
    with sqlite3.connect(store_path) as conn:
        targets = conn.execute(
            "SELECT i.code, t.year, t.target FROM indicator_targets t "
            "JOIN indicators i ON i.id = t.indicator_id"
        ).fetchall()
    assert targets == [("tech_contracts", 2025, 18.0)]


def test_export_reimports_unchanged_and_edited_targets_come_back(
    bureau: Run, tmp_path: Path
) -> None:
    assert bureau("init").returncode == 0
    assert (
        bureau("indicators", "set", "tech_contracts", "--year", "2025", "--target", "18").returncode
        == 0
    )
    out = tmp_path / "指标.xlsx"
    assert bureau("export", "indicators", "--out", str(out)).returncode == 0
    again = import_json(bureau, str(out))
    assert (again["created"], again["updated"], again["rejected"]) == (0, 0, 0)
    assert again["unchanged"] == again["rows"] > 0
    book = load_workbook(out)
    sheet = book["规划指标"]
    headers = [c.value for c in sheet[1]]
    code_col, year_col = headers.index("指标代码"), headers.index("2025年")
    for row in sheet.iter_rows(min_row=2):
        if row[code_col].value == "tech_contracts":
            row[year_col].value = 21.5
    book.save(out)
    edited = import_json(bureau, str(out))
    assert (edited["updated"], edited["created"]) == (1, 0)
    assert _rows(bureau, 2025)["吸纳技术合同成交额"]["target"] == 21.5
