"""科技成果: S&T results with their transfers (master/detail), the editors of both, the recycle
bin and the export of either list.

The layout is `ResultsView` (view.py); here are the reads, the dialogs and the writes (named
operations on the write worker). A transfer may name its technology contract by 登记号; the
service links it when that contract is registered.

Navigated here with `navigate("results", ids=…, label=…, origin=…)` (指标与目标's click-through):
a removable chip names the results and the list shows exactly those; `open_id=` opens a result in
the editor, `transfer_id=` selects one of its transfers and opens it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any, TypeVar

from PySide6.QtCore import QModelIndex, QTimer, Slot
from PySide6.QtWidgets import QComboBox, QMessageBox, QWidget
from sqlalchemy.orm import Session

from db.services.contracts import queries, results
from db.services.towns import list_towns
from desktop.ui.common.export import ListExporter
from desktop.ui.common.fields import NO_VALUE
from desktop.ui.common.recycle import RecycleDialog, RecycleRow
from desktop.ui.results.dialogs import ResultDialog, TransferDialog
from desktop.ui.results.view import ResultsView
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.operations import run_op
from desktop.ui.shell.tasks import TaskHandle

SEARCH_DEBOUNCE_MS = 150
Dialog = TypeVar("Dialog", ResultDialog, TransferDialog)
KINDS = {results.RESULT_ENTITY: "科技成果", results.TRANSFER_ENTITY: "成果转化"}


def deleted_ledger_rows(session: Session) -> list[RecycleRow]:
    """Deleted results and transfers as recycle-bin rows; a transfer's row id is negative."""
    return [
        RecycleRow(
            d.id if d.entity == results.RESULT_ENTITY else -d.id,
            (KINDS.get(d.entity, d.entity), d.label),
            d.deleted_at,
            d.deleted_by,
        )
        for d in results.deleted_results_and_transfers(session)
    ]


def restore_ledger_record(session: Session, row_id: int, operator: str) -> None:
    """Restore the result (positive row id) or the transfer (negative) of a recycle-bin row."""
    if row_id > 0:
        results.restore_result(session, row_id, operator)
    else:
        results.restore_transfer(session, -row_id, operator)


def _value(box: QComboBox) -> Any:
    data = box.currentData()
    return None if data == NO_VALUE else data


