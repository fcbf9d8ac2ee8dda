"""Write export sheets to .xlsx (streamed, one sheet per table) or .csv (the first table only).

A sheet is a title, its columns (the canonical import headers with a kind that says how a value is
written: codes as text, real dates, 是/否 flags, numbers) and its rows: one mapping of field → plain
Python value per row. Every cell goes through desktop.exporting.cells, every file through
desktop.exporting.files.
"""

from __future__ import annotations

import csv
from collections.abc import Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from desktop.exporting.cells import csv_row, sheet_title, write_only_cell
from desktop.exporting.files import replacing
from desktop.progress import CancelToken, Progress

FieldKind = Literal["text", "code", "date", "money", "int", "number", "flag", "year"]
STEP = 1000
FORMATS: dict[str, str] = {"code": "@", "date": "yyyy-mm-dd", "money": "0.00"}
WIDE = {"text": 18, "code": 22, "date": 12, "money": 14, "int": 10, "number": 12, "flag": 10}


@dataclass(frozen=True)
class Field:
    """One column of an export sheet: the field it shows, its header, how its values are written."""

    key: str
    header: str
    kind: FieldKind = "text"
    width: int | None = None

    @property
    def column_width(self) -> int:
        """The column's width in characters (wide enough for its header)."""
        return self.width or max(WIDE.get(self.kind, 10), len(self.header) * 2 + 2)


@dataclass
class Sheet:
    """A table to write: the sheet's title, its fields and its rows (values in field order)."""

    title: str
    fields: tuple[Field, ...]
    rows: Iterable[Mapping[str, Any]]
    total: int = 0

    @property
    def headers(self) -> list[str]:
        """The header row."""
        return [f.header for f in self.fields]

    def values(self, row: Mapping[str, Any]) -> list[Any]:
        """One row's values in column order, as the columns write them."""
        return [shown_value(f, row.get(f.key)) for f in self.fields]


def shown_value(field: Field, value: Any) -> Any:
    """A value as its column writes it: flags 是/否, codes as text, dates as dates."""
    if value is None or value == "":
        return None
    if field.kind == "flag" and isinstance(value, bool):
        return "是" if value else "否"
    if field.kind == "code" and not isinstance(value, str):
        return str(value)
    return value


# ----- xlsx -----


def _header_cell(ws: Worksheet, text: str) -> WriteOnlyCell:
    cell = write_only_cell(ws, text)
    cell.font = Font(bold=True)
    cell.fill = PatternFill("solid", fgColor="DDEBF7")
    thin = Side(style="thin", color="808080")
    cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return cell


def _data_cell(ws: Worksheet, field: Field, shown: Any) -> WriteOnlyCell:
    cell = write_only_cell(ws, shown)
    number_format = FORMATS.get(field.kind)
    if number_format and (shown is not None or field.kind == "code"):
        cell.number_format = number_format
    return cell


def _set_up(ws: Worksheet, sheet: Sheet) -> None:
    for i, field in enumerate(sheet.fields, start=1):
        ws.column_dimensions[get_column_letter(i)].width = field.column_width
    ws.freeze_panes = "A2"
    last = get_column_letter(len(sheet.fields))
    ws.auto_filter.ref = f"A1:{last}{sheet.total + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _progress(done: int, total: int, cancel: CancelToken | None) -> Progress:
    if cancel is not None:
        cancel.raise_if_cancelled()
    return Progress(done, total, "正在导出…")


def write_xlsx(
    path: Path, sheets: Sequence[Sheet], cancel: CancelToken | None = None
) -> Generator[Progress, None, Path]:
    """Write every sheet to one workbook (streamed); the file appears whole or not at all."""
    total = sum(s.total for s in sheets)
    book = Workbook(write_only=True)
    done = 0
    for sheet in sheets:
        ws = book.create_sheet(sheet_title(sheet.title))
        _set_up(ws, sheet)
        ws.append([_header_cell(ws, h) for h in sheet.headers])
        for row in sheet.rows:
            values = sheet.values(row)
            ws.append([_data_cell(ws, f, v) for f, v in zip(sheet.fields, values, strict=True)])
            done += 1
            if done % STEP == 0:
                yield _progress(done, total, cancel)
    yield _progress(done, total, cancel)
    with replacing(path) as tmp:
        book.save(tmp)
    yield Progress(total, total, "已导出")
    return path


def write_csv(
    path: Path, sheet: Sheet, cancel: CancelToken | None = None
) -> Generator[Progress, None, Path]:
    """Write one sheet as UTF-8 CSV with a BOM (Excel opens it as UTF-8)."""
    done = 0
    with replacing(path) as tmp:
        with tmp.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(csv_row(sheet.headers))
            for row in sheet.rows:
                writer.writerow(csv_row(sheet.values(row)))
                done += 1
                if done % STEP == 0:
                    yield _progress(done, sheet.total, cancel)
        yield _progress(done, sheet.total, cancel)
    yield Progress(sheet.total, sheet.total, "已导出")
    return path


def is_csv(path: Path) -> bool:
    """Whether a path names a CSV file (else XLSX)."""
    return path.suffix.lower() == ".csv"
