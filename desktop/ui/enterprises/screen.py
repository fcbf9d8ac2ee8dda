"""企业名录: the clerks' daily screen — search, filters, sortable columns, editor, recycle bin, export.

A click-through (`navigate("enterprises", ids=…, label=…, origin=…)` from 首页 or 指标与目标) shows
its ids as a removable chip above the table; the filter bar shows the click-through's other fields.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import fields, replace
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QModelIndex, QPoint, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.rules.validity import LADDER_NAMES
from db.services import enterprises
from db.services.enterprises.qualifications import list_types
from db.services.enterprises.roster import RosterFilter
from db.services.towns import list_towns
from desktop.operations import for_each
from desktop.progress import CancelToken, Progress
from desktop.ui.common import files
from desktop.ui.common.cells import fit_to_contents
from desktop.ui.common.chips import FilterChip
from desktop.ui.common.export import tell_saved
from desktop.ui.common.fields import NO_VALUE
from desktop.ui.common.recycle import RecycleDialog, RecycleRow
from desktop.ui.enterprises.model import COLUMNS, ID_ROLE, RosterModel
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.operations import run_steps
from desktop.ui.shell.tasks import run_task

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

SEARCH_DEBOUNCE_MS = 150
DEFAULT_EXPIRY_DAYS = 180
RECYCLE_COLUMNS = ("企业名称", "统一社会信用代码")


def deleted_enterprise_rows(session: Session) -> list[RecycleRow]:
    """The enterprises' recycle bin as the shared dialog lists it, most recently deleted first."""
    return [
        RecycleRow(d.id, (d.name, d.uscc), d.deleted_at, d.deleted_by)
        for d in enterprises.recycle_bin(session)
    ]


class RosterFilters(QWidget):
    """The filter bar (layout only); `current()` reads it as a RosterFilter."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.town = QComboBox()
        self.qual_type = QComboBox()
        self.held_on = QDateEdit(QDate.currentDate())
        self.held_on.setCalendarPopup(True)
        self.held_on.setDisplayFormat("yyyy-MM-dd")
        self.ladder = QComboBox()
        self.above = QComboBox()
        self.expiring = QCheckBox(self.tr("高企到期"))
        self.expiry_days = QSpinBox()
        self.expiry_days.setRange(1, 3650)
        self.expiry_days.setValue(DEFAULT_EXPIRY_DAYS)
        self.expiry_days.setSuffix(self.tr(" 天内"))
        self.problems = QCheckBox(self.tr("有问题的"))
        self._fill(ctx)
        self._lay_out()

    def _fill(self, ctx: AppContext) -> None:
        with ctx.session() as s:
            towns = list_towns(s)
            types = list_types(s)
        self.town.addItem(self.tr("全部镇街"), NO_VALUE)
        for t in towns:
            self.town.addItem(t.name, t.id)
        self.qual_type.addItem(self.tr("不限资质"), "")
        for q in types:
            self.qual_type.addItem(q.name, q.code)
        self.ladder.addItem(self.tr("全部梯度"), NO_VALUE)
        for stage, name in LADDER_NAMES.items():
            self.ladder.addItem(self.tr(name), stage)
        self.above.addItem(self.tr("规上：不限"), NO_VALUE)
        self.above.addItem(self.tr("规上企业"), 1)
        self.above.addItem(self.tr("非规上"), 0)

    def _lay_out(self) -> None:
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.town)
        row.addWidget(self.qual_type)
        row.addWidget(QLabel(self.tr("持有于")))
        row.addWidget(self.held_on)
        row.addWidget(self.ladder)
        row.addWidget(self.above)
        row.addWidget(self.expiring)
        row.addWidget(self.expiry_days)
        row.addWidget(self.problems)
        row.addStretch(1)

    def signals(self) -> list[Any]:
        """Every change signal of the bar."""
        return [
            self.town.currentIndexChanged,
            self.qual_type.currentIndexChanged,
            self.held_on.dateChanged,
            self.ladder.currentIndexChanged,
            self.above.currentIndexChanged,
            self.expiring.toggled,
            self.expiry_days.valueChanged,
            self.problems.toggled,
        ]

    def current(self, text: str) -> RosterFilter:
        """The filter the bar shows, with the search text."""
        code = self.qual_type.currentData() or None
        above = _value(self.above)
        return RosterFilter(
            text=text,
            town_id=_value(self.town),
            qualification_code=code,
            held_on=self.held_on.date().toPython() if code else None,  # type: ignore[arg-type]
            ladder_stage=_value(self.ladder),
            above_scale=None if above is None else bool(above),
            expiring_within_days=self.expiry_days.value() if self.expiring.isChecked() else None,
            has_problems=self.problems.isChecked(),
        )

    def show_filter(self, f: RosterFilter) -> None:
        """Set the widgets from a filter (signals blocked by the caller)."""
        _select(self.town, f.town_id)
        _select(self.qual_type, f.qualification_code or "")
        held = f.held_on or date.today()  # the query's default for a qualification filter
        self.held_on.setDate(QDate(held.year, held.month, held.day))
        _select(self.ladder, f.ladder_stage)
        _select(self.above, None if f.above_scale is None else int(f.above_scale))
        self.expiring.setChecked(f.expiring_within_days is not None)
        self.expiry_days.setValue(f.expiring_within_days or DEFAULT_EXPIRY_DAYS)
        self.problems.setChecked(f.has_problems)


def _value(combo: QComboBox) -> Any:
    """The item's data, None for the NO_VALUE item."""
    data = combo.currentData()
    return None if data == NO_VALUE else data