class ResultsScreen(ResultsView):
    """The district's S&T results and how each was transferred."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        with ctx.session() as s:
            towns = list_towns(s)
        super().__init__(towns, parent)
        self._ctx = ctx
        self.delete_task: TaskHandle[None] | None = None
        self.last_dialog: ResultDialog | TransferDialog | None = None
        self.exporters = {
            "results": ListExporter(self.result_table, self.tr("科技成果"), ctx, self),
            "transfers": ListExporter(self.transfer_table, self.tr("成果转化"), ctx, self),
        }
        self._connect()
        self.refresh()

    def _connect(self) -> None:
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.reload_results)
        self.search.textChanged.connect(self._debounce.start)
        for box in (self.year, self.moved_year, self.town):
            box.currentIndexChanged.connect(self.reload_results)
        self.chip.removed.connect(self.reload_results)
        self.result_table.selectionModel().currentRowChanged.connect(self._result_changed)
        self.result_table.doubleClicked.connect(self.edit_result)
        self.transfer_table.doubleClicked.connect(self.edit_transfer)
        self.new_button.clicked.connect(self.new_result)
        self.edit_button.clicked.connect(self.edit_result)
        self.delete_button.clicked.connect(self.delete_result)
        self.bin_button.clicked.connect(self.open_recycle_bin)
        self.add_transfer_button.clicked.connect(self.add_transfer)
        self.edit_transfer_button.clicked.connect(self.edit_transfer)
        self.delete_transfer_button.clicked.connect(self.delete_transfer)
        self.export_button.clicked.connect(self.exporters["results"].export)
        self.export_transfers_button.clicked.connect(self.exporters["transfers"].export)
        writes = (self.new_button, self.edit_button, self.delete_button)
        transfers = (self.add_transfer_button, self.edit_transfer_button)
        self._ctx.guard("edit", *writes, *transfers, self.delete_transfer_button)

    # ----- data -----

    def refresh(self) -> None:
        """Shown again: re-read everything (others may have changed the data)."""
        self._fill_years()
        self.reload_results()

    def _fill_years(self) -> None:
        with self._ctx.session() as s:
            registered = {r.registered_on.year for r in queries.list_results(s)}
            moved = {t.transferred_on.year for t in queries.list_transfers(s)}
        for box, years, label in (
            (self.year, registered, self.tr("{y}年登记")),
            (self.moved_year, moved, self.tr("{y}年有转化")),
        ):
            keep = box.currentData()
            box.blockSignals(True)
            while box.count() > 1:
                box.removeItem(1)
            for y in sorted(years, reverse=True):
                box.addItem(label.format(y=y), y)
            box.setCurrentIndex(max(box.findData(keep), 0))
            box.blockSignals(False)

    def current_filter(self) -> queries.ResultFilter:
        """The filter the bar shows."""
        return queries.ResultFilter(
            text=self.search.text(),
            year=_value(self.year),
            transferred_year=_value(self.moved_year),
            town_id=_value(self.town),
        )

    @Slot()
    def reload_results(self) -> None:
        """Re-query the results (keeps the selected one when still shown)."""
        self._debounce.stop()
        keep = self.selected_result_id()
        with self._ctx.session() as s:
            rows = queries.list_results(s, self.current_filter())
        if self.chip.ids is not None:
            wanted = set(self.chip.ids)
            rows = [r for r in rows if r.id in wanted]
        self.result_model.set_rows(rows)
        text = self.tr("指定的成果中 {n} 项") if self.chip.is_active() else self.tr("共 {n} 项")
        self.count_label.setText(text.format(n=len(rows)))
        row = self.result_model.row_of(keep) if keep is not None else -1
        self.result_table.selectRow(row if row >= 0 else 0)
        self.show_transfers()

    def open_filter(
        self,
        ids: Sequence[int] | None = None,
        label: str = "",
        origin: str = "",
        open_id: int | None = None,
        transfer_id: int | None = None,
        **_kw: Any,
    ) -> None:
        """Navigated here: exactly these results as a chip “来自{origin}：{label}” (the other
        filters cleared); `open_id` opens a result, `transfer_id` one of its transfers."""
        if ids is not None:
            default = self.tr("指定的 {n} 项成果").format(n=len(ids))
            self.chip.show_ids(ids, label or default, origin)
            for box in (self.year, self.moved_year, self.town):
                box.blockSignals(True)
                box.setCurrentIndex(0)
                box.blockSignals(False)
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self.reload_results()
        if open_id is not None:
            self.select_result(open_id)
            if transfer_id is None:
                self.edit_result()
        if transfer_id is not None:
            self.select_transfer(transfer_id)
            self.edit_transfer()

    def selected_result(self) -> queries.ResultView | None:
        """The result whose transfers are shown."""
        index = self.result_table.currentIndex()
        if not index.isValid() or index.row() >= self.result_model.rowCount():
            return None
        return self.result_model.row_at(index.row())

    def selected_result_id(self) -> int | None:
        """The id of the selected result."""
        r = self.selected_result()
        return None if r is None else r.id

    def select_result(self, result_id: int) -> None:
        """Select a result by id (no-op when not listed)."""
        row = self.result_model.row_of(result_id)
        if row >= 0:
            self.result_table.selectRow(row)
            self.show_transfers()

    def selected_transfer(self) -> queries.TransferView | None:
        """The selected transfer of the selected result."""
        index = self.transfer_table.currentIndex()
        if not index.isValid() or index.row() >= self.transfer_model.rowCount():
            return None
        return self.transfer_model.row_at(index.row())

    def select_transfer(self, transfer_id: int) -> None:
        """Select a transfer of the shown result by id."""
        row = self.transfer_model.row_of(transfer_id)
        if row >= 0:
            self.transfer_table.selectRow(row)

    @Slot(QModelIndex, QModelIndex)
    def _result_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self.show_transfers()

    @Slot()
    def show_transfers(self) -> None:
        """The transfers of the selected result."""
        r = self.selected_result()
        for b in (self.edit_button, self.delete_button, self.add_transfer_button):
            b.setEnabled(r is not None)
        if r is None:
            self.detail_title.setText(self.tr("转化记录（请选择一项成果）"))
            self.transfer_model.set_rows([])
        else:
            with self._ctx.session() as s:
                rows = queries.transfers_of_result(s, r.id)
            self.transfer_model.set_rows(rows)
            title = self.tr("“{name}”的转化记录 {n} 条").format(name=r.name, n=len(rows))
            self.detail_title.setText(title)
        has = self.transfer_model.rowCount() > 0
        self.edit_transfer_button.setEnabled(has)
        self.delete_transfer_button.setEnabled(has)
        if has and not self.transfer_table.currentIndex().isValid():
            self.transfer_table.selectRow(0)

    # ----- results -----

    def _open(self, dialog: Dialog) -> Dialog:
        self.last_dialog = self._ctx.guard_dialog(dialog)  # a viewer reads it
        dialog.saved.connect(self._saved)
        dialog.open()
        return dialog

    @Slot()
    def new_result(self) -> ResultDialog:
        """An empty result editor."""
        return self._open(ResultDialog(self._ctx, None, self))

    @Slot()
    def edit_result(self) -> ResultDialog | None:
        """The selected result in the editor."""
        rid = self.selected_result_id()
        return None if rid is None else self._open(ResultDialog(self._ctx, rid, self))

    @Slot(int)
    def _saved(self, record_id: int) -> None:
        if isinstance(self.sender(), ResultDialog):
            self.chip.include(record_id)  # created under a click-through: show it too
            self.refresh()
            self.select_result(record_id)
            return
        self.refresh()  # a transfer of the selected result (its count changed)
        self.select_transfer(record_id)

    def _confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    @Slot()
    def delete_result(self) -> None:
        """Move the selected result to the recycle bin after a confirmation."""
        rid = self.selected_result_id()
        if rid is None or not self._confirm(
            self.tr("删除科技成果"),
            self.tr("将选中的成果移入回收站？其转化记录随之不再计入统计。可在“回收站”中恢复。"),
        ):
            return
        self._write(partial(results.delete_result, result_id=rid, operator=self._ctx.operator))

    def _write(self, op: Any) -> None:
        self.delete_task = run_op(
            self, self._ctx, op, label=self.tr("正在删除…"), on_done=self._written
        )

    @Slot(object)
    def _written(self, _result: object) -> None:
        self.refresh()

    @Slot()
    def open_recycle_bin(self) -> RecycleDialog:
        """回收站: deleted results and transfers with who and when; 恢复 brings them back."""
        dialog = RecycleDialog(
            self._ctx,
            self.tr("科技成果回收站"),
            [self.tr("类别"), self.tr("成果 / 转化")],
            deleted_ledger_rows,
            restore_ledger_record,
            self,
        )
        dialog.restored.connect(self._restored)
        self.last_bin = dialog
        dialog.open()
        return dialog

    @Slot(object)
    def _restored(self, ids: list[int]) -> None:
        self.refresh()
        if ids and ids[0] > 0:
            self.select_result(ids[0])

    # ----- transfers -----

    @Slot()
    def add_transfer(self) -> TransferDialog | None:
        """A new transfer of the selected result."""
        r = self.selected_result()
        return None if r is None else self._open(TransferDialog(self._ctx, r, None, self))

    @Slot()
    def edit_transfer(self) -> TransferDialog | None:
        """The selected transfer in the editor."""
        r, t = self.selected_result(), self.selected_transfer()
        if r is None or t is None:
            return None
        return self._open(TransferDialog(self._ctx, r, t, self))

    @Slot()
    def delete_transfer(self) -> None:
        """Move the selected transfer to the recycle bin after a confirmation."""
        t = self.selected_transfer()
        if t is None or not self._confirm(
            self.tr("删除转化记录"), self.tr("将选中的转化记录移入回收站？可在“回收站”中恢复。")
        ):
            return
        self._write(partial(results.delete_transfer, transfer_id=t.id, operator=self._ctx.operator))
