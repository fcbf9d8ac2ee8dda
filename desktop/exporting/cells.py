"""The one writer helper of every spreadsheet the app writes, XLSX and CSV (spec/cli.md).

Text that a spreadsheet program would run — starting with `= + - @`, a tab or a carriage return — is
stored as plain text: in XLSX a string cell (never a formula) with Excel's quote prefix, in CSV with
a leading `'` (import removes it again). Numbers, dates and flags are not text and stay as they are
(-1 stays a number). Control characters (NUL …) are stripped: XML cannot hold them and no clerk typed
them. Exports, returns, error workbooks, templates and collection workbooks all write through here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from db.rules.text import strip_controls as clean_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_QUOTE = "'"
# Characters a sheet name may not hold, replaced by their full-width forms (a town named 城/关 …).
TITLE_CHARACTERS = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "[]:*?/\\"})
TITLE_LENGTH = 31
CELL_LIMIT = 32767  # Excel will not open a workbook with a longer cell


def sheet_title(text: str) -> str:
    """A valid sheet name for any text: no [ ] : * ? / \\ or line breaks, ≤ 31 characters."""
    cleaned = re.sub(r"\s+", " ", clean_text(text).translate(TITLE_CHARACTERS))
    return cleaned.strip().strip("'")[:TITLE_LENGTH].strip() or "Sheet"


def is_formula_like(value: object) -> bool:
    """Text a spreadsheet program would read as a formula or command (= + - @ tab CR first)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def cell_value(value: Any) -> Any:
    """The value as it may be written to an XLSX cell: text without controls, ≤ 32,767 characters."""
    return clean_text(value)[:CELL_LIMIT] if isinstance(value, str) else value


def neutralise(cell: Cell | WriteOnlyCell) -> None:
    """Keep a cell's formula-like text plain text: a string cell with the quote prefix."""
    if cell.data_type == "f" or is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write one value to a cell of a normal worksheet, cleaned and never a formula."""
    cell = ws.cell(row=row, column=column)
    cell.value = cell_value(value)
    neutralise(cell)
    return cell


def write_only_cell(ws: Worksheet, value: Any) -> WriteOnlyCell:
    """A cell for a write-only worksheet, cleaned and never a formula."""
    cell = WriteOnlyCell(ws, value=cell_value(value))
    neutralise(cell)
    return cell


def neutralise_workbook(book: Workbook) -> None:
    """Last pass before saving a normal workbook: no cell anywhere may hold a formula."""
    if book.write_only:
        return  # its cells went through write_only_cell as they were streamed
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    neutralise(cell)


def csv_field(value: Any) -> Any:
    """One CSV field: '' for none, ISO dates, cleaned text with a leading ' when formula-like."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        midnight = value.time() == datetime.min.time()
        return (
            value.date().isoformat() if midnight else value.isoformat(sep=" ", timespec="seconds")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        text = clean_text(value)
        return CSV_QUOTE + text if is_formula_like(text) else text
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A CSV row of csv_field values."""
    return [csv_field(v) for v in values]
