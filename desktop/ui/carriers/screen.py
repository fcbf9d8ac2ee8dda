"""孵化载体: a summary, the carriers table with filters, and the selected carrier's details.

The layout is `CarriersView` (view.py); here are the reads, the dialogs and the writes, which run
as named operations on the write worker.

Navigated here with `navigate("carriers", ids=…)` or `navigate("carriers", incubatee_ids=…)` (with
`label=`, `origin=`; 指标与目标's click-through): a removable chip names the records, the table shows
exactly those carriers — or those holding the incubatees, whose 在孵企业 tab then lists only them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import QModelIndex, QTimer, Slot
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy.orm import Session

from db.services import carriers
from db.services.towns import list_towns
from desktop.ui.carriers.dialogs import CarrierDialog, ExitDialog, IncubateeDialog, YearDialog
from desktop.ui.carriers.view import CarriersView
from desktop.ui.common.export import ListExporter
from desktop.ui.common.recycle import RecycleDialog, RecycleRow
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.operations import run_op
from desktop.ui.shell.tasks import TaskHandle


def deleted_carrier_rows(session: Session) -> list[RecycleRow]:
    """Deleted carriers as recycle-bin rows."""
    return [
        RecycleRow(c.id, (c.name, c.kind), c.deleted_at, c.deleted_by)
        for c in carriers.deleted_carriers(session)
    ]


CARRIERS, INCUBATEES = "carriers", "incubatees"


class CarriersScreen(CarriersView):
    """The carriers of the district, their incubatees, yearly data and checks."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        with ctx.session() as s:
            towns = list_towns(s)
        super().__init__(towns, date.today(), parent)
        self._ctx = ctx
        self.delete_task: TaskHandle[None] | None = None
        self.remove_task: TaskHandle[None] | None = None
        self._chip_of = CARRIERS  # what the chip's ids are: carriers or incubatees
        self._holders: frozenset[int] = frozenset()  # carriers of the chip's incubatees
        self._connect()
        self.refresh()

    def _connect(self) -> None:
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.reload_carriers)
        self.search.textChanged.connect(self._debounce.start)
        for box in (self.kind, self.level, self.town):
            box.currentIndexChanged.connect(self.reload_carriers)
        self.carrier_table.selectionModel().currentRowChanged.connect(self._carrier_changed)
        self.carrier_table.doubleClicked.connect(self._carrier_double_clicked)
        self.new_button.clicked.connect(self.new_carrier)
        self.edit_button.clicked.connect(self.edit_carrier)
        self.delete_button.clicked.connect(self.delete_carrier)
        self.bin_button.clicked.connect(self.open_recycle_bin)
        ctx = self._ctx
        self.exporters = {
            "carriers": ListExporter(self.carrier_table, self.tr("孵化载体"), ctx, self),
            "incubatees": ListExporter(self.incubatee_table, self.tr("在孵企业"), ctx, self),
            "years": ListExporter(self.year_table, self.tr("载体年度数据"), ctx, self),
        }
        self.export_button.clicked.connect(self.exporters["carriers"].export)
        self.export_incubatees_button.clicked.connect(self.exporters["incubatees"].export)
        self.export_years_button.clicked.connect(self.exporters["years"].export)
        self.add_inc_button.clicked.connect(self.add_incubatee)
        self.edit_inc_button.clicked.connect(self.edit_incubatee)
        self.incubatee_table.doubleClicked.connect(self.edit_incubatee)
        self.exit_button.clicked.connect(self.exit_incubatee)
        self.remove_button.clicked.connect(self.remove_incubatee)
        self.current_only.toggled.connect(self.show_details)
        self.year_button.clicked.connect(self.edit_year)
        self.year_table.doubleClicked.connect(self.edit_year)
        self.graduation_on.dateChanged.connect(self.show_details)
        self.chip.removed.connect(self.reload_carriers)
        writes = (self.new_button, self.edit_button, self.delete_button, self.add_inc_button)
        more = (self.edit_inc_button, self.exit_button, self.remove_button, self.year_button)
        ctx.guard("edit", *writes, *more)

    # ----- data -----

    def refresh(self) -> None:
        """Shown again: re-read everything (others may have changed the data)."""
        self.today = date.today()
        self.reload_carriers()

    def current_filter(self) -> carriers.CarrierFilter:
        """The filter the bar shows."""
        return carriers.CarrierFilter(
            text=self.search.text(),
            kind=self.kind.currentData(),
            level=self.level.currentData(),
            town_id=self.town.currentData(),
        )

    def open_filter(
        self,
        ids: Sequence[int] | None = None,
        incubatee_ids: Sequence[int] | None = None,
        label: str = "",
        origin: str = "",
        **_kw: Any,
    ) -> None:
        """Navigated here: exactly these carriers, or the carriers of these incubatees and only
        them in 在孵企业, as a chip “来自{origin}：{label}” (the other filters cleared)."""
        if ids is None and incubatee_ids is None:
            return
        if incubatee_ids is not None:
            self._chip_of, named = INCUBATEES, tuple(incubatee_ids)
            default = self.tr("指定的 {n} 个在孵对象").format(n=len(named))
            self._holders = self._carriers_holding(frozenset(named))
            self.tabs.setCurrentIndex(0)
            self.current_only.setChecked(False)  # the ids say who; the checkbox must not hide any
        else:
            self._chip_of, named = CARRIERS, tuple(ids or ())
            default = self.tr("指定的 {n} 个载体").format(n=len(named))
        self.chip.show_ids(named, label or default, origin)
        for box in (self.kind, self.level, self.town):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.reload_carriers()

    def _carriers_holding(self, incubatee_ids: frozenset[int]) -> frozenset[int]:
        with self._ctx.session() as s:
            return frozenset(
                c.id
                for c in carriers.list_carriers(s, None, self.today)
                if any(i.id in incubatee_ids for i in carriers.list_incubatees(s, c.id))
            )

    def _named(self, rows: list[carriers.CarrierView]) -> list[carriers.CarrierView]:
        """The carriers the chip names (all of them without a chip)."""
        if self.chip.ids is None:
            return rows
        wanted = set(self.chip.ids) if self._chip_of == CARRIERS else self._holders
        return [c for c in rows if c.id in wanted]

    @Slot()
    def reload_carriers(self) -> None:
        """Re-query the carriers (keeps the selected one when still shown)."""
        self._debounce.stop()
        keep = self.selected_carrier_id()
        with self._ctx.session() as s:
            rows = self._named(carriers.list_carriers(s, self.current_filter(), self.today))
            summary = carriers.summary(s, self.today)
        self.summary.show_summary(summary)
        self.carrier_model.set_rows(rows)
        self.count_label.setText(self.tr("共 {n} 个载体").format(n=len(rows)))
        row = self.carrier_model.row_of(keep) if keep is not None else -1
        self.carrier_table.selectRow(row if row >= 0 else 0)
        self.show_details()

    def selected_carrier_id(self) -> int | None:
        """The id of the carrier whose details are shown."""
        index = self.carrier_table.currentIndex()
        if not index.isValid() or index.row() >= self.carrier_model.rowCount():
            return None
        return self.carrier_model.row_at(index.row()).id

    def select_carrier(self, carrier_id: int) -> None:
        """Select a carrier by id (no-op when not shown)."""
        row = self.carrier_model.row_of(carrier_id)
        if row >= 0:
            self.carrier_table.selectRow(row)

    @Slot(QModelIndex, QModelIndex)
    def _carrier_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self.show_details()

    @Slot()
    def show_details(self) -> None:
        """Fill the tabs for the selected carrier."""
        cid = self.selected_carrier_id()
        for b in (self.add_inc_button, self.edit_inc_button, self.exit_button, self.remove_button):
            b.setEnabled(cid is not None)
        self.year_button.setEnabled(cid is not None)
        self.edit_button.setEnabled(cid is not None)
        self.delete_button.setEnabled(cid is not None)
        if cid is None:
            self.detail_title.setText(self.tr("（请选择或新建一个载体）"))
            for m in (
                self.incubatee_model,
                self.year_model,
                self.graduation_model,
                self.readiness_model,
            ):
                m.set_rows([])
            return
        on = self.graduation_on.date().toPython()
        with self._ctx.session() as s:
            view = carriers.get_carrier(s, cid, self.today)
            only = self.today if self.current_only.isChecked() else None
            incubatees = carriers.list_incubatees(s, cid, only)
            if self.chip.ids is not None and self._chip_of == INCUBATEES:
                named = set(self.chip.ids)
                incubatees = [i for i in incubatees if i.id in named]
            years = carriers.carrier_years(s, cid, self.today)
            checks = carriers.graduation_check(s, cid, on)  # type: ignore[arg-type]
            readiness = carriers.readiness_check(s, cid, self.today)
        self.detail_title.setText(
            self.tr("{name}（{kind}）　在孵 {n} 个，{y}年毕业 {g} 个").format(
                name=view.name,
                kind=view.kind,
                n=view.incubating,
                y=self.today.year,
                g=view.graduates_this_year,
            )
        )
        self.incubatee_model.set_rows(incubatees)
        self.year_model.set_rows(years)
        self.graduation_model.set_rows(checks)
        self.readiness_model.set_rows(list(readiness.checks))
        self._show_readiness_note(readiness)

    def _show_readiness_note(self, r: carriers.Readiness) -> None:
        if not r.applicable:
            text = self.tr("{kind}没有设定国家级认定参考条件（设置中只有孵化器和众创空间的门槛）。")
            self.readiness_note.setText(text.format(kind=r.kind))
        elif r.ready:
            self.readiness_note.setText(
                self.tr("✓ 已满足国家级认定的全部参考条件（门槛可在“设置”中修改）。")
            )
        else:
            self.readiness_note.setText(
                self.tr("尚未满足全部国家级认定参考条件，见下表差额（门槛可在“设置”中修改）。")
            )

    # ----- carriers -----

    def _open(self, dialog: Any) -> Any:
        self.last_dialog = self._ctx.guard_dialog(dialog)  # a viewer reads it
        dialog.saved.connect(self._saved)
        dialog.open()
        return dialog

    @Slot()
    def new_carrier(self) -> Any:
        """An empty carrier editor."""
        return self._open(CarrierDialog(self._ctx, None, self))

    @Slot()
    def edit_carrier(self) -> Any:
        """The selected carrier in the editor."""
        cid = self.selected_carrier_id()
        return None if cid is None else self._open(CarrierDialog(self._ctx, cid, self))

    @Slot(QModelIndex)
    def _carrier_double_clicked(self, _index: QModelIndex) -> None:
        self.edit_carrier()

    @Slot(int)
    def _saved(self, record_id: int) -> None:
        sender = self.sender()
        kind = {CarrierDialog: CARRIERS, IncubateeDialog: INCUBATEES}.get(type(sender))
        if kind == self._chip_of and self.chip.include(record_id):  # created under the chip
            cid = self.selected_carrier_id()
            if kind == INCUBATEES and cid is not None:
                self._holders |= {cid}
        self.reload_carriers()
        if isinstance(sender, CarrierDialog):  # the others save the selected carrier
            self.select_carrier(record_id)

    @Slot()
    def delete_carrier(self) -> None:
        """Move the selected carrier to the recycle bin after a confirmation."""
        cid = self.selected_carrier_id()
        if cid is None:
            return
        answer = QMessageBox.question(
            self, self.tr("删除载体"), self.tr("将选中的载体移入回收站？其在孵记录随之隐藏。")
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.delete_task = run_op(
            self,
            self._ctx,
            partial(carriers.delete_carrier, carrier_id=cid, operator=self._ctx.operator),
            label=self.tr("正在删除…"),
            on_done=self._written,
        )

    @Slot()
    def open_recycle_bin(self) -> RecycleDialog:
        """回收站: deleted carriers with who and when; 恢复 brings them back."""
        columns = [self.tr("载体名称"), self.tr("类型")]
        dialog = RecycleDialog(
            self._ctx,
            self.tr("载体回收站"),
            columns,
            deleted_carrier_rows,
            carriers.restore_carrier,
            self,
        )
        dialog.restored.connect(self._restored)
        self.last_bin = dialog
        dialog.open()
        return dialog

    @Slot(object)
    def _restored(self, ids: list[int]) -> None:
        self.reload_carriers()
        if ids:
            self.select_carrier(ids[0])

    # ----- incubatees -----

    def selected_incubatee_id(self) -> int | None:
        """The id of the selected incubatee."""
        index = self.incubatee_table.currentIndex()
        if not index.isValid():
            return None
        return self.incubatee_model.row_at(index.row()).id

    @Slot()
    def add_incubatee(self) -> Any:
        """Add an enterprise of the roster (searched or created) or a team."""
        cid = self.selected_carrier_id()
        return None if cid is None else self._open(IncubateeDialog(self._ctx, cid, None, self))

    @Slot()
    def edit_incubatee(self) -> Any:
        """Edit the selected incubatee."""
        cid, iid = self.selected_carrier_id(), self.selected_incubatee_id()
        if cid is None or iid is None:
            return None
        return self._open(IncubateeDialog(self._ctx, cid, iid, self))

    @Slot()
    def exit_incubatee(self) -> Any:
        """Graduate (or another exit) the selected incubatee."""
        iid = self.selected_incubatee_id()
        return None if iid is None else self._open(ExitDialog(self._ctx, iid, self))

    @Slot()
    def remove_incubatee(self) -> None:
        """Remove an incubatee entered by mistake (after a confirmation)."""
        iid = self.selected_incubatee_id()
        if iid is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("移除在孵记录"),
            self.tr("仅用于删除误录的记录；企业毕业或迁出请用“毕业/离孵”。确定移除？"),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.remove_task = run_op(
            self,
            self._ctx,
            partial(carriers.remove_incubatee, incubatee_id=iid, operator=self._ctx.operator),
            label=self.tr("正在移除…"),
            on_done=self._written,
        )

    @Slot(object)
    def _written(self, _result: object) -> None:
        self.reload_carriers()

    # ----- years -----

    @Slot()
    def edit_year(self) -> Any:
        """The operation data of the selected year (or this year)."""
        cid = self.selected_carrier_id()
        if cid is None:
            return None
        index = self.year_table.currentIndex()
        year = self.year_model.row_at(index.row()).year if index.isValid() else None
        return self._open(YearDialog(self._ctx, cid, year, self))
