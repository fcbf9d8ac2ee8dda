"""A dialog of fields validated as you type: messages under the fields, 保存 enabled when valid,
Esc/取消 ask before unsaved changes are lost. Subclasses say what the values are and which named
operation saves them; the save runs on the write worker."""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from db.errors import StaleEdit
from db.services.errors import InputError
from desktop.operations import Operation
from desktop.ui.common.fields import FieldBox, NumberEdit, OptionalDateEdit
from desktop.ui.common.picker import EnterprisePicker
from desktop.ui.common.stale_edit import ask_reload, shown_text
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.operations import run_op
from desktop.ui.shell.tasks import TaskHandle, show_error


def choice_row(
    dialog: FormDialog, label: str, first: str, second: str
) -> tuple[QRadioButton, QRadioButton]:
    """A form row of two exclusive choices (texts already translated; the first checked)."""
    one, two = QRadioButton(first), QRadioButton(second)
    one.setChecked(True)
    group = QButtonGroup(dialog)
    group.addButton(one)
    group.addButton(two)
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(one)
    layout.addWidget(two)
    layout.addStretch(1)
    dialog.form.addRow(label, row)
    return one, two


def combo(items: list[tuple[str, Any]]) -> QComboBox:
    """A combo box of (text, data) items."""
    box = QComboBox()
    for text, data in items:
        box.addItem(text, data)
    return box


def select_data(box: QComboBox, value: object) -> None:
    """Select the item whose data is `value` (the first item when none is)."""
    index = box.findData(value)
    box.setCurrentIndex(max(index, 0))


def read(widget: QWidget) -> Any:
    """The value of an input widget (None when blank); a bad number is returned as typed text."""
    if isinstance(widget, EnterprisePicker):
        return widget.value()
    if isinstance(widget, NumberEdit):
        try:
            return widget.value()
        except ValueError:
            return widget.text()
    if isinstance(widget, OptionalDateEdit):
        return widget.value()
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QSpinBox):
        return widget.value() or None
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText().strip() or None
    if isinstance(widget, QLineEdit):
        return widget.text().strip() or None
    raise TypeError(type(widget).__name__)


def changed_signal(widget: QWidget) -> Any:
    """The signal a widget emits when the user changes it."""
    if isinstance(widget, EnterprisePicker):
        return widget.changed
    if isinstance(widget, QComboBox):
        return widget.currentIndexChanged
    if isinstance(widget, OptionalDateEdit):
        return widget.dateChanged
    if isinstance(widget, QCheckBox):
        return widget.toggled
    if isinstance(widget, QSpinBox):
        return widget.valueChanged
    if isinstance(widget, QPlainTextEdit):
        return widget.textChanged
    if isinstance(widget, QLineEdit):
        return widget.textChanged
    raise TypeError(type(widget).__name__)


