"""Export of the roster to .xlsx/.csv: canonical headers, text codes, dates, safe text, round trip."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from db.services import enterprises
from db.services.enterprises.roster import RosterFilter
from db.store import Store
from desktop.exporting.enterprises import HEADERS, export_enterprises
from desktop.progress import Progress, drain
from tests.unit.test_roster_service import build_known, make_uscc

CANONICAL = [
    "企业名称",
    "统一社会信用代码",
    "所属镇街",
    "注册地址",
    "成立日期",
    "行业类别",
    "法定代表人",
    "联系人",
    "联系电话",
    "是否规上工业企业",
    "营业收入(万元)",
    "研发费用(万元)",
    "从业人员数",
    "研发人员数",
    "是否有研发活动",
    "是否有研发机构",
    "高新技术企业证书编号",
    "高企发证日期",
    "科技型中小企业入库编号",
    "入库年度",
    "备注",
]


def _export(store: Store, path: Path, f: RosterFilter | None = None) -> list[Progress]:
    steps: list[Progress] = []
    drain(export_enterprises(store, path, f or RosterFilter(), date.today()), steps.append)
    return steps


@pytest.fixture
def dangerous(store: Store) -> int:
    """An enterprise whose name and note would be formulas if written naively."""
    with store.transaction() as s:
        return enterprises.create(
            s,
            {
                "name": '=HYPERLINK("http://x")公司',
                "uscc": make_uscc(77),
                "note": "+1 电话确认",
                "founded_on": date(2010, 5, 6),
                "phone": "0551-1234567",
            },
            "测试员",
        )


def test_xlsx_layout_and_types(store: Store, tmp_path: Path, dangerous: int) -> None:
    known = build_known(store)
    out = tmp_path / "roster.xlsx"
    steps = _export(store, out)
    assert steps and steps[-1].done == steps[-1].total
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["企业", "资质", "年度数据"]
    ws = book.active
    assert ws is not None and ws.max_row == 6
    assert [c.value for c in ws[1]] == CANONICAL == list(HEADERS)
    assert ws[1][0].font.bold and ws[1][0].fill.fgColor.rgb.endswith("DDEBF7")
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:U6"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1"
    rows = {r[1].value: r for r in ws.iter_rows(min_row=2)}
    huaxin = rows[make_uscc(1)]
    assert huaxin[1].data_type == "s" and huaxin[1].number_format == "@"
    assert huaxin[2].value == "十九里镇" and huaxin[9].value == "是"
    assert huaxin[10].value == 500.0 and huaxin[11].value == 40.0
    assert huaxin[16].value.startswith("GR") and huaxin[16].number_format == "@"
    assert isinstance(huaxin[17].value, date) and huaxin[17].number_format == "yyyy-mm-dd"
    assert huaxin[19].value == date.today().year
    bad = rows[make_uscc(77)]
    assert bad[0].data_type == "s" and bad[0].value == '=HYPERLINK("http://x")公司'
    assert bad[0].quotePrefix and bad[20].value == "+1 电话确认" and bad[20].data_type == "s"
    assert bad[4].value.date() == date(2010, 5, 6)
    assert known.deleted  # deleted enterprises are not exported
    assert make_uscc(5) not in rows


def test_xlsx_reads_back_unchanged_with_calamine(
    store: Store, tmp_path: Path, dangerous: int
) -> None:
    out = tmp_path / "roster.xlsx"
    _export(store, out)
    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert sheet[0] == CANONICAL
    row = next(r for r in sheet[1:] if r[1] == make_uscc(77))
    assert row[0] == '=HYPERLINK("http://x")公司'
    assert row[8] == "0551-1234567"


def test_filtered_export_and_csv(store: Store, tmp_path: Path) -> None:
    known = build_known(store)
    out = tmp_path / "roster.csv"
    _export(store, out, RosterFilter(town_id=known.town_b))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == CANONICAL
    assert [r[0] for r in rows[1:]] == ["安徽明远机械有限公司"]
    assert rows[1][17].count("-") == 2  # ISO date


def _bureau(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    cmd = [str(Path(sys.executable).parent / "bureau"), "--db", str(db), *args]
    return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", check=False)


def test_cli_export(store: Store, store_path: Path, tmp_path: Path) -> None:
    build_known(store)
    store.close()
    out = tmp_path / "e.xlsx"
    done = _bureau("export", "enterprises", "--out", str(out), "--town", "城关", db=store_path)
    assert done.returncode == 0, done.stderr
    ws = openpyxl.load_workbook(out).active
    assert ws is not None and ws.max_row == 2
    bad = _bureau("export", "no-such-kind", "--out", str(out), db=store_path)
    assert bad.returncode == 2 and "未知的导出类型" in bad.stderr
    town = _bureau("export", "enterprises", "--out", str(out), "--town", "无此镇", db=store_path)
    assert town.returncode == 2
