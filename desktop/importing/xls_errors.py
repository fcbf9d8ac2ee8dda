"""Cached formula errors of an Excel 97–2003 (.xls) workbook (import.md).

python-calamine reads a cell whose cached result is an error (`#DIV/0!`, `#N/A` …) as blank, which
would let a broken figure pass as "not filled". This walks the BIFF8 records of the workbook
stream (opened with olefile) and reports, per sheet, the cells whose value is an error: BOOLERR
records with the error flag and FORMULA records whose cached result is an error. Nothing else of
the file is interpreted; a stream that does not parse gives no errors (the readers report a broken
file on their own).
"""

from __future__ import annotations

import struct
from pathlib import Path

_BOF, _EOF, _BOUNDSHEET, _BOOLERR, _FORMULA = 0x0809, 0x000A, 0x0085, 0x0205, 0x0006
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

SheetErrors = dict[tuple[int, int], str]


def _workbook_stream(path: Path) -> bytes | None:
    import olefile

    if not olefile.isOleFile(str(path)):
        return None
    with olefile.OleFileIO(str(path)) as ole:
        for name in ("Workbook", "Book"):
            if ole.exists(name):
                return bytes(ole.openstream(name).read())
    return None


def _sheet_name(data: bytes) -> str:
    length, flags = data[6], data[7]
    raw = data[8:]
    if flags & 1:
        return raw[: length * 2].decode("utf-16-le", "replace")
    return raw[:length].decode("latin-1")


def _sheets(stream: bytes) -> list[tuple[str, int]]:
    """(name, offset of its BOF) of every sheet, from the workbook globals."""
    out: list[tuple[str, int]] = []
    at = 0
    size = len(stream)
    while at + 4 <= size:
        kind, length = _HEAD.unpack_from(stream, at)
        body = stream[at + 4 : at + 4 + length]
        if kind == _BOUNDSHEET and length >= 8:
            out.append((_sheet_name(body), struct.unpack_from("<I", body)[0]))
        elif kind == _EOF:
            break
        at += 4 + length
    return out


def _errors_from(stream: bytes, start: int) -> SheetErrors:
    found: SheetErrors = {}
    at = start
    size = len(stream)
    unpack = _HEAD.unpack_from
    while at + 4 <= size:
        kind, length = unpack(stream, at)
        body = at + 4
        if kind == _BOOLERR and length >= 8 and stream[body + 7] == 1:
            row, col = _CELL.unpack_from(stream, body)
            found[(row, col)] = ERROR_TEXT.get(stream[body + 6], "#ERROR")
        elif kind == _FORMULA and length >= 14:
            result = stream[body + 6 : body + 14]
            if result[0] == 2 and result[6:8] == b"\xff\xff":
                row, col = _CELL.unpack_from(stream, body)
                found[(row, col)] = ERROR_TEXT.get(result[2], "#ERROR")
        elif kind == _EOF:
            break
        at = body + length
    return found


def cached_errors(path: Path) -> dict[str, SheetErrors]:
    """Sheet name → {(row, column) 0-based: error text} of the cells holding an error value."""
    try:
        stream = _workbook_stream(path)
        if stream is None:
            return {}
        return {name: _errors_from(stream, offset) for name, offset in _sheets(stream)}
    except (OSError, ValueError, IndexError, struct.error):
        return {}