def _select(combo: QComboBox, value: object) -> None:
    index = combo.findData(NO_VALUE if value is None else value)
    combo.setCurrentIndex(max(index, 0))


class RosterScreen(QWidget):
    """The roster: a search box, filters, the count, the table and the actions on enterprises."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.model = RosterModel(ctx, self)
        self._build()
        self._connect()
        self._apply_saved_columns()
        self._show_count()

    # ----- layout -----

    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("名称、代码或拼音首字母"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.clear_button = QPushButton(self.tr("清除筛选"))
        self.clear_button.setToolTip(
            self.tr("清空搜索、筛选条件和来自其他页面的筛选，显示全部企业")
        )
        self.filters = RosterFilters(self._ctx)
        self.chip = FilterChip()
        self.count_label = QLabel()
        self.notice = QLabel()  # what the last save did, on the chip's line
        self.notice.setObjectName("rosterNotice")
        self.notice.setStyleSheet("QLabel#rosterNotice { color: #1e7b34; }")
        self.notice.hide()  # until a save: the line takes no room while the chip is hidden too
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        # columns sized to the first page's text (one page of the ids, fetched anyway to show it)
        fit_to_contents(self.table)
        self.buttons = {
            key: QPushButton(self.tr(text))
            for key, text in (
                ("new", "新建"),
                ("open", "打开"),
                ("delete", "删除"),
                ("bin", "回收站"),
                ("export", "导出Excel"),
                ("columns", "列…"),
            )
        }
        top = QHBoxLayout()
        top.addWidget(self.search)
        top.addWidget(self.clear_button)
        for button in self.buttons.values():
            top.addWidget(button)
        top.addStretch(1)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.filters)
        chip_line = QHBoxLayout()
        chip_line.addWidget(self.chip)
        chip_line.addStretch(1)
        chip_line.addWidget(self.notice)
        layout.addLayout(chip_line)
        layout.addWidget(self.table, 1)

    def _connect(self) -> None:
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._debounce.start)
        for signal in self.filters.signals():
            signal.connect(self.apply_filter)
        self.model.modelReset.connect(self._show_count)
        self.clear_button.clicked.connect(self.clear_filters)
        self.chip.removed.connect(self.apply_filter)
        self.table.doubleClicked.connect(self._open_index)
        self.table.horizontalHeader().customContextMenuRequested.connect(self._column_menu_at)
        b = self.buttons
        b["new"].clicked.connect(self.new_enterprise)
        b["open"].clicked.connect(self.open_selected)
        b["delete"].clicked.connect(self.delete_selected)
        b["bin"].clicked.connect(self.open_recycle_bin)
        b["export"].clicked.connect(self.export_excel)
        b["columns"].clicked.connect(self._column_menu_below_button)
        # Ctrl+F while the focus is in the screen; typed in the navigation it reaches the window's
        # 编辑 › 查找, which calls focus_search() (desktop/ui/shell/menus.py: a screen's key is the
        # screen's, the menu takes it in the navigation only, so it is never ambiguous)
        self.find_shortcut = self._shortcut(QKeySequence.StandardKey.Find, self.focus_search)
        new = self._shortcut(QKeySequence.StandardKey.New, self.new_enterprise)
        delete = self._shortcut(QKeySequence(Qt.Key.Key_Delete), self.delete_selected, self.table)
        self._shortcut(QKeySequence(Qt.Key.Key_Return), self.open_selected, self.table)
        self._shortcut(QKeySequence(Qt.Key.Key_Enter), self.open_selected, self.table)
        self._ctx.guard("edit", b["new"], b["delete"], new, delete)

    def _shortcut(self, key: Any, slot: Any, on: QWidget | None = None) -> QShortcut:
        shortcut = QShortcut(key, on or self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)
        return shortcut

    # ----- filter -----

    @Slot()
    def apply_filter(self) -> None:
        """Re-query with the search box, the filter bar and the chip's ids (when shown)."""
        self._debounce.stop()
        f = self.filters.current(self.search.text())
        if self.chip.ids is not None:
            f = RosterFilter(**{**_as_dict(f), "ids": self.chip.ids})
        self.model.set_filter(f)

    def open_filter(
        self, ids: Sequence[int] | None = None, label: str = "", origin: str = "", **kw: Any
    ) -> None:
        """Show the roster with these RosterFilter fields (a click-through): the ids as a chip
        “来自{origin}：{label}”, the other fields in the filter bar."""
        f = RosterFilter(ids=None if ids is None else tuple(ids), **kw)
        self._debounce.stop()  # typing not yet applied is replaced too
        if f.ids is None:
            self.chip.clear()
        else:
            default = self.tr("指定的 {n} 家企业").format(n=len(f.ids))
            self.chip.show_ids(f.ids, label or default, origin)
        widgets = [self.search, self.filters, *self.filters.findChildren(QWidget)]
        for w in widgets:
            w.blockSignals(True)
        try:
            self.search.setText(f.text)
            self.filters.show_filter(f)
        finally:
            for w in widgets:
                w.blockSignals(False)
        self.model.set_filter(f)

    @Slot()
    def clear_filters(self) -> None:
        """清除筛选: no search text, every filter at 全部 / 不限, no chip — the whole roster."""
        self.open_filter()

    def refresh(self) -> None:
        """Shown again: re-run the query (others may have changed the data)."""
        self.model.reload()

    @Slot()
    def _show_count(self) -> None:
        self.count_label.setText(self.tr("共 {n} 家").format(n=self.model.rowCount()))
        f = self.model.filter
        self.clear_button.setEnabled(replace(f, text=f.text.strip()) != RosterFilter())

    @Slot()
    def focus_search(self) -> None:
        """Ctrl+F (and the window's 编辑 › 查找): the search box, its text selected."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # ----- columns -----

    def _apply_saved_columns(self) -> None:
        shown = set(self._ctx.prefs.roster_columns or [c.key for c in COLUMNS])
        for col, c in enumerate(COLUMNS):
            self.table.setColumnHidden(col, c.key not in shown and c.key != "name")

    def column_menu(self) -> QMenu:
        """Checkable columns; the choice is saved in the user's preferences."""
        menu = QMenu(self)
        for col, c in enumerate(COLUMNS):
            action = QAction(self.tr(c.title), menu)
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(col))
            action.setEnabled(c.key != "name")
            action.setData(col)
            action.toggled.connect(self._column_toggled)
            menu.addAction(action)
        return menu

    @Slot(bool)
    def _column_toggled(self, checked: bool) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.set_column_shown(int(action.data()), checked)

    def set_column_shown(self, col: int, shown: bool) -> None:
        """Show or hide a column and remember the choice."""
        self.table.setColumnHidden(col, not shown)
        self._ctx.prefs.roster_columns = [
            c.key for i, c in enumerate(COLUMNS) if not self.table.isColumnHidden(i)
        ]
        self._ctx.prefs.save()

    @Slot(QPoint)
    def _column_menu_at(self, pos: QPoint) -> None:
        self.column_menu().exec(self.table.horizontalHeader().mapToGlobal(pos))

    @Slot()
    def _column_menu_below_button(self) -> None:
        button = self.buttons["columns"]
        self.column_menu().exec(button.mapToGlobal(QPoint(0, button.height())))

    # ----- actions -----

    def selected_ids(self) -> list[int]:
        """Ids of the selected rows, in display order."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.id_at(r) for r in rows]

    @Slot()
    def open_selected(self) -> None:
        """Enter: open the current enterprise in the editor."""
        index = self.table.currentIndex()
        if index.isValid():
            self.open_editor(index.data(ID_ROLE))

    @Slot(QModelIndex)
    def _open_index(self, index: QModelIndex) -> None:
        self.open_editor(index.data(ID_ROLE))

    @Slot()
    def new_enterprise(self) -> None:
        """Ctrl+N: an empty editor."""
        self.open_editor(None)

    def open_editor(self, enterprise_id: int | None) -> Any:
        """Open the editor (modal); refresh the roster after a save. Returns the dialog."""
        from desktop.ui.enterprises.editor import EnterpriseEditor

        dialog = self._ctx.guard_dialog(EnterpriseEditor(self._ctx, enterprise_id, self))
        self.last_editor = dialog
        dialog.saved.connect(self._after_save)
        dialog.open()
        return dialog

    @Slot(int)
    def _after_save(self, enterprise_id: int) -> None:
        if self.chip.include(enterprise_id):  # created under a click-through: show it too
            self.apply_filter()
        else:
            self.model.reload()
        row = self.model.row_of(enterprise_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        self._tell_saved(enterprise_id, shown=row >= 0)

    def _tell_saved(self, enterprise_id: int, shown: bool) -> None:
        """The line beside the chip: what was saved when, and why it is not listed if it is not."""
        with self._ctx.session() as s:
            name = enterprises.get(s, enterprise_id).name
        text = self.tr("已保存：{name}（{time}）").format(
            name=name, time=datetime.now().strftime("%H:%M:%S")
        )
        if not shown:
            text += self.tr("，不符合当前筛选，未列出")
        self.notice.setText(text)
        self.notice.show()

    @Slot()
    def delete_selected(self) -> None:
        """Delete: move the selected enterprise(s) to the recycle bin after a confirmation."""
        ids = self.selected_ids()
        if not ids:
            return
        answer = QMessageBox.question(
            self,
            self.tr("删除企业"),
            self.tr("将选中的 {n} 家企业移入回收站？可在“回收站”中恢复。").format(n=len(ids)),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        delete = partial(enterprises.soft_delete, operator=self._ctx.operator)
        self.delete_task = run_steps(
            self,
            self._ctx,
            for_each(ids, delete),
            label=self.tr("正在删除…"),
            on_done=self._reload_after_write,
        )

    @Slot(object)
    def _reload_after_write(self, _ids: object) -> None:
        self.model.reload()

    @Slot()
    def open_recycle_bin(self) -> RecycleDialog:
        """The recycle bin dialog; restored enterprises reappear."""
        dialog = RecycleDialog(
            self._ctx,
            self.tr("企业回收站"),
            [self.tr(c) for c in RECYCLE_COLUMNS],
            deleted_enterprise_rows,
            enterprises.restore,
            self,
        )
        self.last_bin = dialog
        dialog.restored.connect(self._reload_after_write)
        dialog.open()
        return dialog

    @Slot()
    def export_excel(self) -> None:
        """Export the current view (its filter) to .xlsx in the background."""
        start = str(Path(self._ctx.prefs.last_folder or Path.home()) / "企业名录.xlsx")
        path = files.save_file_name(
            self, self.tr("导出Excel"), start, self.tr("Excel 工作簿 (*.xlsx)")
        )
        if not path:
            return
        self.export_to(Path(path))

    def export_to(self, path: Path) -> Any:
        """Run the export of the current filter to `path` (returns the task handle)."""
        from desktop.exporting.enterprises import export_enterprises

        ctx, f = self._ctx, self.model.filter
        sort = self.model.ids()

        def work(cancel: CancelToken) -> Generator[Progress, None, Path]:
            return export_enterprises(ctx.store, path, f, date.today(), cancel, order=sort)

        self._ctx.prefs.last_folder = str(path.parent)
        self.export_task = run_task(self, work, label=self.tr("正在导出…"), on_done=self._exported)
        return self.export_task

    @Slot(object)
    def _exported(self, path: object) -> None:
        text = self.tr("已导出到：\n{p}").format(p=path)
        self.export_notice = tell_saved(self, Path(str(path)), text, self.tr("导出Excel"))


def _as_dict(f: RosterFilter) -> dict[str, Any]:
    return {fl.name: getattr(f, fl.name) for fl in fields(f)}
