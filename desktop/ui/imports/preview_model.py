"""The preview table: every row of every sheet with its outcome and parsed values, filtered by
outcome and text. Cells are computed when the view asks (a 100,000-row plan shows at once)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop.importing.engine import ImportPlan
from desktop.importing.rows import Problem
from desktop.ui.imports.cells import (
    BLANK,
    Cell,
    FieldColumn,
    RowCells,
    field_columns,
    problem_text,
    problem_tooltip,
    row_number,
    town_source,
    uncovered_keys,
    written_cell,
)
from desktop.ui.imports.sheets import (
    IGNORE,
    PlanSheets,
    column_fields,
    hand_mapping,
    row_of,
    sheet_of,
)

_Index = QModelIndex | QPersistentModelIndex
OUTCOME_ROLE = Qt.ItemDataRole.UserRole
CHANGED_ROLE = Qt.ItemDataRole.UserRole + 1

ALL = "all"
OUTCOMES = ("created", "updated", "unchanged", "rejected", "skipped")
OUTCOME_TITLES = {
    ALL: "全部",
    "created": "新增",
    "updated": "更新",
    "unchanged": "无变化",
    "rejected": "拒绝",
    "skipped": "跳过",
}
OUTCOME_COLOURS = {
    "created": "#1e7b34",
    "updated": "#1f5fa8",
    "unchanged": "#6b6b6b",
    "rejected": "#b3261e",
    "skipped": "#8a6d1f",
}
CHANGED_BACKGROUND = "#fff1c7"
PROBLEM_COLOUR = "#b3261e"
WARNING_COLOUR = "#8a6d1f"
_NUMERIC = frozenset({"money", "int", "number", "year"})
_CACHE_ROWS = 2000
SKIPPED_MARK = "已跳过"  # the end of a repeat's warning (the engine and the other kinds alike)


@dataclass(frozen=True)
class SkippedRow:
    """A row counted as skipped: a repeat (with its warning) or the sheet's footer rows."""

    row: int  # 0: the footer rows of a sheet, counted together
    reason: str
    sheet: str = ""
    problem: Problem | None = None
    rows: int = 1  # how many rows of the sheet this line stands for


@dataclass(frozen=True)
class _SheetColumns:
    index_of: dict[str, int]  # field → column of the file
    has_town: bool


def outcome_of(item: Any) -> str:
    """created / updated / unchanged / rejected / skipped."""
    if isinstance(item, SkippedRow):
        return "skipped"
    outcome = getattr(item, "outcome", None)
    return str(outcome) if outcome is not None else "rejected"


def skipped_rows(plan: ImportPlan, sheets: PlanSheets) -> list[SkippedRow]:
    """Skipped repeats (from the warnings) and, per sheet, its footer rows counted together."""
    repeats = [
        SkippedRow(w.row, w.message, w.sheet, w)
        for w in plan.warnings
        if w.message.endswith(SKIPPED_MARK)
    ]
    out = list(repeats)
    for sheet in sheets.sheets:
        counted = sheet.counts.get("skipped", 0) if sheets.several else plan.skipped
        mine = sum(1 for r in repeats if not sheets.several or r.sheet == sheet.name)
        if counted - mine > 0:
            reason = f"表尾的合计、填表人、说明等非数据行，共 {counted - mine} 行"
            out.append(SkippedRow(0, reason, sheet.name, rows=counted - mine))
    return out


