"""已报出: the submitted returns, newest first (every version of a corrected one), with 预览 /
打印… / 导出PDF / 导出Excel exactly as sent, and 更正… on the latest version of a return."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.services.figures.returns_data import SubmittedSummary
from desktop.ui.common.cells import fit_to_contents

ID_ROLE = Qt.ItemDataRole.UserRole + 1
HEADERS = ("报表", "报告期", "镇街", "版本", "报出人", "报出时间")
Index = QModelIndex | QPersistentModelIndex


def _cells(item: SubmittedSummary) -> tuple[str, ...]:
    town = item.town or "全区"
    when = item.submitted_at.strftime("%Y-%m-%d %H:%M")
    return (item.title, item.period, town, item.version_text, item.operator, when)


class SubmittedModel(QAbstractTableModel):
    """The submitted returns as rows; ID_ROLE gives a row's submitted id."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[SubmittedSummary] = []

    def set_items(self, items: list[SubmittedSummary]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item(self, row: int) -> SubmittedSummary:
        """The summary shown on a row."""
        return self._items[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _cells(item)[index.column()]
        if role == ID_ROLE:
            return item.id
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{item.title} {item.period} {item.version_text}"
            return tip + (f"\n更正原因：{item.correction_reason}" if item.correction_reason else "")
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None


class HistoryPanel(QWidget):
    """The list of submitted returns and what can be done with the selected one."""

    actionRequested = Signal(str, int)  # "preview"/"print"/"pdf"/"xlsx"/"correct", submitted id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SubmittedModel(self)
        self._latest: set[int] = set()
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        fit_to_contents(self.table)  # the titles whole (scrolled sideways in a narrow pane)
        self.table.doubleClicked.connect(self._on_double_click)
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for action, text in (
            ("preview", self.tr("预览")),
            ("print", self.tr("打印…")),
            ("pdf", self.tr("导出PDF")),
            ("xlsx", self.tr("导出Excel")),
            ("correct", self.tr("更正…")),
        ):
            button = QPushButton(text, self)
            button.setProperty("action", action)
            button.clicked.connect(self._on_button)
            bar.addWidget(button)
            self.buttons[action] = button
            if action == "xlsx":
                bar.addStretch(1)
        self.buttons["correct"].setToolTip(
            self.tr("按原报告期和镇街重新生成，填写更正原因后报出新的一版；原版本仍保留")
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(bar)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def set_items(self, items: list[SubmittedSummary], latest: set[int] | None = None) -> None:
        """Show these submitted returns (the first one selected); `latest` = the ids no later
        version corrects (only those can be corrected)."""
        self._latest = {i.id for i in items} if latest is None else set(latest)
        self.model.set_items(items)
        if items:
            self.table.selectRow(0)
        self._update_buttons()

    def selected_id(self) -> int | None:
        """The submitted id of the selected row."""
        item = self.selected()
        return None if item is None else item.id

    def selected(self) -> SubmittedSummary | None:
        """The submitted return of the selected row."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        chosen = self.selected_id()
        for button in self.buttons.values():
            button.setEnabled(chosen is not None)
        self.buttons["correct"].setEnabled(chosen is not None and chosen in self._latest)

    def _on_button(self) -> None:
        chosen = self.selected_id()
        sender = self.sender()
        if chosen is not None and sender is not None:
            self.actionRequested.emit(str(sender.property("action")), chosen)

    def _on_double_click(self, index: QModelIndex) -> None:
        self.actionRequested.emit("preview", self.model.item(index.row()).id)
