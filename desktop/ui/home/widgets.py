"""Building blocks of the dashboard: clickable count cards and figure links (styled by
CARDS_STYLE on the screen holding them)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

# 首页's own rules, set once on the screen (a style sheet per widget costs a polish each: start-up)
CARDS_STYLE = (
    'QFrame#card[clickable="true"]:hover { border: 1px solid #8fb0dc; }'
    "QPushButton#figureLink { border: none; background: transparent; color: #2b5797;"
    " font-size: 16pt; font-weight: 600; padding: 0px; text-align: left; }"
    "QPushButton#figureLink:hover { color: #163c6e; text-decoration: underline; }"
    'QPushButton#figureLink[warn="true"] { color: #c0392b; }'
    'QPushButton#figureLink[warn="true"]:hover { color: #8e2a20; }'
)
WARN_COLOUR = "#c0392b"


def percent(value: float | None) -> str:
    """Completion as text: '87.5%' or '—' without a target."""
    return "—" if value is None else f"{value * 100:.1f}%"


def number(value: int | None) -> str:
    """A count as text, '未设' when there is none."""
    return "未设" if value is None else f"{value:,}"


class FigureLink(QPushButton):
    """A number that opens the enterprises behind it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("—", parent)
        self.setObjectName("figureLink")
        self.setFlat(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setProperty("warn", False)
        self.setToolTip(self.tr("点击查看这些企业"))

    def set_warning(self, warn: bool) -> None:
        """Red while the figure asks for action (e.g. certificates lapsed and not renewed)."""
        if bool(self.property("warn")) != warn:
            self.setProperty("warn", warn)
            self.style().unpolish(self)
            self.style().polish(self)


class CountCard(QFrame):
    """One count: the big number, its target, gap and completion, one extra line; click = list."""

    clicked = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setProperty("clickable", True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(self.tr("点击查看这些企业"))
        self.title = QLabel(title)
        self.title.setObjectName("cardTitle")
        self.value = QLabel("—")
        self.value.setObjectName("cardValue")
        self.unit = QLabel(self.tr("家"))
        self.unit.setObjectName("cardDetail")
        self.target = QLabel()
        self.gap = QLabel()
        self.completion = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(8)
        self.extra = QLabel()
        self.extra.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        for label in (self.target, self.gap, self.completion, self.extra):
            label.setObjectName("cardDetail")
        self._lay_out()

    def _lay_out(self) -> None:
        value_row = QHBoxLayout()
        value_row.addWidget(self.value)
        value_row.addWidget(self.unit, 0, Qt.AlignmentFlag.AlignBottom)
        value_row.addStretch(1)
        value_row.addWidget(self.completion, 0, Qt.AlignmentFlag.AlignBottom)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.addWidget(self.target, 0, 0)
        grid.addWidget(self.gap, 0, 1)
        grid.setColumnStretch(2, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(5)
        layout.addWidget(self.title)
        layout.addLayout(value_row)
        layout.addLayout(grid)
        layout.addWidget(self.bar)
        layout.addWidget(self.extra)

    def show_count(
        self, count: int, target: int | None, gap: int | None, completion: float | None, extra: str
    ) -> None:
        """Fill the card."""
        self.value.setText(f"{count:,}")
        self.target.setText(self.tr("年度目标：{0}").format(number(target)))
        self.gap.setText(self.tr("差额：{0}").format(number(gap)))
        self.completion.setText(self.tr("完成率：{0}").format(percent(completion)))
        self.bar.setValue(0 if completion is None else min(int(completion * 1000), 1000))
        self.bar.setVisible(completion is not None)
        self.extra.setText(extra)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class FigureCard(QFrame):
    """A card of clickable figures in a grid, each above its caption (e.g. 90 / 180 days)."""

    def __init__(
        self,
        title: str,
        captions: Sequence[str],
        parent: QWidget | None = None,
        columns: int = 2,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.title = QLabel(title)
        self.title.setObjectName("cardTitle")
        self.links = tuple(FigureLink() for _ in captions)
        self.captions = tuple(QLabel(c) for c in captions)
        self.footer = QLabel()
        self.footer.setObjectName("hint")
        self.footer.setWordWrap(True)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(2)
        for i, (link, caption) in enumerate(zip(self.links, self.captions, strict=True)):
            row, col = divmod(i, columns)
            caption.setObjectName("cardDetail")
            caption.setWordWrap(False)
            grid.addWidget(link, row * 2, col)
            grid.addWidget(caption, row * 2 + 1, col, Qt.AlignmentFlag.AlignTop)
            if row:  # a little air above the second row of figures
                grid.setRowMinimumHeight(row * 2 - 1, caption.sizeHint().height() + 6)
        for col in range(columns):
            grid.setColumnStretch(col, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addWidget(self.footer)

    def show_values(self, *values: int) -> None:
        """Set the numbers, in the order of the captions."""
        for link, value in zip(self.links, values, strict=True):
            link.setText(self.tr("{0} 家").format(f"{value:,}"))


class PairCard(FigureCard):
    """A card with two clickable figures side by side (e.g. the 两清零 lists A and B)."""

    def __init__(self, title: str, captions: tuple[str, str], parent: QWidget | None = None):
        super().__init__(title, captions, parent)
