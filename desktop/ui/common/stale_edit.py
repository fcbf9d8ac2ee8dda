"""A save refused because another desk changed the record since it was opened (db StaleEdit).

The clerk sees who changed it and when, the input that was not saved (so nothing typed is lost
silently: it can be typed again after reloading), and chooses 重新载入 (show the record's current
values) or 取消 (keep the form as it is).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from db.errors import StaleEdit
from desktop.ui.common.fields import OptionalDateEdit
from desktop.ui.common.picker import EnterprisePicker

EMPTY = "（空）"


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # context "": see packaging/translations.py


def shown_text(widget: QWidget) -> str:
    """What an input shows, as the clerk typed or picked it (for the list of unsaved input)."""
    if isinstance(widget, EnterprisePicker):
        return widget.picked.text() if widget.value() is not None else EMPTY
    if isinstance(widget, OptionalDateEdit):
        day = widget.value()
        return day.isoformat() if day is not None else EMPTY
    if isinstance(widget, QComboBox):
        return widget.currentText() or EMPTY
    if isinstance(widget, QCheckBox):
        return _tr("是") if widget.isChecked() else _tr("否")
    if isinstance(widget, QSpinBox):
        return str(widget.value())
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText().strip() or EMPTY
    if isinstance(widget, QLineEdit):
        return widget.text().strip() or EMPTY
    return EMPTY


def value_text(value: Any) -> str:
    """A stored or typed value in words (for inputs that are not one widget)."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _tr("是") if value else _tr("否")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def stale_text(exc: StaleEdit, unsaved: Sequence[tuple[str, str]]) -> str:
    """The refusal, then the input this save would have written (label：value per line)."""
    if not unsaved:
        return str(exc)
    lines = "\n".join(f"  {label}：{text}" for label, text in unsaved)
    return str(exc) + "\n\n" + _tr("您这次填写、尚未保存的内容：") + "\n" + lines


def ask_reload(parent: QWidget, exc: StaleEdit, unsaved: Sequence[tuple[str, str]]) -> bool:
    """Show the refusal with the unsaved input; True when the clerk chose 重新载入."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_tr("记录已被其他人修改"))
    box.setText(stale_text(exc, unsaved))
    reload = box.addButton(_tr("重新载入"), QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(_tr("取消"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(reload)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is reload
