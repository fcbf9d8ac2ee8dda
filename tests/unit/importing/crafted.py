"""Small crafted spreadsheets for the reader tests and the memory benchmark (issue 11).

Made in the test, never committed: a far cell (`XFD1048576`), raw sheet XML (cached errors, control
characters, cells without references), ods files with repeated rows and cells, CSV text.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from openpyxl import Workbook

from db.rules.identifiers import org_code_check_char, uscc_check_char

HEADER = ("企业名称", "统一社会信用代码", "所属镇街")


def uscc(n: int) -> str:
    """A valid 统一社会信用代码 numbered n (its organisation code checks too)."""
    org = f"{n:08d}"
    body = f"91341602{org}{org_code_check_char(org)}"
    return body + uscc_check_char(body)


def rows(count: int, town: str = "十九里镇") -> list[list[object]]:
    """`count` clean enterprise rows under HEADER."""
    return [[f"测试{i}科技有限公司", uscc(i), town] for i in range(count)]


def xlsx(path: Path, data: Sequence[Sequence[object]], far: str | None = None) -> Path:
    """A workbook with HEADER, the rows, and optionally one more cell at `far` (e.g. XFD1048576)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "企业"
    sheet.append(list(HEADER))
    for row in data:
        sheet.append(list(row))
    if far:
        sheet[far] = "x"
    book.save(path)
    return path


def patch_sheet(path: Path, change: Callable[[str], str]) -> Path:
    """Rewrite the first worksheet's XML of an xlsx in place."""
    with zipfile.ZipFile(path) as archive:
        parts = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts:
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data.decode("utf-8")).encode("utf-8")
            archive.writestr(info, data)
    return path


def add_row_xml(path: Path, xml: str) -> Path:
    """Append raw `<row>` XML at the end of the first sheet's data."""
    return patch_sheet(path, lambda text: text.replace("</sheetData>", xml + "</sheetData>"))


def strip_refs(path: Path) -> Path:
    """Remove every r="…" reference of rows and cells (allowed by the format; positions implied)."""
    return patch_sheet(path, lambda text: re.sub(r' r="[A-Z]*\d+"', "", text))


_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
    'office:version="1.2"><office:body><office:spreadsheet>'
)
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def ods_cell(value: object, attrs: str = "") -> str:
    """One table cell: a string, a float or an empty cell (None)."""
    if value is None:
        return f"<table:table-cell{attrs}/>"
    if isinstance(value, float | int) and not isinstance(value, bool):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}"{attrs}>'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return f'<table:table-cell office:value-type="string"{attrs}><text:p>{value}</text:p></table:table-cell>'


def ods_row(values: Sequence[object], attrs: str = "") -> str:
    """One table row of plain cells."""
    return f"<table:table-row{attrs}>" + "".join(ods_cell(v) for v in values) + "</table:table-row>"


def ods(path: Path, body: str, name: str = "企业") -> Path:
    """An ods file whose one table holds the given row XML."""
    content = _ODS_HEAD + f'<table:table table:name="{name}">{body}</table:table>'
    content += "</office:spreadsheet></office:body></office:document-content>"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", _MANIFEST)
    return path


def ods_far_cell(path: Path, data: Sequence[Sequence[object]]) -> Path:
    """HEADER and rows, then a million repeated empty rows and a cell in the last column."""
    body = ods_row(HEADER) + "".join(ods_row(r) for r in data)
    body += '<table:table-row table:number-rows-repeated="1048000">'
    body += '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    body += '<table:table-row><table:table-cell table:number-columns-repeated="16383"/>'
    body += ods_cell("x") + "</table:table-row>"
    return ods(path, body)


def ods_bomb(path: Path) -> Path:
    """A few hundred bytes that expand to 1.6 billion cells holding the number 1."""
    body = ods_row(HEADER)
    body += '<table:table-row table:number-rows-repeated="100000">'
    body += '<table:table-cell table:number-columns-repeated="16384" office:value-type="float" '
    body += 'office:value="1"/></table:table-row>'
    return ods(path, body)


