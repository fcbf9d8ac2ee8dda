"""Lazy table models of an import preview: rows are computed in data(), never up front."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from db.services.imports.batches import BatchView
from db.services.imports.enterprises import EnterprisePlan
from desktop.importing.engine import ImportPlan
from desktop.importing.rows import Problem
from desktop.importing.schemas import SCHEMAS

T = TypeVar("T")
_Index = QModelIndex | QPersistentModelIndex

FIELD_LABELS = {
    "name": "企业名称",
    "uscc": "统一社会信用代码",
    "town_id": "所属镇街",
    "address": "注册地址",
    "founded_on": "成立日期",
    "industry": "行业类别",
    "legal_rep": "法定代表人",
    "contact": "联系人",
    "phone": "联系电话",
    "above_scale": "是否规上",
    "note": "备注",
    "revenue": "营业收入",
    "rd_expense": "研发费用",
    "employees": "从业人员数",
    "rd_staff": "研发人员数",
    "rd_activity": "有研发活动",
    "rd_institution": "有研发机构",
    "high_tech": "高新技术企业",
    "tech_sme": "科技型中小企业",
    "number": "编号",
    "issued_on": "发证日期",
    "evaluation_year": "入库年度",
    "valid_from": "有效期起",
    "valid_through": "有效期止",
}


def field_label(key: str) -> str:
    """A changed field's Chinese name: 'name', '2025.revenue', 'high_tech.number'."""
    if "." not in key:
        return FIELD_LABELS.get(key, key)
    head, tail = key.split(".", 1)
    prefix = f"{head}年" if head.isdigit() else FIELD_LABELS.get(head, head)
    return prefix + FIELD_LABELS.get(tail, tail)


def value_text(value: Any, towns: dict[int, str] | None = None, key: str = "") -> str:
    """A value as the clerk reads it: 是/否, dates as 2025-05-01, town names, （空）."""
    if value is None or value == "":
        return "（空）"
    if key.endswith("town_id") and towns is not None and isinstance(value, int):
        return towns.get(value, str(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (date, datetime)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


@dataclass(frozen=True)
class Column(Generic[T]):
    title: str
    text: Callable[[T], str]
    right: bool = False


class LazyTableModel(QAbstractTableModel, Generic[T]):
    """Read-only rows over a sequence; each cell's text is computed when the view asks for it."""

    def __init__(self, columns: Sequence[Column[T]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: Sequence[T] = ()

    def set_rows(self, rows: Sequence[T]) -> None:
        """Show these rows (kept by reference: no per-row work here)."""
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_at(self, row: int) -> T:
        """The item shown on a row."""
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.text(self._rows[index.row()])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.right else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title
        return str(section + 1)


# ---------------------------------------------------------------- preview columns


# A row of the preview is an EnterprisePlan or (other kinds) a KindPlan: both have `incoming`
# with a `row`, an `outcome` and `shown_changes(year)`.
PlanItem = Any


def _row(p: PlanItem) -> str:
    return str(p.incoming.row)


def _values(p: PlanItem) -> dict[str, Any]:
    values = getattr(p.incoming, "fields", None)
    return values if isinstance(values, dict) else dict(p.incoming.values)


def _name(p: PlanItem) -> str:
    if isinstance(p, EnterprisePlan):
        return str(p.incoming.fields.get("name") or "")
    return str(getattr(p.incoming, "label", "") or "")


def _code(p: PlanItem) -> str:
    return str(_values(p).get("uscc") or "")


def created_columns(towns: dict[int, str]) -> list[Column[PlanItem]]:
    """新增: row, name, code, town."""

    def town(p: PlanItem) -> str:
        town_id = _values(p).get("town_id")
        return towns.get(town_id, "") if isinstance(town_id, int) else ""

    return [
        Column("行号", _row, right=True),
        Column("名称", _name),
        Column("统一社会信用代码", _code),
        Column("所属镇街", town),
    ]


def updated_columns(towns: dict[int, str], year: int) -> list[Column[PlanItem]]:
    """更新: row, name, code and every changed field old → new."""

    def changes(p: PlanItem) -> str:
        parts = [
            f"{field_label(k)}：{value_text(old, towns, k)} → {value_text(new, towns, k)}"
            for k, (old, new) in p.shown_changes(year).items()
        ]
        restored = ["从回收站恢复"] if getattr(p, "deleted", False) else []
        return "；".join(restored + parts)

    return [
        Column("行号", _row, right=True),
        Column("名称", _name),
        Column("统一社会信用代码", _code),
        Column("变更内容（原值 → 新值）", changes),
    ]


def unchanged_columns() -> list[Column[PlanItem]]:
    """无变化: row, name, code."""
    return [
        Column("行号", _row, right=True),
        Column("名称", _name),
        Column("统一社会信用代码", _code),
    ]


def problem_columns() -> list[Column[Problem]]:
    """有错误 / 警告: row, column, value, message."""
    return [
        Column("行号", lambda p: str(p.row) if p.row else "—", right=True),
        Column("列", lambda p: p.column),
        Column("说明", lambda p: p.message),
        Column("填写的值", lambda p: p.value or "（空）"),
    ]


@dataclass(frozen=True)
class SkippedRow:
    row: int | None
    reason: str


def skipped_columns() -> list[Column[SkippedRow]]:
    """跳过: row and reason."""
    return [
        Column("行号", lambda s: "—" if s.row is None else str(s.row), right=True),
        Column("原因", lambda s: s.reason),
    ]


def skipped_rows(plan: ImportPlan) -> list[SkippedRow]:
    """Skipped repeats (from the warnings) and the footer rows the plan only counts."""
    explicit = getattr(plan, "skipped_rows", None)
    if explicit:
        return [SkippedRow(row, reason) for row, reason in explicit]
    repeats = [SkippedRow(w.row, w.message) for w in plan.warnings if "跳过" in w.message]
    rest = plan.skipped - len(repeats)
    if rest > 0:
        repeats.append(SkippedRow(None, f"表尾的合计、填表人、说明等非企业数据行，共 {rest} 行"))
    return repeats


def real_warnings(plan: ImportPlan) -> list[Problem]:
    """Warnings other than the skipped repeats (those are listed under 跳过)."""
    return [w for w in plan.warnings if "跳过" not in w.message]


# ---------------------------------------------------------------- history


def _counts(b: BatchView) -> str:
    text = f"新增{b.created} 更新{b.updated} 无变化{b.unchanged}"
    return text + f" 错误{b.rejected} 跳过{b.skipped}"


def _state(b: BatchView) -> str:
    if b.undone_at is None:
        return "有效"
    return f"已撤销（{b.undone_by or ''} {b.undone_at:%Y-%m-%d %H:%M}）"


def kind_title(kind: str) -> str:
    """企业名单 for 'enterprises' (the schema's title)."""
    return SCHEMAS[kind].title if kind in SCHEMAS else kind


def history_columns() -> list[Column[BatchView]]:
    """导入记录: batch, time, file, kind, town, year, operator, counts, state."""
    return [
        Column("批次", lambda b: str(b.id), right=True),
        Column("导入时间", lambda b: f"{b.created_at:%Y-%m-%d %H:%M}"),
        Column("文件", lambda b: b.file_name),
        Column("类型", lambda b: kind_title(b.kind)),
        Column("镇街", lambda b: b.town or "（按表中）"),
        Column("年度", lambda b: "" if b.year is None else str(b.year), right=True),
        Column("操作人", lambda b: b.operator),
        Column("状态", _state),
        Column("数量", _counts),
    ]
