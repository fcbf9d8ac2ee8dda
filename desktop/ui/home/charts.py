"""Small QPainter charts of the dashboard: grouped bars (with target markers) and lines.

Deterministic (no QtCharts): a chart draws its axes, grid, values and legend from plain lists,
remembers where each bar or point was drawn, and emits `clicked(category, series)` on a click there.
A category label breaks only where its text has a "\n" (`wrap_label` puts one at a sensible place),
a line still too wide is elided ("…"), and hovering a label or a bar shows the whole name.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

BLUE = QColor("#2b5797")
TEAL = QColor("#2a9d8f")
ORANGE = QColor("#e07b24")
GRID = QColor("#e6ebf0")
AXIS = QColor("#c3ccd6")
TEXT = QColor("#4a5a6a")
STRONG = QColor("#1f2d3d")
LADDER_COLORS = ("#b7c3d0", "#8fb8de", "#2b5797", "#2a9d8f", "#e07b24")


@dataclass
class Series:
    """One series: a name for the legend, a colour, one value per category."""

    name: str
    color: QColor
    values: list[float]
    markers: list[float | None] = field(default_factory=list)  # target ticks (bars only)
    colors: list[QColor] = field(default_factory=list)  # per-category colours (bars only)


def nice_step(top: float, ticks: int = 4) -> float:
    """A round grid step (1, 2, 5 × 10^n) so that about `ticks` steps reach `top`."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * power:
            return float(max(m * power, 1))
    return float(10 * power)


def wrap_label(name: str) -> str:
    """A long category name with a line break where a clerk would put one, never inside a word:
    科技型中小企业 → 科技型 / 中小企业, 高新技术企业 → 高新技术 / 企业; short names stay whole."""
    for tail in ("中小企业", "企业"):
        if len(name) > 4 and name.endswith(tail) and len(name) > len(tail):
            return f"{name[: -len(tail)]}\n{tail}"
    return name


def format_value(value: float) -> str:
    """Counts as integers, shares with one decimal."""
    return f"{value:,.0f}" if abs(value - round(value)) < 1e-9 else f"{value:,.1f}"


