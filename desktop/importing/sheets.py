"""Which sheets of a workbook are imported, and which town a sheet gives its rows (import.md).

Every visible sheet whose header matches a known kind is imported, in workbook order, as one
batch; instruction sheets (填表说明), empty sheets, hidden and very hidden sheets and sheets without a
header are skipped, each with its reason. A sheet whose name is a configured town (or alias, or
unique prefix) gives that town to its rows without one; else a town named in the title rows above
the header does.
"""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from db.services.towns import TownMatcher
from desktop.importing.header import Header, cell_text, head_grid
from desktop.importing.mapping import Mappings, find_mapped_header
from desktop.importing.readers import Cell, SheetData, UnreadableFile, WorkbookData, has_data
from desktop.importing.rows import TownChoice

INSTRUCTION_SHEETS = ("填表说明", "说明", "填报说明")
ROUND_SHEET = "征集信息"  # the hidden sheet of a collection round's workbook
GIVEN = "指定"
FROM_ROUND = "征集表"
FROM_SHEET = "工作表名"
FROM_TITLE = "标题行"
_STATES = {"hidden": "隐藏的工作表", "veryHidden": "深度隐藏的工作表"}


@dataclass(frozen=True)
class SkippedSheet:
    """A sheet that was not imported, and why (shown in the preview, listed in JSON)."""

    name: str
    reason: str


@dataclass
class FoundSheet:
    """A sheet to import: its header, its rows and the hand mapping applied to it."""

    sheet: SheetData
    header: Header
    grid: list[list[Cell]]
    mapped: dict[str, str] = field(default_factory=dict)


def sheet_states(path: Path, fmt: str) -> dict[str, str]:
    """Sheet name → visible / hidden / veryHidden (formats without sheets: empty)."""
    if fmt == "csv":
        return {}
    try:
        if fmt == "xlsx":
            from desktop.importing import xlsx

            with zipfile.ZipFile(path) as archive:
                entries, _ = xlsx.workbook_sheets(archive)
            return {e.name: e.state for e in entries}
        if fmt == "ods":
            return _ods_states(path)
        if fmt == "xls":  # from the records: calamine would build every sheet to list them
            from desktop.importing import xls

            stream = xls.workbook_stream(path)
            return xls.sheet_states(stream) if stream is not None else {}
        return {}
    except Exception:  # the readers report a broken file with their own message
        return {}


_ODS_STYLE = re.compile(rb"<style:style\b[^>]*>.*?</style:style>", re.S)
_ODS_TABLE = re.compile(rb"<table:table\s[^>]*>")


def _attr(tag: bytes, name: bytes) -> str | None:
    found = re.search(rb"\b" + re.escape(name) + rb'="([^"]*)"', tag)
    return html.unescape(found.group(1).decode("utf-8", "replace")) if found else None


def _ods_states(path: Path) -> dict[str, str]:
    """Tables whose style says `table:display="false"` are hidden; read from content.xml by
    pattern, in pieces (a table's rows are never parsed here)."""
    hidden: set[str] = set()
    states: dict[str, str] = {}
    tail = b""
    in_body = False
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
        while True:
            block = stream.read(1 << 20)
            data = tail + block
            if not in_body:
                cut = data.find(b"<office:body")
                head = data if cut < 0 else data[:cut]
                for style in _ODS_STYLE.findall(head):
                    if b'table:display="false"' in style and b'style:family="table"' in style:
                        name = _attr(style[: style.find(b">") + 1], b"style:name")
                        if name:
                            hidden.add(name)
                if cut < 0:
                    tail = data[-4096:] if block else b""
                    if not block:
                        break
                    continue
                in_body, data = True, data[cut:]
            end = data.rfind(b"<")
            scan, tail = (data, b"") if not block else (data[:end], data[end:])
            for tag in _ODS_TABLE.findall(scan):
                name = _attr(tag, b"table:name")
                if name is not None:
                    style = _attr(tag, b"table:style-name")
                    states[name] = "hidden" if style in hidden else "visible"
            if not block:
                break
    return states


def select_sheets(
    book: WorkbookData, kind: str | None, mappings: Mappings, chosen: str | None
) -> tuple[list[FoundSheet], list[SkippedSheet]]:
    """The sheets to import and the sheets skipped; UnreadableFile when no sheet has a header."""
    states = sheet_states(book.path, book.format) if chosen is None else {}
    found: list[FoundSheet] = []
    skipped: list[SkippedSheet] = []
    for sheet in book.sheets:
        name = sheet.name.strip()
        state = states.get(sheet.name, "visible")
        if chosen is None and name == ROUND_SHEET:
            continue  # the round's own record, not data
        if chosen is None and state in _STATES:
            skipped.append(SkippedSheet(sheet.name, _STATES[state]))
            continue
        if chosen is None and name in INSTRUCTION_SHEETS:
            skipped.append(SkippedSheet(sheet.name, "填表说明"))
            continue
        if not has_data(sheet):
            skipped.append(SkippedSheet(sheet.name, "空白工作表"))
            continue
        header = find_mapped_header(sheet, kind, mappings)
        if header is None:
            what = f"“{kind}”类型的" if kind else "已知类型的"
            skipped.append(SkippedSheet(sheet.name, f"前30行中找不到{what}表头"))
            continue
        found.append(FoundSheet(sheet, header[0], header[1], header[2]))
    if found:
        return found, skipped
    path = book.path
    if not any(has_data(s) for s in book.sheets):
        raise UnreadableFile(f"无法导入“{path.name}”：文件中没有任何数据")
    what = f"“{kind}”类型的" if kind else "任何已知类型的"
    raise UnreadableFile(
        f"无法导入“{path.name}”：前30行中找不到{what}表头（至少需要企业名称、统一社会信用代码等列名）"
    )


def sheet_town(
    matcher: TownMatcher,
    given: tuple[TownChoice, str] | None,
    found: FoundSheet,
) -> tuple[TownChoice | None, str | None]:
    """The town for the rows of a sheet without their own, and where it came from.

    The file's town (--town, the wizard's choice or a collection workbook's) comes first, then the
    sheet's name, then the title rows.
    """
    if given is not None:
        return given
    by_name = matcher.match(found.sheet.name)
    if by_name is not None:
        return TownChoice(by_name.id, by_name.name), FROM_SHEET
    head = head_grid(found.sheet)
    for row in head[: found.header.row]:
        for value in row:
            town = matcher.find_in(cell_text(value))
            if town is not None:
                return TownChoice(town.id, town.name), FROM_TITLE
    return None, None
