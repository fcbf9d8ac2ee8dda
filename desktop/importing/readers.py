"""Read town spreadsheets: xlsx/xlsm/xls through python-calamine, ods and sparse xlsx sheets by
their present cells (desktop.importing.ods / xlsx), CSV with encoding detection.

The format is decided by content (magic bytes), never by the file name's ending. Every reader strips
control characters from text (each cell that had any is listed for a warning) and never allocates by
a sheet's declared or spanned dimension.
"""

from __future__ import annotations

import csv
import io
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from desktop.importing.cells import MAX_CELLS, MAX_SPARSE_CELLS, Cleaned, clean_rows, densify

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
MAX_ROWS = 1_000_000
CSV_DELIMITERS = (",", "\t", ";")
CSV_MAX_FIELD = 1 << 20  # characters of one CSV cell; Python's csv module stops at 131,072
# The app's CSV export puts ' before text starting with these (spec/cli.md); import removes it.
CSV_NEUTRALISED = ("=", "+", "-", "@", "\t", "\r")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"BM", "BMP 图片"),
    (b"%PDF", "PDF 文档"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf", "7z 压缩包"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"{\\rtf", "RTF 文档"),
    (b"MZ", "可执行程序"),
)

Cell = object
Merge = tuple[tuple[int, int], tuple[int, int]]


class UnreadableFile(Exception):
    """A file that cannot be imported; the message names the file and says why, for the clerk."""


@dataclass
class SheetData:
    """One sheet as rows of cell values, with its merged ranges (0-based, inclusive).

    Rows need not be of one width (a row is padded to the header's width when it is read); a
    row that holds nothing may be an empty list. Positions below are 0-based (row, column).
    """

    name: str
    rows: list[list[Cell]]
    merges: list[Merge] = field(default_factory=list)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # cached #DIV/0! …
    cleaned: list[Cleaned] = field(default_factory=list)  # text stripped of control characters
    outside: dict[int, int] = field(default_factory=dict)  # row → first column too far right


@dataclass
class WorkbookData:
    """What was read from one file."""

    path: Path
    format: str
    sheets: list[SheetData]


def _refuse(path: Path, why: str) -> UnreadableFile:
    return UnreadableFile(f"无法导入“{path.name}”：{why}")


def _zip_format(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise _refuse(path, "文件已损坏或不完整（压缩包无法打开），请重新保存后再试") from exc
    if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
        raise _refuse(path, "文件解压后超过 1 GB，可能是恶意构造的压缩包，已拒绝")
    if b"opendocument.spreadsheet" in mimetype:
        return "ods"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("word/") for n in names):
        raise _refuse(path, "这是 Word 文档（.docx），不是表格，请另存为 Excel 表格后导入")
    if any(n.startswith("ppt/") for n in names):
        raise _refuse(path, "这是 PowerPoint 演示文稿，不是表格")
    if b"opendocument" in mimetype:
        raise _refuse(path, "这是 OpenDocument 文字或演示文档，不是表格")
    raise _refuse(path, "这是 ZIP 压缩包，不是表格，请解压后导入其中的表格文件")


def detect_format(path: Path) -> str:
    """xlsx / ods / xls / csv by content; raise UnreadableFile naming what the file is otherwise."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise _refuse(path, f"文件无法打开（{exc.strerror or exc}）") from exc
    if size == 0:
        raise _refuse(path, "文件是空的")
    if size > MAX_FILE_BYTES:
        raise _refuse(path, "文件超过 200 MB，请拆分后分批导入")
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(path)
    if head.startswith(_OLE):
        return "xls"
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            raise _refuse(path, f"这是{what}，不是表格")
    return "csv"


# ---------------------------------------------------------------- workbooks


def _read_calamine(path: Path, fmt: str, only: str | None) -> list[SheetData]:
    if fmt == "xlsx":
        return _read_xlsx(path, only)
    if fmt == "ods":
        return _read_ods(path, only)
    errors: dict[str, dict[tuple[int, int], str]] = {}
    if fmt == "xls":
        sparse = _sparse_xls(path, only)  # a far stray cell: read by the cells, never densely
        if sparse is not None:
            return sparse
        from desktop.importing.xls import cached_errors

        errors = cached_errors(path)  # calamine reads a cached #DIV/0! as blank
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several error types for broken files
        raise _refuse(path, f"文件已损坏或格式不正确，无法读取（{exc}）") from exc
    sheets: list[SheetData] = []
    for name in workbook.sheet_names:
        if only is not None and name != only:
            continue
        sheet = _read_sheet(path, workbook, name)
        sheet.errors = errors.get(name, {})
        sheets.append(sheet)
    return sheets


def _sparse_xls(path: Path, only: str | None) -> list[SheetData] | None:
    """Every sheet of an .xls read from its records when one sheet's extent is far beyond its
    cells (calamine builds every sheet densely as soon as it opens the file); else None."""
    import struct

    from desktop.importing import xls

    try:
        stream = xls.workbook_stream(path)
        if stream is None:
            return None
        scans = [(name, offset, xls.scan(stream, offset)) for name, offset in xls.sheets(stream)]
    except (OSError, ValueError, IndexError, struct.error):
        return None
    for name, _offset, extent in scans:
        if extent.cells > MAX_CELLS:
            raise _too_many_cells(path, name)
    if all(extent.fits_calamine() for _n, _o, extent in scans):
        return None
    out: list[SheetData] = []
    for name, offset, _extent in scans:
        if only is not None and name != only:
            continue
        try:
            read = xls.read_sparse(stream, offset, MAX_SPARSE_CELLS)
        except OverflowError as exc:
            raise _too_many_cells(path, name, MAX_SPARSE_CELLS) from exc
        except (ValueError, IndexError, struct.error) as exc:
            raise _refuse(path, f"工作表“{name}”无法读取（{exc}）") from exc
        if read.height > MAX_ROWS:
            raise _refuse(path, f"工作表“{name}”超过 100 万行，请拆分后分批导入")
        rows, outside = densify(read.rows, read.height)
        out.append(SheetData(name, rows, read.merges, read.errors, clean_rows(rows), outside.first))
    return out


def _read_sheet(path: Path, workbook: object, name: str) -> SheetData:
    return _sheet_data(path, name, _calamine_sheet(path, workbook, name))


_Raw = tuple[list[Any], list[Any]] | BaseException  # a sheet's rows and merges, or its failure


def _calamine_sheet(path: Path, workbook: object, name: str) -> _Raw:
    """The rows and merges calamine gives for one sheet, or why it could not read it."""
    try:
        sheet = workbook.get_sheet_by_name(name)  # type: ignore[attr-defined]
        if sheet.height > MAX_ROWS:
            return _refuse(path, f"工作表“{name}”超过 100 万行，请拆分后分批导入")
        rows = sheet.to_python(skip_empty_area=False)
        merges = list(getattr(sheet, "merged_cell_ranges", None) or [])
    except Exception as exc:
        return exc
    return rows, merges


def _sheet_data(path: Path, name: str, raw: _Raw) -> SheetData:
    if isinstance(raw, UnreadableFile):
        raise raw
    if isinstance(raw, BaseException):
        raise _refuse(path, f"工作表“{name}”无法读取（{raw}）") from raw
    rows, merges = raw
    grid = rows if all(r.__class__ is list for r in rows) else [list(r) for r in rows]
    return SheetData(name, grid, [_merge(m) for m in merges], cleaned=clean_rows(grid))


def _too_many_cells(path: Path, name: str, limit: int = MAX_CELLS) -> UnreadableFile:
    return _refuse(path, f"工作表“{name}”的单元格超过 {limit:,} 个，请拆分后分批导入")


def _read_xlsx(path: Path, only: str | None) -> list[SheetData]:
    """Each sheet scanned first; calamine reads it when its range is dense, else its cells."""
    return _start_xlsx(path, only)()


def _start_xlsx(path: Path, only: str | None) -> Callable[[], list[SheetData]]:
    """_read_xlsx begun: the scans and sparse reads done, calamine's reads of the dense sheets
    under way in a thread (they release the interpreter); the function returned finishes."""
    from desktop.importing import xlsx

    try:
        with zipfile.ZipFile(path) as archive:
            entries, date1904 = xlsx.workbook_sheets(archive)
            scans = {
                e.name: xlsx.scan_sheet(archive, e.part)
                for e in entries
                if (only is None or e.name == only) and e.part.endswith(".xml")
            }
            values = None
            sparse: dict[str, SheetData] = {}
            for name, scan in scans.items():
                if scan.cells > MAX_CELLS:
                    raise _too_many_cells(path, name)
                if not scan.fits_calamine():
                    part = next(e.part for e in entries if e.name == name)
                    values = values or xlsx.sparse_values(archive, date1904)
                    sparse[name] = _sparse_sheet(path, name, archive, part, values)
    except UnreadableFile:
        raise
    except (KeyError, ValueError, ParseError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _refuse(path, "文件已损坏或格式不正确，无法读取") from exc
    if len(sparse) == len(scans) and scans:
        done = [sparse[e.name] for e in entries if e.name in sparse]
        return lambda: done
    reading = _Calamine(path, only, set(sparse))
    reading.start()

    def finish() -> list[SheetData]:
        reading.join()
        if reading.crashed is not None:
            raise reading.crashed
        if isinstance(reading.opened, BaseException):
            exc = reading.opened
            raise _refuse(path, f"文件已损坏或格式不正确，无法读取（{exc}）") from exc
        sheets: list[SheetData] = []
        for name, raw in reading.sheets:
            if name in sparse:
                sheets.append(sparse[name])
                continue
            assert raw is not None  # read by calamine: every sheet but the sparse ones
            sheet = _sheet_data(path, name, raw)
            found = scans.get(name)
            if found is not None:
                sheet.errors = found.errors
            sheets.append(sheet)
        return sheets

    return finish


class _Calamine(threading.Thread):
    """calamine's read of a workbook's dense sheets, in workbook order, up to the first that
    fails (as the loop reading them one by one would stop there)."""

    def __init__(self, path: Path, only: str | None, skip: set[str]) -> None:
        super().__init__(name="calamine")
        self.path, self.only, self.skip = path, only, skip
        self.opened: BaseException | None = None
        self.sheets: list[tuple[str, _Raw | None]] = []
        self.crashed: BaseException | None = None

    def run(self) -> None:
        try:
            self._read()
        except BaseException as exc:
            self.crashed = exc

    def _read(self) -> None:
        from python_calamine import CalamineWorkbook

        try:
            workbook = CalamineWorkbook.from_path(str(self.path))
        except Exception as exc:
            self.opened = exc
            return
        for name in workbook.sheet_names:
            if self.only is not None and name != self.only:
                continue
            if name in self.skip:
                self.sheets.append((name, None))
                continue
            raw = _calamine_sheet(self.path, workbook, name)
            self.sheets.append((name, raw))
            if isinstance(raw, BaseException):
                return


def _sparse_sheet(
    path: Path, name: str, archive: zipfile.ZipFile, part: str, values: Any
) -> SheetData:
    from desktop.importing import xlsx

    try:
        sparse = xlsx.read_sparse(archive, part, values, MAX_SPARSE_CELLS)
    except OverflowError as exc:
        raise _too_many_cells(path, name, MAX_SPARSE_CELLS) from exc
    if len(sparse.rows) > MAX_ROWS:
        raise _refuse(path, f"工作表“{name}”超过 100 万行，请拆分后分批导入")
    rows, outside = densify(sparse.rows, sparse.height)
    return SheetData(name, rows, sparse.merges, sparse.errors, clean_rows(rows), outside.first)


def _read_ods(path: Path, only: str | None) -> list[SheetData]:
    from desktop.importing.ods import TooManyCells, read_ods

    try:
        tables = read_ods(path, only, MAX_SPARSE_CELLS)
    except TooManyCells as exc:
        raise _too_many_cells(path, str(exc), MAX_SPARSE_CELLS) from exc
    except (KeyError, ValueError, ParseError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _refuse(path, "文件已损坏或格式不正确，无法读取") from exc
    sheets: list[SheetData] = []
    for table in tables:
        if len(table.rows) > MAX_ROWS:
            raise _refuse(path, f"工作表“{table.name}”超过 100 万行，请拆分后分批导入")
        rows, outside = densify(table.rows, table.height)
        cleaned = clean_rows(rows)
        sheets.append(
            SheetData(table.name, rows, table.merges, table.errors, cleaned, outside.first)
        )
    return sheets


def _merge(raw: object) -> Merge:
    pair: Any = raw
    return (int(pair[0][0]), int(pair[0][1])), (int(pair[1][0]), int(pair[1][1]))


# ---------------------------------------------------------------- CSV


def decode_text(data: bytes) -> str:
    """Decode CSV bytes: a UTF-16 BOM means UTF-16; else UTF-8 with BOM, strict UTF-8, GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="strict")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="strict")


