"""首页's headline plan indicators: a row of small tiles (name, actual / target, completion, status).

Which are headline: the first HEADLINE_COUNT indicators in the plan's sort order that have a target
for the year, leaving out the two count targets (高企, 科小) whose own cards stand above. To bring
an indicator forward, give it a smaller sort order. A tile's click opens it in 指标与目标.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop.progress import Progress
from desktop.ui.home.figures import PipelineRow, TileRow, pipeline_of, tiles_of

if TYPE_CHECKING:  # the start-up snapshot shows the tiles before SQLAlchemy is imported
    from db.services.plans.cultivation_pipeline import PipelineCounts
    from db.services.plans.indicators import IndicatorValue
    from db.store import Store

HEADLINE_COUNT = 5
TILE_RULES = (  # the tiles' rules, set once on the screen holding them (tiles_style)
    "QLabel#tileValue { font-size: 13pt; font-weight: 600; color: #1f2d3d; }"
    "QLabel#tileStatus { color: #4a5a6a; background: #eef1f4; border-radius: 8px;"
    " padding: 1px 8px; }"
)


def status_colours() -> dict[str, tuple[str, str]]:
    """The status pills' colours (imported when first needed: desktop.ui.common.status)."""
    from desktop.ui.common.status import STATUS_COLOURS

    return STATUS_COLOURS


def tiles_style() -> str:
    """The style sheet of the tiles: a status pill coloured by its `tone` (its status's index)."""
    return TILE_RULES + "".join(
        f'QLabel#tileStatus[tone="{i}"] {{ color: {fg}; background: {bg}; }}'
        for i, (fg, bg) in enumerate(status_colours().values())
    )


OWN_CARDS = ("high_tech", "tech_sme")  # sources with a card of their own on 首页


def headline(rows: Sequence[IndicatorValue], count: int = HEADLINE_COUNT) -> list[IndicatorValue]:
    """The headline indicators of a year's table (see the module's docstring)."""
    chosen = [v for v in rows if v.target is not None and v.source not in OWN_CARDS]
    return chosen[:count]


def load_headlines(
    store: Store, year: int, as_of: date | None
) -> Generator[Progress, None, tuple[int, list[IndicatorValue]]]:
    """Work for run_task: the year's headline indicators (a tile shows no trend: the past years
    are not evaluated)."""
    from db.services.plans.indicators import indicator_table

    yield Progress(0, 1, "正在计算指标…")
    with store.session() as session:
        return year, headline(indicator_table(session, year, as_of=as_of, trend=False))


def load_pipeline(store: Store, year: int) -> Generator[Progress, None, tuple[int, PipelineCounts]]:
    """Work for run_task: the 培育库 of the figures year before `year` — the candidates expected to
    be recognised in `year` (plans.md: counts by stage feed the dashboard's 预计新增)."""
    from db.services.plans.cultivation_pipeline import pipeline_counts

    yield Progress(0, 1, "正在统计培育库…")
    with store.session() as session:
        return year, pipeline_counts(session, year - 1)


def pipeline_text(year: int, counts: PipelineRow | PipelineCounts) -> str:
    """'培育库：2026年预计新增高企 6 家（已申报 3 · 培育中 9）'."""
    p = counts if isinstance(counts, PipelineRow) else pipeline_of(counts)
    return (
        f"培育库：{year}年预计新增高企 {p.expected_new} 家"
        f"（已申报 {p.declared} · 培育中 {p.cultivating}）"
    )


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value - round(value)) < 1e-9:
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _completion(v: TileRow) -> str:
    if v.completion is None:
        return ""
    if v.kind in ("rate", "growth"):
        return f"{v.completion:+.1f} 个百分点"
    return f"{v.completion:.1f}%"


class IndicatorTile(QFrame):
    """One indicator: name, actual / target with its unit, completion and a status pill."""

    clicked = Signal(str)  # indicator code

    def __init__(self, v: TileRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = v.code
        self.setObjectName("card")
        self.setProperty("clickable", True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(self.tr("点击在“指标与目标”中查看"))
        self.name = QLabel(v.name)
        self.name.setObjectName("cardDetail")
        self.name.setWordWrap(True)
        unit = v.unit if v.unit == "%" else f" {v.unit}"
        self.value = QLabel(f"{_number(v.actual)} / {_number(v.target)}{unit}".rstrip())
        self.value.setObjectName("tileValue")
        self.completion = QLabel(_completion(v))
        self.completion.setObjectName("cardDetail")
        self.status = QLabel(self.tr(v.status))
        self.status.setObjectName("tileStatus")
        tones = list(status_colours())
        self.status.setProperty("tone", tones.index(v.status) if v.status in tones else -1)
        foot = QHBoxLayout()
        foot.setContentsMargins(0, 0, 0, 0)
        foot.addWidget(self.completion)
        foot.addStretch(1)
        foot.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(3)
        layout.addWidget(self.name)
        layout.addWidget(self.value)
        layout.addLayout(foot)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit(self.code)
        super().mouseReleaseEvent(event)


class HeadlineRow(QWidget):
    """The row of headline tiles under a small title; hidden when no indicator has a target."""

    activated = Signal(str)  # indicator code
    pipeline_activated = Signal()  # the 培育库 link

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tiles: list[IndicatorTile] = []
        self.title = QLabel()
        self.title.setObjectName("cardTitle")
        self.pipeline = QLabel()
        self.pipeline.setObjectName("cardDetail")
        self.pipeline.setToolTip(self.tr("点击打开培育库：通过全部测试、仍在培育中或已申报的企业"))
        self.pipeline.linkActivated.connect(lambda _link: self.pipeline_activated.emit())
        self.pipeline.hide()
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.pipeline)
        self.tiles_row = QHBoxLayout()
        self.tiles_row.setContentsMargins(0, 0, 0, 0)
        self.tiles_row.setSpacing(12)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(head)
        layout.addLayout(self.tiles_row)
        self.hide()

    def show_indicators(self, year: int, rows: Sequence[TileRow | Any]) -> None:
        """Replace the tiles (hide the row when there are none); rows are TileRows or the
        IndicatorValues they show."""
        rows = [r if isinstance(r, TileRow) else tiles_of([r])[0] for r in rows]
        while self.tiles_row.count():
            self.tiles_row.takeAt(0)
        for tile in self.tiles:
            tile.deleteLater()
        self.tiles = [IndicatorTile(v, self) for v in rows]
        for tile in self.tiles:
            tile.clicked.connect(self.activated)
            self.tiles_row.addWidget(tile, 1)
        if 0 < len(self.tiles) < HEADLINE_COUNT:  # keep each tile a fifth of the row
            self.tiles_row.addStretch(HEADLINE_COUNT - len(self.tiles))
        self.title.setText(self.tr("{0}年规划指标").format(year))
        self.setVisible(bool(self.tiles) or not self.pipeline.isHidden())

    def show_pipeline(self, year: int, counts: PipelineRow | PipelineCounts) -> None:
        """The 培育库 link beside the title (hidden when the pipeline of the year is empty)."""
        counts = counts if isinstance(counts, PipelineRow) else pipeline_of(counts)
        if counts.total == 0:
            self.pipeline.hide()
        else:
            self.pipeline.setText(f'<a href="#cultivation">{pipeline_text(year, counts)}</a>')
            self.pipeline.show()
            self.show()