class _Chart(QWidget):
    """Shared frame: plot area, y axis with a nice scale, legend, hit areas."""

    clicked = Signal(int, int)  # category index, series index

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.categories: list[str] = []
        self.series: list[Series] = []
        self.y_title = ""
        self.label_lines = 1  # category labels may wrap onto this many lines
        self.empty_text = self.tr("暂无数据")
        self._hits: list[tuple[QRectF, int, int]] = []
        self._labels: list[tuple[QRectF, int]] = []  # where each category label was drawn
        self.drawn_labels: list[list[str]] = []  # the lines last drawn per category (tests)
        self.setMinimumHeight(200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)

    def sizeHint(self) -> QSize:
        return QSize(480, 240)

    def set_data(self, categories: list[str], series: list[Series], y_title: str = "") -> None:
        """Replace what the chart shows."""
        self.categories = list(categories)
        self.series = list(series)
        self.y_title = y_title
        self._hits = []
        self.update()

    def hit_areas(self) -> list[tuple[QRectF, int, int]]:
        """Where each bar/point was last drawn: (rect, category, series)."""
        return list(self._hits)

    def center_of(self, category: int, series: int) -> QPointF | None:
        """The centre of a drawn bar or point (tests click there)."""
        for rect, c, s in self._hits:
            if (c, s) == (category, series):
                return rect.center()
        return None

    def _top_value(self) -> float:
        values = [v for s in self.series for v in s.values]
        values += [m for s in self.series for m in s.markers if m is not None]
        return max(values, default=0.0)

    def _plot_rect(self, painter: QPainter) -> QRectF:
        fm = painter.fontMetrics()
        left = fm.horizontalAdvance("00,000") + 14
        top = fm.height() * 2 + 10
        bottom = fm.height() * self.label_lines + 12
        return QRectF(
            left, top, max(self.width() - left - 12, 10), max(self.height() - top - bottom, 10)
        )

    def _draw_axes(self, painter: QPainter, plot: QRectF, top_value: float) -> float:
        step = nice_step(top_value)
        scale_top = step * max(math.ceil(top_value / step), 1)
        fm = painter.fontMetrics()
        value = 0.0
        while value <= scale_top + 1e-9:
            y = plot.bottom() - plot.height() * value / scale_top
            painter.setPen(QPen(AXIS if value == 0 else GRID, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(TEXT)
            label = format_value(value)
            painter.drawText(
                QRectF(0, y - fm.height() / 2, plot.left() - 6, fm.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                label,
            )
            value += step
        if self.y_title:
            painter.drawText(QPointF(4, fm.ascent() + 2), self.y_title)
        return scale_top

    def _draw_legend(self, painter: QPainter, extra: list[tuple[str, QColor, bool]]) -> None:
        fm = painter.fontMetrics()
        items = [(s.name, s.color, False) for s in self.series if s.name] + extra
        x = self.width() - 8.0
        y = fm.ascent() + 2.0
        for name, color, is_marker in reversed(items):
            w = fm.horizontalAdvance(name)
            x -= w
            painter.setPen(TEXT)
            painter.drawText(QPointF(x, y), name)
            x -= 18
            box = QRectF(x, y - fm.ascent() + 2, 12, fm.ascent() - 3)
            if is_marker:
                painter.setPen(QPen(color, 2.5))
                painter.drawLine(
                    QPointF(box.left(), box.center().y()), QPointF(box.right(), box.center().y())
                )
            else:
                painter.fillRect(box, color)
            x -= 14

    def label_rect(self, category: int) -> QRectF | None:
        """Where a category's label was last drawn (tests hover there)."""
        return next((r for r, c in self._labels if c == category), None)

    def full_name(self, category: int) -> str:
        """A category's name on one line (its tooltip)."""
        return self.categories[category].replace("\n", "")

    def _draw_category_labels(self, painter: QPainter, plot: QRectF, slot: float) -> None:
        fm = painter.fontMetrics()
        painter.setPen(TEXT)
        self._labels, self.drawn_labels = [], []
        for i, name in enumerate(self.categories):
            parts = name.split("\n")
            if len(parts) > self.label_lines:  # keep the first lines, the rest joins the last
                parts = [*parts[: self.label_lines - 1], "".join(parts[self.label_lines - 1 :])]
            lines = [fm.elidedText(p, Qt.TextElideMode.ElideRight, int(slot) - 2) for p in parts]
            height = fm.height() * len(lines) + 4
            rect = QRectF(plot.left() + i * slot, plot.bottom() + 4, slot, height)
            flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
            painter.drawText(rect, int(flags), "\n".join(lines))
            self._labels.append((rect, i))
            self.drawn_labels.append(lines)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            tip = self.tip_at(QPointF(event.pos()))
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def tip_at(self, pos: QPointF) -> str:
        """The tooltip at a point: a bar's or point's category, series and value; a label's name."""
        for rect, c, s in self._hits:
            if rect.adjusted(-3, -3, 3, 3).contains(pos):
                series = self.series[s]
                what = f"{series.name}：" if series.name else ""
                value = format_value(series.values[c])
                return self.tr("{0}\n{1}{2}（点击查看这些企业）").format(
                    self.full_name(c), what, value
                )
        for rect, c in self._labels:
            if rect.contains(pos):
                return self.full_name(c)
        return ""

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        self._hits = []
        if not self.categories or not self.series:
            painter.setPen(TEXT)
            painter.drawText(self.rect(), int(Qt.AlignmentFlag.AlignCenter), self.empty_text)
            return
        plot = self._plot_rect(painter)
        scale_top = self._draw_axes(painter, plot, self._top_value())
        slot = plot.width() / len(self.categories)
        self._draw_category_labels(painter, plot, slot)
        self._draw_data(painter, plot, slot, scale_top)
        painter.end()

    def _draw_data(self, painter: QPainter, plot: QRectF, slot: float, scale_top: float) -> None:
        raise NotImplementedError

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        for rect, category, series in self._hits:
            if rect.adjusted(-3, -3, 3, 3).contains(pos):
                self.clicked.emit(category, series)
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        over = any(r.adjusted(-3, -3, 3, 3).contains(pos) for r, _c, _s in self._hits)
        self.setCursor(Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)


class BarChart(_Chart):
    """Grouped vertical bars; a series may carry target markers drawn as ticks across its bars."""

    marker_name = ""

    def _draw_data(self, painter: QPainter, plot: QRectF, slot: float, scale_top: float) -> None:
        n = len(self.series)
        bar_w = min(slot * 0.7 / n, 46.0)
        group_w = bar_w * n + 4 * (n - 1)
        fm = painter.fontMetrics()
        small = QFont(painter.font())
        small.setPointSizeF(max(painter.font().pointSizeF() * 0.9, 7))
        has_markers = False
        for c in range(len(self.categories)):
            x0 = plot.left() + c * slot + (slot - group_w) / 2
            for s, series in enumerate(self.series):
                value = series.values[c]
                h = plot.height() * value / scale_top
                rect = QRectF(x0 + s * (bar_w + 4), plot.bottom() - h, bar_w, h)
                color = series.colors[c] if series.colors else series.color
                painter.fillRect(rect, color)
                self._hits.append((rect.adjusted(0, -fm.height(), 0, 0) if h < 6 else rect, c, s))
                painter.setPen(STRONG)
                painter.setFont(small)
                painter.drawText(
                    QRectF(
                        rect.left() - 20,
                        rect.top() - fm.height() - 1,
                        rect.width() + 40,
                        fm.height(),
                    ),
                    int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
                    format_value(value),
                )
                painter.setFont(self.font())
                marker = series.markers[c] if c < len(series.markers) else None
                if marker is not None:
                    has_markers = True
                    y = plot.bottom() - plot.height() * marker / scale_top
                    painter.setPen(QPen(ORANGE, 2.5))
                    painter.drawLine(QPointF(rect.left() - 3, y), QPointF(rect.right() + 3, y))
        extra = [(self.marker_name, ORANGE, True)] if has_markers and self.marker_name else []
        self._draw_legend(painter, extra)


class LineChart(_Chart):
    """One line per series over the categories (years), points labelled with their values."""

    def _draw_data(self, painter: QPainter, plot: QRectF, slot: float, scale_top: float) -> None:
        fm = painter.fontMetrics()
        for s, series in enumerate(self.series):
            points = [
                QPointF(
                    plot.left() + (c + 0.5) * slot,
                    plot.bottom() - plot.height() * v / scale_top,
                )
                for c, v in enumerate(series.values)
            ]
            painter.setPen(QPen(series.color, 2.2))
            for a, b in itertools.pairwise(points):
                painter.drawLine(a, b)
            for c, p in enumerate(points):
                painter.setPen(QPen(series.color, 2))
                painter.setBrush(QColor("#ffffff"))
                painter.drawEllipse(p, 4.0, 4.0)
                self._hits.append((QRectF(p.x() - 7, p.y() - 7, 14, 14), c, s))
                painter.setPen(series.color)
                others = [o.values[c] for o in self.series if o is not series]
                above = (
                    all(series.values[c] >= v for v in others)
                    if s == 0
                    else all(series.values[c] > v for v in others)
                )
                dy = -fm.height() - 4 if above else 6
                painter.drawText(
                    QRectF(p.x() - 30, p.y() + dy, 60, fm.height()),
                    int(Qt.AlignmentFlag.AlignCenter),
                    format_value(series.values[c]),
                )
        painter.setBrush(Qt.BrushStyle.NoBrush)
        self._draw_legend(painter, [])
