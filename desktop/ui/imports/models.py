"""Lazy table models of the import screen (history, sheets): cells are computed in data()."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from db.services.imports.batches import BatchView
from desktop.importing.schemas import SCHEMAS

T = TypeVar("T")
_Index = QModelIndex | QPersistentModelIndex


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
