"""Small shared widgets: screen title, hint text."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


def screen_title(text: str, parent: QWidget | None = None) -> QLabel:
    """The large title at the top of a screen."""
    label = QLabel(text, parent)
    label.setObjectName("screenTitle")
    return label


def hint(text: str, parent: QWidget | None = None) -> QLabel:
    """Grey explanatory text that wraps."""
    label = QLabel(text, parent)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label
