"""③ 预览: the sheets of the file, filters by outcome and text, and one table of every row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.importing.engine import ImportPlan
from desktop.ui.imports.models import Column, LazyTableModel, kind_title
from desktop.ui.imports.preview_model import (
    ALL,
    OUTCOME_TITLES,
    OUTCOMES,
    SKIPPED_MARK,
    PreviewModel,
)
from desktop.ui.imports.sheets import PlanSheets, town_source_text

FILTER_DELAY_MS = 250
_CHIP_STYLE = (
    "QPushButton { padding: 3px 10px; border: 1px solid #c9d3de; border-radius: 4px;"
    " background: #ffffff; }"
    "QPushButton:checked { background: #dbe7f7; border-color: #2b5797; color: #163c6e; }"
    "QPushButton:disabled { color: #a0aab4; }"
    "QPushButton:focus { border-color: #2b5797; }"
)
_FRONT_OUTCOMES = ("rejected", "skipped")  # their 问题 column is shown next to 结果
_SAMPLE_ROWS = 100  # column widths are fitted on the first rows only (big plans stay fast)
MAX_COLUMN_WIDTH = 260
CELL_PADDING = 16
SUMMARY_ROWS = 3  # sheets shown at once in the summary (more scroll)
HEADER_PADDING = 30
PROBLEM_COLUMN_WIDTH = 420


def _counts_text(counts: Mapping[str, int]) -> str:
    return " ".join(f"{OUTCOME_TITLES[key]} {counts.get(key, 0)}" for key in OUTCOMES)


def sheet_columns() -> list[Column[Any]]:
    """The per-sheet summary: sheet, kind, header row, town (source), counts."""
    return [
        Column("工作表", lambda s: s.name),
        Column("类型", lambda s: kind_title(s.kind)),
        Column("表头行", lambda s: str(s.header_row), right=True),
        Column("镇街（来源）", town_source_text),
        Column("各结果行数", lambda s: _counts_text(s.counts)),
    ]


def _table(parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    vertical = view.verticalHeader()
    vertical.setVisible(False)
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(view.fontMetrics().height() + 10)
    horizontal = view.horizontalHeader()
    horizontal.setStretchLastSection(True)
    horizontal.setResizeContentsPrecision(_SAMPLE_ROWS)
    horizontal.setHighlightSections(False)
    return view


class ImportPreview(QWidget):
    """The preview of one plan; the table holds references to the plan's lists, never row widgets."""

    open_enterprise = Signal(int)  # the stored namesake of the selected row, to compare with

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.sheet_model: LazyTableModel[Any] = LazyTableModel(sheet_columns(), self)
        self.sheet_view = _table(self)
        self.sheet_view.setModel(self.sheet_model)
        self.sheet_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.sheet_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.sheet_view.hide()
        layout.addWidget(self.sheet_view)
        self.skipped_sheets = self._note("hint")
        self.notices = self._note("hint")
        layout.addWidget(self.skipped_sheets)
        layout.addWidget(self.notices)
        layout.addLayout(self._build_filters())
        self.model = PreviewModel(self)
        self.table = _table(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("预览表"))
        layout.addWidget(self.table, 1)
        self.namesake_button = QPushButton(self.tr("打开同名企业…"))
        self.namesake_button.setToolTip(
            self.tr("所选行的企业名称与库中另一代码的企业相同：打开那家企业核对是否为同一企业")
        )
        self.namesake_button.hide()
        self.namesake_button.clicked.connect(self._open_namesake)
        layout.addWidget(self.namesake_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        self.table.doubleClicked.connect(lambda _index: self._open_namesake())
        self._namesakes: dict[tuple[str, int], int] = {}
        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(FILTER_DELAY_MS)
        self._text_timer.timeout.connect(self.apply_text_filter)

    def _note(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setWordWrap(True)
        label.hide()
        return label

    def _build_filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(4)
        self.filter_group = QButtonGroup(self)
        self.filter_group.setExclusive(True)
        self.filter_buttons: dict[str, QPushButton] = {}
        for key in (ALL, *OUTCOMES):
            button = QPushButton(self.tr(OUTCOME_TITLES[key]))
            button.setCheckable(True)
            button.setObjectName("filterChip")
            button.setProperty("outcome", key)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            button.setStyleSheet(_CHIP_STYLE)
            self.filter_group.addButton(button)
            self.filter_buttons[key] = button
            row.addWidget(button)
        self.filter_buttons[ALL].setChecked(True)
        self.filter_group.buttonToggled.connect(self._on_outcome_toggled)
        row.addSpacing(12)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(self.tr("查找：名称、代码、镇街、问题…（Ctrl+F）"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(140)
        self.filter_edit.textChanged.connect(self._on_text_changed)
        row.addWidget(self.filter_edit, 1)
        self.shown_label = QLabel()
        self.shown_label.setObjectName("hint")
        self.shown_label.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        row.addWidget(self.shown_label)
        return row

    # ---- showing --------------------------------------------------------------------------

    def show_plan(self, plan: ImportPlan, sheets: PlanSheets, overrides: Mapping[str, str]) -> None:
        """Show a plan: the sheets (when several), the counts on the filters, every row."""
        self._namesakes = dict(plan.namesakes)
        self.namesake_button.hide()
        self._show_sheets(sheets)
        self._show_notices(plan)
        self.model.show_plan(plan, sheets, overrides)
        for key, button in self.filter_buttons.items():
            count = self.model.count(key)
            button.setText(f"{self.tr(OUTCOME_TITLES[key])} {count}")
            button.setEnabled(key == ALL or count > 0)
        if not self.filter_buttons[self.model.outcome].isEnabled():
            self.set_outcome(ALL)
        self._refit()
        self._show_count()

    def _show_sheets(self, sheets: PlanSheets) -> None:
        several = sheets.several
        self.sheet_view.setVisible(several)
        if several:
            self.sheet_model.set_rows(sheets.sheets)
            self.sheet_view.resizeColumnsToContents()
            rows = len(sheets.sheets)
            height = self.sheet_view.verticalHeader().defaultSectionSize()
            header = self.sheet_view.horizontalHeader().sizeHint().height()
            self.sheet_view.setFixedHeight(header + min(rows, SUMMARY_ROWS) * height + 4)
        skipped = [f"{name}（{reason}）" for name, reason in sheets.skipped]
        self.skipped_sheets.setVisible(bool(skipped))
        self.skipped_sheets.setText(self.tr("未导入的工作表：") + "；".join(skipped))

    def _show_notices(self, plan: ImportPlan) -> None:
        general = [w for w in plan.warnings if not w.row and not w.message.endswith(SKIPPED_MARK)]
        texts = [f"{w.column}：{w.message}" if w.column else w.message for w in general]
        self.notices.setVisible(bool(texts))
        self.notices.setText(self.tr("提示：") + "；".join(texts))

    def _fit_columns(self) -> None:
        """Columns as wide as their header and the first rows' texts (measured here: a Qt
        resize to contents asks every role of every sampled cell), long ones capped (elided)."""
        model, view = self.model, self.table
        metrics = view.fontMetrics()
        bold = QFont(view.font())
        bold.setWeight(QFont.Weight.DemiBold)  # the stylesheet's header font
        header = QFontMetrics(bold)
        rows = min(model.rowCount(), _SAMPLE_ROWS)
        padding = self._cell_padding(metrics)
        last = model.columnCount() - 1
        for col in range(last + 1):
            title = str(model.headerData(col, Qt.Orientation.Horizontal))
            widest = header.horizontalAdvance(title) + HEADER_PADDING
            for row in range(rows):
                widest = max(widest, metrics.horizontalAdvance(model.cell(row, col).text) + padding)
            limit = PROBLEM_COLUMN_WIDTH if col == last else MAX_COLUMN_WIDTH
            view.setColumnWidth(col, min(max(widest, 48), limit))

    def _cell_padding(self, metrics: QFontMetrics) -> int:
        """What the view adds around a cell's text (the stylesheet's padding, the focus frame)."""
        if self.model.rowCount() == 0:
            return CELL_PADDING
        index = self.model.index(0, self.model.column_of("结果"))
        text = metrics.horizontalAdvance(str(index.data()))
        return max(self.table.sizeHintForIndex(index).width() - text, CELL_PADDING) + 2

    def _show_count(self) -> None:
        self.shown_label.setText(
            self.tr("显示 {n} / {total} 行").format(
                n=self.model.shown_rows(), total=self.model.count(ALL)
            )
        )

    # ---- filters --------------------------------------------------------------------------

    def set_outcome(self, outcome: str) -> None:
        """Show only the rows of an outcome (ALL: every row)."""
        self.filter_buttons[outcome].setChecked(True)
        if self.model.outcome != outcome:
            self.model.set_filter(outcome=outcome)
            self._refit()
            self._show_count()

    def _refit(self) -> None:
        """Widths for the rows shown now; 问题 placed for the outcome shown."""
        self._fit_columns()
        self._place_problems(self.model.outcome in _FRONT_OUTCOMES)

    def _place_problems(self, front: bool) -> None:
        """问题 next to 结果 for rejected and skipped rows, else last (it is mostly empty)."""
        header = self.table.horizontalHeader()
        problems = self.model.column_of("问题")
        after = self.model.column_of("结果")
        if problems < 0 or after < 0:
            return
        target = header.visualIndex(after) + 1 if front else self.model.columnCount() - 1
        if header.visualIndex(problems) != target:
            header.moveSection(header.visualIndex(problems), target)

    def button_text(self, outcome: str) -> str:
        """The text of a filter button now, e.g. '新增 23'."""
        return self.filter_buttons[outcome].text()

    @Slot()
    def focus_filter(self) -> None:
        """Ctrl+F: the text filter, its text selected."""
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    @Slot(object, bool)
    def _on_outcome_toggled(self, button: Any, checked: bool) -> None:
        if checked:
            self.set_outcome(str(button.property("outcome")))

    @Slot(str)
    def _on_text_changed(self, _text: str) -> None:
        self._text_timer.start()

    @Slot()
    def apply_text_filter(self) -> None:
        """Show only the rows containing the filter's text (any cell)."""
        self._text_timer.stop()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # the first search of a big file
        try:
            self.model.set_filter(text=self.filter_edit.text())
            self._refit()
        finally:
            QApplication.restoreOverrideCursor()
        self._show_count()

    # ---- namesakes ------------------------------------------------------------------------

    def namesake_of_current(self) -> int | None:
        """The stored namesake's id of the current row's enterprise (None when it has none)."""
        index = self.table.currentIndex()
        if not index.isValid() or not self._namesakes:
            return None
        incoming = getattr(self.model.item_at(index.row()), "incoming", None)
        if incoming is None:
            return None
        return self._namesakes.get((getattr(incoming, "sheet", ""), int(incoming.row)))

    @Slot()
    def _on_row_changed(self) -> None:
        self.namesake_button.setVisible(self.namesake_of_current() is not None)

    @Slot()
    def _open_namesake(self) -> None:
        other = self.namesake_of_current()
        if other is not None:
            self.open_enterprise.emit(other)
