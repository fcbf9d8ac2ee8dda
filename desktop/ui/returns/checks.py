"""The checks of a generated return: errors in red (they block 报出), warnings to explain.

Checks exist only once a return is generated: before that, and for a return without data, the
panel says so and is never ready (报出 is not offered). Every warning has its own explanation.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.returns.model import CheckResult

ERROR_STYLE = "color: #b3261e;"
WARNING_STYLE = "color: #8a5a00;"
OK_STYLE = "color: #2e7d32;"
NEUTRAL_STYLE = "color: #5f6368;"
MAX_LIST_HEIGHT = 150


class ChecksPanel(QFrame):
    """One line per finding; each warning has a line edit for its written explanation."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checksPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self._rows = QWidget(self)
        self._grid = QGridLayout(self._rows)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self._grid.setColumnStretch(0, 3)
        self._grid.setColumnStretch(1, 2)
        self._scroll = QScrollArea(self)
        self._scroll.setWidget(self._rows)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.summary)
        layout.addWidget(self._scroll)
        self._checks: list[CheckResult] = []
        self._generated = False
        self._empty = False
        self.explanation_edits: dict[str, QLineEdit] = {}
        self._row_widgets: list[tuple[QLabel, QLineEdit | None]] = []
        self.reset()

    def reset(self) -> None:
        """Nothing generated yet: no findings, and not ready to submit."""
        self._fill([], generated=False, empty=False)

    def set_checks(self, checks: list[CheckResult], empty: bool = False) -> None:
        """Show the findings of a generated return (errors first), with empty explanations;
        `empty` = the return has no data row (nothing to submit)."""
        self._fill(checks, generated=True, empty=empty)

    def _fill(self, checks: list[CheckResult], generated: bool, empty: bool) -> None:
        self._clear()
        self._generated, self._empty = generated, empty
        self._checks = sorted(checks, key=lambda c: c.level != "error")
        for row, check in enumerate(self._checks):
            self._add_row(row, check)
        self._scroll.setVisible(bool(self._checks))
        self._fit_height()
        self._update_summary()

    def _fit_height(self) -> None:
        """As tall as the findings, up to MAX_LIST_HEIGHT (then it scrolls); measured at the
        width the rows get, so wrapped messages are not cut off."""
        if not self._checks:
            self._scroll.setFixedHeight(0)
            return
        width = max(self._scroll.viewport().width(), self.width() - 40, 300)
        spacing = max(self._grid.verticalSpacing(), 0)
        needed = 0
        for label, edit in self._row_widgets:
            share = width if edit is None else width * 3 // 5
            height = max(label.heightForWidth(share), label.sizeHint().height())
            if edit is not None:
                height = max(height, edit.sizeHint().height())
            needed += height + spacing
        self._scroll.setFixedHeight(min(needed + 4, MAX_LIST_HEIGHT))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Re-measure the wrapped findings at the new width."""
        super().resizeEvent(event)
        self._fit_height()

    def _clear(self) -> None:
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.explanation_edits = {}
        self._row_widgets = []

    def _add_row(self, row: int, check: CheckResult) -> None:
        error = check.level == "error"
        prefix = self.tr("错误") if error else self.tr("警告")
        label = QLabel(f"{'✖' if error else '⚠'} {prefix}：{check.message}", self._rows)
        label.setWordWrap(True)
        label.setStyleSheet(ERROR_STYLE if error else WARNING_STYLE)
        if error:
            self._grid.addWidget(label, row, 0, 1, 2)
            self._row_widgets.append((label, None))
            return
        self._grid.addWidget(label, row, 0)
        edit = QLineEdit(self._rows)
        edit.setPlaceholderText(self.tr("请填写说明（随报表一并保存）"))
        edit.textChanged.connect(self._on_edited)
        self._grid.addWidget(edit, row, 1)
        self.explanation_edits[check.key] = edit
        self._row_widgets.append((label, edit))

    @Slot(str)
    def _on_edited(self, _text: str) -> None:
        self._update_summary()
        self.changed.emit()

    def explanations(self) -> dict[str, str]:
        """Warning key → the explanation typed (stripped)."""
        return {key: edit.text().strip() for key, edit in self.explanation_edits.items()}

    def errors(self) -> int:
        """How many errors stand."""
        return sum(1 for c in self._checks if c.level == "error")

    def unexplained(self) -> int:
        """How many warnings still lack an explanation."""
        return sum(1 for text in self.explanations().values() if not text)

    def ready(self) -> bool:
        """Generated, not empty, no errors and every warning explained."""
        if not self._generated or self._empty:
            return False
        return self.errors() == 0 and self.unexplained() == 0

    def _update_summary(self) -> None:
        errors, missing = self.errors(), self.unexplained()
        warnings = len(self.explanation_edits)
        if not self._generated:
            text = self.tr("尚未审核：点击“生成 / 刷新”后显示审核结果。")
            style = NEUTRAL_STYLE
        elif self._empty:
            text = self.tr("报表没有数据，不能报出。请检查报告期、镇街和截至日期。")
            style = WARNING_STYLE
        elif errors:
            text = self.tr("审核发现 %1 个错误，改正数据后重新生成才能报出。").replace(
                "%1", str(errors)
            )
            style = ERROR_STYLE
        elif missing:
            text = self.tr("审核发现 %1 条警告，请逐条填写说明后报出（还差 %2 条）。")
            text = text.replace("%1", str(warnings)).replace("%2", str(missing))
            style = WARNING_STYLE
        elif warnings:
            text = self.tr("%1 条警告均已填写说明，可以报出。").replace("%1", str(warnings))
            style = OK_STYLE
        else:
            text, style = self.tr("✔ 审核通过，没有错误和警告。"), OK_STYLE
        self.summary.setText(text)
        self.summary.setStyleSheet(f"{style} font-weight: bold;")
