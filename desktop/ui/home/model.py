"""Table model of the counts by town (small: one row per town)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from db.services.counts import TownCounts

NO_TOWN = "（未填镇街）"

COL_TOWN, COL_ENTERPRISES, COL_HIGH_TECH, COL_TECH_SME = range(4)
HEADERS = ("镇街", "在库企业", "高新技术企业", "科技型中小企业")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class TownCountsModel(QAbstractTableModel):
    """One row per town: enterprises, high-tech and tech-SME counts, and a total row."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[TownCounts] = []

    def set_rows(self, rows: list[TownCounts] | tuple[TownCounts, ...]) -> None:
        """Replace the rows (a total row is appended when there are any)."""
        self.beginResetModel()
        self._rows = list(rows)
        if self._rows:
            total = TownCounts(
                QCoreApplication.translate("home", "合计"),
                sum(r.enterprises for r in self._rows),
                sum(r.high_tech for r in self._rows),
                sum(r.tech_sme for r in self._rows),
            )
            self._rows.append(total)
        self.endResetModel()

    def town_at(self, row: int) -> str | None:
        """The town name of a row (None for enterprises without a town or the total row)."""
        if not 0 <= row < len(self._rows) - 1:
            return None
        return self._rows[row].town

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("home", HEADERS[section])
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        values = (row.town or NO_TOWN, row.enterprises, row.high_tech, row.tech_sme)
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return values[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col != COL_TOWN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and index.row() == len(self._rows) - 1:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return None
