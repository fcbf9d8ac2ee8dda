"""Editor dialogs: validation as you type, Esc cancels, unsaved changes prompt before closing."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from db.errors import StaleEdit
from db.rules.years import FIRST_RECORD_YEAR
from desktop.operations import Operation
from desktop.ui.common.stale_edit import ask_reload, shown_text
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.errors import is_clerk_error
from desktop.ui.shell.operations import run_op
from desktop.ui.shell.tasks import TaskHandle, show_error

ERROR_STYLE = "color:#a61b1b;"
WARNING_STYLE = "color:#8a5a00;"
BAD_FIELD = "border:1px solid #d04040;"
MESSAGE_LINES = 3


def date_edit(value: date | None = None) -> QDateEdit:
    """A calendar date box showing yyyy-MM-dd."""
    qdate = QDate.currentDate() if value is None else QDate(value.year, value.month, value.day)
    edit = QDateEdit(qdate)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def py_date(edit: QDateEdit) -> date:
    """The date of a QDateEdit as a Python date."""
    d = edit.date()
    return date(d.year(), d.month(), d.day())


def combo(items: list[tuple[str, Any]]) -> QComboBox:
    """A combo of (text, data) items."""
    box = QComboBox()
    for text, data in items:
        box.addItem(text, data)
    return box


def select_data(box: QComboBox, value: Any) -> None:
    """Select the item whose data equals `value` (nothing changes when none does)."""
    index = box.findData(value)
    if index >= 0:
        box.setCurrentIndex(index)


class RecordDialog(QDialog):
    """A form of named fields; subclasses give `check()` and `operation()` (the save).

    A stored record's editor sets `version` when it loads it (and calls `remember_loaded`); its
    save names it, and a save over another desk's change offers 重新载入 (`load_current`).
    """

    saved = Signal(int)

    def __init__(self, ctx: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.fields: dict[str, QWidget] = {}
        self.form = QFormLayout()
        self.message = QLabel()
        self.message.setWordWrap(True)
        # room for three lines of messages kept: 保存 does not move as they come and go
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing() * MESSAGE_LINES + 4)
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.dirty = False
        self.task: TaskHandle[int] | None = None
        self.labels: dict[str, str] = {}
        self.version: int | None = None
        self._loaded: dict[str, str] = {}

    @property
    def save_button(self) -> Any:
        """The 保存 button (disabled while the form has errors)."""
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def add_field(self, key: str, label: str, widget: QWidget) -> QWidget:
        """Add a labelled widget; its changes mark the form dirty and re-validate."""
        self.fields[key] = widget
        self.labels[key] = label
        if isinstance(widget, QLineEdit | QComboBox | QAbstractSpinBox):
            # a red border (BAD_FIELD) replaces the native frame and would make the field a few
            # pixels lower, moving every field below it while the clerk types: keep its height
            widget.setFixedHeight(widget.sizeHint().height())
        self.form.addRow(self.tr(label), widget)
        for name in (
            "textChanged",
            "currentIndexChanged",
            "dateChanged",
            "valueChanged",
            "toggled",
        ):
            signal = getattr(widget, name, None)
            if signal is not None:
                signal.connect(self._changed)
        return widget

    def text(self, key: str) -> str:
        """The text of a line / plain text field."""
        w = self.fields[key]
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText().strip()
        if isinstance(w, QComboBox):
            return w.currentText().strip()
        assert isinstance(w, QLineEdit)
        return w.text().strip()

    def data(self, key: str) -> Any:
        """The data of a combo field."""
        w = self.fields[key]
        assert isinstance(w, QComboBox)
        return w.currentData()

    # ----- subclass hooks -----

    def check(self) -> tuple[dict[str, str], tuple[str, ...]]:
        """Errors by field and warnings of the current form."""
        return {}, ()

    def operation(self) -> Operation[int]:
        """Read the form now (GUI thread); the returned operation saves it and returns the id."""
        raise NotImplementedError

    def load_current(self) -> None:
        """Show the stored record's current values and version again (override)."""

    def remember_loaded(self) -> None:
        """Call after loading a record: what the clerk's unsaved input is compared with."""
        self._loaded = {key: shown_text(w) for key, w in self.fields.items()}

    # ----- behaviour -----

    @Slot()
    def _changed(self) -> None:
        self.dirty = True
        self.revalidate()

    def revalidate(self) -> bool:
        """Show the form's errors and warnings; enable 保存 only without errors."""
        try:
            errors, warnings = self.check()
        except ValueError as exc:  # an unknown value the services refuse outright
            errors, warnings = {"": str(exc)}, ()
        for key, widget in self.fields.items():
            widget.setStyleSheet(BAD_FIELD if key in errors else "")
        lines = [f"<span style='{ERROR_STYLE}'>✗ {e}</span>" for e in errors.values()]
        lines += [f"<span style='{WARNING_STYLE}'>! {w}</span>" for w in warnings]
        self.message.setText("<br>".join(lines))
        self.save_button.setEnabled(not errors)
        return not errors

    @Slot()
    def save(self) -> TaskHandle[int] | None:
        """Validate and save on the write worker (None when the form has errors).

        The dialog closes when the store has the record; refused input shows under the form.
        """
        if not self.revalidate():
            return None
        op = self.operation()
        self.save_button.setEnabled(False)
        self.task = run_op(
            self,
            self._ctx,
            op,
            label=self.tr("正在保存…"),
            on_done=self._saved,
            on_error=self._failed,
        )
        return self.task

    @Slot(object)
    def _saved(self, record_id: int) -> None:
        self.dirty = False
        self.saved.emit(record_id)
        self.accept()

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, StaleEdit):
            self._offer_reload(exc)
            return
        if not is_clerk_error(exc):
            show_error(self, exc)
            return
        self.message.setText(f"<span style='{ERROR_STYLE}'>✗ {exc}</span>")

    def _offer_reload(self, exc: StaleEdit) -> None:
        unsaved = [
            (self.labels[key], text)
            for key, w in self.fields.items()
            if (text := shown_text(w)) != self._loaded.get(key, text)
        ]
        if ask_reload(self, exc, unsaved):
            self.load_current()
            self.dirty = False
            self.revalidate()

    def reject(self) -> None:
        """Esc / 取消: ask before dropping unsaved changes."""
        if self.dirty:
            answer = QMessageBox.question(
                self, self.tr("未保存的修改"), self.tr("有未保存的修改，确定放弃吗？")
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.dirty = False
        super().reject()


def year_spin(value: int | None, minimum: int = FIRST_RECORD_YEAR) -> QSpinBox:
    """A year box whose lowest value reads 未填 (None)."""
    spin = QSpinBox()
    spin.setRange(minimum - 1, date.today().year)
    spin.setSpecialValueText("未填")
    spin.setValue(value if value is not None else minimum - 1)
    return spin


def spin_year(spin: QSpinBox) -> int | None:
    """The year of a year_spin, None when 未填."""
    return None if spin.value() == spin.minimum() else spin.value()
