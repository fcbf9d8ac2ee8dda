"""指标与目标: the year's plan indicators against their targets — edit targets and hand-entered
actuals inline, break one down by town, open the records behind a computed actual, import a plan's
annex table, export the table.

Navigated here with `navigate("indicators", year=2026, code="high_tech")` (首页's headline cards,
创新平台's link); `name=` selects by indicator name when the caller knows no code.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QDate,
    QItemSelection,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from db.errors import StaleEdit
from db.rules.years import FIRST_PLAN_YEAR, LAST_PLAN_YEAR
from db.services.plans import indicators
from db.services.plans.indicators import DONE, NO_TARGET, ON_SCHEDULE, Behind, IndicatorValue
from db.store import Store
from desktop.progress import Progress
from desktop.ui.common import files
from desktop.ui.common.cells import fit_to_contents
from desktop.ui.common.export import export_button
from desktop.ui.common.widgets import hint, screen_title
from desktop.ui.indicators.delegates import SparklineDelegate, StatusDelegate
from desktop.ui.indicators.display import status_rule
from desktop.ui.indicators.model import (
    COL_ACTUAL,
    COL_COMPLETION,
    COL_NAME,
    COL_STATUS,
    COL_TREND,
    HEADERS,
    TOWN_ACTUAL,
    IndicatorTableModel,
    TownTableModel,
    opens_records,
)
from desktop.ui.indicators.panels import DetailPanel, EditableTable, TownPanel
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.errors import show_message
from desktop.ui.shell.operations import run_op
from desktop.ui.shell.tasks import TaskHandle, run_task, show_error

# Behind.entity → the screen listing those records, and the filter keyword it takes
ENTITY_SCREENS = {
    "enterprise": ("enterprises", "ids"),
    "platform": ("platforms", "ids"),
    "carrier": ("carriers", "ids"),
    "incubatee": ("carriers", "incubatee_ids"),
    "commissioner": ("commissioners", "ids"),
    "contract": ("contracts", "ids"),
    "result": ("results", "ids"),
}
ANNEX_FILTER = "表格文件 (*.xlsx *.xls *.xlsm *.ods *.csv);;所有文件 (*)"
# the widest text a column usually shows (its header counts too), for widths that follow the font
TREND_WIDTH = 112  # the sparkline's 96 px and its margins


def load_table(
    store: Store, year: int, as_of: date
) -> Generator[Progress, None, tuple[int, date, list[IndicatorValue]]]:
    """Work for run_task: every indicator of the year on `as_of`."""
    yield Progress(0, 1, "正在计算指标…")
    with store.session() as session:
        return year, as_of, indicators.indicator_table(session, year, as_of=as_of)


def default_as_of(year: int, today: date) -> date:
    """Today within this year; 31 Dec for a past year; 1 Jan for a year still to come."""
    if year == today.year:
        return today
    return date(year, 12, 31) if year < today.year else date(year, 1, 1)


class IndicatorsScreen(QWidget):
    """The plan's indicators for a year, editable where the clerk enters them."""

    loaded = Signal(object)  # list[IndicatorValue]
    written = Signal()
    records_opened = Signal(object)  # Behind

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self._ctx = ctx
        self.model = IndicatorTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.town_model = TownTableModel(self)
        self.write_task: TaskHandle[None] | None = None
        self._wanted: tuple[int, date] | None = None
        self._select_code: str | None = None
        self._select_name: str | None = None
        self._build()
        self._connect()
        self.refresh()

    # ----- building -----

    def _build(self) -> None:
        today = date.today()
        self.year = QSpinBox()
        self.year.setRange(FIRST_PLAN_YEAR, LAST_PLAN_YEAR)
        self.year.setValue(today.year)
        self.year.setSuffix(self.tr(" 年"))
        self.as_of = QDateEdit()
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self._set_date_range(today.year, default_as_of(today.year, today))
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("搜索指标名称或责任单位（Ctrl+F）"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.summary = QLabel()
        self.summary.setObjectName("cardDetail")
        self.import_button = QPushButton(self.tr("导入规划附表…"))
        self.import_button.setToolTip(
            self.tr("规划的指标附表（指标名称、单位、基期年度、基期值、各年度目标、责任单位）")
        )
        self.table = EditableTable(self.proxy)
        self.table.setItemDelegateForColumn(COL_TREND, SparklineDelegate(self.table))
        self.table.setItemDelegateForColumn(COL_STATUS, StatusDelegate(self.table))
        self._size_columns()
        self.export_button = export_button(self.table, self.tr("指标与目标"), self._ctx, self)
        self.towns = TownPanel(self.town_model)
        self.detail = DetailPanel()
        self._lay_out()

    def _size_columns(self) -> None:
        """Text columns sized to their content; 趋势 (a drawn line, its text only for export and
        tooltips) keeps the sparkline's width and takes the room left over (the last column)."""
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(metrics.horizontalAdvance("单位") + 16)
        fit_to_contents(self.table)
        trend = max(TREND_WIDTH, metrics.horizontalAdvance(HEADERS[COL_TREND]) + 28)
        self.table.setColumnWidth(COL_TREND, trend)  # set by hand: content fits leave it alone

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(screen_title(self.tr("指标与目标")))
        top.addStretch(1)
        top.addWidget(QLabel(self.tr("年度")))
        top.addWidget(self.year)
        top.addSpacing(8)
        top.addWidget(QLabel(self.tr("统计日期")))
        top.addWidget(self.as_of)
        top.addWidget(self.refresh_button)
        bar = QHBoxLayout()
        bar.addWidget(self.search)
        bar.addSpacing(8)
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.import_button)
        bar.addWidget(self.export_button)
        self.rule_hint = hint(
            self.tr(
                "双击、F2 或 Enter 修改“目标”和手工填报的“完成”（清空即删除）；"
                "由台账计算的完成值（蓝色）双击查看对应记录。状态按序时进度判断，鼠标停在“状态”上可见规则。"
            )
        )
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.towns)
        lower.addWidget(self.detail)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 2)
        upper = QWidget()
        ul = QVBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        ul.addLayout(bar)
        ul.addWidget(self.rule_hint)
        ul.addWidget(self.table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([470, 230])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    def _connect(self) -> None:
        self.year.valueChanged.connect(self._year_changed)
        self.as_of.dateChanged.connect(self._date_changed)
        self.refresh_button.clicked.connect(self.refresh)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.activated.connect(self._table_activated)
        self.towns.table.activated.connect(self._town_activated)
        self.detail.records_button.clicked.connect(self._open_selected_records)
        self.import_button.clicked.connect(self.import_annex)
        self.model.edited.connect(self._indicator_edited)
        self.town_model.edited.connect(self._town_edited)
        self.model.refused.connect(self._refused, Qt.ConnectionType.QueuedConnection)
        self.town_model.refused.connect(self._refused, Qt.ConnectionType.QueuedConnection)
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)
        if not self._ctx.guard("targets", self.import_button, self.table, self.towns.table):
            self.rule_hint.setText(self._ctx.refusal("targets"))

    def _set_date_range(self, year: int, value: date) -> None:
        self.as_of.blockSignals(True)
        self.as_of.setDateRange(QDate(year, 1, 1), QDate(year, 12, 31))
        self.as_of.setDate(QDate(value.year, value.month, value.day))
        self.as_of.blockSignals(False)

    # ----- loading -----

    def as_of_date(self) -> date:
        """The date the actuals are counted on."""
        d = self.as_of.date()
        return date(d.year(), d.month(), d.day())

    @Slot()
    def refresh(self) -> None:
        """Re-evaluate the year's indicators off the GUI thread; the newest request wins."""
        year, as_of = self.year.value(), self.as_of_date()
        store = self._ctx.store
        self._wanted = (year, as_of)
        self.model.status_tip = status_rule(as_of)
        run_task(
            self,
            lambda _cancel: load_table(store, year, as_of),
            label=self.tr("正在计算指标…"),
            on_done=self._loaded,
        )

    def _loaded(self, result: tuple[int, date, list[IndicatorValue]]) -> None:
        year, as_of, rows = result
        if (year, as_of) != self._wanted:
            return
        current = self.current_value()
        keep = self._select_code or (current.code if current else None)
        self.model.set_rows(rows)
        self._show_summary(rows)
        self._reselect(keep)
        focused = QApplication.focusWidget()
        if focused is None or not self.isAncestorOf(focused):
            self.table.setFocus()  # keyboard: arrows, Enter edits, F2
        self.loaded.emit(rows)

    def _show_summary(self, rows: list[IndicatorValue]) -> None:
        def n(status: str) -> int:
            return sum(1 for v in rows if v.status == status)

        behind = len(rows) - n(DONE) - n(ON_SCHEDULE) - n(NO_TARGET)
        self.summary.setText(
            self.tr("共 {0} 项：已完成 {1}，序时进度内 {2}，滞后 {3}，无目标 {4}").format(
                len(rows), n(DONE), n(ON_SCHEDULE), behind, n(NO_TARGET)
            )
        )

    def _reselect(self, code: str | None) -> None:
        row = self.model.row_of(code) if code else -1
        if row < 0 and self._select_name:
            names = [v.name for v in self.model.rows()]
            row = names.index(self._select_name) if self._select_name in names else -1
        self._select_code = self._select_name = None
        if row < 0:
            self._show_selected(self.current_value())
            return
        index = self.proxy.mapFromSource(self.model.index(row, COL_NAME))
        if index.isValid():
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)
        self._show_selected(self.current_value())

    def open_filter(
        self,
        year: int | None = None,
        code: str | None = None,
        name: str | None = None,
        as_of: date | None = None,
        **_kw: Any,
    ) -> None:
        """Navigated here: show that year (on `as_of` when it lies in it) and select that
        indicator (by code, else by name)."""
        self._select_code, self._select_name = code, name
        year = year or self.year.value()
        when = as_of if as_of is not None and as_of.year == year else None
        if year != self.year.value() or (when is not None and when != self.as_of_date()):
            self.year.blockSignals(True)
            self.year.setValue(year)
            self.year.blockSignals(False)
            self._set_date_range(year, when or default_as_of(year, date.today()))
            self.refresh()  # selects when loaded
        elif self.model.rowCount():
            self._reselect(code)

    @Slot()
    def focus_search(self) -> None:
        """Ctrl+F: the search box, its text selected."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    @Slot(int)
    def _year_changed(self, year: int) -> None:
        self._set_date_range(year, default_as_of(year, date.today()))
        self.refresh()

    @Slot(QDate)
    def _date_changed(self, _d: QDate) -> None:
        self.refresh()

    # ----- selection -----

    def current_value(self) -> IndicatorValue | None:
        """The selected indicator."""
        index = self.proxy.mapToSource(self.table.currentIndex())
        return self.model.value_at(index.row()) if index.isValid() else None

    @Slot(QItemSelection, QItemSelection)
    def _selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self._show_selected(self.current_value())

    def _show_selected(self, v: IndicatorValue | None) -> None:
        self.detail.show_indicator(v)
        self.towns.show_indicator(v)
        self.town_model.set_rows(
            v.by_town if v else (), v.kind if v else "count", v is not None and opens_records(v)
        )

    # ----- click-through -----

    @Slot(QModelIndex)
    def _table_activated(self, index: QModelIndex) -> None:
        v = self.model.value_at(self.proxy.mapToSource(index).row())
        if v is not None and index.column() in (COL_ACTUAL, COL_COMPLETION) and opens_records(v):
            self.open_records(v.code)

    @Slot(QModelIndex)
    def _town_activated(self, index: QModelIndex) -> None:
        v, town = self.current_value(), self.town_model.town_at(index.row())
        if (
            v is not None
            and town is not None
            and index.column() == TOWN_ACTUAL
            and opens_records(v)
        ):
            self.open_records(v.code, town.town_id)

    @Slot()
    def _open_selected_records(self) -> None:
        v = self.current_value()
        if v is not None:
            self.open_records(v.code)

    def open_records(self, code: str, town_id: int | None = None) -> Behind | None:
        """Open the screen listing exactly the records behind a computed actual."""
        with self._ctx.session() as session:
            behind = indicators.records_behind(
                session, code, self.year.value(), as_of=self.as_of_date(), town_id=town_id
            )
        if behind is None:
            show_message(self, self.tr("此指标为手工填报或由各年数值计算，没有对应的记录。"))
            return None
        self.records_opened.emit(behind)
        target = ENTITY_SCREENS.get(behind.entity)
        window = self.window()
        if target is None or not hasattr(window, "navigate"):
            show_message(
                self,
                self.tr("{0}。这类记录暂无列表页面可以打开。").format(behind.label),
            )
            return behind
        key, keyword = target
        origin = self.tr("指标与目标")
        window.navigate(key, **{keyword: behind.ids}, label=behind.label, origin=origin)
        return behind

    # ----- writing -----

    @Slot(str, str, object)
    def _indicator_edited(self, code: str, field: str, value: float | None) -> None:
        shown = next((v for v in self.model.rows() if v.code == code), None)
        target = field == "target"
        write = indicators.set_target if target else indicators.set_actual
        version = None
        if shown is not None:  # the version of the value shown: a save over another's is refused
            version = shown.target_version if target else shown.actual_version
        self._run_write(partial(write, code=code, value=value, expected_version=version), code)

    @Slot(int, object)
    def _town_edited(self, town_id: int, value: float | None) -> None:
        v = self.current_value()
        if v is not None:
            town = next((t for t in v.by_town if t.town_id == town_id), None)
            write = partial(
                indicators.set_target,
                code=v.code,
                value=value,
                town_id=town_id,
                expected_version=town.target_version if town is not None else None,
            )
            self._run_write(write, v.code)

    def _run_write(self, write: partial[None], code: str) -> None:
        self._select_code = code
        self.write_task = run_op(
            self,
            self._ctx,
            partial(write, year=self.year.value(), operator=self._ctx.operator),
            label=self.tr("正在保存…"),
            on_done=self._written,
            on_error=self._write_failed,
        )

    @Slot(object)
    def _write_failed(self, exc: BaseException) -> None:
        """The refusal; after a save over another desk's change, the values as stored now."""
        show_error(self, exc)
        if isinstance(exc, StaleEdit):
            self.refresh()

    @Slot(object)
    def _written(self, _result: object) -> None:
        self.written.emit()
        self.refresh()

    @Slot(str)
    def _refused(self, message: str) -> None:
        show_message(self, message, self.tr("数值有误"))

    # ----- import -----

    @Slot()
    def import_annex(self) -> QWidget | None:
        """导入规划附表…: choose the file, then hand it to 导入 (which recognises the table)."""
        folder = self._ctx.prefs.last_folder or str(Path.home())
        answer = files.open_file_name(self, self.tr("选择规划指标附表"), folder, ANNEX_FILTER)
        if not answer:
            return None
        window = self.window()
        if not hasattr(window, "navigate"):
            return None
        imports = window.navigate("imports")
        if imports is not None and hasattr(imports, "add_files"):
            imports.add_files([Path(answer)])
        return imports  # type: ignore[no-any-return]
