"""What the readers noticed about a sheet's cells, as the clerk reads it (import.md).

Control characters stripped and values right of the header are warnings naming the cell; a cached
formula error (`#DIV/0!`, `#N/A` …) in a column the import uses is an error of its row.
"""

from __future__ import annotations

from desktop.importing.cells import column_letter
from desktop.importing.header import Header
from desktop.importing.readers import SheetData
from desktop.importing.rows import Problem, shown

MAX_NOTES = 100  # warnings of one kind listed one by one; the rest are counted in one more
_SHOWN = 50


def _clip(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def _column(header: Header, col: int) -> str:
    label = header.labels[col] if col < len(header.labels) else ""
    return label or f"第{column_letter(col)}列"


def _capped(problems: list[Problem], what: str) -> list[Problem]:
    if len(problems) <= MAX_NOTES:
        return problems
    rest = problems[MAX_NOTES:]
    summary = Problem(rest[0].row, "", "", f"另有{len(rest)}处{what}，未逐一列出")
    return [*problems[:MAX_NOTES], summary]


def sheet_warnings(sheet: SheetData, header: Header) -> list[Problem]:
    """Cells cleaned of control characters and values right of the header, from the header on."""
    cleaned = [
        Problem(c.row + 1, _column(header, c.col), _clip(c.value), "含有控制字符（如 NUL），已删除")
        for c in sheet.cleaned
        if c.row >= header.row
    ]
    outside = []
    for r, col in sorted(header.outside.items()):
        if r < header.row:
            continue
        row = sheet.rows[r] if r < len(sheet.rows) else []
        value = _clip(shown(row[col])) if col < len(row) else ""
        letter = column_letter(col)
        message = f"第{letter}列不在表头范围内（表头共{header.width}列），该单元格未导入"
        outside.append(Problem(r + 1, f"第{letter}列", value, message))
    return [*_capped(cleaned, "控制字符已删除"), *_capped(outside, "表头范围以外的内容未导入")]


def cell_errors(sheet: SheetData, header: Header) -> dict[int, list[Problem]]:
    """Row (1-based) → an error per cached formula error in a column the import uses."""
    used = set(header.fields.values())
    out: dict[int, list[Problem]] = {}
    for (r, col), value in sorted(sheet.errors.items()):
        if r < header.data_start or col not in used:
            continue
        message = f"公式的计算结果是错误值 {value}，请在表格中改正后重新导入"
        out.setdefault(r + 1, []).append(Problem(r + 1, _column(header, col), value, message))
    return out
