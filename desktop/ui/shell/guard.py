"""Widgets and actions the desk's role may not use: disabled, with the reason, and kept so.

`AppContext.guard` calls `keep_disabled` for each target; a screen keeps enabling its buttons as
before (on a selection, after a task), and a kept-disabled one turns itself off again at once,
its tooltip still the refusal. `make_read_only` shows an editor dialog for reading only.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Slot
from PySide6.QtGui import QAction, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDialogButtonBox,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

GUARDED = "guardedRefusal"  # the dynamic property holding a guarded target's refusal


class _KeepWidgetDisabled(QObject):
    """An event filter: the widget turns itself off again whenever it is enabled."""

    def __init__(self, widget: QWidget, text: str) -> None:
        super().__init__(widget)
        self._text = text
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, QWidget):
            kind = event.type()
            if kind == QEvent.Type.EnabledChange and watched.isEnabled():
                watched.setEnabled(False)
            elif kind == QEvent.Type.ToolTipChange and watched.toolTip() != self._text:
                watched.setToolTip(self._text)
        return False


class _KeepActionDisabled(QObject):
    """Turns a QAction off again whenever it is enabled (its shortcut with it)."""

    def __init__(self, action: QAction, text: str) -> None:
        super().__init__(action)
        self._action = action
        action.enabledChanged.connect(self.on_enabled_changed)

    @Slot(bool)
    def on_enabled_changed(self, enabled: bool) -> None:
        if enabled:
            self._action.setEnabled(False)


def keep_disabled(target: Any, text: str) -> None:
    """Disable a widget, QAction or QShortcut for good, its tooltip and status tip `text`."""
    if isinstance(target, QObject):
        if target.property(GUARDED):
            return
        target.setProperty(GUARDED, text)
    if isinstance(target, QAction):
        target.setEnabled(False)
        target.setToolTip(text)
        target.setStatusTip(text)
        _KeepActionDisabled(target, text)
    elif isinstance(target, QShortcut):
        target.setEnabled(False)
    elif isinstance(target, QAbstractItemView):
        # a list stays readable and scrollable; only its in-place editing is off
        target.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    elif isinstance(target, QWidget):
        target.setEnabled(False)
        target.setToolTip(text)
        target.setStatusTip(text)
        _KeepWidgetDisabled(target, text)
    else:
        raise TypeError(f"cannot guard {type(target).__name__}")


def _closes(button: QAbstractButton) -> bool:
    """Whether a dialog button only closes the dialog (取消 / 关闭)."""
    box = button.parentWidget()
    while box is not None and not isinstance(box, QDialogButtonBox):
        box = box.parentWidget()
    if box is None:
        return False
    role = box.buttonRole(button)
    return role in (
        QDialogButtonBox.ButtonRole.RejectRole,
        QDialogButtonBox.ButtonRole.HelpRole,
    )


def make_read_only(dialog: Any, text: str) -> None:
    """Show an editor for reading: inputs locked, write buttons kept disabled, 取消 → 关闭.

    Texts stay selectable (read-only rather than greyed); lists stay scrollable but their
    double-click (which opens sub-editors) is off.
    """
    if not isinstance(dialog, QWidget) or dialog.property(GUARDED):
        return
    dialog.setProperty(GUARDED, text)
    for child in dialog.findChildren(QWidget):
        if isinstance(child, (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox)):
            child.setReadOnly(True)
        elif isinstance(child, QAbstractItemView):
            child.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            child.blockSignals(True)  # no double-click into a sub-editor
        elif isinstance(child, QComboBox):
            keep_disabled(child, text)
        elif isinstance(child, QAbstractButton):
            if isinstance(child.parentWidget(), QTabBar):
                continue  # a tab bar's scroll arrows
            if _closes(child):
                child.setText(QCoreApplication.translate("guard", "关闭"))
            else:
                keep_disabled(child, text)
    title = dialog.windowTitle()
    suffix = QCoreApplication.translate("guard", "（只读）")
    if title and not title.endswith(suffix):
        dialog.setWindowTitle(title + suffix)