class FormDialog(QDialog):
    """Fields in a form; `problems()` checks them as you type; `operation()` saves them.

    保存 runs the operation on the write worker; when its result arrives the dialog emits
    `saved(record id)` and closes. `record_id` is the record edited (None until a new one exists);
    `version` the version it was opened at, which the save names (db/services/versions.py): a
    save over another desk's change is refused and offers 重新载入 (`load_current`).
    """

    saved = Signal(int)

    def __init__(
        self,
        ctx: AppContext,
        title: str,
        parent: QWidget | None = None,
        record_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.record_id = record_id
        self.version: int | None = None  # set by a subclass when it shows a stored record
        self.save_task: TaskHandle[object] | None = None
        self.last_save_ok: bool | None = None
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.boxes: dict[str, FieldBox] = {}
        self.form = QFormLayout()
        self.general = FieldBox(QWidget())
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            self.tr("保存"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.addButton(
            self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.general)
        layout.addWidget(self.buttons)
        self._initial: dict[str, Any] = {}
        self._saving: dict[str, Any] = {}
        self.labels: dict[str, str] = {}
        self.touched: set[str] = set()

    def add_field(self, key: str, label: str, widget: QWidget) -> QWidget:
        """Add an input under a label; its changes trigger validation."""
        box = FieldBox(widget)
        self.boxes[key] = box
        self.labels[key] = label
        self.form.addRow(self.tr(label), box)
        changed_signal(widget).connect(self._field_changed)
        return widget

    def add_row(self, label: str, *parts: tuple[str, str, QWidget, int]) -> None:
        """Several fields on one form row, each (key, label, widget, stretch): the first under
        `label`, the others labelled inline; their changes trigger validation like add_field's."""
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        for n, (key, part_label, widget, stretch) in enumerate(parts):
            box = FieldBox(widget)
            box.message.setWordWrap(False)  # a wrapped message would be cut off in a shared row
            self.boxes[key] = box
            self.labels[key] = part_label
            if n:
                line.addWidget(QLabel(self.tr(part_label)), 0, Qt.AlignmentFlag.AlignTop)
            line.addWidget(box, stretch, Qt.AlignmentFlag.AlignTop)
            changed_signal(widget).connect(self._field_changed)
        self.form.addRow(self.tr(label), row)

    @Slot()
    def _field_changed(self) -> None:
        for key, box in self.boxes.items():
            if box.editor is self.sender():
                self.touched.add(key)
        self.validate()

    def widget(self, key: str) -> Any:
        """The input of a field."""
        return self.boxes[key].editor

    def values(self) -> dict[str, Any]:
        """The values of every field, by key."""
        return {key: read(box.editor) for key, box in self.boxes.items()}

    def remember_initial(self) -> None:
        """Call after loading: what 'unchanged' means."""
        self._initial = self.values()
        self.validate()

    def changed_values(self, values: dict[str, Any]) -> dict[str, Any]:
        """The values that differ from what was loaded."""
        return {k: v for k, v in values.items() if self._initial.get(k) != v}

    def is_dirty(self) -> bool:
        """Whether any field differs from what was loaded."""
        return self.values() != self._initial

    def is_saving(self) -> bool:
        """Whether a save was started and its result has not arrived yet."""
        return self.save_task is not None and not self.save_task.finished

    def problems(self, values: dict[str, Any]) -> dict[str, str]:
        """Problems per field (override)."""
        return {}

    @Slot()
    def validate(self) -> bool:
        """Problems of fields the user touched show under them, the others in one line below;
        保存 is enabled only when there is none (and no save is under way)."""
        found = self.problems(self.values())
        shown = {k: v for k, v in found.items() if k in self.touched or self._initial.get(k)}
        for key, box in self.boxes.items():
            box.show_error(shown.get(key, ""))
        pending = [self.labels.get(k, "") for k in found if k not in shown and k in self.labels]
        general = found.get("", "")
        if pending:
            general = (
                (general + "；" if general else "") + self.tr("尚需填写：") + "、".join(pending)
            )
        self.general.show_error(general)
        self.save_button.setEnabled(not found and not self.is_saving())
        return not found

    def operation(self, values: dict[str, Any]) -> Operation[object]:
        """The named operation saving `values` (override); one that creates returns the new id."""
        raise NotImplementedError

    @Slot()
    def save(self) -> TaskHandle[object] | None:
        """保存: start the operation on the write worker (None when a field refuses).

        The dialog closes when the result arrives; bad input is shown next to its field."""
        self.touched |= set(self.boxes)
        if not self.validate() or self.is_saving():
            return None
        self._saving = self.values()
        self.last_save_ok = None
        self.save_task = run_op(
            self,
            self._ctx,
            self.operation(self._saving),
            label=self.tr("正在保存…"),
            on_done=self._save_done,
            on_error=self._save_failed,
        )
        self.save_button.setEnabled(False)
        return self.save_task

    @Slot(object)
    def _save_done(self, result: object) -> None:
        if self.record_id is None:  # the operation created the record
            self.record_id = cast(int, result)
        self._initial = self._saving
        self.last_save_ok = True
        self.saved.emit(self.record_id)
        self.accept()

    @Slot(object)
    def _save_failed(self, exc: BaseException) -> None:
        self.last_save_ok = False
        self.validate()
        if isinstance(exc, StaleEdit):
            self._offer_reload(exc)
        elif isinstance(exc, InputError):
            box = self.boxes.get(exc.field or "")
            (box or self.general).show_error(str(exc))
        else:
            show_error(self, exc)

    def _offer_reload(self, exc: StaleEdit) -> None:
        unsaved = [
            (self.labels.get(key, key), shown_text(self.widget(key)))
            for key in self.changed_values(self._saving)
            if key in self.boxes
        ]
        if ask_reload(self, exc, unsaved):
            self.load_current()
            self.touched.clear()
            self.remember_initial()

    def load_current(self) -> None:
        """Show the stored record's current values and version again (override)."""

    def reject(self) -> None:
        """Esc / 取消: ask 保存/放弃/取消 when something would be lost."""
        if not self.is_dirty():
            super().reject()
            return
        answer = QMessageBox.question(
            self,
            self.tr("未保存的修改"),
            self.tr("有未保存的修改，是否保存？"),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            self.save()
        elif answer == QMessageBox.StandardButton.Discard:
            super().reject()
