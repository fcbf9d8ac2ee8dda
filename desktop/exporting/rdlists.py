"""Export the 两清零一提升 lists A and B to one workbook (a sheet per list), no Qt.

Cells through desktop.exporting.cells (never a formula), the file through desktop.exporting.files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from db.services.figures.rd_lists import RdListRow, RdLists
from desktop.exporting.cells import put
from desktop.exporting.files import save_workbook

HEADERS = (
    "序号",
    "企业名称",
    "统一社会信用代码",
    "所属镇街",
    "营业收入(万元)",
    "研发费用(万元)",
    "研发活动",
    "研发机构",
)
WIDTHS = (6, 38, 22, 14, 16, 16, 10, 10)
THIN = Side(style="thin", color="999999")


def money_text(value: float) -> str:
    """10000 → '1亿元', 5000 → '5000万元'."""
    if value >= 10000 and value % 10000 == 0:
        return f"{value / 10000:g}亿元"
    return f"{value:g}万元"


def list_titles(lists: RdLists) -> tuple[str, str]:
    """The rule of each list in words, with the thresholds of the settings."""
    return (
        f"A类：营业收入 ≥ {money_text(lists.a_revenue)}且无研发活动",
        f"B类：营业收入 ≥ {money_text(lists.b_revenue)}且无研发机构",
    )


def _has(value: bool | None) -> str:
    return "" if value is None else ("有" if value else "无")


def _row(i: int, r: RdListRow) -> list[Any]:
    return [
        i,
        r.name,
        r.uscc,
        r.town or "",
        r.revenue,
        r.rd_expense,
        _has(r.rd_activity),
        _has(r.rd_institution),
    ]


def _write_row(ws: Worksheet, row: int, values: list[Any]) -> None:
    for col, value in enumerate(values, start=1):
        put(ws, row, col, value)


def _sheet(ws: Worksheet, title: str, rows: tuple[RdListRow, ...], year: int) -> None:
    _write_row(
        ws, 1, [f"规上工业企业研发活动“两清零一提升”{year}年度 — {title}（共{len(rows)}家）"]
    )
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.cell(1, 1).font = Font(bold=True, size=13)
    _write_row(ws, 2, list(HEADERS))
    for col, width in enumerate(WIDTHS, start=1):
        cell = ws.cell(2, col)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DCE6F1")
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
        ws.column_dimensions[get_column_letter(col)].width = width
    for i, r in enumerate(rows, start=1):
        row = i + 2
        _write_row(ws, row, _row(i, r))
        ws.cell(row, 3).number_format = "@"
        for col in (5, 6):
            ws.cell(row, col).number_format = "#,##0.00"
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def export_rd_lists(lists: RdLists, path: Path) -> Path:
    """Write lists A and B to an .xlsx (sheet A类, sheet B类): codes as text, frozen header."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    titles = list_titles(lists)
    first.title = "A类"
    _sheet(first, titles[0], lists.list_a, lists.year)
    _sheet(wb.create_sheet("B类"), titles[1], lists.list_b, lists.year)
    return save_workbook(wb, path)
