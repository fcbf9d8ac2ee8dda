"""xlsx/xlsm sheets read by their cells, never by their declared or spanned dimension (import.md).

python-calamine turns a sheet into one dense range from A1 to its farthest cell: a single cell at
`XFD1048576` asks for 17 billion cells and aborts the process. So every sheet's XML is scanned first,
cheaply (byte counts and a few regular expressions over the unpacked stream, no XML tree): how many
cells it has, how far they reach, which hold a cached error value (`#DIV/0!`, which calamine reads as
blank) and whether any text may carry control characters. A sheet whose reach is far larger than its
cells is then read here by its present cells (`read_sparse`), any other sheet by calamine.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from posixpath import dirname, join, normpath
from typing import IO
from xml.etree.ElementTree import Element, fromstring

from desktop.importing.cells import XML_BLOCK, Cell, SparseRow, column_index, pull_events

DENSE_CELLS = 4_000_000  # a range up to this size is always fine for calamine
DENSITY = 4  # beyond it, calamine only when the range is at most DENSITY × the present cells
MAX_DENSE = 30_000_000  # and never a larger range (calamine takes ~30 bytes per cell of it)
_BLOCK = XML_BLOCK
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*?)\bt="e"([^>/]*)>(.*?)</(?:\w+:)?c>', re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_BUILTIN_DATES = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_DATE_CODE = re.compile(r"\"[^\"]*\"|\\.|\[[^\]]*\]|_.|\*.")


@dataclass
class SheetScan:
    """What a cheap pass over one sheet's XML found."""

    cells: int = 0
    max_row: int = 0  # 1-based
    max_col: int = 0  # 0-based
    rows: int = 0
    certain: bool = True  # every cell and row carried its reference as the first attribute
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row0, col0) → #DIV/0!

    @property
    def area(self) -> int:
        """Cells of the range calamine would allocate (from A1, as the importer reads it)."""
        return max(self.max_row, self.rows) * (self.max_col + 1)

    def fits_calamine(self) -> bool:
        """Whether the dense range is small, or not much larger than the cells it holds."""
        if not self.certain:
            return False
        area = self.area
        return area <= DENSE_CELLS or (area <= DENSITY * self.cells and area <= MAX_DENSE)


