"""A small read-only table model over a list of frozen views (carriers and platforms are few)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

T = TypeVar("T")
ID_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex

# Text colours of a check's outcome in a cell (Col.colour)
OK_COLOUR = "#1e7b34"  # met, done
SHORT_COLOUR = "#b3261e"  # short of what is required


@dataclass(frozen=True)
class Col(Generic[T]):
    title: str
    text: Callable[[T], str]
    sort: Callable[[T], Any] | None = None
    numeric: bool = False
    colour: Callable[[T], str | None] | None = None


def shown(value: object, digits: int = 2) -> str:
    """A cell's text: blank for None, numbers without needless decimals."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:,.0f}"
    return str(value)


class ViewTableModel(QAbstractTableModel, Generic[T]):
    """Rows are frozen views with an `id`; columns say how to show and sort them."""

    def __init__(self, columns: Sequence[Col[T]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[T] = []
        self._sorted: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[T]) -> None:
        """Replace every row (a new query), keeping the last sort."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()
        if self._sorted is not None:
            self.sort(*self._sorted)

    def rows(self) -> list[T]:
        """The rows in display order."""
        return list(self._rows)

    def row_at(self, row: int) -> T:
        """The view shown on a row."""
        return self._rows[row]

    def row_of(self, row_id: int) -> int:
        """The row showing an id, -1 when not shown."""
        for n, r in enumerate(self._rows):
            if getattr(r, "id", None) == row_id:
                return n
        return -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = self._rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.text(row)
        if role == ID_ROLE:
            return getattr(row, "id", None)
        if role == SORT_ROLE:
            return col.sort(row) if col.sort else col.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and col.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col.colour is not None:
            colour = col.colour(row)
            return QBrush(QColor(colour)) if colour else None
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in memory by the column's sort key (None last)."""
        if not 0 <= column < len(self.columns):
            return
        self._sorted = (column, order)
        col = self.columns[column]
        key = col.sort or col.text
        present = [r for r in self._rows if key(r) is not None]
        missing = [r for r in self._rows if key(r) is None]
        present.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.beginResetModel()
        self._rows = present + missing
        self.endResetModel()
