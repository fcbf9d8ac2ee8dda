"""Small input widgets of the enterprise editor: optional dates, numbers, yes/no; a field with its message."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QLabel, QLineEdit, QVBoxLayout, QWidget

from db.rules.normalize import parse_int, parse_number

EMPTY_DATE = QDate(1900, 1, 1)
# Never None as combo item data: PySide6 6.12 on Python 3.11 drops a reference to None each time
# an empty QVariant comes back to Python, and enough of them crash the interpreter.
NO_VALUE = -1
ERROR_STYLE = "color: #b3261e;"
WARNING_STYLE = "color: #a15c00;"


class OptionalDateEdit(QDateEdit):
    """A date that may be left blank (shown empty at its minimum)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(EMPTY_DATE)
        self.setSpecialValueText(" ")
        self.set_value(None)

    def value(self) -> date | None:
        """The date, None when blank."""
        d = self.date()
        return None if d == EMPTY_DATE else d.toPython()  # type: ignore[return-value]

    def set_value(self, value: date | None) -> None:
        """Show a date, or blank."""
        self.setDate(EMPTY_DATE if value is None else QDate(value.year, value.month, value.day))


class NumberEdit(QLineEdit):
    """A number that may be blank; `value()` raises ValueError with a clerk's message."""

    def __init__(self, integer: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._integer = integer

    def value(self) -> float | int | None:
        """The number, None when blank."""
        if not self.text().strip():
            return None
        checked = parse_int(self.text()) if self._integer else parse_number(self.text())
        if not checked.ok or checked.value is None:
            raise ValueError("；".join(checked.errors) or "不是有效的数字")
        return checked.value

    def set_value(self, value: float | int | None) -> None:
        """Show a number (money with 2 decimals), or blank."""
        if value is None:
            self.setText("")
        elif self._integer:
            self.setText(str(int(value)))
        else:
            self.setText(f"{value:.2f}")


class YesNoCombo(QComboBox):
    """未填 / 是 / 否."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for text, data in (("未填", NO_VALUE), ("是", 1), ("否", 0)):
            self.addItem(self.tr(text), data)

    def value(self) -> bool | None:
        """True, False or None."""
        data = self.currentData()
        return None if data == NO_VALUE else bool(data)

    def set_value(self, value: bool | None) -> None:
        """Select the item of a value."""
        self.setCurrentIndex({None: 0, True: 1, False: 2}[value])


class FieldBox(QWidget):
    """An input with its message below it (red for errors, amber for warnings)."""

    def __init__(self, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        layout.addWidget(self.message)

    def show_error(self, text: str) -> None:
        """A red message under the input."""
        self._show(text, ERROR_STYLE)

    def show_warning(self, text: str) -> None:
        """An amber message under the input."""
        self._show(text, WARNING_STYLE)

    def clear(self) -> None:
        """No message."""
        self.message.clear()
        self.message.hide()

    def _show(self, text: str, style: str) -> None:
        if not text:
            self.clear()
            return
        self.message.setText(text)
        self.message.setStyleSheet(style)
        self.message.show()