@dataclass(frozen=True)
class SheetEntry:
    """A worksheet of the workbook: its name, the part that holds it and its visibility."""

    name: str
    part: str
    state: str


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    rels_part = join(dirname(part), "_rels", part.rsplit("/", 1)[-1] + ".rels")
    try:
        root = _parse_small(archive.read(rels_part))
    except KeyError:
        return {}
    out: dict[str, str] = {}
    for rel in root.iter(f"{{{_PKG_REL}}}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else join(dirname(part), target)
        out[rel.get("Id", "")] = normpath(path)
    return out


def _parse_small(data: bytes) -> Element:
    """A small XML part (workbook, relationships, styles) as a tree; no DTDs or entities."""
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        raise ValueError("DTD in a workbook part")
    return fromstring(data)


def workbook_sheets(archive: zipfile.ZipFile) -> tuple[list[SheetEntry], bool]:
    """The worksheets in workbook order and whether dates count from 1904."""
    root = _parse_small(archive.read("xl/workbook.xml"))
    rels = _rels(archive, "xl/workbook.xml")
    pr = root.find(f"{{{_MAIN}}}workbookPr")
    date1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
    sheets: list[SheetEntry] = []
    for sheet in root.iter(f"{{{_MAIN}}}sheet"):
        part = rels.get(sheet.get(f"{{{_REL}}}id", ""), "")
        sheets.append(SheetEntry(sheet.get("name", ""), part, sheet.get("state", "visible")))
    return sheets, date1904


def _blocks(stream: IO[bytes], closing: bytes) -> Iterator[bytes]:
    """The stream in pieces of about a megabyte, each ending after a complete row."""
    tail = b""
    while True:
        block = stream.read(_BLOCK)
        if not block:
            if tail:
                yield tail
            return
        data = tail + block
        cut = data.rfind(closing)
        if cut < 0:
            tail = data
            continue
        cut += len(closing)
        tail = data[cut:]
        yield data[:cut]


def _prefix(head: bytes) -> bytes:
    """The namespace prefix the sheet uses for its elements (`x:` in some generators)."""
    found = re.search(rb"<(\w+:)?sheetData\b", head)
    return found.group(1) or b"" if found else b""


def scan_sheet(archive: zipfile.ZipFile, part: str) -> SheetScan:
    """Count and bound the cells of one sheet: byte counts and a few regular expressions.

    A block is first searched for an unusual cell: one whose reference is not a single column
    letter and a row no lower than the lowest row reference so far. A block without any (every
    block of a plain sheet of up to 26 columns) is bounded by its counts and row references
    alone; any other block is read cell by cell as well.
    """
    scan = SheetScan()
    widest = b"A"
    with archive.open(part) as stream:
        blocks = _blocks(stream, b"</row>")
        head = next(blocks, b"")
        p = _prefix(head)
        if p:
            blocks = _blocks(_reopen(archive, part, stream), b"</" + p + b"row>")
            head = next(blocks, b"")
        cell_row = re.compile(b"<" + p + rb'c r="[A-Z]{1,3}(\d{1,7})"')
        wide = re.compile(b"<" + p + rb'c r="([A-Z]{2,3})\d')  # columns past Z: rare
        row_ref = re.compile(b"<" + p + rb'row r="(\d{1,7})"')
        cell_ref = b"<" + p + b'c r="'
        opens = (b"<" + p + b"c ", b"<" + p + b"c>", b"<" + p + b"row ", b"<" + p + b"row>")
        closed = b"</" + p + b"c>"
        unusual: tuple[int, re.Pattern[bytes] | None] = (0, None)
        for block in _with_first(head, blocks):
            scan.cells += block.count(closed)
            cells = block.count(opens[0]) + block.count(opens[1])
            rows = block.count(opens[2]) + block.count(opens[3])
            scan.rows += rows
            numbers = row_ref.findall(block)
            if numbers:
                scan.max_row = max(scan.max_row, max(map(int, numbers)))
            if scan.max_row != unusual[0]:
                unusual = (scan.max_row, _unusual_cell(p, scan.max_row))
            refs = block.count(b' r="')
            if (
                len(numbers) == rows
                and block.count(cell_ref) == cells
                and refs == cells + rows
                and unusual[1] is not None
                and unusual[1].search(block) is None
                and b't="e"' not in block
            ):
                continue  # every cell in column A–Z of a row already counted, no error value
            found = cell_row.findall(block)
            # Every cell and row must name its place first; else the slow, exact path decides.
            if len(found) != cells or len(numbers) != rows or refs != cells + rows:
                scan.certain = False
            if found:
                scan.max_row = max(scan.max_row, max(map(int, set(found))))
                letters = set(wide.findall(block))
                top = max(letters, key=lambda x: (len(x), x), default=b"A")
                if (len(top), top) > (len(widest), widest):
                    widest = top
            if b't="e"' in block:
                _errors(block, scan.errors)
    scan.max_col = max(column_index(widest.decode()), 25)
    return scan


def _at_most(number: int) -> bytes:
    """A regular expression of the decimal numbers 1 to `number` written without leading zeros."""
    digits = str(number).encode()
    options = [rb"[1-9]\d{0,%d}" % (len(digits) - 2)] if len(digits) > 1 else []
    for at in range(len(digits)):
        low = ord("1") if at == 0 else ord("0")
        if digits[at] > low:
            rest = len(digits) - at - 1
            options.append(digits[:at] + b"[%c-%c]" % (low, digits[at] - 1) + (rb"\d{%d}" % rest))
    options.append(digits)
    return b"(?:" + b"|".join(options) + b")"


def _unusual_cell(p: bytes, row: int) -> re.Pattern[bytes] | None:
    """A cell that is not in column A–Z of rows 1…`row`; None before any row reference."""
    if row < 1:
        return None
    usual = b"[A-Z]" + _at_most(row) + b'"'
    return re.compile(b"<" + p + b'c r="(?!' + usual + b")")


def _reopen(archive: zipfile.ZipFile, part: str, stream: IO[bytes]) -> IO[bytes]:
    stream.close()
    return archive.open(part)


def _with_first(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from rest


def _errors(block: bytes, out: dict[tuple[int, int], str]) -> None:
    for match in _ERROR_CELL.finditer(block):
        ref = _REF.search(match.group(1) + b" " + match.group(2))
        value = _VALUE.search(match.group(3))
        if ref is None:
            continue
        col = column_index(ref.group(1).decode())
        out[(int(ref.group(2)) - 1, col)] = value.group(1).decode() if value else "#VALUE!"


# ---------------------------------------------------------------- the sparse reader


def unescape(text: str) -> str:
    """Excel's _xHHHH_ escapes of characters XML cannot hold."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def shared_strings(archive: zipfile.ZipFile) -> list[str]:
    """The shared string table (phonetic runs left out, as Excel shows the text)."""
    try:
        stream = archive.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    out: list[str] = []
    parts: list[str] = []
    phonetic = 0
    with stream:
        for event, element in pull_events(stream, "a workbook part"):
            tag = _local(element.tag)
            if event == "start":
                if tag == "rPh":
                    phonetic += 1
                continue
            if tag == "t" and not phonetic:
                parts.append(element.text or "")
            elif tag == "rPh":
                phonetic -= 1
            elif tag == "si":
                out.append(unescape("".join(parts)))
                parts = []
                element.clear()
    return out


def date_styles(archive: zipfile.ZipFile) -> list[bool]:
    """Per cell style (s=…): whether its number format shows a date or time."""
    try:
        root = _parse_small(archive.read("xl/styles.xml"))
    except KeyError:
        return []
    custom = {
        int(f.get("numFmtId", "0")): _is_date_code(f.get("formatCode", ""))
        for f in root.iter(f"{{{_MAIN}}}numFmt")
    }
    xfs = root.find(f"{{{_MAIN}}}cellXfs")
    if xfs is None:
        return []
    out: list[bool] = []
    for xf in xfs.iter(f"{{{_MAIN}}}xf"):
        fmt = int(xf.get("numFmtId", "0") or 0)
        out.append(custom.get(fmt, fmt in _BUILTIN_DATES))
    return out


def _is_date_code(code: str) -> bool:
    bare = _DATE_CODE.sub("", code.split(";", 1)[0]).lower()
    return any(ch in bare for ch in "ymdhs") and "general" not in bare


def _excel_date(serial: float, date1904: bool) -> Cell:
    base = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)
    if not date1904 and 0 <= serial < 1:
        seconds = round(serial * 86400)
        return time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
    moment = base + timedelta(days=serial)
    moment = moment.replace(microsecond=0) if moment.microsecond < 500 else moment
    if moment.time() == datetime.min.time():
        return date(moment.year, moment.month, moment.day)
    return moment


@dataclass
class SparseSheet:
    """The present cells of a sheet, by row, with its merges and cached error values."""

    rows: dict[int, SparseRow] = field(default_factory=dict)
    height: int = 0
    merges: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)


class _Values:
    """Turns one <c> element into the value calamine would give."""

    def __init__(self, strings: list[str], dates: list[bool], date1904: bool) -> None:
        self.strings = strings
        self.dates = dates
        self.date1904 = date1904

    def value(self, kind: str, style: int, raw: str | None, inline: str | None) -> Cell:
        """The cell's value ('' for none); numbers are floats, dates per the cell's style."""
        if kind == "inlineStr":
            return unescape(inline or "")
        if raw is None or (raw == "" and kind != "str"):
            return ""
        if kind == "s":
            index = int(raw)
            return self.strings[index] if 0 <= index < len(self.strings) else ""
        if kind in ("str", "e"):
            return unescape(raw) if kind == "str" else ""
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            return _iso_date(raw)
        try:
            number = float(raw)
        except ValueError:
            return raw
        if 0 <= style < len(self.dates) and self.dates[style] and number >= 0:
            return _excel_date(number, self.date1904)
        return number


def _iso_date(raw: str) -> Cell:
    try:
        moment = datetime.fromisoformat(raw.strip().rstrip("Z"))
    except ValueError:
        return raw
    return moment.date() if moment.time() == datetime.min.time() else moment


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _merge_ref(ref: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    found = re.fullmatch(r"([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)", ref)
    if found is None:
        return None
    c0, r0, c1, r1 = found.groups()
    return (int(r0) - 1, column_index(c0)), (int(r1) - 1, column_index(c1))


def read_sparse(
    archive: zipfile.ZipFile, part: str, values: _Values, max_cells: int
) -> SparseSheet:
    """Every present cell of a sheet at the place its reference names, streamed from the XML.

    As calamine does: a cell's own reference decides its row and column; a cell without one
    follows the previous cell of its row, a row without one follows the previous row.
    """
    out = SparseSheet()
    row_index, col, cells = -1, -1, 0
    kind, style, raw, inline, ref = "n", 0, None, None, None
    inline_parts: list[str] = []
    in_inline = False
    holder: Element | None = None
    with archive.open(part) as stream:
        for event, element in pull_events(stream, "a workbook part"):
            tag = _local(element.tag)
            if event == "start":
                if tag == "row":
                    r = element.get("r")
                    row_index = int(r) - 1 if r and r.isdigit() else row_index + 1
                    col = -1
                elif tag == "c":
                    ref = element.get("r")
                    kind = element.get("t", "n")
                    style = int(element.get("s", "0") or 0)
                    raw, inline, inline_parts = None, None, []
                elif tag == "is":
                    in_inline = True
                elif tag == "rPh" and in_inline:
                    in_inline = False  # phonetic runs of an inline string are not its text
                elif tag == "sheetData":
                    holder = element
                continue
            if tag == "v":
                raw = element.text or ""
            elif tag == "t" and in_inline:
                inline_parts.append(element.text or "")
            elif tag == "rPh":
                in_inline = True
            elif tag == "is":
                in_inline = False
                inline = "".join(inline_parts)
            elif tag == "c":
                place = _place(ref)
                at_row, col = place if place else (row_index, col + 1)
                if raw is not None or inline is not None:
                    cells += 1
                    if cells > max_cells:
                        raise OverflowError(cells)
                    if kind == "e":
                        out.errors[(at_row, col)] = raw or "#VALUE!"
                    value = values.value(kind, style, raw, inline)
                    out.rows.setdefault(at_row, []).append((col, value))
                    out.height = max(out.height, at_row + 1)
            elif tag == "row" and holder is not None:
                holder.clear()  # rows are read: keep no tree of them
            elif tag == "mergeCell":
                merge = _merge_ref(element.get("ref", ""))
                if merge is not None:
                    out.merges.append(merge)
    for cells_of_row in out.rows.values():
        cells_of_row.sort(key=lambda item: item[0])
    return out


def _place(ref: str | None) -> tuple[int, int] | None:
    """(row, column), 0-based, of a reference such as B7."""
    found = _CELL_REF.fullmatch(ref) if ref else None
    if found is None:
        return None
    return int(found.group(2)) - 1, column_index(found.group(1))


def sparse_values(archive: zipfile.ZipFile, date1904: bool) -> _Values:
    """The shared strings and date styles a sparse read needs, read once per workbook."""
    return _Values(shared_strings(archive), date_styles(archive), date1904)
