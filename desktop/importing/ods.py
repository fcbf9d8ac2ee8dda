"""OpenDocument spreadsheets (.ods) read by their present cells, streamed from content.xml.

calamine expands `table:number-columns-repeated` / `number-rows-repeated` into one dense range (a
500-byte file can ask for billions of cells), reads a cached `#DIV/0!` as the number 0 and gives no
merged ranges for ods. Here a repeated empty cell or row only moves the position, present cells are
counted against MAX_CELLS as they are expanded, merged cells (`number-columns-spanned` /
`number-rows-spanned`) are kept for the header finder, and a cell whose cached result is an error
(`calcext:value-type="error"`) is reported as such.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from xml.etree.ElementTree import Element

from desktop.importing.cells import Cell, SparseRow, pull_events

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_T = f"{{{_TABLE}}}"
_O = f"{{{_OFFICE}}}"
_ROW = _T + "table-row"
_CELL = _T + "table-cell"
_COVERED = _T + "covered-table-cell"
_SHEET = _T + "table"
_P = f"{{{_TEXT}}}p"
_ANNOTATION = _O + "annotation"


class TooManyCells(Exception):
    """A sheet expands to more present cells than the importer reads."""


@dataclass
class OdsSheet:
    """The present cells of one table, by row, with its merges and cached error values."""

    name: str
    rows: dict[int, SparseRow] = field(default_factory=dict)
    height: int = 0
    merges: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    cells: int = 0


def _text(element: Element) -> str:
    parts = [element.text or ""]
    for child in element:
        tag = child.tag
        if tag == f"{{{_TEXT}}}s":
            parts.append(" " * int(child.get(f"{{{_TEXT}}}c", "1") or 1))
        elif tag == f"{{{_TEXT}}}tab":
            parts.append("\t")
        elif tag == f"{{{_TEXT}}}line-break":
            parts.append("\n")
        elif tag != _ANNOTATION:
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _cell_text(cell: Element) -> str:
    return "\n".join(_text(p) for p in cell if p.tag == _P)


def _date(raw: str) -> Cell:
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return raw
    if len(raw) <= 10 or moment.time() == datetime.min.time():
        return date(moment.year, moment.month, moment.day)
    return moment


def _time(raw: str) -> Cell:
    # PT03H04M05S (ISO 8601 duration, as ods stores a time of day)
    text = raw.upper().removeprefix("PT")
    try:
        hours, rest = text.split("H")
        minutes, rest = rest.split("M")
        seconds = float(rest.rstrip("S") or 0)
        return time(int(hours) % 24, int(minutes), int(seconds))
    except ValueError:
        return raw


def cell_value(cell: Element) -> tuple[Cell, str | None]:
    """The cell's cached value ('' when none) and its error text when it holds an error."""
    kind = cell.get(_O + "value-type")
    if cell.get(f"{{{_CALCEXT}}}value-type") == "error":
        return "", _cell_text(cell) or "#VALUE!"
    if kind in ("float", "percentage", "currency"):
        try:
            return float(cell.get(_O + "value", "")), None
        except ValueError:
            return _cell_text(cell), None
    if kind == "date":
        return _date(cell.get(_O + "date-value", "")), None
    if kind == "time":
        return _time(cell.get(_O + "time-value", "")), None
    if kind == "boolean":
        return cell.get(_O + "boolean-value", "").lower() == "true", None
    if kind == "string":
        given = cell.get(_O + "string-value")
        return (given if given is not None else _cell_text(cell)), None
    text = _cell_text(cell)
    return text, None


class _TableReader:
    """Collects one table's cells as the row and cell elements end."""

    def __init__(self, name: str, max_cells: int) -> None:
        self.sheet = OdsSheet(name)
        self.max_cells = max_cells
        self.row = 0
        self.col = 0
        self.current: SparseRow = []
        self.row_errors: list[tuple[int, str]] = []

    def cell(self, element: Element) -> None:
        """One table-cell or covered-table-cell: its value repeated, its span, its error."""
        repeat = int(element.get(_T + "number-columns-repeated", "1") or 1)
        value: Cell = ""
        error = None
        if element.tag == _CELL:
            value, error = cell_value(element)
            spans = (
                int(element.get(_T + "number-rows-spanned", "1") or 1),
                int(element.get(_T + "number-columns-spanned", "1") or 1),
            )
            if spans != (1, 1):
                start = (self.row, self.col)
                self.sheet.merges.append(
                    (start, (self.row + spans[0] - 1, self.col + spans[1] - 1))
                )
        if value != "" or error is not None:
            self._count(repeat)
            for offset in range(repeat):
                self.current.append((self.col + offset, value))
                if error is not None:
                    self.row_errors.append((self.col + offset, error))
        self.col += repeat

    def end_row(self, element: Element) -> None:
        """A row ends: keep its present cells for each time it is repeated."""
        repeat = int(element.get(_T + "number-rows-repeated", "1") or 1)
        if self.current:
            self._count(len(self.current) * (repeat - 1))
            for offset in range(repeat):
                self.sheet.rows[self.row + offset] = self.current
                for col, text in self.row_errors:
                    self.sheet.errors[(self.row + offset, col)] = text
            self.sheet.height = self.row + repeat
        self.row += repeat
        self.col = 0
        self.current = []
        self.row_errors = []

    def _count(self, more: int) -> None:
        self.sheet.cells += more
        if self.sheet.cells > self.max_cells:
            raise TooManyCells(self.sheet.name)


def read_ods(path: Path, only: str | None, max_cells: int) -> list[OdsSheet]:
    """Every table of an ods file (or the one named), by its present cells."""
    sheets: list[OdsSheet] = []
    reader: _TableReader | None = None
    stack: list[Element] = []
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
        for event, element in pull_events(stream, "content.xml"):
            if event == "start":
                stack.append(element)
                if element.tag == _SHEET:
                    name = element.get(_T + "name", f"Sheet{len(sheets) + 1}")
                    reader = _TableReader(name, max_cells) if only in (None, name) else None
                continue
            stack.pop()
            tag = element.tag
            if reader is not None and tag in (_CELL, _COVERED) and stack and stack[-1].tag == _ROW:
                reader.cell(element)
                element.clear()
            elif tag == _ROW:
                if reader is not None:
                    reader.end_row(element)
                if stack:
                    stack[-1].remove(element)
            elif tag == _SHEET:
                if reader is not None:
                    sheets.append(reader.sheet)
                reader = None
                if stack:
                    stack[-1].remove(element)
    return sheets
