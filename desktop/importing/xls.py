"""Excel 97–2003 (.xls) sheets read from their BIFF8 records (import.md).

python-calamine reads an .xls well, with two gaps this module fills:
- a cell whose cached result is an error (`#DIV/0!`, `#N/A` …) reads as blank: `cached_errors`
  reports such cells (BOOLERR records with the error flag, FORMULA records whose cached result is
  an error), so that they are row errors as in xlsx and ods;
- calamine sizes a sheet by its furthest cell: one stray value at row 65536, column IV takes about
  1.2 GB. `scan` counts a sheet's value cells and their extent; a sheet whose extent is far larger
  than its cells is read by `read_sparse` from the records themselves (shared strings, numbers, RK
  and MULRK, labels, booleans, errors, cached formula results, merged ranges), never densely.
The workbook stream is opened with olefile. Dates stay Excel serial numbers in sparse sheets (the
importer's date parser reads serials). A stream that does not parse gives no errors and no scan:
the readers then report a broken file with their own message.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from desktop.importing.cells import Cell, SparseRow

_BOF, _EOF, _BOUNDSHEET, _SST, _CONTINUE = 0x0809, 0x000A, 0x0085, 0x00FC, 0x003C
_NUMBER, _RK, _MULRK, _LABELSST, _LABEL = 0x0203, 0x027E, 0x00BD, 0x00FD, 0x0204
_BOOLERR, _FORMULA, _STRING, _MERGED = 0x0205, 0x0006, 0x0207, 0x00E5
_BETWEEN = frozenset({0x04BC, 0x0221, 0x0236})  # SHRFMLA, ARRAY, TABLE
ERROR_TEXT = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
}
_HEAD = struct.Struct("<HH")
_CELL = struct.Struct("<HH")
_DOUBLE = struct.Struct("<d")

SheetErrors = dict[tuple[int, int], str]
Merge = tuple[tuple[int, int], tuple[int, int]]


def workbook_stream(path: Path) -> bytes | None:
    """The BIFF workbook stream of an .xls file, or None when it is not one."""
    import olefile

    if not olefile.isOleFile(str(path)):
        return None
    with olefile.OleFileIO(str(path)) as ole:
        for name in ("Workbook", "Book"):
            if ole.exists(name):
                return bytes(ole.openstream(name).read())
    return None


def _records(stream: bytes, at: int) -> Iterator[tuple[int, int, int]]:
    """(kind, start of body, length) of each record from `at` up to and including EOF."""
    size = len(stream)
    unpack = _HEAD.unpack_from
    while at + 4 <= size:
        kind, length = unpack(stream, at)
        yield kind, at + 4, length
        if kind == _EOF:
            return
        at += 4 + length


def _sheet_name(body: bytes) -> str:
    length, flags = body[6], body[7]
    raw = body[8:]
    if flags & 1:
        return raw[: length * 2].decode("utf-16-le", "replace")
    return raw[:length].decode("latin-1")


def sheets(stream: bytes) -> list[tuple[str, int]]:
    """(name, offset of its BOF) of every sheet, from the workbook globals."""
    out: list[tuple[str, int]] = []
    for kind, body, length in _records(stream, 0):
        if kind == _BOUNDSHEET and length >= 8:
            data = stream[body : body + length]
            out.append((_sheet_name(data), struct.unpack_from("<I", data)[0]))
    return out


def sheet_states(stream: bytes) -> dict[str, str]:
    """Sheet name → visible / hidden / veryHidden (BOUNDSHEET's hsState)."""
    names = {0: "visible", 1: "hidden", 2: "veryHidden"}
    out: dict[str, str] = {}
    for kind, body, length in _records(stream, 0):
        if kind == _BOUNDSHEET and length >= 8:
            data = stream[body : body + length]
            out[_sheet_name(data)] = names.get(data[4] & 0x03, "visible")
    return out


def _error_of(stream: bytes, kind: int, body: int, length: int) -> str | None:
    if kind == _BOOLERR and length >= 8 and stream[body + 7] == 1:
        return ERROR_TEXT.get(stream[body + 6], "#ERROR")
    if kind == _FORMULA and length >= 14:
        result = stream[body + 6 : body + 14]
        if result[0] == 2 and result[6:8] == b"\xff\xff":
            return ERROR_TEXT.get(result[2], "#ERROR")
    return None


def _errors_from(stream: bytes, start: int) -> SheetErrors:
    found: SheetErrors = {}
    for kind, body, length in _records(stream, start):
        if kind in (_BOOLERR, _FORMULA):
            error = _error_of(stream, kind, body, length)
            if error is not None:
                found[_CELL.unpack_from(stream, body)] = error
    return found


def cached_errors(path: Path) -> dict[str, SheetErrors]:
    """Sheet name → {(row, column) 0-based: error text} of the cells holding an error value."""
    try:
        stream = workbook_stream(path)
        if stream is None:
            return {}
        return {name: _errors_from(stream, offset) for name, offset in sheets(stream)}
    except (OSError, ValueError, IndexError, struct.error):
        return {}


# ---------------------------------------------------------------- extent and sparse reading

_VALUES = frozenset({_NUMBER, _RK, _LABELSST, _LABEL, _BOOLERR, _FORMULA})


@dataclass(frozen=True)
class Scan:
    """A sheet's value cells: how many, and the rows × columns calamine would allocate."""

    cells: int
    height: int
    width: int

    def fits_calamine(self) -> bool:
        """Dense reading is fine when its area is not far beyond the cells present."""
        area = self.height * self.width
        return area <= max(2_000_000, 8 * self.cells)


def scan(stream: bytes, start: int) -> Scan:
    """Count a sheet's value cells and their extent (MULRK counts each of its cells)."""
    cells = height = width = 0
    unpack = _CELL.unpack_from
    for kind, body, length in _records(stream, start):
        if kind in _VALUES and length >= 4:
            row, col = unpack(stream, body)
            cells += 1
            height, width = max(height, row + 1), max(width, col + 1)
        elif kind == _MULRK and length >= 6:
            row, first = unpack(stream, body)
            last = struct.unpack_from("<H", stream, body + length - 2)[0]
            cells += max(0, last - first + 1)
            height, width = max(height, row + 1), max(width, last + 1)
    return Scan(cells, height, width)


def _rk(value: int) -> float | int:
    number: float | int
    if value & 2:
        whole = value >> 2
        number = whole - (1 << 30) if whole & (1 << 29) else whole
    else:
        number = _DOUBLE.unpack(struct.pack("<Q", (value & 0xFFFFFFFC) << 32))[0]
    if value & 1:
        return number / 100
    return number


def _number(value: float | int) -> Cell:
    return int(value) if isinstance(value, float) and value.is_integer() else value


class _Reader:
    """A cursor over one record body and its CONTINUE records (strings may cross them)."""

    def __init__(self, parts: list[bytes]) -> None:
        self.parts = parts
        self.part = 0
        self.at = 0

    def _need(self) -> None:
        while self.at >= len(self.parts[self.part]):
            self.part += 1
            self.at = 0
            if self.part >= len(self.parts):
                raise ValueError("truncated SST")

    def take(self, size: int) -> bytes:
        out = b""
        while len(out) < size:
            self._need()
            chunk = self.parts[self.part][self.at : self.at + size - len(out)]
            self.at += len(chunk)
            out += chunk
        return out

    def chars(self, count: int, wide: bool) -> str:
        """`count` characters; at a CONTINUE boundary a new flags byte says their width again."""
        pieces: list[str] = []
        while count:
            self._need()
            if self.at == 0 and pieces:
                wide = bool(self.parts[self.part][0] & 1)
                self.at = 1
            data = self.parts[self.part]
            width = 2 if wide else 1
            n = min(count, (len(data) - self.at) // width)
            if n <= 0:
                raise ValueError("bad SST string")
            raw = data[self.at : self.at + n * width]
            pieces.append(raw.decode("utf-16-le" if wide else "latin-1"))
            self.at += n * width
            count -= n
        return "".join(pieces)


def _shared_strings(stream: bytes) -> list[str]:
    parts: list[bytes] = []
    for kind, body, length in _records(stream, 0):
        if kind == _SST:
            parts = [stream[body : body + length]]
        elif kind == _CONTINUE and parts:
            parts.append(stream[body : body + length])
        elif parts:
            break
    if not parts:
        return []
    reader = _Reader(parts)
    _total, unique = struct.unpack("<II", reader.take(8))
    strings: list[str] = []
    for _ in range(unique):
        count, flags = struct.unpack("<HB", reader.take(3))
        runs = struct.unpack("<H", reader.take(2))[0] if flags & 0x08 else 0
        extra = struct.unpack("<I", reader.take(4))[0] if flags & 0x04 else 0
        strings.append(reader.chars(count, bool(flags & 1)))
        reader.take(4 * runs + extra)
    return strings


def _label(data: bytes) -> str:
    count, flags = struct.unpack_from("<HB", data, 6)
    raw = data[9:]
    return raw[: count * 2].decode("utf-16-le") if flags & 1 else raw[:count].decode("latin-1")


@dataclass
class SparseSheet:
    """The present value cells of one sheet, by row, with merges and cached errors."""

    rows: dict[int, SparseRow] = field(default_factory=dict)
    height: int = 0
    merges: list[Merge] = field(default_factory=list)
    errors: SheetErrors = field(default_factory=dict)


def read_sparse(stream: bytes, start: int, limit: int) -> SparseSheet:
    """Every value cell of the sheet at `start`; OverflowError past `limit` cells."""
    strings = _shared_strings(stream)
    out = SparseSheet()
    count = 0
    pending: tuple[int, int] | None = None  # a FORMULA whose string result follows (STRING)

    def put(row: int, col: int, value: Cell) -> None:
        nonlocal count
        count += 1
        if count > limit:
            raise OverflowError(limit)
        out.rows.setdefault(row, []).append((col, value))
        out.height = max(out.height, row + 1)

    for kind, body, length in _records(stream, start):
        data = stream[body : body + length]
        if kind == _STRING and pending is not None:
            count_chars, flags = struct.unpack_from("<HB", data)
            raw = data[3:]
            text = (
                raw[: count_chars * 2].decode("utf-16-le")
                if flags & 1
                else raw[:count_chars].decode("latin-1")
            )
            put(*pending, text)
            pending = None
            continue
        if kind in _BETWEEN:  # a shared or array formula's record comes before its STRING
            continue
        pending = None
        if kind == _NUMBER and length >= 14:
            row, col = _CELL.unpack_from(data)
            put(row, col, _number(_DOUBLE.unpack_from(data, 6)[0]))
        elif kind == _RK and length >= 10:
            row, col = _CELL.unpack_from(data)
            put(row, col, _number(_rk(struct.unpack_from("<I", data, 6)[0])))
        elif kind == _MULRK and length >= 6:
            row, first = _CELL.unpack_from(data)
            for index in range((length - 6) // 6):
                value = struct.unpack_from("<I", data, 4 + index * 6 + 2)[0]
                put(row, first + index, _number(_rk(value)))
        elif kind == _LABELSST and length >= 10:
            row, col = _CELL.unpack_from(data)
            index = struct.unpack_from("<I", data, 6)[0]
            put(row, col, strings[index] if index < len(strings) else "")
        elif kind == _LABEL and length >= 9:
            row, col = _CELL.unpack_from(data)
            put(row, col, _label(data))
        elif kind == _BOOLERR and length >= 8:
            row, col = _CELL.unpack_from(data)
            if data[7] == 1:
                out.errors[(row, col)] = ERROR_TEXT.get(data[6], "#ERROR")
            else:
                put(row, col, bool(data[6]))
        elif kind == _FORMULA and length >= 14:
            row, col = _CELL.unpack_from(data)
            result = data[6:14]
            if result[6:8] != b"\xff\xff":
                put(row, col, _number(_DOUBLE.unpack(result)[0]))
            elif result[0] == 0:
                pending = (row, col)
            elif result[0] == 1:
                put(row, col, bool(result[2]))
            elif result[0] == 2:
                out.errors[(row, col)] = ERROR_TEXT.get(result[2], "#ERROR")
        elif kind == _MERGED and length >= 2:
            (total,) = struct.unpack_from("<H", data)
            for index in range(min(total, (length - 2) // 8)):
                r0, r1, c0, c1 = struct.unpack_from("<HHHH", data, 2 + index * 8)
                out.merges.append(((r0, c0), (r1, c1)))
    for cells in out.rows.values():
        cells.sort()
    return out
