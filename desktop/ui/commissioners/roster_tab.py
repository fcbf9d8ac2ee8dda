"""特派员名录: search and filters over the roster, masked ID numbers, 新建/编辑/删除, 回收站;
a click-through's commissioners (`open_filter(ids=…)`) named by a removable chip."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.services.commissioners import roster
from db.services.commissioners.common import KINDS, LEVELS
from db.services.settings import get_settings
from db.services.towns import list_towns
from desktop.ui.commissioners.base import Tab, current_id, table
from desktop.ui.commissioners.dialogs import combo
from desktop.ui.commissioners.editors import CommissionerEditor
from desktop.ui.commissioners.models import CommissionerTableModel
from desktop.ui.commissioners.recycle import COMMISSIONER_COLUMNS, commissioner_rows
from desktop.ui.common.chips import FilterChip
from desktop.ui.common.export import export_button
from desktop.ui.common.recycle import RecycleDialog
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.operations import run_op
from desktop.ui.shell.tasks import TaskHandle, show_error

SEARCH_DEBOUNCE_MS = 150


class RosterTab(Tab):
    """特派员名录: search, filters, masked ID numbers with a 显示 toggle, 新建/编辑/删除."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = CommissionerTableModel(self)
        self._build()
        self.reload()

    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("姓名、单位、领域或拼音首字母"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self.kind = combo([(self.tr("全部类型"), None), *((k, k) for k in KINDS)])
        self.level = combo([(self.tr("全部级别"), None), *((v, v) for v in LEVELS)])
        self.field = QComboBox()
        self.town = QComboBox()
        self.year = combo([(self.tr("不限年度"), None)])
        for y in range(date.today().year, date.today().year - 6, -1):
            self.year.addItem(self.tr("{y}年在服").format(y=y), y)
        self.grade = QComboBox()
        self._fill_choices()
        self.reveal = QPushButton(self.tr("显示"))
        self.reveal.setCheckable(True)
        self.reveal.setToolTip(
            self.tr("显示所选特派员的完整身份证号码（个人信息，请注意保密；查看记入操作日志）")
        )
        self.buttons = {
            k: QPushButton(self.tr(t))
            for k, t in (("new", "新建"), ("edit", "编辑"), ("delete", "删除"), ("bin", "回收站"))
        }
        self.buttons["bin"].setToolTip(self.tr("查看已删除的特派员并恢复"))
        self.count = QLabel()
        self.chip = FilterChip()
        self.view = table(self.model)
        top = QHBoxLayout()
        top.addWidget(self.search)
        for w in (self.kind, self.level, self.field, self.town, self.year, self.grade):
            top.addWidget(w)
        top.addStretch(1)
        buttons = QHBoxLayout()
        for b in self.buttons.values():
            buttons.addWidget(b)
        buttons.addWidget(self.reveal)
        self.export_button = export_button(
            self.view, self.tr("特派员名录"), self._ctx, self, prepare=self.mask_ids
        )
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.chip, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.view, 1)
        self._connect()

    def _fill_choices(self) -> None:
        with self._ctx.session() as s:
            fields = roster.fields_in_use(s)
            towns = list_towns(s)
            grades = get_settings(s).grades
        self.field.addItem(self.tr("全部领域"), None)
        for f in fields:
            self.field.addItem(f, f)
        self.town.addItem(self.tr("全部服务镇街"), None)
        for t in towns:
            self.town.addItem(t.name, t.id)
        self.grade.addItem(self.tr("全部等次"), None)
        for g in grades:
            self.grade.addItem(g, g)

    def _connect(self) -> None:
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.reload)
        self.search.textChanged.connect(self._debounce.start)
        for box in (self.kind, self.level, self.field, self.town, self.year, self.grade):
            box.currentIndexChanged.connect(self.reload)
        self.reveal.toggled.connect(self._reveal_toggled)
        self.view.selectionModel().currentRowChanged.connect(self.mask_ids)
        self.model.modelReset.connect(self.mask_ids)
        self.buttons["new"].clicked.connect(self.new_commissioner)
        self.buttons["edit"].clicked.connect(self.edit_current)
        self.buttons["delete"].clicked.connect(self.delete_current)
        self.buttons["bin"].clicked.connect(self.open_recycle_bin)
        self.view.doubleClicked.connect(self.edit_current)
        self.chip.removed.connect(self.reload)
        b = self.buttons
        self._ctx.guard("edit", b["new"], b["edit"], b["delete"])
        self._ctx.guard("export_ids", self.reveal)

    def current_filter(self) -> roster.CommissionerFilter:
        """The filter the bar shows."""
        return roster.CommissionerFilter(
            text=self.search.text(),
            kind=self.kind.currentData(),
            level=self.level.currentData(),
            field=self.field.currentData(),
            town_id=self.town.currentData(),
            year=self.year.currentData(),
            grade=self.grade.currentData(),
        )

    @Slot()
    def reload(self) -> None:
        """Query again with the search box and filters."""
        self._debounce.stop()
        with self._ctx.session() as s:
            rows = roster.search(s, self.current_filter())
        if self.chip.ids is not None:
            wanted = set(self.chip.ids)
            rows = [c for c in rows if c.id in wanted]
        self.model.set_rows(rows)
        self.count.setText(self.tr("共 {n} 名").format(n=len(rows)))

    def open_filter(self, ids: Sequence[int], label: str = "", origin: str = "") -> None:
        """Exactly these commissioners, as a chip “来自{origin}：{label}” (other filters cleared)."""
        default = self.tr("指定的 {n} 名特派员").format(n=len(ids))
        self.chip.show_ids(ids, label or default, origin)
        boxes = (self.kind, self.level, self.field, self.town, self.year, self.grade)
        for w in (self.search, *boxes):
            w.blockSignals(True)
        try:
            self.search.clear()
            for box in boxes:
                box.setCurrentIndex(0)
        finally:
            for w in (self.search, *boxes):
                w.blockSignals(False)
        self.reload()

    @Slot()
    def new_commissioner(self) -> Any:
        """Open an empty editor."""
        return self.open_editor(None)

    @Slot()
    def edit_current(self) -> Any:
        """Open the current commissioner in the editor."""
        cid = current_id(self.view)
        return self.open_editor(cid) if cid is not None else None

    def open_editor(self, commissioner_id: int | None) -> Any:
        """The editor dialog (modal); the roster reloads after a save."""
        dialog = self._ctx.guard_dialog(CommissionerEditor(self._ctx, commissioner_id, self))
        dialog.saved.connect(self._edited)
        self.last_dialog = dialog
        dialog.open()
        return dialog

    @Slot(int)
    def _edited(self, commissioner_id: int) -> None:
        self.chip.include(commissioner_id)  # created under a click-through: show it too
        self._written(commissioner_id)

    @Slot()
    def delete_current(self) -> None:
        """Move the current commissioner to the recycle bin after a confirmation."""
        cid = current_id(self.view)
        if cid is None:
            return
        answer = QMessageBox.question(
            self, self.tr("删除特派员"), self.tr("将选中的特派员移入回收站？")
        )
        if answer == QMessageBox.StandardButton.Yes:
            delete = partial(roster.soft_delete, commissioner_id=cid, operator=self._ctx.operator)
            self.run_write(delete, self.tr("正在删除…"))

    @Slot()
    def open_recycle_bin(self) -> RecycleDialog:
        """回收站: deleted commissioners with who and when; 恢复 brings them back."""
        title = self.tr("特派员回收站")
        return self.open_bin(title, COMMISSIONER_COLUMNS, commissioner_rows, roster.restore)

    @Slot(bool)
    def _reveal_toggled(self, on: bool) -> None:
        if on:
            self.reveal_current()
        else:
            self.model.reveal(None)

    def reveal_current(self) -> TaskHandle[object] | None:
        """显示: the selected commissioner's ID number in full — that row only, and the reveal
        is audited (who saw whose number, when) before the number is shown."""
        shown = self.model.row_at(self.view.currentIndex().row())
        if shown is None or not shown.id_number or not self._ctx.allowed("export_ids"):
            self.reveal.setChecked(False)
            self.count.setText(self.tr("请先选择一位填有身份证号码的特派员"))
            return None
        op = partial(roster.reveal_id_number, commissioner_id=shown.id, operator=self._ctx.operator)
        self.last_task = run_op(
            self,
            self._ctx,
            op,
            label=self.tr("正在读取…"),
            on_done=partial(self._revealed, shown.id),
            on_error=self._reveal_failed,
        )
        return self.last_task

    def _revealed(self, commissioner_id: int, number: object) -> None:
        still = self.model.row_at(self.view.currentIndex().row())
        if self.reveal.isChecked() and still is not None and still.id == commissioner_id:
            self.model.reveal(commissioner_id, number if isinstance(number, str) else None)

    @Slot(object)
    def _reveal_failed(self, exc: BaseException) -> None:
        self.reveal.setChecked(False)
        show_error(self, exc)

    @Slot()
    def mask_ids(self) -> None:
        """Show every ID number masked again (another row selected, a reload, an export)."""
        self.reveal.setChecked(False)
        self.model.reveal(None)