def _looks_binary(text: str) -> bool:
    """Mostly control or private-use characters: not text (a stray NUL is stripped instead)."""
    sample = text[:20000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    odd = sum(1 for ch in sample if "\ue000" <= ch <= "\uf8ff" or ch == "\ufffd")
    return (controls + odd) > max(2, len(sample) // 200)


@contextmanager
def _field_limit() -> Iterator[None]:
    """Let the csv module read cells up to CSV_MAX_FIELD characters, then restore its limit."""
    previous = csv.field_size_limit()
    csv.field_size_limit(CSV_MAX_FIELD)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def sniff_delimiter(text: str) -> str:
    """Comma, tab or semicolon: the one that splits the first lines most consistently."""
    lines = [line for line in text[:1_000_000].splitlines()[:50] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in CSV_DELIMITERS:
        try:
            with _field_limit():
                widths = [len(r) for r in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        wide = [w for w in widths if w > 1]
        if not wide:
            continue
        common = max(set(wide), key=wide.count)
        score = (wide.count(common), common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(path: Path) -> list[SheetData]:
    data = path.read_bytes()
    try:
        text = decode_text(data)
    except UnicodeDecodeError as exc:
        raise _refuse(path, "文字编码无法识别（不是 UTF-8 或 GBK/GB18030 文本）") from exc
    del data
    if _looks_binary(text):
        raise _refuse(path, "文件内容不是表格或文本，无法识别")
    delimiter = sniff_delimiter(text)
    rows = _csv_rows(path, text, delimiter)
    if len(rows) > MAX_ROWS:
        raise _refuse(path, "文件超过 100 万行，请拆分后分批导入")
    if "'" in text:
        _unquote(rows)
    return [SheetData(path.stem, rows, cleaned=clean_rows(rows))]


def _csv_rows(path: Path, text: str, delimiter: str) -> list[list[Cell]]:
    """The records of a CSV text; a cell too long to be real names its row (exit 2, no trace)."""
    rows: list[list[Cell]] = []
    try:
        with _field_limit():
            for record in csv.reader(io.StringIO(text), delimiter=delimiter):
                rows.append(list(record))
                if len(rows) > MAX_ROWS:
                    break
    except csv.Error as exc:
        row = len(rows) + 1
        if "field larger than field limit" in str(exc):
            why = f"第{row}行有一个单元格超过 {CSV_MAX_FIELD:,} 个字符（可能是引号没有配对），无法读取"
        else:
            why = f"第{row}行无法按 CSV 格式读取（{exc}）"
        raise _refuse(path, why) from exc
    return rows


def _unquote(rows: list[list[Cell]]) -> None:
    """Remove the ' the app's CSV export puts before text starting with = + - @, tab or CR."""
    for row in rows:
        for c, value in enumerate(row):
            if (
                value.__class__ is str
                and value[:1] == "'"
                and value[1:2] in CSV_NEUTRALISED
                and len(value) > 1
            ):
                row[c] = value[1:]


def read_workbook(path: Path, sheet: str | None = None) -> WorkbookData:
    """Read every sheet (or the one named) of a file; UnreadableFile with a clear message."""
    return start_reading(path, sheet)()


def start_reading(path: Path, sheet: str | None = None) -> Callable[[], WorkbookData]:
    """read_workbook begun: calamine's parse of an xlsx file's dense sheets goes on in a thread
    (it releases the interpreter) while the caller does other work; the function returned waits
    for it and gives what read_workbook gives, or raises what it would raise."""
    fmt = detect_format(path)
    if fmt == "csv":
        book = WorkbookData(path, fmt, _read_csv(path))
        return lambda: book
    if fmt != "xlsx":
        book = WorkbookData(path, fmt, _found(path, sheet, _read_calamine(path, fmt, sheet)))
        return lambda: book
    finish = _start_xlsx(path, sheet)
    return lambda: WorkbookData(path, fmt, _found(path, sheet, finish()))


def _found(path: Path, sheet: str | None, sheets: list[SheetData]) -> list[SheetData]:
    if sheet is not None and not sheets:
        raise _refuse(path, f"找不到名为“{sheet}”的工作表")
    return sheets


def has_data(sheet: SheetData) -> bool:
    """Whether a sheet holds at least one non-blank cell."""
    return any(str(c).strip() for row in sheet.rows for c in row if c is not None)
