"""Table models of the commissioner screen: the roster (masked IDs) and a generic row list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from db.services.commissioners.roster import CommissionerView

ID_ROLE = Qt.ItemDataRole.UserRole
_Index = QModelIndex | QPersistentModelIndex
R = TypeVar("R")


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # context "": see packaging/translations.py


@dataclass(frozen=True)
class Col(Generic[R]):
    """One column: its title and how a row shows in it."""

    title: str
    text: Callable[[R], str]
    numeric: bool = False


class RowsModel(QAbstractTableModel, Generic[R]):
    """A small list of frozen rows (the whole query result) shown through column definitions."""

    def __init__(
        self,
        columns: Sequence[Col[R]],
        row_id: Callable[[R], int],
        parent: Any = None,
        background: Callable[[R], QColor | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._row_id = row_id
        self._background = background
        self._rows: list[R] = []

    def set_rows(self, rows: Sequence[R]) -> None:
        """Replace every row (a model reset)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[R]:
        """The rows shown, in order."""
        return list(self._rows)

    def row_at(self, row: int) -> R | None:
        """The record on a row, None outside the list."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, record_id: int) -> int:
        """The row showing a record id, -1 when not shown."""
        for n, r in enumerate(self._rows):
            if self._row_id(r) == record_id:
                return n
        return -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return _tr(self._columns[section].title)
        return section + 1

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        col = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:  # an elided cell's tooltip: cells.TipDelegate
            return col.text(r)
        if role == ID_ROLE:
            return self._row_id(r)
        if role == Qt.ItemDataRole.TextAlignmentRole and col.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and self._background is not None:
            colour = self._background(r)
            return QBrush(colour) if colour is not None else None
        return None


ROSTER_COLUMNS: tuple[tuple[str, Callable[[CommissionerView], str]], ...] = (
    ("姓名/名称", lambda v: v.name),
    ("类型", lambda v: v.kind),
    ("级别", lambda v: v.level or ""),
    ("性别", lambda v: v.gender or ""),
    ("身份证号码", lambda v: v.masked_id),  # one row shown in full when revealed
    ("联系电话", lambda v: v.phone or ""),
    ("派出单位", lambda v: v.unit or ""),
    ("职称", lambda v: v.title or ""),
    ("专业领域", lambda v: v.field or ""),
    ("首次选派", lambda v: str(v.first_year or "")),
    ("状态", lambda v: v.status),
)
COL_ID_NUMBER = 4


class CommissionerTableModel(RowsModel[CommissionerView]):
    """The roster: ID numbers are masked, but for the one row revealed by `reveal(id, number)`
    (the clerk's 显示, audited by the services before the number is handed here)."""

    def __init__(self, parent: Any = None) -> None:
        columns = [Col(title, text) for title, text in ROSTER_COLUMNS]
        super().__init__(columns, lambda v: v.id, parent)
        self._revealed: tuple[int, str] | None = None

    @property
    def revealed_id(self) -> int | None:
        """The commissioner whose ID number is shown in full, None when all are masked."""
        return self._revealed[0] if self._revealed is not None else None

    def reveal(self, commissioner_id: int | None, number: str | None = None) -> None:
        """Show one commissioner's ID number in full (None: mask every row again)."""
        before = self.revealed_id
        self._revealed = (
            (commissioner_id, number) if commissioner_id is not None and number else None
        )
        for cid in {before, self.revealed_id} - {None}:
            row = self.row_of(cid)  # type: ignore[arg-type]
            if row >= 0:
                index = self.index(row, COL_ID_NUMBER)
                self.dataChanged.emit(index, index)

    def set_rows(self, rows: Sequence[CommissionerView]) -> None:
        """Replace every row; the ID numbers are all masked again."""
        self._revealed = None
        super().set_rows(rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        shown = role == Qt.ItemDataRole.DisplayRole and index.isValid()
        if shown and index.column() == COL_ID_NUMBER and self._revealed is not None:
            view = self.row_at(index.row())
            if view is not None and view.id == self._revealed[0]:
                return self._revealed[1]
        return super().data(index, role)


LOW_BG = QColor("#fde2e1")
OK_BG = QColor("#e3f1e6")
