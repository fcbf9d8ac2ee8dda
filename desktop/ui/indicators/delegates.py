"""Cell painters of 指标与目标: the trend sparkline and the status pill."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop.ui.indicators.display import STATUS_COLOURS
from desktop.ui.indicators.model import STATUS_ROLE, TREND_ROLE

Index = QModelIndex | QPersistentModelIndex
LINE = QColor("#2b5797")
MISSING = QColor("#c3ccd6")


def sparkline_points(
    trend: tuple[tuple[int, float | None], ...], rect: QRectF
) -> list[QPointF | None]:
    """Where each year's value sits in `rect` (None for a year without a value)."""
    values = [v for _y, v in trend if v is not None]
    if not trend or not values:
        return []
    low, high = min(values), max(values)
    span = high - low or 1.0
    step = rect.width() / max(len(trend) - 1, 1)
    points: list[QPointF | None] = []
    for n, (_year, value) in enumerate(trend):
        if value is None:
            points.append(None)
            continue
        y = (
            rect.bottom() - (value - low) / span * rect.height()
            if high > low
            else rect.center().y()
        )
        points.append(QPointF(rect.left() + n * step, y))
    return points


class SparklineDelegate(QStyledItemDelegate):
    """A small line of the yearly actuals, its last point marked in the status colour."""

    draws_text = False  # the cell's text is for export and tooltips: never elided on screen

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        option.text = ""  # the display text is for export and tooltips
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        trend = index.data(TREND_ROLE) or ()
        rect = QRectF(option.rect).adjusted(8, 6, -8, -6)
        points = sparkline_points(tuple(trend), rect)
        if not points:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        path = QPainterPath()
        pen_down = False
        for p in points:
            if p is None:
                pen_down = False
                continue
            if pen_down:
                path.lineTo(p)
            else:
                path.moveTo(p)
                pen_down = True
        painter.setPen(QPen(LINE, 1.5))
        painter.drawPath(path)
        last = points[-1]
        status = str(index.data(STATUS_ROLE) or "")
        colour = QColor(STATUS_COLOURS.get(status, ("#2b5797", None))[0])
        painter.setPen(Qt.PenStyle.NoPen)
        if last is not None:
            painter.setBrush(colour)
            painter.drawEllipse(last, 2.8, 2.8)
        else:  # the year itself has no value yet
            painter.setBrush(MISSING)
            painter.drawEllipse(QPointF(rect.right(), rect.bottom()), 2.2, 2.2)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(96, 24)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        return None  # type: ignore[return-value]  # never edited


class StatusDelegate(QStyledItemDelegate):
    """The status as a tinted pill in its colour."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        text = option.text
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        fg, bg = STATUS_COLOURS.get(str(index.data(STATUS_ROLE) or ""), ("#4a5a6a", None))
        metrics = option.fontMetrics
        width = metrics.horizontalAdvance(text) + 16
        height = metrics.height() + 4
        rect = QRectF(option.rect)
        pill = QRectF(rect.left() + 6, rect.center().y() - height / 2, width, height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if bg:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(bg))
            painter.drawRoundedRect(pill, height / 2, height / 2)
        painter.setPen(QColor(fg))
        painter.drawText(pill, int(Qt.AlignmentFlag.AlignCenter), text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 20, size.height())
