"""The workbook of one town in a collection round (征集): pre-filled, keys locked, a hidden marker.

The kind's canonical headers (desktop/importing/schemas.py) filled with the town's records as the
export's row producers give them, the key columns of those rows locked (sheet protection; every
other cell unlocked), the import template's validation lists (desktop/importing/workbooks.py), a
填表说明 sheet and the hidden sheet 征集信息 that desktop.importing.collect.read_marker reads back.
Every cell goes through desktop.exporting.cells.put, the file through
desktop.exporting.files.save_workbook (no formula; whole or not at all).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Protection
from openpyxl.utils import get_column_letter

from desktop.exporting.cells import put
from desktop.exporting.files import check_target, save_workbook
from desktop.importing.collect import MARKER_LABELS, MARKER_NOTE, MARKER_SHEET, RoundMarker
from desktop.importing.schemas import CODE_PARSERS, Schema
from desktop.importing.workbooks import _BOLD, _REQUIRED, TEMPLATE_ROWS, _add_choices

DATA_SHEET = "数据"
NOTES_SHEET = "填表说明"
LISTS_SHEET = "选项"
EXTRA_ROWS = 300  # validation lists reach this far below the records


@dataclass(frozen=True)
class TownSheet:
    """What one town's workbook holds."""

    schema: Schema
    marker: RoundMarker
    rows: list[list[Any]]  # values in the schema's column order, as the export writes them
    towns: Sequence[str]  # the validation list of 所属镇街
    locked: tuple[str, ...]


def _instructions(sheet: TownSheet) -> list[str]:
    schema, marker = sheet.schema, sheet.marker
    locked = "、".join(schema.column(f).header for f in sheet.locked)
    required = "、".join(c.header for c in schema.columns if c.required)
    return [
        f"{marker.town} {marker.year}年度“{schema.title}”征集表 填表说明（征集第{marker.round_id}轮）",
        f"1. “{DATA_SHEET}”工作表已填入库中{marker.town}的现有记录，共{len(sheet.rows)}行。"
        "请逐行核对，有变化的直接改写；新增的记录请填在已有记录下方的空行中。",
        f"2. 已有记录的“{locked}”列已锁定，不能修改：导入时靠它与库中记录对应。"
        "若该列本身有误，请另行告知区科技局。",
        "3. 不要修改、删除或调换第1行表头；删除某一行不会删除库中的记录。",
        f"4. 带底色的列为必填列：{required}。",
        f"5. 日期写作 2025-05-01、2025/5/1 或 2025年5月1日；金额单位为万元；"
        f"表中的年度数据（如营业收入、研发费用）均为{marker.year}年度。",
        "6. 代码列（统一社会信用代码、证书编号、电话等）为文本格式，请勿改为数字格式。",
        "7. 有下拉列表的列请从列表中选择。",
        f"8. 请保持 .xlsx 格式，不要删除或改名任何工作表（隐藏的“{MARKER_SHEET}”工作表用来识别本表），"
        "填好后直接发回区科技局。",
    ]


def _write_data_sheet(book: Any, sheet: TownSheet) -> None:
    """The records, the key cells of each locked; every column below them open for new rows.

    Empty cells take their column's style (unlocked, text for codes and choices), as Excel and
    LibreOffice do for a column formatted as a whole: no cell is written that holds nothing.
    """
    ws = book.active
    ws.title = DATA_SHEET
    lists = book.create_sheet(LISTS_SHEET)
    last = max(TEMPLATE_ROWS + 1, len(sheet.rows) + 1 + EXTRA_ROWS)  # rows with validation lists
    unlocked = Protection(locked=False)
    for col, column in enumerate(sheet.schema.columns, start=1):
        head = put(ws, 1, col, column.header)
        head.font = _BOLD
        if column.required:
            head.fill = _REQUIRED
        letter = get_column_letter(col)
        dimension = ws.column_dimensions[letter]
        dimension.width = max(12, len(column.header) * 2 + 4)
        dimension.protection = unlocked
        choices = list(sheet.towns) if column.field == "town" else list(column.choices)
        text_format = "@" if column.parser in CODE_PARSERS or choices else None
        if text_format:
            dimension.number_format = text_format
        key = column.field in sheet.locked
        for row, values in enumerate(sheet.rows, start=2):
            value = values[col - 1]
            cell = put(ws, row, col, value)
            if text_format:
                cell.number_format = text_format
            elif isinstance(value, (date, datetime)):
                cell.number_format = "yyyy-mm-dd"
            if not key:
                cell.protection = unlocked
        if choices:
            _add_choices(ws, lists, col, choices)
            if last > TEMPLATE_ROWS + 1:
                ws.data_validations.dataValidation[-1].add(
                    f"{letter}{TEMPLATE_ROWS + 2}:{letter}{last}"
                )
    ws.freeze_panes = "A2"
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # the town may widen columns and rows
    ws.protection.formatRows = False
    lists.sheet_state = "hidden"


def _write_marker_sheet(book: Any, marker: RoundMarker) -> None:
    ws = book.create_sheet(MARKER_SHEET)
    rows: list[tuple[str, object]] = [("说明", MARKER_NOTE)]
    rows += [(MARKER_LABELS[k], getattr(marker, k)) for k in MARKER_LABELS]
    for n, (label, value) in enumerate(rows, start=1):
        put(ws, n, 1, label)
        put(ws, n, 2, value)
    ws.protection.sheet = True
    ws.sheet_state = "hidden"


def write_town_workbook(sheet: TownSheet, out: Path) -> int:
    """One town's pre-filled workbook of a round; returns the number of records written."""
    check_target(out)
    book = Workbook()
    _write_data_sheet(book, sheet)
    notes = book.create_sheet(NOTES_SHEET, 1)
    for row, line in enumerate(_instructions(sheet), start=1):
        put(notes, row, 1, line).alignment = Alignment(wrap_text=True)
    notes.column_dimensions["A"].width = 110
    _write_marker_sheet(book, sheet.marker)
    book.active = 0
    save_workbook(book, out)
    return len(sheet.rows)
