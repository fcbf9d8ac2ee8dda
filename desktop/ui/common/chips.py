"""The filter chip: how a click-through from another screen shows itself on a list.

A list screen that accepts ids from another screen (首页's figures, 指标与目标's records) keeps them
in one `FilterChip`, “来自首页：2025年有效高企 · 67家 ✕”. The chip is the only home of those ids:
while it is hidden there are none, so no filter is ever in force without being seen. Removing it
(its ✕, or Delete / Backspace / Enter / Space while it has the focus) drops them and emits
`removed`; the screen then shows everything its visible filters allow.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QToolButton, QWidget

REMOVE_KEYS = frozenset(
    {Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space}
)
STYLE = (
    "QFrame#filterChip { background: #e8f1fb; border: 1px solid #9cbfe6; border-radius: 12px; }"
    "QFrame#filterChip:focus { border: 2px solid #2f6fb3; }"
    "QFrame#filterChip QLabel { color: #1f3f66; background: transparent; border: none; }"
    "QFrame#filterChip QToolButton { border: none; background: transparent; color: #2f6fb3;"
    " padding: 0 2px; }"
    "QFrame#filterChip QToolButton:hover { color: #a61b1b; }"
)


def chip_text(label: str, origin: str = "") -> str:
    """“来自首页：2025年有效高企 · 67家” (the label alone without an origin)."""
    return f"来自{origin}：{label}" if origin else label


class FilterChip(QFrame):
    """A removable chip holding the ids a click-through named; hidden while there are none."""

    removed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterChip")
        self.setStyleSheet(STYLE)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self._ids: tuple[int, ...] | None = None
        self._text = ""
        self._added = 0
        self.text_label = QLabel()
        self.text_label.setTextFormat(Qt.TextFormat.PlainText)
        self.remove_button = QToolButton()
        self.remove_button.setText("✕")
        font = self.remove_button.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.remove_button.setFont(font)
        self.remove_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the chip is the one tab stop
        self.remove_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.remove_button.setToolTip(self.tr("移除此筛选，显示全部"))
        self.remove_button.clicked.connect(self.remove)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 2, 4, 2)
        row.setSpacing(4)
        row.addWidget(self.text_label)
        row.addWidget(self.remove_button)
        self.hide()

    # ----- state -----

    @property
    def ids(self) -> tuple[int, ...] | None:
        """The ids in force (None: no chip, no ids filter)."""
        return self._ids

    def is_active(self) -> bool:
        """Whether a click-through's ids are in force (and the chip shown)."""
        return self._ids is not None

    def text(self) -> str:
        """What the chip says, without its ✕."""
        return self.text_label.text()

    def show_ids(self, ids: Iterable[int], label: str, origin: str = "") -> None:
        """Hold these ids and show the chip “来自{origin}：{label}”."""
        self._ids = tuple(ids)
        self._text = chip_text(label, origin)
        self._added = 0
        self._show_text()
        self.show()

    def include(self, record_id: int) -> bool:
        """Add a record (one just created) to the ids; False when it was in them already."""
        if self._ids is None or record_id in self._ids:
            return False
        self._ids = (*self._ids, record_id)
        self._added += 1
        self._show_text()
        return True

    def clear(self) -> None:
        """Drop the ids and hide, without `removed` (the screen itself set a new filter)."""
        self._ids = None
        self._text = ""
        self._added = 0
        self.text_label.clear()
        self.hide()

    @Slot()
    def remove(self) -> None:
        """The clerk removed the chip: drop the ids, hide, tell the screen."""
        if self._ids is None:
            return
        self.clear()  # hiding passes the focus on to the next widget
        self.removed.emit()

    def _show_text(self) -> None:
        text = self._text
        if self._added:
            text += self.tr("（另含新建的 {n} 条）").format(n=self._added)
        self.text_label.setText(text)
        self.setAccessibleName(text)
        self.setToolTip(self.tr("{0}\n按 Delete 或点 ✕ 移除此筛选").format(text))

    # ----- keyboard -----

    def event(self, e: QEvent) -> bool:
        """Take the remove keys before any shortcut of the window does."""
        override = e.type() == QEvent.Type.ShortcutOverride
        if override and isinstance(e, QKeyEvent) and _is_remove_key(e):
            e.accept()
            return True
        return super().event(e)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        """Delete, Backspace, Enter or Space remove the chip."""
        if _is_remove_key(e):
            self.remove()
            e.accept()
            return
        super().keyPressEvent(e)


def _is_remove_key(e: QKeyEvent) -> bool:
    plain = e.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
    return plain and Qt.Key(e.key()) in REMOVE_KEYS
