"""Workbooks the importer writes: the error workbook for the town and blank templates (openpyxl).

Cells are written through desktop.exporting.cells (a town's `=HYPERLINK(…)` stays text; town names
in the validation lists are plain cells of the hidden 选项 sheet, referenced by range, never inlined
into a formula) and files through desktop.exporting.files: whole or not at all, and an output path
that is a folder, or lies in a missing or read-only folder, raises OutputError naming it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from desktop.exporting.cells import put
from desktop.exporting.files import check_target, save_workbook
from desktop.importing.engine import ImportPlan, RejectedRow, rejected_rows
from desktop.importing.header import cell_text
from desktop.importing.readers import Cell
from desktop.importing.schemas import CODE_PARSERS, Schema

ERROR_COLUMN = "错误说明"
TEMPLATE_ROWS = 1000
_BOLD = Font(bold=True)
_REQUIRED = PatternFill("solid", fgColor="FFF2CC")


def _code_columns(kind: str, labels: Sequence[str]) -> set[int]:
    from desktop.importing.header import match_labels
    from desktop.importing.schemas import schema_for

    schema = schema_for(kind)
    codes: set[int] = set()
    for index, label in enumerate(labels):
        fields, _ = match_labels(schema, [label])
        if any(schema.column(f).parser in CODE_PARSERS for f in fields):
            codes.add(index)
    return codes


def _write_cell(sheet: Worksheet, row: int, col: int, value: Cell, as_text: bool) -> None:
    if as_text:
        text = cell_text(value) if not isinstance(value, str) else value.strip()
        put(sheet, row, col, text).number_format = "@"
    elif isinstance(value, (date, datetime)):
        put(sheet, row, col, value).number_format = "yyyy-mm-dd"
    else:
        put(sheet, row, col, None if value == "" else value)


def write_error_workbook(plan: ImportPlan, out: Path) -> int:
    """Rejected rows with their cells in the town's column order plus 错误说明; returns the count.

    One sheet per imported sheet that has rejected rows (named after it when there are several),
    so the town fixes each sheet and sends the workbook back."""
    check_target(out)
    book = Workbook()
    rows = list(rejected_rows(plan))
    sheets = [s for s in plan.sheets if any(r.sheet == s.name for r in rows)] or plan.sheets[:1]
    for index, source in enumerate(sheets):
        if index == 0:
            sheet = book.active
            assert sheet is not None
        else:
            sheet = book.create_sheet()
        sheet.title = source.name[:31] if plan.several else "错误行"
        own = [r for r in rows if r.sheet == source.name or not plan.several]
        _error_sheet(sheet, source.kind, source.labels, own)
    save_workbook(book, out)
    return len(rows)


def _error_sheet(
    sheet: Worksheet, kind: str, header: Sequence[str], rows: Sequence[RejectedRow]
) -> None:
    labels = [*header, ERROR_COLUMN]
    for col, label in enumerate(labels, start=1):
        put(sheet, 1, col, label).font = _BOLD
    codes = _code_columns(kind, header)
    for r, rejected in enumerate(rows, start=2):
        for c, value in enumerate(rejected.cells[: len(header)], start=1):
            _write_cell(sheet, r, c, value, (c - 1) in codes)
        text = "；".join(f"第{p.row}行 {p.column}：{p.message}" for p in rejected.problems)
        put(sheet, r, len(labels), text)
    for col in range(1, len(labels) + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 22


def _instructions(schema: Schema, towns: Sequence[str]) -> list[str]:
    lines = [
        f"{schema.title}导入模板 填表说明",
        "1. 请在“数据”工作表第1行表头下逐行填写，不要修改、删除或调换表头。",
        "2. 带底色的列为必填列："
        + "、".join(c.header for c in schema.columns if c.required)
        + "。",
        "3. 日期写作 2025-05-01、2025/5/1 或 2025年5月1日。",
        "4. 金额单位为万元；数字可带千位分隔符。",
        "5. 代码列（统一社会信用代码、证书编号、身份证号码、电话等）已设为文本格式，请勿改为数字格式。",
        "6. 是/否 列请从下拉列表选择“是”或“否”。",
    ]
    if towns:
        lines.append("7. 所属镇街请从下拉列表选择：" + "、".join(towns) + "。")
    return lines


def write_template(schema: Schema, towns: Sequence[str], out: Path) -> None:
    """A blank template: canonical headers, validations, text-formatted codes, 填表说明 sheet."""
    check_target(out)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "数据"
    lists = book.create_sheet("选项")
    for col, column in enumerate(schema.columns, start=1):
        cell = put(sheet, 1, col, column.header)
        cell.font = _BOLD
        if column.required:
            cell.fill = _REQUIRED
        letter = get_column_letter(col)
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
        choices = list(towns) if column.field == "town" else list(column.choices)
        if column.parser in CODE_PARSERS or choices:
            # Text format: a code keeps its digits, a picked choice is never read as a formula.
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=col).number_format = "@"
        if choices:
            _add_choices(sheet, lists, col, choices)
    sheet.freeze_panes = "A2"
    lists.sheet_state = "hidden"
    notes = book.create_sheet("填表说明")
    for row, line in enumerate(_instructions(schema, towns), start=1):
        put(notes, row, 1, line).alignment = Alignment(wrap_text=True)
    notes.column_dimensions["A"].width = 100
    save_workbook(book, out)


def _add_choices(sheet: Worksheet, lists: Worksheet, col: int, choices: list[str]) -> None:
    for row, choice in enumerate(choices, start=1):
        put(lists, row, col, choice)
    letter = get_column_letter(col)
    source = f"=选项!${letter}$1:${letter}${len(choices)}"
    validation = DataValidation(type="list", formula1=source, allow_blank=True)
    validation.error = "请从下拉列表中选择"
    validation.showErrorMessage = True
    sheet.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
