"""选派结对: the dispatches of a year; 新建派遣, 编辑 (e.g. a 三方协议 signed later), 今天结束, 删除."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from db.services.commissioners import dispatches
from db.services.commissioners.dispatches import DispatchView
from desktop.ui.commissioners.base import Tab, current_id, period, table, year_box
from desktop.ui.commissioners.editors import DispatchDialog
from desktop.ui.commissioners.models import Col, RowsModel
from desktop.ui.common.export import export_button
from desktop.ui.shell.context import AppContext

DISPATCH_COLUMNS: list[Col[DispatchView]] = [
    Col("科技特派员", lambda d: d.commissioner),
    Col("服务对象", lambda d: d.target_name + ("" if d.enterprise_id else "（非名录单位）")),
    Col("镇街", lambda d: d.town or ""),
    Col("服务期", period),
    Col("三方协议", lambda d: "已签" if d.agreement else ""),
    Col("对接需求", lambda d: "是" if d.demand_id else ""),
]


class DispatchesTab(Tab):
    """选派结对: the dispatches of a year; 新建派遣 opens the dialog."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model: RowsModel[DispatchView] = RowsModel(DISPATCH_COLUMNS, lambda d: d.id, self)
        self.year = year_box()
        self.new_button = QPushButton(self.tr("新建派遣"))
        self.edit_button = QPushButton(self.tr("编辑"))
        self.edit_button.setToolTip(self.tr("修改服务对象、镇街、服务期或三方协议"))
        self.end_button = QPushButton(self.tr("今天结束"))
        self.delete_button = QPushButton(self.tr("删除"))
        self.count = QLabel()
        self.view = table(self.model)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年度")))
        self.export_button = export_button(self.view, self.tr("选派结对"), self._ctx, self)
        for w in (
            self.year,
            self.new_button,
            self.edit_button,
            self.end_button,
            self.delete_button,
        ):
            top.addWidget(w)
        top.addWidget(self.export_button)
        top.addStretch(1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self.year.valueChanged.connect(self.reload)
        self.new_button.clicked.connect(self.new_dispatch)
        self.edit_button.clicked.connect(self.edit_current)
        self.view.doubleClicked.connect(self.edit_current)
        self.end_button.clicked.connect(self.end_current)
        self.delete_button.clicked.connect(self.delete_current)
        buttons = (self.new_button, self.edit_button, self.end_button, self.delete_button)
        self._ctx.guard("edit", *buttons)
        self.reload()

    @Slot()
    def reload(self) -> None:
        """Query the year's dispatches again."""
        with self._ctx.session() as s:
            rows = dispatches.list_dispatches(s, year=self.year.value())
        self.model.set_rows(rows)
        self.count.setText(self.tr("共 {n} 条").format(n=len(rows)))

    @Slot()
    def new_dispatch(self) -> Any:
        """The new dispatch dialog."""
        dialog = DispatchDialog(self._ctx, self)
        dialog.saved.connect(self._written)
        self.last_dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def edit_current(self) -> Any:
        """The current dispatch in the dialog (saved with the version shown, audited)."""
        did = current_id(self.view)
        if did is None:
            return None
        dialog = self._ctx.guard_dialog(DispatchDialog(self._ctx, self, dispatch_id=did))
        dialog.saved.connect(self._written)
        self.last_dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def end_current(self) -> None:
        """End the current dispatch today."""
        did = current_id(self.view)
        shown = self.model.row_at(self.model.row_of(did)) if did is not None else None
        if shown is not None:
            end = partial(
                dispatches.end_dispatch,
                dispatch_id=shown.id,
                end_on=date.today(),
                operator=self._ctx.operator,
                expected_version=shown.version,
            )
            self.run_write(end, self.tr("正在保存…"))

    @Slot()
    def delete_current(self) -> None:
        """Move the current dispatch to the recycle bin after a confirmation."""
        did = current_id(self.view)
        if did is None:
            return
        answer = QMessageBox.question(
            self, self.tr("删除派遣"), self.tr("将选中的派遣记录移入回收站？")
        )
        if answer == QMessageBox.StandardButton.Yes:
            delete = partial(dispatches.soft_delete, dispatch_id=did, operator=self._ctx.operator)
            self.run_write(delete, self.tr("正在删除…"))