def csv_file(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """A CSV file of the given text."""
    path.write_bytes(text.encode(encoding))
    return path


# ---------------------------------------------------------------- a minimal .xls (BIFF8 in CFB)


def _record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


XLS_ERRORS = {"#DIV/0!": 0x07, "#N/A": 0x2A, "#VALUE!": 0x0F}


class XlsError(str):
    """A cell holding a cached error value (a BOOLERR record), e.g. XlsError("#DIV/0!")."""


def _xls_cell(row: int, col: int, value: object) -> bytes:
    if isinstance(value, XlsError):
        code = XLS_ERRORS[str(value)]
        return _record(0x0205, struct.pack("<HHHBB", row, col, 15, code, 1))
    if isinstance(value, str):
        text = value.encode("utf-16-le")
        return _record(0x0204, struct.pack("<HHHHB", row, col, 15, len(value), 1) + text)
    return _record(0x0203, struct.pack("<HHHd", row, col, 15, float(value)))  # type: ignore[arg-type]


def _biff(cells: Sequence[tuple[int, int, object]], name: str) -> bytes:
    bof = struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06)
    xf = struct.pack("<HHHHHHIH", 0, 0, 0xFFF5, 0x20, 0, 0, 0, 0x20C0)
    head = _record(0x0809, bof) + _record(0x0042, struct.pack("<H", 1200))
    head += b"".join(_record(0x00E0, xf) for _ in range(16))
    sheet_name = struct.pack("<BB", len(name), 1) + name.encode("utf-16-le")
    eof = _record(0x000A)
    position = len(head) + len(_record(0x0085, b"\0" * 6 + sheet_name)) + len(eof)
    book = head + _record(0x0085, struct.pack("<IBB", position, 0, 0) + sheet_name) + eof
    rows = max(r for r, _, _ in cells) + 1
    cols = max(c for _, c, _ in cells) + 1
    sheet = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0x06))
    sheet += _record(0x0200, struct.pack("<IIHHH", 0, rows, 0, cols, 0))
    sheet += b"".join(_xls_cell(r, c, v) for r, c, v in cells) + eof
    return book + sheet


def _cfb(stream: bytes) -> bytes:
    """A compound file holding one stream `Workbook` (at least 4096 bytes: no mini stream)."""
    size = 512
    stream = stream.ljust(4096, b"\0")
    sectors = -(-len(stream) // size)
    fats = 1
    while fats * 128 < fats + 1 + sectors:
        fats += 1
    if fats > 109:
        raise ValueError("too large for this small writer")
    first = fats + 1
    fat = [0xFFFFFFFD] * fats + [0xFFFFFFFE]
    fat += [first + i + 1 if i < sectors - 1 else 0xFFFFFFFE for i in range(sectors)]
    fat += [0xFFFFFFFF] * (fats * 128 - len(fat))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<9I", 0, fats, fats, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    header += struct.pack("<109I", *range(fats), *[0xFFFFFFFF] * (109 - fats))

    def entry(name: str, kind: int, child: int, start: int, length: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\0\0" if name else b""
        out = encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
        out += struct.pack("<III", 0xFFFFFFFF, 0xFFFFFFFF, child) + b"\0" * 36
        return out + struct.pack("<IQ", start, length)

    directory = entry("Root Entry", 5, 1, 0xFFFFFFFE, 0) + entry(
        "Workbook", 2, 0xFFFFFFFF, first, len(stream)
    )
    directory += entry("", 0, 0xFFFFFFFF, 0, 0) * 2
    return (
        header
        + struct.pack(f"<{len(fat)}I", *fat)
        + directory
        + stream.ljust(sectors * size, b"\0")
    )


def xls(path: Path, cells: Sequence[tuple[int, int, object]], name: str = "企业") -> Path:
    """An Excel 97–2003 file of (row, column, value) cells, 0-based (text or numbers)."""
    path.write_bytes(_cfb(_biff(cells, name)))
    return path


def xls_far_cell(path: Path, data: Sequence[Sequence[object]]) -> Path:
    """HEADER and rows, then one cell at the format's last place (row 65536, column IV)."""
    cells = [(0, c, v) for c, v in enumerate(HEADER)]
    cells += [(r, c, v) for r, row in enumerate(data, 1) for c, v in enumerate(row)]
    return xls(path, [*cells, (65535, 255, "x")])
