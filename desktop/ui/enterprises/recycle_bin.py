"""回收站: deleted enterprises with who deleted them and when; 恢复 brings them back."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.services import enterprises
from desktop.ui.shell.context import AppContext


class RecycleBinDialog(QDialog):
    """Lists the recycle bin; restoring is audited like any write."""

    restored = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle(self.tr("回收站"))
        self.resize(760, 420)
        self.model = QStandardItemModel(0, 4)
        self.model.setHorizontalHeaderLabels(
            [self.tr(h) for h in ("企业名称", "统一社会信用代码", "删除时间", "删除人")]
        )
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.setColumnWidth(0, 260)
        self.view.setColumnWidth(1, 170)
        self.view.setColumnWidth(2, 150)
        self.restore_button = QPushButton(self.tr("恢复"))
        self.restore_button.clicked.connect(self.restore_selected)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.restore_button)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        self.reload()

    def reload(self) -> None:
        """Read the recycle bin again."""
        self.model.removeRows(0, self.model.rowCount())
        with self._ctx.session() as s:
            deleted = enterprises.recycle_bin(s)
        for d in deleted:
            items = [
                QStandardItem(d.name),
                QStandardItem(d.uscc),
                QStandardItem(d.deleted_at.strftime("%Y-%m-%d %H:%M")),
                QStandardItem(d.deleted_by or ""),
            ]
            items[0].setData(d.id)
            self.model.appendRow(items)

    def ids_selected(self) -> list[int]:
        """Ids of the selected rows."""
        rows = {i.row() for i in self.view.selectionModel().selectedRows()}
        return [int(self.model.item(r, 0).data()) for r in sorted(rows)]

    @Slot()
    def restore_selected(self) -> None:
        """恢复 the selected enterprises."""
        ids = self.ids_selected()
        if not ids:
            return
        with self._ctx.store.transaction() as s:
            for eid in ids:
                enterprises.restore(s, eid, self._ctx.operator)
        self.reload()
        self.restored.emit(ids)
