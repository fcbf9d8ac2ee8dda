"""A generic 回收站 dialog: deleted records with who deleted them and when; 恢复 brings them back.

Each screen passes a title, its own column labels, a loader (a service read returning the
recycle bin as `RecycleRow`s) and a restorer `restorer(session, record_id, operator)` (a service
restore). Restoring the selected rows is one step-wise operation on the write worker (one
transaction, audited by the service like any write); `restored(ids)` is emitted once it is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.operations import for_each
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.operations import run_steps
from desktop.ui.shell.tasks import TaskHandle, show_error

ID_ROLE = Qt.ItemDataRole.UserRole + 1
MIN_COLUMN = 90
MAX_COLUMN = 280


@dataclass(frozen=True)
class RecycleRow:
    """One deleted record as the dialog shows it: its cells, then when and by whom."""

    id: int
    cells: tuple[str, ...]
    deleted_at: datetime
    deleted_by: str | None


Loader = Callable[[Session], Sequence[RecycleRow]]
Restorer = Callable[[Session, int, str], None]


def _restore_one(restorer: Restorer, operator: str, session: Session, record_id: int) -> None:
    restorer(session, record_id, operator)


class RecycleDialog(QDialog):
    """Lists a recycle bin (newest first); 恢复 restores the selected rows."""

    restored = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        title: str,
        columns: Sequence[str],
        loader: Loader,
        restorer: Restorer,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._loader = loader
        self._restorer = restorer
        self.restore_task: TaskHandle[list[int]] | None = None
        self.setWindowTitle(title)
        self.resize(760, 420)
        labels = [*columns, self.tr("删除时间"), self.tr("删除人")]
        self.model = QStandardItemModel(0, len(labels), self)
        self.model.setHorizontalHeaderLabels(labels)
        self.view = self._table()
        self.empty = QLabel(self.tr("回收站是空的。"))
        self.restore_button = QPushButton(self.tr("恢复"))
        self.restore_button.clicked.connect(self.restore_selected)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(self.empty)
        row.addStretch(1)
        row.addWidget(self.restore_button)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        ctx.guard("edit", self.restore_button)  # a viewer may look, not restore
        self.reload()

    def _table(self) -> QTableView:
        view = QTableView()
        view.setModel(self.model)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setAlternatingRowColors(True)
        view.verticalHeader().hide()
        view.horizontalHeader().setStretchLastSection(True)
        view.doubleClicked.connect(self.restore_selected)
        return view

    def reload(self) -> None:
        """Read the recycle bin again."""
        self.model.removeRows(0, self.model.rowCount())
        with self._ctx.session() as s:
            rows = list(self._loader(s))
        for r in rows:
            cells = [*r.cells, r.deleted_at.strftime("%Y-%m-%d %H:%M"), r.deleted_by or ""]
            items = [QStandardItem(c) for c in cells]
            items[0].setData(r.id, ID_ROLE)
            self.model.appendRow(items)
        self._fit_columns()
        self.empty.setVisible(not rows)
        self.restore_button.setEnabled(bool(rows))

    def _fit_columns(self) -> None:
        """Columns as wide as their contents, within sensible bounds (long texts elide)."""
        self.view.resizeColumnsToContents()
        for col in range(self.model.columnCount()):
            width = self.view.columnWidth(col) + 16
            self.view.setColumnWidth(col, max(MIN_COLUMN, min(width, MAX_COLUMN)))

    def row_of(self, record_id: int) -> int:
        """The row showing this record, -1 when it is not in the recycle bin."""
        for r in range(self.model.rowCount()):
            if self.model.item(r, 0).data(ID_ROLE) == record_id:
                return r
        return -1

    def ids_selected(self) -> list[int]:
        """Ids of the selected rows."""
        rows = {i.row() for i in self.view.selectionModel().selectedRows()}
        return [int(self.model.item(r, 0).data(ID_ROLE)) for r in sorted(rows)]

    @Slot()
    def restore_selected(self) -> None:
        """恢复 the selected records (one transaction on the write worker)."""
        ids = self.ids_selected()
        if not self._ctx.allowed("edit"):
            return  # double-click of a viewer: the 恢复 button says why
        if not ids or (self.restore_task is not None and not self.restore_task.finished):
            return
        write = partial(_restore_one, self._restorer, self._ctx.operator)
        self.restore_task = run_steps(
            self,
            self._ctx,
            for_each(ids, write),
            label=self.tr("正在恢复…"),
            on_done=self._restored,
            on_error=self._restore_failed,
        )

    @Slot(object)
    def _restored(self, ids: list[int]) -> None:
        self.reload()
        self.restored.emit(ids)

    @Slot(object)
    def _restore_failed(self, exc: BaseException) -> None:
        self.reload()
        show_error(self, exc)
