"""Render a computed return to XLSX with openpyxl: same header block, merged header, print set-up.

Every cell is written through desktop.exporting.cells (text is never a formula: a town or
enterprise name such as `=cmd|' /C calc'!A0` stays text) and a file path through
desktop.exporting.files (whole or not at all; OutputError names an unwritable path).
"""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from desktop.exporting.cells import neutralise_workbook, put, sheet_title
from desktop.exporting.files import save_workbook
from desktop.returns.model import Column, ReturnTable, Value

FONT_NAME = "宋体"
THIN = Side(style="thin")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BODY = Font(name=FONT_NAME, size=10)
BOLD = Font(name=FONT_NAME, size=10, bold=True)
TITLE = Font(name=FONT_NAME, size=16, bold=True)
SMALL = Font(name=FONT_NAME, size=9)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
Target = str | os.PathLike[str] | IO[bytes]


def number_format(column: Column) -> str:
    """Excel number format of a column (fixed decimals; dates as yyyy-mm-dd)."""
    if column.type == "date":
        return "yyyy-mm-dd"
    if column.numeric:
        return "0" if column.decimals == 0 else "0." + "0" * column.decimals
    return "@"


def _merge(
    ws: Worksheet, row: int, first: int, last: int, text: str, font: Font, align: Alignment
) -> None:
    cell = put(ws, row, first, text)
    cell.font = font
    cell.alignment = align
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def _block(ws: Worksheet, table: ReturnTable) -> int:
    """Title, period, legal marks, 填报单位 / 计量单位; returns the next free row."""
    n = len(table.columns)
    _merge(ws, 1, 1, n, table.title, TITLE, CENTRE)
    ws.row_dimensions[1].height = 28
    _merge(ws, 2, 1, n, table.period_text, BODY, CENTRE)
    right = max(1, n - 2)
    row = 3
    for label, value in table.legal_lines:
        _merge(ws, row, right, n, f"{label}：{value}", SMALL, Alignment(horizontal="left"))
        row += 1
    left_end = max(1, right - 1)
    _merge(ws, row, 1, left_end, f"填报单位（盖章）：{table.bureau_name}", BODY, Alignment())
    if table.unit:
        _merge(ws, row, right, n, f"计量单位：{table.unit}", BODY, Alignment(horizontal="right"))
    return row + 1


def _header(ws: Worksheet, table: ReturnTable, first: int) -> int:
    """Header rows (merged cells) and the code row; returns the code row's number."""
    for cell in table.header:
        row, col = first + cell.row, 1 + cell.col
        target = put(ws, row, col, cell.text)
        target.font, target.alignment = BOLD, CENTRE
        for r in range(row, row + cell.rowspan):
            for c in range(col, col + cell.colspan):
                ws.cell(row=r, column=c).border = GRID
        if cell.rowspan > 1 or cell.colspan > 1:
            ws.merge_cells(
                start_row=row,
                start_column=col,
                end_row=row + cell.rowspan - 1,
                end_column=col + cell.colspan - 1,
            )
    code_row = first + table.header_rows
    for r in range(first, code_row):
        ws.row_dimensions[r].height = 30  # room for a wrapped two-line header
    for i, code in enumerate(table.codes, start=1):
        target = put(ws, code_row, i, code)
        target.font, target.alignment, target.border = SMALL, CENTRE, GRID
    return code_row


def _cell_value(column: Column, value: Value) -> Value:
    if value == "" or value is None:
        return None
    if column.numeric and isinstance(value, int | float):
        return round(value, column.decimals) if column.decimals else value
    if isinstance(value, date) or column.numeric:
        return value
    return str(value)


def _rows(ws: Worksheet, table: ReturnTable, first: int) -> int:
    """Data rows and 合计; returns the next free row."""
    aligns = [
        Alignment(horizontal=c.alignment, vertical="center", wrap_text=c.alignment == "left")
        for c in table.columns
    ]
    formats = [number_format(c) for c in table.columns]
    rows = list(table.rows) + ([table.total] if table.total is not None else [])
    for offset, values in enumerate(rows):
        r = first + offset
        is_total = table.total is not None and offset == len(rows) - 1
        for i, (col, value) in enumerate(zip(table.columns, values, strict=True)):
            cell = put(ws, r, i + 1, _cell_value(col, value))
            cell.font = BOLD if is_total else BODY
            cell.border = GRID
            cell.alignment = CENTRE if is_total and i == 0 else aligns[i]
            cell.number_format = formats[i]
    return first + len(rows)


def _signature(ws: Worksheet, table: ReturnTable, row: int) -> None:
    _merge(ws, row, 1, len(table.columns), table.signature_line, BODY, Alignment(horizontal="left"))


def _print_setup(ws: Worksheet, table: ReturnTable, header_first: int, code_row: int) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = table.orientation
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"{header_first}:{code_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.47
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.freeze_panes = ws.cell(row=code_row + 1, column=1)


def workbook(table: ReturnTable) -> Workbook:
    """The return as an openpyxl workbook (one sheet)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet_title(table.title)
    wb.properties.title = f"{table.title} {table.period_text}"
    wb.properties.creator = table.bureau_name or "科创台账"
    wb.properties.subject = table.title
    for i, col in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = round(col.width / 2.0 + 1, 1)
    header_first = _block(ws, table)
    code_row = _header(ws, table, header_first)
    end = _rows(ws, table, code_row + 1)
    _signature(ws, table, end + 1)
    _print_setup(ws, table, header_first, code_row)
    return wb


def render_xlsx(table: ReturnTable, out: Target) -> None:
    """Write the return to an .xlsx path (whole or not at all) or a binary stream."""
    book = workbook(table)
    if isinstance(out, str | os.PathLike):
        save_workbook(book, Path(out))
    else:
        neutralise_workbook(book)
        book.save(out)


def xlsx_bytes(table: ReturnTable) -> bytes:
    """The XLSX of a return as bytes (for the archive)."""
    buffer = io.BytesIO()
    render_xlsx(table, buffer)
    return buffer.getvalue()
