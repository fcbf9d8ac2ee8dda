"""The choice of a return: which one, its period, its town and its as-of date."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from db.rules.years import FIRST_PLAN_YEAR, LAST_PLAN_YEAR
from desktop.returns.compute import default_as_of
from desktop.returns.definitions import BY_ID, CATALOGUE
from desktop.returns.model import QUARTERS, Period, PeriodKind, ReturnDefinition
from desktop.ui.returns.work import Request

KIND_NAMES: dict[PeriodKind, str] = {"year": "全年", "quarter": "按季度", "month": "按月"}


class ReturnPicker(QWidget):
    """A form: 报表, 报告期 (year + quarter / month), 镇街 (全区 = none), 截至日期."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self._today = today or date.today()
        self._data_years: dict[str, int] = {}
        self._year_chosen = False  # the clerk set the year: switching returns keeps it
        self._setting_year = False
        self.return_list = QListWidget(self)
        self.return_list.setWordWrap(True)
        self.return_list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.return_list.setSpacing(2)
        for definition in CATALOGUE:
            item = QListWidgetItem(definition.title, self.return_list)
            item.setData(Qt.ItemDataRole.UserRole, definition.id)
            item.setToolTip(definition.title)
        self.return_list.setCurrentRow(0)
        rows = sum(self.return_list.sizeHintForRow(r) + 4 for r in range(self.return_list.count()))
        # every return listed without scrolling (a narrow window may wrap a title: then it scrolls)
        self.return_list.setFixedHeight(rows + 2 * self.return_list.frameWidth() + 8)
        self.year_spin = QSpinBox(self)
        self.year_spin.setRange(FIRST_PLAN_YEAR, LAST_PLAN_YEAR)
        self.year_spin.setValue(self._today.year)
        self.year_spin.setSuffix(self.tr(" 年"))
        self.kind_combo = QComboBox(self)
        keep = self.kind_combo.sizePolicy()  # hidden, it keeps the row's height (a combo is taller)
        keep.setRetainSizeWhenHidden(True)
        self.kind_combo.setSizePolicy(keep)
        self.quarter_combo = QComboBox(self)
        for number, name in enumerate(QUARTERS, start=1):
            self.quarter_combo.addItem(self.tr("第%1季度").replace("%1", name), number)
        self.quarter_combo.setCurrentIndex((self._today.month - 1) // 3)
        self.month_combo = QComboBox(self)
        for month in range(1, 13):
            self.month_combo.addItem(self.tr("%1月").replace("%1", str(month)), month)
        self.month_combo.setCurrentIndex(self._today.month - 1)
        self.town_combo = QComboBox(self)
        self.town_combo.addItem(self.tr("全区"), None)
        self.as_of_edit = QDateEdit(self)
        self.as_of_edit.setCalendarPopup(True)
        self.as_of_edit.setDisplayFormat("yyyy年M月d日")
        self._layout()
        self._connect()
        self._on_return()

    def _layout(self) -> None:
        period = QHBoxLayout()
        period.setContentsMargins(0, 0, 0, 0)
        for w in (self.year_spin, self.kind_combo, self.quarter_combo, self.month_combo):
            period.addWidget(w)
        period.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(QLabel(self.tr("报表："), self))
        outer.addWidget(self.return_list)
        form = QFormLayout()
        outer.addSpacing(6)
        outer.addLayout(form)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(self.tr("报告期："), period)
        form.addRow(self.tr("镇街："), self.town_combo)
        # A return without an as-of date shows an empty page in the date's place: the row keeps
        # its room, so the form and the 生成 button below it stay put whichever return is picked.
        self.as_of_stack = QStackedWidget(self)
        self.as_of_stack.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.as_of_stack.addWidget(self.as_of_edit)
        self.as_of_stack.addWidget(QWidget(self))
        self.as_of_label = QLabel(self.tr("截至日期："), self)
        policy = self.as_of_label.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.as_of_label.setSizePolicy(policy)
        form.addRow(self.as_of_label, self.as_of_stack)
        self._form = form

    def _connect(self) -> None:
        self.return_list.currentRowChanged.connect(self._on_return)
        self.kind_combo.currentIndexChanged.connect(self._on_period)
        self.year_spin.valueChanged.connect(self._on_year)
        self.quarter_combo.currentIndexChanged.connect(self._on_period)
        self.month_combo.currentIndexChanged.connect(self._on_period)
        self.town_combo.currentIndexChanged.connect(self._emit_changed)
        self.as_of_edit.dateChanged.connect(self._emit_changed)

    def set_towns(self, names: list[str]) -> None:
        """Fill the town list (全区 first), keeping the current choice when it still exists."""
        current = self.town_combo.currentData()
        self.town_combo.blockSignals(True)
        self.town_combo.clear()
        self.town_combo.addItem(self.tr("全区"), None)
        for name in names:
            self.town_combo.addItem(name, name)
        found = self.town_combo.findData(current) if current else 0
        self.town_combo.setCurrentIndex(max(found, 0))
        self.town_combo.blockSignals(False)

    def set_data_years(self, years: dict[str, int]) -> None:
        """The year each return starts on (the latest with figures) unless the clerk chose one."""
        self._data_years = dict(years)
        self._default_year()

    def _default_year(self) -> None:
        if self._year_chosen:
            return
        year = self._data_years.get(self.definition.id, self._today.year)
        if year != self.year_spin.value():
            self._setting_year = True
            try:
                self.year_spin.setValue(year)
            finally:
                self._setting_year = False

    @Slot()
    def _on_year(self) -> None:
        if not self._setting_year:
            self._year_chosen = True
        self._on_period()

    def select_return(self, return_id: str) -> None:
        """Pick a return by its id."""
        for row in range(self.return_list.count()):
            if self.return_list.item(row).data(Qt.ItemDataRole.UserRole) == return_id:
                self.return_list.setCurrentRow(row)
                return
        raise KeyError(return_id)

    def apply(self, request: Request) -> None:
        """Show a request (a submitted return being corrected): its return, period, town, date."""
        self.blockSignals(True)
        self._year_chosen = True  # the corrected return's year stays
        try:
            self.select_return(request.definition.id)
            period = request.period
            self.year_spin.setValue(period.year)
            self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(period.kind), 0))
            if period.quarter:
                self.quarter_combo.setCurrentIndex(period.quarter - 1)
            if period.month:
                self.month_combo.setCurrentIndex(period.month - 1)
            self.town_combo.setCurrentIndex(max(self.town_combo.findData(request.town), 0))
            if request.as_of is not None:
                day = request.as_of
                self.as_of_edit.setDate(QDate(day.year, day.month, day.day))
        finally:
            self.blockSignals(False)

    @property
    def definition(self) -> ReturnDefinition:
        """The definition of the return picked."""
        item = self.return_list.currentItem() or self.return_list.item(0)
        return BY_ID[str(item.data(Qt.ItemDataRole.UserRole))]

    def period(self) -> Period:
        """The period picked (year, quarter or month as the kind says)."""
        year = self.year_spin.value()
        kind = self.kind_combo.currentData() or "year"
        if kind == "quarter":
            return Period(year, quarter=int(self.quarter_combo.currentData()))
        if kind == "month":
            return Period(year, month=int(self.month_combo.currentData()))
        return Period(year)

    def uses_as_of(self) -> bool:
        """Whether this return is counted on an as-of date the clerk may choose."""
        definition = self.definition
        return definition.period_kind == "as_of" or definition.uses_as_of

    def request(self) -> Request:
        """Everything the computation needs."""
        town = self.town_combo.currentData() if self.definition.town_filter else None
        picked = self.as_of_edit.date()
        as_of = date(picked.year(), picked.month(), picked.day()) if self.uses_as_of() else None
        return Request(self.definition, self.period(), town, as_of)

    @Slot()
    def _on_return(self) -> None:
        definition = self.definition
        kinds = definition.period_kinds
        current = self.kind_combo.currentData()
        self.kind_combo.blockSignals(True)
        self.kind_combo.clear()
        for kind in kinds:
            self.kind_combo.addItem(self.tr(KIND_NAMES[kind]), kind)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(current), 0))
        self.kind_combo.blockSignals(False)
        self.kind_combo.setVisible(len(kinds) > 1)
        self.town_combo.setEnabled(definition.town_filter)
        tip = "" if definition.town_filter else self.tr("此报表按全区统计，不分镇街")
        self.town_combo.setToolTip(tip)
        self.as_of_label.setVisible(self.uses_as_of())
        self.as_of_stack.setCurrentIndex(0 if self.uses_as_of() else 1)
        self._default_year()
        self._on_period()

    @Slot()
    def _on_period(self) -> None:
        kind = self.kind_combo.currentData() or "year"
        self.quarter_combo.setVisible(kind == "quarter")
        self.month_combo.setVisible(kind == "month")
        day = default_as_of(self.period(), self._today)
        self.as_of_edit.blockSignals(True)
        self.as_of_edit.setDate(QDate(day.year, day.month, day.day))
        self.as_of_edit.blockSignals(False)
        self.changed.emit()

    @Slot()
    def _emit_changed(self) -> None:
        self.changed.emit()
