"""Card-like frames shared by the screens: a titled white panel around a body."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)


class Panel(QFrame):
    """A white card with a title line (and an optional note on its right) around a body."""

    def __init__(self, title: str, body: QWidget | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.title = QLabel(title)
        self.title.setObjectName("cardTitle")
        self.note = QLabel()
        self.note.setObjectName("hint")
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.note)
        self.body = QVBoxLayout()
        self.body.setSpacing(6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(6)
        layout.addLayout(head)
        layout.addLayout(self.body, 1)
        if body is not None:
            self.body.addWidget(body, 1)
