"""技术合同: the contract ledger with filters by period, type, 输出/吸纳, town and party, a totals
bar that follows the filter, the editor, the recycle bin and the export of the filtered list.

The layout is `ContractsView` (view.py); here are the reads, the dialogs and the writes (named
operations on the write worker). Typing in the search box is debounced like the roster's; the list
is the service's ordered ids, its rows read a page at a time (model.py).

Navigated here with `navigate("contracts", ids=…, label=…, origin=…)` (指标与目标's click-through,
the enterprise editor's 技术合同与成果 tab): a removable chip names the contracts and the list shows
exactly those; `open_id=` also opens one in the editor.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QMessageBox, QWidget
from sqlalchemy.orm import Session

from db.services.contracts import queries, records
from db.services.contracts.parties import Totals
from db.services.towns import list_towns
from desktop.ui.common.fields import NO_VALUE
from desktop.ui.common.recycle import RecycleDialog, RecycleRow
from desktop.ui.contracts.dialogs import ContractDialog
from desktop.ui.contracts.export import ContractExporter
from desktop.ui.contracts.model import COLUMNS, ID_ROLE, ContractTableModel, money
from desktop.ui.contracts.view import ContractsView
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.operations import run_op
from desktop.ui.shell.tasks import TaskHandle

SEARCH_DEBOUNCE_MS = 150


def deleted_contract_rows(session: Session) -> list[RecycleRow]:
    """Deleted contracts as recycle-bin rows."""
    return [
        RecycleRow(
            c.id, (c.reg_no, c.name, c.seller_name, c.buyer_name), c.deleted_at, c.deleted_by
        )
        for c in records.deleted_contracts(session)
    ]


def _value(box: QComboBox) -> Any:
    data = box.currentData()
    return None if data == NO_VALUE else data


class ContractsScreen(ContractsView):
    """The technology contracts of the district."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        with ctx.session() as s:
            towns = list_towns(s)
        super().__init__(ContractTableModel(ctx), towns, parent)
        self.model.setParent(self)
        self._ctx = ctx
        self.delete_task: TaskHandle[None] | None = None
        self.exporter = ContractExporter(self.table, self.model, self.tr("技术合同"), ctx, self)
        self._connect()
        self._fill_years()
        self.apply_filter()

    def _connect(self) -> None:
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._debounce.start)
        self.year.currentIndexChanged.connect(self._year_changed)
        self.quarter.currentIndexChanged.connect(self._quarter_changed)
        self.month.currentIndexChanged.connect(self._month_changed)
        for box in (self.kind, self.side, self.town):
            box.currentIndexChanged.connect(self.apply_filter)
        self.chip.removed.connect(self.apply_filter)
        self.model.modelReset.connect(self._show_counts)
        # the totals run after the list is shown (a second query over the same rows)
        self._totals_timer = QTimer(self)
        self._totals_timer.setSingleShot(True)
        self._totals_timer.setInterval(0)
        self._totals_timer.timeout.connect(self.show_totals)
        header = self.table.horizontalHeader()
        header.sortIndicatorChanged.connect(self._sort_changed)
        self._sorted = (header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.table.doubleClicked.connect(self._open_index)
        self.new_button.clicked.connect(self.new_contract)
        self.edit_button.clicked.connect(self.edit_contract)
        self.delete_button.clicked.connect(self.delete_contract)
        self.bin_button.clicked.connect(self.open_recycle_bin)
        self.export_button.clicked.connect(self.exporter.export)
        self._shortcut(QKeySequence.StandardKey.Find, self.focus_search)
        new = self._shortcut(QKeySequence.StandardKey.New, self.new_contract)
        delete = self._shortcut(QKeySequence(Qt.Key.Key_Delete), self.delete_contract, self.table)
        self._shortcut(QKeySequence(Qt.Key.Key_Return), self.edit_contract, self.table)
        writes = (self.new_button, self.edit_button, self.delete_button)
        self._ctx.guard("edit", *writes, new, delete)

    def _shortcut(self, key: Any, slot: Any, on: QWidget | None = None) -> QShortcut:
        shortcut = QShortcut(key, on or self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)
        return shortcut

    # ----- filter -----

    def _fill_years(self) -> None:
        keep = self.year.currentData()
        with self._ctx.session() as s:
            years = queries.contract_years(s)
        self.year.blockSignals(True)
        self.year.clear()
        self.year.addItem(self.tr("全部年份"), NO_VALUE)
        for y in years:
            self.year.addItem(self.tr("{y}年").format(y=y), y)
        self.year.setCurrentIndex(max(self.year.findData(keep), 0))
        self.year.blockSignals(False)

    def current_filter(self) -> queries.ContractFilter:
        """The filter the bar shows."""
        year = _value(self.year)
        return queries.ContractFilter(
            text=self.search.text(),
            year=year,
            quarter=_value(self.quarter) if year else None,
            month=_value(self.month) if year else None,
            contract_type=_value(self.kind),
            side=_value(self.side),
            town_id=_value(self.town),
        )

    @Slot()
    def apply_filter(self) -> None:
        """Re-query with the bar and the chip's ids (when shown); the totals follow."""
        self._debounce.stop()
        self.model.set_filter(self.current_filter(), self.chip.ids)

    @Slot()
    def _show_counts(self) -> None:
        n = self.model.rowCount()
        named = self.chip.is_active()
        text = self.tr("指定的合同中 {n} 件") if named else self.tr("共 {n} 件")
        self.count_label.setText(text.format(n=f"{n:,}"))
        self._totals_timer.start()
        for b in (self.edit_button, self.delete_button):
            b.setEnabled(n > 0)

    @Slot()
    def show_totals(self) -> None:
        """The totals bar: 件数, 合同成交额, 技术交易额 (万元) of what the list shows."""
        self._totals_timer.stop()
        t: Totals = self.model.totals()
        self.last_totals = t
        text = self.tr(
            "筛选合计　<b>{n}</b> 件　合同成交额 <b>{a}</b> 万元　技术交易额 <b>{t}</b> 万元"
        )
        self.totals.setText(
            text.format(n=f"{t.count:,}", a=money(t.amount), t=money(t.tech_amount))
        )

    @Slot(int)
    def _year_changed(self, _index: int) -> None:
        chosen = _value(self.year) is not None
        for box in (self.quarter, self.month):
            box.setEnabled(chosen)
        self.apply_filter()

    @Slot(int)
    def _quarter_changed(self, _index: int) -> None:
        if _value(self.quarter) is not None:
            self._reset(self.month)
        self.apply_filter()

    @Slot(int)
    def _month_changed(self, _index: int) -> None:
        if _value(self.month) is not None:
            self._reset(self.quarter)
        self.apply_filter()

    @staticmethod
    def _reset(box: QComboBox) -> None:
        box.blockSignals(True)
        box.setCurrentIndex(0)
        box.blockSignals(False)

    @Slot(int, Qt.SortOrder)
    def _sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        """A column without an SQL order keeps the previous sort (and its indicator)."""
        if COLUMNS[column].sort is None:
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(*self._sorted)
            header.blockSignals(False)
            return
        self._sorted = (column, order)

    def open_filter(
        self,
        ids: Sequence[int] | None = None,
        label: str = "",
        origin: str = "",
        open_id: int | None = None,
        **_kw: Any,
    ) -> None:
        """Navigated here: exactly these contracts as a chip “来自{origin}：{label}” (the other
        filters cleared); `open_id` opens that contract in the editor."""
        if ids is not None:
            default = self.tr("指定的 {n} 件合同").format(n=len(ids))
            self.chip.show_ids(ids, label or default, origin)
            for box in (self.year, self.quarter, self.month, self.kind, self.side, self.town):
                self._reset(box)
            for box in (self.quarter, self.month):
                box.setEnabled(False)
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self.apply_filter()
        if open_id is not None:
            self.select_contract(open_id)
            self._open(ContractDialog(self._ctx, open_id, self))

    def refresh(self) -> None:
        """Shown again: re-read (others may have changed the data)."""
        self._fill_years()
        self.apply_filter()

    @Slot()
    def focus_search(self) -> None:
        """Ctrl+F: the search box, its text selected."""
        self.search.setFocus()
        self.search.selectAll()

    def selected_contract_id(self) -> int | None:
        """The id of the selected contract."""
        index = self.table.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def select_contract(self, contract_id: int) -> None:
        """Select and show a contract by id (no-op when not listed)."""
        row = self.model.row_of(contract_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    # ----- actions -----

    def _open(self, dialog: ContractDialog) -> ContractDialog:
        self.last_dialog = self._ctx.guard_dialog(dialog)  # a viewer reads it
        dialog.saved.connect(self._saved)
        dialog.open()
        return dialog

    @Slot()
    def new_contract(self) -> ContractDialog:
        """Ctrl+N: an empty editor."""
        return self._open(ContractDialog(self._ctx, None, self))

    @Slot()
    def edit_contract(self) -> ContractDialog | None:
        """Enter: the selected contract in the editor."""
        cid = self.selected_contract_id()
        return None if cid is None else self._open(ContractDialog(self._ctx, cid, self))

    @Slot(QModelIndex)
    def _open_index(self, index: QModelIndex) -> None:
        self._open(ContractDialog(self._ctx, index.data(ID_ROLE), self))

    @Slot(int)
    def _saved(self, contract_id: int) -> None:
        self.chip.include(contract_id)  # created under a click-through: show it too
        self.refresh()
        self.select_contract(contract_id)

    @Slot()
    def delete_contract(self) -> None:
        """Delete: move the selected contract to the recycle bin after a confirmation."""
        cid = self.selected_contract_id()
        if cid is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("删除技术合同"),
            self.tr("将选中的合同移入回收站？可在“回收站”中恢复。"),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.delete_task = run_op(
            self,
            self._ctx,
            partial(records.delete_contract, contract_id=cid, operator=self._ctx.operator),
            label=self.tr("正在删除…"),
            on_done=self._deleted,
        )

    @Slot(object)
    def _deleted(self, _result: object) -> None:
        self.refresh()

    @Slot()
    def open_recycle_bin(self) -> RecycleDialog:
        """回收站: deleted contracts with who and when; 恢复 brings them back."""
        columns = [self.tr("登记号"), self.tr("合同名称"), self.tr("卖方"), self.tr("买方")]
        dialog = RecycleDialog(
            self._ctx,
            self.tr("技术合同回收站"),
            columns,
            deleted_contract_rows,
            records.restore_contract,
            self,
        )
        dialog.restored.connect(self._restored)
        self.last_bin = dialog
        dialog.open()
        return dialog

    @Slot(object)
    def _restored(self, ids: list[int]) -> None:
        self.refresh()
        if ids:
            self.select_contract(ids[0])