class PreviewModel(QAbstractTableModel):
    """Rows: the plan's items sorted by sheet and row; columns: 工作表, 行号, 结果, values, 问题."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.columns: list[str | FieldColumn] = []
        self._items: list[Any] = []
        self._kinds: list[str] = []
        self._outcomes: list[str] = []
        self._shown: list[int] = []
        self._footers: list[int] = []  # the lines standing for several skipped rows
        self._counts: dict[str, int] = dict.fromkeys((ALL, *OUTCOMES), 0)
        self._sheets: PlanSheets | None = None
        self._sheet_columns: dict[str, _SheetColumns] = {}
        self._warnings: dict[tuple[str, int], list[Problem]] = {}
        self._cells = RowCells(0, {})
        self._cache: dict[int, list[Cell]] = {}
        self._haystacks: list[str] | None = None
        self.outcome = ALL
        self.text = ""

    # ---- filling --------------------------------------------------------------------------

    def show_plan(self, plan: ImportPlan, sheets: PlanSheets, overrides: Mapping[str, str]) -> None:
        """Show every row of a plan; `overrides`: the clerk's column choices (header → field)."""
        self.beginResetModel()
        self._sheets = sheets
        self._cells = RowCells(plan.year, sheets.town_names)
        self._sheet_columns = {s.name: self._columns_of(s, overrides) for s in sheets.sheets}
        accepted: list[Any] = [p for g in plan.groups for p in g.items]
        kinds = [g.kind for g in plan.groups for _p in g.items]
        skipped = skipped_rows(plan, sheets)
        items = [*accepted, *plan.rejected, *skipped]
        kinds += [sheets.sheet(r.sheet).kind for r in plan.rejected]
        kinds += [sheets.sheet(r.sheet).kind for r in skipped]
        outcomes = [p.outcome for p in accepted]
        outcomes += ["rejected"] * len(plan.rejected) + ["skipped"] * len(skipped)
        order = sorted(range(len(items)), key=self._sort_keys(sheets, accepted, plan, skipped))
        self._items = [items[i] for i in order]
        self._kinds = [kinds[i] for i in order]
        self._outcomes = [outcomes[i] for i in order]
        self._footers = [i for i, it in enumerate(self._items) if isinstance(it, SkippedRow)]
        self._warnings = {}
        for w in plan.warnings:
            if w.row and not w.message.endswith(SKIPPED_MARK):
                self._warnings.setdefault((w.sheet, w.row), []).append(w)
        self.columns = self._column_list(plan, sheets)
        self._counts = {k: self._outcomes.count(k) for k in OUTCOMES}
        self._counts["skipped"] = sum(s.rows for s in skipped)
        self._counts[ALL] = sum(self._counts.values())
        self._cache = {}
        self._haystacks = None
        self._shown = self._filtered()
        self.endResetModel()

    @staticmethod
    def _sort_keys(
        sheets: PlanSheets, accepted: Sequence[Any], plan: ImportPlan, skipped: Sequence[SkippedRow]
    ) -> Any:
        """Sheet by sheet, row by row; a sheet's footer line last (built in bulk: no per-item call)."""
        last = 1 << 30
        keys = [p.incoming.row for p in accepted] + [r.row for r in plan.rejected]
        keys += [s.row or last for s in skipped]
        if sheets.several:
            order = {s.name: i * (last << 1) for i, s in enumerate(sheets.sheets)}
            names = [p.incoming.sheet for p in accepted] + [r.sheet for r in plan.rejected]
            names += [s.sheet for s in skipped]
            keys = [order.get(n, 0) + k for n, k in zip(names, keys, strict=True)]
        return keys.__getitem__

    def _columns_of(self, sheet: Any, overrides: Mapping[str, str]) -> _SheetColumns:
        fields = column_fields(sheet.kind, sheet.labels, hand_mapping(sheet, overrides))
        index_of = {f: i for i, f in enumerate(fields) if f != IGNORE}
        return _SheetColumns(index_of, "town" in index_of)

    def _column_list(self, plan: ImportPlan, sheets: PlanSheets) -> list[str | FieldColumn]:
        used: dict[str, list[str]] = {}
        for sheet in sheets.sheets:
            used.setdefault(sheet.kind, []).extend(self._sheet_columns[sheet.name].index_of)
        extra = {g.kind: uncovered_keys(g.kind, g.items) for g in plan.groups}
        values = field_columns(used, extra)
        head: list[str | FieldColumn] = ["sheet"] if sheets.several else []
        tail: list[str | FieldColumn] = []
        cells = self._cells
        updated = [
            (p, k)
            for p, k, o in zip(self._items, self._kinds, self._outcomes, strict=True)
            if o == "updated"
        ]
        if any(cells.other_changes(p, k, values, cells.changes(p)) for p, k in updated):
            tail.append("other")
        tail.append("problems")
        return [*head, "row", "outcome", *values, *tail]

    # ---- filtering ------------------------------------------------------------------------

    def set_filter(self, outcome: str | None = None, text: str | None = None) -> None:
        """Show the rows of one outcome (ALL: every row) that contain the text."""
        self.beginResetModel()
        if outcome is not None:
            self.outcome = outcome
        if text is not None:
            self.text = text.strip().lower()
        self._shown = self._filtered()
        self.endResetModel()

    def _filtered(self) -> list[int]:
        wanted = self.outcome
        if wanted == ALL:
            rows = list(range(len(self._outcomes)))
        else:
            rows = [i for i, o in enumerate(self._outcomes) if o == wanted]
        if not self.text:
            return rows
        haystacks = self._haystack_list()
        return [i for i in rows if self.text in haystacks[i]]

    def _haystack_list(self) -> list[str]:
        if self._haystacks is None:
            text = self._cells.haystack
            self._haystacks = [
                f"{OUTCOME_TITLES[o]} {text(it)}".lower()
                for it, o in zip(self._items, self._outcomes, strict=True)
            ]
        return self._haystacks

    def count(self, outcome: str) -> int:
        """How many sheet rows of an outcome the plan has (ALL: every row), whatever the filter."""
        return self._counts.get(outcome, 0)

    def shown_rows(self) -> int:
        """How many sheet rows the filtered lines stand for (a footer line counts its rows)."""
        shown = set(self._shown) if self._footers else set()
        extra: int = sum(self._items[i].rows - 1 for i in self._footers if i in shown)
        return len(self._shown) + extra

    def item_at(self, row: int) -> Any:
        """The plan item shown on a row."""
        return self._items[self._shown[row]]

    def column_of(self, title: str) -> int:
        """The column with this title (-1 when the preview has none)."""
        for col in range(len(self.columns)):
            if self.headerData(col, Qt.Orientation.Horizontal) == title:
                return col
        return -1

    def cell(self, row: int, col: int) -> Cell:
        """The cell shown at a row and column."""
        return self._row(self._shown[row])[col]

    # ---- cells ----------------------------------------------------------------------------

    def _row(self, i: int) -> list[Cell]:
        found = self._cache.get(i)
        if found is None:
            if len(self._cache) > _CACHE_ROWS:
                self._cache.clear()
            found = self._cache[i] = self._compute(i)
        return found

    def _compute(self, i: int) -> list[Cell]:
        item, kind, outcome = self._items[i], self._kinds[i], self._outcomes[i]
        sheet = self._sheet(item)
        if outcome == "rejected":
            return [self._rejected_cell(item, kind, c, sheet) for c in self.columns]
        if outcome == "skipped":
            return [self._skipped_cell(item, kind, c, sheet) for c in self.columns]
        changes = self._cells.changes(item)
        town = self._town_source(item, kind, sheet)
        return [self._accepted_cell(item, kind, c, changes, town) for c in self.columns]

    def _sheet(self, item: Any) -> Any:
        assert self._sheets is not None
        return self._sheets.sheet(sheet_of(item))

    def _common(self, item: Any, column: str | FieldColumn, sheet: Any) -> Cell | None:
        if column == "sheet":
            return Cell(sheet.name)
        if column == "row":
            return Cell(row_number(item))
        if column == "outcome":
            return Cell(OUTCOME_TITLES[outcome_of(item)])
        return None

    def _accepted_cell(
        self, item: Any, kind: str, column: str | FieldColumn, changes: Any, town: str
    ) -> Cell:
        sheet = self._sheet(item)
        common = self._common(item, column, sheet)
        if common is not None:
            return common
        if isinstance(column, FieldColumn):
            return self._cells.cell(item, kind, column, changes, town)
        if column == "other":
            return Cell(self._cells.other_changes(item, kind, self._value_columns(), changes))
        warnings = self._warnings.get((sheet_of(item), row_of(item)), [])
        return Cell(("提示：" + problem_text(warnings)) if warnings else "")

    def _written_index(self, kind: str, column: FieldColumn, sheet: Any) -> int | None:
        if kind not in column.kinds:
            return None
        return self._sheet_columns[sheet.name].index_of.get(column.field)

    def _rejected_cell(self, item: Any, kind: str, column: str | FieldColumn, sheet: Any) -> Cell:
        common = self._common(item, column, sheet)
        if common is not None:
            return common
        if isinstance(column, FieldColumn):
            return written_cell(item.cells, self._written_index(kind, column, sheet), column)
        return Cell(problem_text(item.problems)) if column == "problems" else BLANK

    def _skipped_cell(
        self, item: SkippedRow, kind: str, column: str | FieldColumn, sheet: Any
    ) -> Cell:
        common = self._common(item, column, sheet)
        if common is not None:
            return common
        if isinstance(column, FieldColumn) and item.problem is not None:
            index = self._written_index(kind, column, sheet)
            labels = sheet.labels
            if index is not None and index < len(labels) and labels[index] == item.problem.column:
                return Cell(item.problem.value)
            return BLANK
        return Cell(item.reason) if column == "problems" else BLANK

    def _town_source(self, item: Any, kind: str, sheet: Any) -> str:
        towns = (c for c in self.columns if isinstance(c, FieldColumn) and c.is_town)
        town_column = next((c for c in towns if kind in c.kinds), None)
        if town_column is None:
            return ""
        town_id = self._cells.value(item, kind, town_column)
        has_column = self._sheet_columns[sheet.name].has_town
        assert self._sheets is not None
        return town_source(town_id, sheet, has_column, self._sheets.town_names)

    def _value_columns(self) -> list[FieldColumn]:
        return [c for c in self.columns if isinstance(c, FieldColumn)]

    # ---- Qt -------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES or not index.isValid():
            return None
        i = self._shown[index.row()]
        column = self.columns[index.column()]
        if role == OUTCOME_ROLE:
            return self._outcomes[i]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(column)
        cell = self._row(i)[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(i, column, cell)
        if role == CHANGED_ROLE:
            return cell.changed
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(self._outcomes[i], column, cell)
        return QBrush(QColor(CHANGED_BACKGROUND)) if cell.changed else None  # BackgroundRole

    def _tooltip(self, i: int, column: str | FieldColumn, cell: Cell) -> str | None:
        if cell.changed:
            return f"原值：{cell.old}\n新值：{cell.new}"
        item, outcome = self._items[i], self._outcomes[i]
        if column in ("problems", "outcome") and outcome == "rejected":
            return problem_tooltip(item.problems)
        if column == "outcome" and outcome == "updated":
            kind = self._kinds[i]
            return "\n".join(self._cells.change_lines(item, kind, self._cells.changes(item)))
        return cell.text or None

    @staticmethod
    def _alignment(column: str | FieldColumn) -> int:
        right = column == "row" or (isinstance(column, FieldColumn) and column.parser in _NUMERIC)
        horizontal = Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft
        return int(horizontal | Qt.AlignmentFlag.AlignVCenter)

    @staticmethod
    def _foreground(outcome: str, column: str | FieldColumn, cell: Cell) -> QBrush | None:
        if column == "outcome":
            return QBrush(QColor(OUTCOME_COLOURS[outcome]))
        if column == "problems" and cell.text:
            colour = PROBLEM_COLOUR if outcome == "rejected" else WARNING_COLOUR
            return QBrush(QColor(colour))
        if outcome == "skipped":
            return QBrush(QColor(OUTCOME_COLOURS["skipped"]))
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        column = self.columns[section]
        if isinstance(column, FieldColumn):
            return column.title
        return _HEADERS[column]


_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.BackgroundRole,
        OUTCOME_ROLE,
        CHANGED_ROLE,
    }
)
_HEADERS = {
    "sheet": "工作表",
    "row": "行号",
    "outcome": "结果",
    "other": "其他变更",
    "problems": "问题",
}
