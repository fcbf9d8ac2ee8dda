"""创新平台: counts by kind against their targets, the platforms table with filters, the editor.

Navigated here with `navigate("platforms", ids=(…), label=…, origin=…)` (指标与目标's click-through):
the table shows exactly those platforms, named by a removable chip. The targets are the indicators'
(指标与目标, linked).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from db.rules.years import FIRST_PLAN_YEAR, LAST_PLAN_YEAR
from db.services import platforms
from desktop.ui.common.chips import FilterChip
from desktop.ui.common.export import export_button
from desktop.ui.common.forms import combo
from desktop.ui.common.layout import button_row, table_view
from desktop.ui.common.recycle import RecycleDialog, RecycleRow
from desktop.ui.common.tables import OK_COLOUR, SHORT_COLOUR, Col, ViewTableModel, shown
from desktop.ui.common.widgets import hint, screen_title
from desktop.ui.platforms.dialogs import PlatformDialog
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.operations import run_op
from desktop.ui.shell.tasks import TaskHandle


def deleted_platform_rows(session: Session) -> list[RecycleRow]:
    """Deleted platforms as recycle-bin rows."""
    return [
        RecycleRow(p.id, (p.name, p.kind, p.host_name), p.deleted_at, p.deleted_by)
        for p in platforms.deleted_platforms(session)
    ]


PLATFORM_COLUMNS: list[Col[platforms.PlatformView]] = [
    Col("平台名称", lambda p: p.name),
    Col("类型", lambda p: p.kind),
    Col("级别", lambda p: p.level),
    Col("依托单位", lambda p: p.host_name + ("" if p.host_enterprise_id else "（非名录）")),
    Col("认定年份", lambda p: shown(p.recognized_year), lambda p: p.recognized_year, True),
    Col("认定部门", lambda p: p.department or ""),
    Col("所属镇街", lambda p: p.town or ""),
]


def _target_colour(t: platforms.PlatformTarget) -> str | None:
    if t.target is None:
        return None
    return OK_COLOUR if t.gap == 0 else SHORT_COLOUR


def _growth(t: platforms.PlatformTarget) -> str:
    g = t.growth
    return "" if g is None else f"{g:+.1%}"


TARGET_COLUMNS: list[Col[platforms.PlatformTarget]] = [
    Col("平台类型", lambda t: t.label),
    Col("现有", lambda t: str(t.actual), lambda t: t.actual, True),
    Col("目标", lambda t: "未设" if t.target is None else shown(t.target, 0), numeric=True),
    Col(
        "完成情况",
        lambda t: "" if t.gap is None else ("✓ 已完成" if t.gap == 0 else f"差 {t.gap:g}"),
        colour=_target_colour,
    ),
    Col(
        "基期",
        lambda t: "" if t.base_year is None else f"{t.base_year}年 {shown(t.base_value, 0)}",
    ),
    Col("年均增长", _growth, numeric=True),
    Col("责任单位", lambda t: t.department or ""),
]


class PlatformsScreen(QWidget):
    """The platforms of the district and how each kind stands against its target."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setObjectName("screen")
        self.platform_model: ViewTableModel[platforms.PlatformView] = ViewTableModel(
            PLATFORM_COLUMNS, self
        )
        self.target_model: ViewTableModel[platforms.PlatformTarget] = ViewTableModel(
            TARGET_COLUMNS, self
        )
        self.delete_task: TaskHandle[None] | None = None
        self._build()
        self._connect()
        self.refresh()

    def _build(self) -> None:
        self.target_year = QSpinBox()
        self.target_year.setRange(FIRST_PLAN_YEAR, LAST_PLAN_YEAR)
        with self._ctx.session() as s:
            self.target_year.setValue(platforms.default_target_year(s))
        self.target_year.setSuffix(self.tr(" 年"))
        self.totals = QLabel()
        self.totals.setObjectName("sectionHeader")
        head = QHBoxLayout()
        head.addWidget(self.totals)
        head.addStretch(1)
        head.addWidget(QLabel(self.tr("统计年度")))
        head.addWidget(self.target_year)
        self.target_table = table_view(self.target_model)
        self.export_targets_button = export_button(
            self.target_table, self.tr("平台目标完成情况"), self._ctx, self
        )
        head.addWidget(self.export_targets_button)
        self.indicators_link = QLabel(
            "<a href='indicators'>" + self.tr("在“指标与目标”中设定目标 →") + "</a>"
        )
        self.indicators_link.setToolTip(
            self.tr("打开“指标与目标”，查看或修改选中平台类型的目标、基期和分镇街目标")
        )
        head.addWidget(self.indicators_link)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("平台名称、依托单位或认定部门"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(180)  # the bar fits 1080 px (1366×768 less the navigation)
        self.kind = combo([(self.tr("全部类型"), None), *[(k, k) for k in platforms.KINDS]])
        self.level = combo([(self.tr("全部级别"), None), *[(v, v) for v in platforms.LEVELS]])
        self.year = combo([(self.tr("全部认定年份"), None)])
        bar, (self.new_button, self.edit_button, self.delete_button, self.bin_button) = button_row(
            self.tr("新建平台"), self.tr("编辑"), self.tr("删除"), self.tr("回收站")
        )
        self.bin_button.setToolTip(self.tr("查看已删除的平台并恢复"))
        for i, w in enumerate((self.search, self.kind, self.level, self.year)):
            bar.insertWidget(i, w)
        self.count_label = QLabel()
        bar.addWidget(self.count_label)
        self.chip = FilterChip()
        self.show_all_button = self.chip.remove_button  # its ✕: the whole list again
        self.platform_table = table_view(self.platform_model)
        self.export_button = export_button(
            self.platform_table, self.tr("创新平台"), self._ctx, self
        )
        bar.insertWidget(bar.count() - 1, self.export_button)
        self.platform_table.setSortingEnabled(True)
        self.platform_table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addLayout(head)
        tl.addWidget(
            hint(
                self.tr(
                    "现有：认定年份不晚于统计年度的平台数（限定级别的只计该级别，“及以上”含更高级别）。"
                    "目标、基期、责任单位取自“指标与目标”；年均增长 = (现有 ÷ 基期值)^(1 ÷ 年数) − 1。"
                    "双击一行筛选下方的平台。"
                )
            )
        )
        tl.addWidget(self.target_table, 1)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addLayout(bar)
        bl.addWidget(self.chip, 0, Qt.AlignmentFlag.AlignLeft)
        bl.addWidget(self.platform_table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([330, 520])
        layout = QVBoxLayout(self)
        layout.addWidget(screen_title(self.tr("创新平台")))
        layout.addWidget(split, 1)

    def _connect(self) -> None:
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.reload_platforms)
        self.search.textChanged.connect(self._debounce.start)
        for box in (self.kind, self.level, self.year):
            box.currentIndexChanged.connect(self.reload_platforms)
        self.target_year.valueChanged.connect(self.reload_targets)
        self.target_table.doubleClicked.connect(self._target_double_clicked)
        self.platform_table.doubleClicked.connect(self.edit_platform)
        self.new_button.clicked.connect(self.new_platform)
        self.edit_button.clicked.connect(self.edit_platform)
        self.delete_button.clicked.connect(self.delete_platform)
        self.bin_button.clicked.connect(self.open_recycle_bin)
        self.indicators_link.linkActivated.connect(self._open_indicators)
        self.chip.removed.connect(self.reload_platforms)
        self._ctx.guard("edit", self.new_button, self.edit_button, self.delete_button)

    # ----- data -----

    def refresh(self) -> None:
        """Shown again: re-read everything."""
        self._fill_years()
        self.reload_targets()
        self.reload_platforms()

    def _fill_years(self) -> None:
        keep = self.year.currentData()
        with self._ctx.session() as s:
            years = platforms.recognition_years(s)
        self.year.blockSignals(True)
        self.year.clear()
        self.year.addItem(self.tr("全部认定年份"), None)
        for y in years:
            self.year.addItem(self.tr("{y}年认定").format(y=y), y)
        self.year.setCurrentIndex(max(self.year.findData(keep), 0))
        self.year.blockSignals(False)

    @Slot()
    def reload_targets(self) -> None:
        """Counts by kind in the chosen year beside their targets."""
        year = self.target_year.value()
        with self._ctx.session() as s:
            rows = platforms.targets(s, year)
            total = sum(platforms.count_by_kind(s, year).values())
        self.target_model.set_rows(rows)
        with_target = [t for t in rows if t.target is not None]
        done = sum(1 for t in with_target if t.gap == 0)
        text = self.tr("{y}年共有创新平台 {n} 个").format(y=year, n=total)
        if with_target:
            text += self.tr("；设有目标的 {m} 项中已完成 {d} 项").format(m=len(with_target), d=done)
        self.totals.setText(text)

    def current_filter(self) -> platforms.PlatformFilter:
        """The filter the bar shows."""
        return platforms.PlatformFilter(
            text=self.search.text(),
            kind=self.kind.currentData(),
            level=self.level.currentData(),
            year=self.year.currentData(),
        )

    @Slot()
    def reload_platforms(self) -> None:
        """Re-query the platforms."""
        self._debounce.stop()
        with self._ctx.session() as s:
            rows = platforms.list_platforms(s, self.current_filter())
        if self.chip.ids is not None:
            wanted = set(self.chip.ids)
            rows = [p for p in rows if p.id in wanted]
        self.platform_model.set_rows(rows)
        text = self.tr("共 {n} 个平台").format(n=len(rows))
        if self.chip.is_active():
            text = self.tr("指定的平台中 {n} 个").format(n=len(rows))
        self.count_label.setText(text)

    def open_filter(
        self, ids: Sequence[int] | None = None, label: str = "", origin: str = "", **_kw: Any
    ) -> None:
        """Navigated here: show exactly these platforms as a chip “来自{origin}：{label}” (the
        other filters cleared)."""
        if ids is None:
            return
        default = self.tr("指定的 {n} 个平台").format(n=len(ids))
        self.chip.show_ids(ids, label or default, origin)
        for box in (self.kind, self.level, self.year):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.reload_platforms()

    @Slot()
    def show_all(self) -> None:
        """Drop the platforms named by another screen: the whole list again."""
        self.chip.remove()

    @Slot(str)
    def _open_indicators(self, _link: str = "") -> None:
        """指标与目标 on the target year, on the selected kind's indicator when it has one."""
        index = self.target_table.currentIndex()
        row = self.target_model.row_at(index.row()) if index.isValid() else None
        window = self.window()
        if hasattr(window, "navigate"):
            code = row.code if row is not None else None
            window.navigate("indicators", year=self.target_year.value(), code=code)

    @Slot(QModelIndex)
    def _target_double_clicked(self, index: QModelIndex) -> None:
        self.kind.setCurrentIndex(
            max(self.kind.findData(self.target_model.row_at(index.row()).kind), 0)
        )

    def selected_platform_id(self) -> int | None:
        """The id of the selected platform."""
        index = self.platform_table.currentIndex()
        return self.platform_model.row_at(index.row()).id if index.isValid() else None

    # ----- actions -----

    def _open(self, dialog: PlatformDialog) -> PlatformDialog:
        self.last_dialog = self._ctx.guard_dialog(dialog)  # a viewer reads it
        dialog.saved.connect(self._edited)
        dialog.open()
        return dialog

    @Slot(int)
    def _edited(self, platform_id: int) -> None:
        self.chip.include(platform_id)  # created under a click-through: show it too
        self._saved(platform_id)

    @Slot()
    def new_platform(self) -> PlatformDialog:
        """An empty editor."""
        return self._open(PlatformDialog(self._ctx, None, self))

    @Slot()
    def edit_platform(self) -> Any:
        """The selected platform in the editor."""
        pid = self.selected_platform_id()
        return None if pid is None else self._open(PlatformDialog(self._ctx, pid, self))

    @Slot(int)
    def _saved(self, platform_id: int) -> None:
        self.refresh()
        row = self.platform_model.row_of(platform_id)
        if row >= 0:
            self.platform_table.selectRow(row)

    @Slot()
    def delete_platform(self) -> None:
        """Move the selected platform to the recycle bin after a confirmation."""
        pid = self.selected_platform_id()
        if pid is None:
            return
        answer = QMessageBox.question(
            self, self.tr("删除平台"), self.tr("将选中的平台移入回收站？")
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.delete_task = run_op(
            self,
            self._ctx,
            partial(platforms.delete_platform, platform_id=pid, operator=self._ctx.operator),
            label=self.tr("正在删除…"),
            on_done=self._deleted,
        )

    @Slot(object)
    def _deleted(self, _result: object) -> None:
        self.refresh()

    @Slot()
    def open_recycle_bin(self) -> RecycleDialog:
        """回收站: deleted platforms with who and when; 恢复 brings them back."""
        columns = [self.tr("平台名称"), self.tr("类型"), self.tr("依托单位")]
        dialog = RecycleDialog(
            self._ctx,
            self.tr("平台回收站"),
            columns,
            deleted_platform_rows,
            platforms.restore_platform,
            self,
        )
        dialog.restored.connect(self._restored)
        self.last_bin = dialog
        dialog.open()
        return dialog

    @Slot(object)
    def _restored(self, ids: list[int]) -> None:
        if ids:
            self._saved(ids[0])
        else:
            self.refresh()
