"""导入记录: every import batch (file, kind, town, operator, time, counts, 已撤销) and 撤销."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.services.imports.batches import BatchView, UndoResult, history
from db.store import Store
from desktop.progress import Progress, Work
from desktop.ui.common.widgets import hint
from desktop.ui.imports.models import LazyTableModel, history_columns
from desktop.ui.imports.undo import confirm_undo, show_kept, start_undo, undo_error
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.errors import show_message
from desktop.ui.shell.tasks import TaskHandle, run_task


def load_history(store: Store) -> Work[list[BatchView]]:
    """Read the batches, newest first, as background work."""
    yield Progress(0, 0, "正在读取导入记录…")
    with store.session() as session:
        return history(session)


class HistoryPage(QWidget):
    """The list of import batches with 撤销 for the selected one."""

    batch_undone = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.task: TaskHandle[Any] | None = None
        self.model: LazyTableModel[BatchView] = LazyTableModel(history_columns(), self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 8, 6, 6)
        layout.addWidget(
            hint(
                self.tr(
                    "每导入一个文件记为一个批次。撤销批次会删除该批新增的企业、"
                    "把该批修改过的内容恢复为导入前的值。"
                )
            )
        )
        self.view = self._build_view()
        layout.addWidget(self.view, 1)
        layout.addLayout(self._build_buttons())
        self.refresh()

    def _build_view(self) -> QTableView:
        view = QTableView()
        view.setModel(self.model)
        view.setAlternatingRowColors(True)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.verticalHeader().setVisible(False)
        view.horizontalHeader().setStretchLastSection(True)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.selectionModel().selectionChanged.connect(self._on_selection)
        view.doubleClicked.connect(self._on_selection)
        return view

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addStretch(1)
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.clicked.connect(self.refresh)
        self.undo_button = QPushButton(self.tr("撤销所选批次"))
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.undo_selected)
        row.addWidget(self.refresh_button)
        row.addWidget(self.undo_button)
        self.ctx.guard("undo_own", self.undo_button)  # a viewer undoes nothing
        return row

    @Slot()
    def refresh(self) -> None:
        """Read the batches again."""
        store = self.ctx.store
        self.task = run_task(
            self,
            lambda _cancel: load_history(store),
            label=self.tr("正在读取导入记录…"),
            on_done=self._loaded,
        )

    @Slot(object)
    def _loaded(self, batches: Sequence[BatchView]) -> None:
        self.model.set_rows(list(batches))
        self.view.resizeColumnsToContents()
        for col in range(self.model.columnCount() - 1):
            self.view.setColumnWidth(col, min(self.view.columnWidth(col) + 12, 320))
        self._on_selection()

    def batches(self) -> list[BatchView]:
        """The batches shown, newest first."""
        return [self.model.row_at(r) for r in range(self.model.rowCount())]

    def select_batch(self, batch_id: int) -> None:
        """Select the row of a batch (tests, and after an import)."""
        for row, batch in enumerate(self.batches()):
            if batch.id == batch_id:
                self.view.selectRow(row)
                return

    def selected(self) -> BatchView | None:
        """The batch on the selected row."""
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    @Slot()
    def _on_selection(self, *_args: object) -> None:
        batch = self.selected()
        action = self.ctx.undo_action(batch.operator if batch else None)
        allowed = batch is None or self.ctx.allowed(action)
        self.undo_button.setEnabled(batch is not None and allowed)
        self.undo_button.setToolTip("" if allowed else self.ctx.refusal(action))

    @Slot()
    def undo_selected(self) -> None:
        """撤销 the selected batch, politely refused when it is already undone."""
        batch = self.selected()
        if batch is None or not self.ctx.allowed(self.ctx.undo_action(batch.operator)):
            return
        if batch.undone_at is not None:
            show_message(
                self,
                self.tr("批次 {batch} 已于 {when} 由 {who} 撤销，不需要再撤销。").format(
                    batch=batch.id, when=f"{batch.undone_at:%Y-%m-%d %H:%M}", who=batch.undone_by
                ),
            )
            return
        if not confirm_undo(self, batch.id):
            return
        self.undo_button.setEnabled(False)
        self.task = start_undo(self, self.ctx, batch.id, self._undone, self._undo_failed)

    @Slot(object)
    def _undone(self, result: UndoResult) -> None:
        self.refresh()
        self.batch_undone.emit(result.batch_id)
        show_kept(self, result)

    @Slot(object)
    def _undo_failed(self, exc: BaseException) -> None:
        self.refresh()
        undo_error(self, exc)
