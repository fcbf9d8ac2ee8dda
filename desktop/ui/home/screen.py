"""首页: the dashboard — 双突破 counts with targets, the plan's headline indicators, by town,
trend, expiring certificates, 两清零 and the ladder; every figure opens exactly the enterprises
behind it in the roster, every headline indicator opens 指标与目标 (headlines.py says which).

At start-up 首页 may show the figures the last run saved (snapshot.py) while the store opens;
it then reads them live (`attach`), and each full refresh of today's figures keeps them again.

Extensible: `counts_changed` carries each new Dashboard, the `extras` layout below the cards takes
more widgets, `town_activated(name)` fires on a double-click of a town row, and
`figure_activated(title, ids)` fires on every click-through (before navigating). A refresh only
counts; the ids behind a figure are listed (dashboard.ids_for) when it is clicked.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QDate, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.rules.years import FIRST_PLAN_YEAR, LAST_PLAN_YEAR
from desktop.progress import Progress
from desktop.ui.common.cells import TipDelegate
from desktop.ui.common.panels import Panel
from desktop.ui.common.widgets import hint, screen_title
from desktop.ui.home import snapshot
from desktop.ui.home.charts import (
    BLUE,
    LADDER_COLORS,
    TEAL,
    BarChart,
    LineChart,
    Series,
    wrap_label,
)
from desktop.ui.home.clicks import ClickThroughs
from desktop.ui.home.figures import (
    HomeFigures,
    PipelineRow,
    TileRow,
    figures_of,
    pipeline_of,
    shown_towns,
    tiles_of,
)
from desktop.ui.home.headlines import HeadlineRow, load_headlines, load_pipeline, tiles_style
from desktop.ui.home.tables import COL_NAME, NO_TOWN, ExpiringModel, TownCountsModel
from desktop.ui.home.widgets import CARDS_STYLE, CountCard, FigureCard, PairCard
from desktop.ui.shell.tasks import run_task

if TYPE_CHECKING:  # 首页 can show its start-up snapshot before SQLAlchemy is imported
    from db.services.figures.dashboard import Dashboard
    from db.services.plans.cultivation_pipeline import PipelineCounts
    from db.services.plans.indicators import IndicatorValue
    from desktop.ui.home.loading import DashboardLoader
    from desktop.ui.shell.context import AppContext

T = TypeVar("T")
NAME_CHARS = 8  # the expiring list keeps at least this much of a name (the rest elides)
# a cell's padding (style.qss: 10 px each side), Qt's text margins and a grid line
CELL_PADDING = 32
log = logging.getLogger(__name__)


def _money(value: float) -> str:
    """万元 as the clerk says it: 10000 → 1亿元, 5000 → 5000万元."""
    if value >= 10000 and value % 10000 == 0:
        return f"{value / 10000:g}亿元"
    return f"{value:g}万元"


def _table(model: object) -> QTableView:
    table = QTableView()
    table.setModel(model)  # type: ignore[arg-type]
    table.setAlternatingRowColors(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(26)
    table.horizontalHeader().setHighlightSections(False)
    return table


class HomeScreen(ClickThroughs):
    """The dashboard on a chosen date (today by default) and year.

    `HomeScreen(ctx)` reads its figures at once. `HomeScreen(None, shown=snapshot)` shows a
    start-up snapshot while the store is still opening; `attach(ctx)` then reads them live.
    """

    counts_changed = Signal(object)  # Dashboard
    headlines_changed = Signal(object)  # list[IndicatorValue] shown as headline tiles
    indicator_activated = Signal(str)  # indicator code (before navigating)

    def __init__(
        self,
        ctx: AppContext | None,
        parent: QWidget | None = None,
        *,
        shown: snapshot.Snapshot | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self.setStyleSheet(CARDS_STYLE + tiles_style())  # before its children: polished once
        self.ctx = ctx
        self.result: Dashboard | None = None
        self.figures: HomeFigures | None = None  # what the cards, charts and tables show
        self.tiles: tuple[TileRow, ...] | None = None
        self.pipeline_row: PipelineRow | None = None
        self.from_snapshot = shown is not None  # until the live refresh delivered
        self._wanted: tuple[date, int] | None = None
        self._stamp: snapshot.Stamp | None = None  # the store's stamp before the reads
        self._loader: DashboardLoader | None = None
        self._generation = 0  # of the newest refresh
        self._delivered: set[str] = set()  # its parts shown so far
        self._make_controls()
        self._make_cards()
        self._make_panels()
        self.extras = QVBoxLayout()
        self._lay_out()
        self._connect()
        if shown is not None:
            self._show_snapshot(shown)
        if ctx is not None:
            self.refresh()

    @classmethod
    def before_store(cls, url: str, parent: QWidget | None = None) -> HomeScreen | None:
        """首页 filled from its start-up snapshot of the store at `url` when that is valid now
        (snapshot.py), built before the store is open; None otherwise."""
        shown = snapshot.load(url, date.today())
        return None if shown is None else cls(None, parent, shown=shown)

    def attach(self, ctx: AppContext) -> None:
        """The store is open (after a start-up snapshot was shown): read the figures live."""
        self.ctx = ctx
        self.refresh()

    # ----- building -----

    def _make_controls(self) -> None:
        self.as_of = QDateEdit(QDate.currentDate())
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.year = QSpinBox()
        self.year.setRange(FIRST_PLAN_YEAR, LAST_PLAN_YEAR)
        self.year.setValue(QDate.currentDate().year())
        self.year.setSuffix(self.tr(" 年"))
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.summary = hint("")

    def _make_cards(self) -> None:
        self.high_tech_card = CountCard(self.tr("高新技术企业（统计日有效）"))
        self.tech_sme_card = CountCard(self.tr("科技型中小企业（年度入库）"))
        self.expiry_card = FigureCard(
            self.tr("高企证书到期预警"),
            (
                self.tr("已过期未重新认定"),
                self.tr("年内到期"),
                self.tr("90 天内到期"),
                self.tr("180 天内到期"),
            ),
        )
        self.expiry_card.links[0].setToolTip(
            self.tr("统计日期所在年度内已过期、且未取得新证书的企业（与“到期预警表”一致）")
        )
        self.expiry_card.links[1].setToolTip(
            self.tr("统计日有效、但12月31日不再有效的企业（未重新认定）")
        )
        self.rd_card = PairCard(self.tr("两清零一提升"), ("", ""))
        self.rd_open = QPushButton(self.tr("查看名单"))
        self.headlines = HeadlineRow()
        card_layout = self.rd_card.layout()
        assert card_layout is not None
        card_layout.addWidget(self.rd_open)

    def _make_panels(self) -> None:
        self.town_chart = BarChart()
        self.town_chart.marker_name = self.tr("镇街目标")
        self.town_chart.setMinimumHeight(230)
        self.trend_chart = LineChart()
        self.ladder_chart = BarChart()
        self.ladder_chart.label_lines = 2
        self.model = TownCountsModel(self)
        self.table = _table(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.expiring_model = ExpiringModel(self)
        self.expiring_table = _table(self.expiring_model)
        self.expiring_table.setItemDelegate(TipDelegate(self.expiring_table))  # elided: tooltip
        self.expiring_table.setWordWrap(False)
        self.expiring_table.horizontalHeader().setSectionResizeMode(
            COL_NAME, QHeaderView.ResizeMode.Stretch
        )
        self.town_panel = Panel(self.tr("分镇街：数量与镇街目标"), self.town_chart)
        self.table_panel = Panel(self.tr("分镇街统计表"), self.table)
        self.trend_panel = Panel(self.tr("历年趋势"), self.trend_chart)
        self.ladder_panel = Panel(self.tr("企业梯度分布"), self.ladder_chart)
        self.expiring_panel = Panel(self.tr("高企证书到期明细"), self.expiring_table)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(screen_title(self.tr("科技企业双突破概况")))
        top.addStretch(1)
        top.addWidget(QLabel(self.tr("统计日期")))
        top.addWidget(self.as_of)
        top.addSpacing(8)
        top.addWidget(QLabel(self.tr("目标年度")))
        top.addWidget(self.year)
        top.addWidget(self.refresh_button)
        cards = QHBoxLayout()
        cards.setSpacing(12)
        for card, stretch in (
            (self.high_tech_card, 5),
            (self.tech_sme_card, 5),
            (self.expiry_card, 4),
            (self.rd_card, 4),
        ):
            cards.addWidget(card, stretch)
        grid = QGridLayout()
        grid.setSpacing(12)
        grid.addWidget(self.town_panel, 0, 0, 1, 7)
        grid.addWidget(self.ladder_panel, 0, 7, 1, 5)
        grid.addWidget(self.trend_panel, 1, 0, 1, 5)
        grid.addWidget(self.expiring_panel, 1, 5, 1, 7)
        grid.addWidget(self.table_panel, 2, 0, 1, 12)
        for col in range(12):
            grid.setColumnStretch(col, 1)
        grid.setRowMinimumHeight(0, 280)
        grid.setRowMinimumHeight(1, 270)
        grid.setRowMinimumHeight(2, 300)
        content = QWidget()
        content.setObjectName("screen")
        body = QVBoxLayout(content)
        body.setContentsMargins(20, 16, 20, 16)
        body.setSpacing(10)
        body.addLayout(top)
        body.addWidget(self.summary)
        body.addLayout(cards)
        body.addWidget(self.headlines)
        body.addLayout(self.extras)
        body.addLayout(grid, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def _connect(self) -> None:
        self.as_of.dateChanged.connect(self._on_date_changed)
        self.year.valueChanged.connect(self._on_year_changed)
        self.refresh_button.clicked.connect(self.refresh)
        self.high_tech_card.clicked.connect(self._open_high_tech)
        self.tech_sme_card.clicked.connect(self._open_tech_sme)
        self.high_tech_card.extra.linkActivated.connect(self._open_projection)
        self.expiry_card.links[0].clicked.connect(self._open_lapsed)
        self.expiry_card.links[1].clicked.connect(self._open_due_this_year)
        self.expiry_card.links[2].clicked.connect(self._open_expiring_90)
        self.expiry_card.links[3].clicked.connect(self._open_expiring_180)
        self.rd_card.links[0].clicked.connect(self._open_list_a)
        self.rd_card.links[1].clicked.connect(self._open_list_b)
        self.rd_open.clicked.connect(self._open_rd_lists)
        self.table.doubleClicked.connect(self._on_cell_activated)
        self.expiring_table.doubleClicked.connect(self._on_expiring_activated)
        self.town_chart.clicked.connect(self._on_town_bar)
        self.trend_chart.clicked.connect(self._on_trend_point)
        self.ladder_chart.clicked.connect(self._on_ladder_bar)
        self.headlines.activated.connect(self._open_indicator)
        self.headlines.pipeline_activated.connect(self._open_pipeline)

    # ----- refreshing -----

    def as_of_date(self) -> date:
        """The date the counts are for."""
        d = self.as_of.date()
        return date(d.year(), d.month(), d.day())

    def target_year(self) -> int:
        """The year the targets are for."""
        return self.year.value()

    @Slot()
    def refresh(self) -> None:
        """Recount from the store off the GUI thread; the newest request wins."""
        if self.ctx is None:
            return  # the store is still opening: attach() reads
        from desktop.ui.home.loading import DashboardLoader

        as_of, year = self.as_of_date(), self.year.value()
        self._wanted = (as_of, year)
        self._generation += 1
        self._delivered = set()
        # The stamp before any read of this refresh; each refresh has its own loader, so no
        # figures read before it (an older refresh's) can be taken for this one's.
        self._stamp = self._stamp_now() if self._keeps_snapshot(as_of, year) else None
        if self._loader is not None:
            self._loader.loaded.disconnect(self._on_loaded)
            self._loader.loaded.connect(self._loader.deleteLater)  # once its reads are in
        self._loader = DashboardLoader(self)
        self._loader.loaded.connect(self._on_loaded)
        self._loader.load(self.ctx.store, as_of, year)  # the indicators follow the counts

    @property
    def loader(self) -> DashboardLoader | None:
        """What reads the dashboard (None before the store is open)."""
        return self._loader

    def _load_indicators(self, as_of: date, year: int) -> None:
        """The headline indicators and the 培育库 link (after the counts: those come first)."""
        assert self.ctx is not None
        store, generation = self.ctx.store, self._generation
        run_task(
            self,
            lambda _cancel: _tagged(
                generation, load_headlines(store, year, as_of if as_of.year == year else None)
            ),
            label=self.tr("正在计算指标…"),
            on_done=self._on_headlines,
            on_error=self._on_headlines_failed,
        )
        run_task(
            self,
            lambda _cancel: _tagged(generation, load_pipeline(store, year)),
            label=self.tr("正在统计培育库…"),
            on_done=self._on_pipeline,
            on_error=self._on_headlines_failed,
        )

    # ----- the start-up snapshot -----

    def _store_file(self) -> Any:
        return None if self.ctx is None else snapshot.sqlite_file(self.ctx.store.url)

    def _keeps_snapshot(self, as_of: date, year: int) -> bool:
        """Whether this refresh is the one a start shows: today, this year, a SQLite store."""
        today = date.today()
        return as_of == today and year == today.year and self._store_file() is not None

    def _stamp_now(self) -> snapshot.Stamp | None:
        store_file = self._store_file()
        return None if store_file is None else snapshot.read_stamp(store_file)

    def _delivered_part(self, part: str) -> None:
        """A part of the newest refresh is shown; when all are, keep them for the next start —
        only when no write came between the first read and now (the same stamp before and after)."""
        self._delivered.add(part)
        if self._delivered != {"figures", "tiles", "pipeline"}:
            return
        self.from_snapshot = False
        store_file, before = self._store_file(), self._stamp
        if store_file is None or before is None or self._stamp_now() != before:
            return
        assert self.figures is not None and self.tiles is not None
        assert self.pipeline_row is not None
        snapshot.save(
            store_file, before, snapshot.Snapshot(self.figures, self.tiles, self.pipeline_row)
        )

    def _show_snapshot(self, shown: snapshot.Snapshot) -> None:
        """Fill every part from a start-up snapshot (its date and year are today's)."""
        self._set_period(shown.figures.as_of, shown.figures.year)
        self.show_figures(shown.figures)
        self._show_tiles(shown.figures.year, shown.tiles)
        self._show_pipeline_row(shown.figures.year, shown.pipeline)

    def _set_period(self, as_of: date, year: int) -> None:
        for widget in (self.as_of, self.year):
            widget.blockSignals(True)
        self.as_of.setDate(QDate(as_of.year, as_of.month, as_of.day))
        self.year.setValue(year)
        for widget in (self.as_of, self.year):
            widget.blockSignals(False)

    # ----- showing -----

    def _on_pipeline(self, result: tuple[int, tuple[int, PipelineCounts]]) -> None:
        generation, (year, counts) = result
        if generation == self._generation:
            self._show_pipeline_row(year, pipeline_of(counts))
            self._delivered_part("pipeline")

    def _show_pipeline_row(self, year: int, row: PipelineRow) -> None:
        self.pipeline_row = row
        self.headlines.show_pipeline(year, row)

    @Slot()
    def _open_pipeline(self) -> None:
        window = self.window()
        if hasattr(window, "navigate"):  # the candidates of last year's figures
            window.navigate("cultivation", year=self.year.value() - 1)

    def _on_headlines(self, result: tuple[int, tuple[int, list[IndicatorValue]]]) -> None:
        generation, (year, rows) = result
        if generation == self._generation:
            self._show_tiles(year, tiles_of(rows))
            self.headlines_changed.emit(rows)
            self._delivered_part("tiles")

    def _show_tiles(self, year: int, tiles: tuple[TileRow, ...]) -> None:
        self.tiles = tiles
        self.headlines.show_indicators(year, tiles)

    def _on_headlines_failed(self, exc: BaseException) -> None:
        # The indicators must not take the dashboard down with them: hide the row, keep the log.
        log.error("headline indicators failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.headlines.hide()

    @Slot(str)
    def _open_indicator(self, code: str) -> None:
        self.indicator_activated.emit(code)
        window = self.window()
        if hasattr(window, "navigate"):
            year, as_of = self.year.value(), self.as_of_date()
            window.navigate("indicators", year=year, code=code, as_of=as_of)

    @Slot(object)
    def _on_loaded(self, result: Dashboard) -> None:
        if (result.as_of, result.year) == self._wanted:
            self.show_result(result)
            self._delivered_part("figures")
            self._load_indicators(result.as_of, result.year)

    def show_result(self, r: Dashboard) -> None:
        """Fill every part of the dashboard with a result."""
        self.result = r
        self.show_figures(figures_of(r))
        self.counts_changed.emit(r)

    def show_figures(self, f: HomeFigures) -> None:
        """Fill the cards, charts and tables (from a live result or the start-up snapshot)."""
        self.figures = f
        self._show_cards(f)
        self.summary.setText(
            self.tr(
                "在库企业 {0:,} 家，其中同时为高企和科小的 {1:,} 家。"
                "统计日期 {2}，目标年度 {3}。点击任一数字或图形可查看对应企业。"
            ).format(f.enterprises, f.both, f.as_of.isoformat(), f.year)
        )
        self._show_towns(f)
        self._show_trend(f)
        self._show_ladder(f)
        self._show_expiring(f)

    def _show_cards(self, f: HomeFigures) -> None:
        ht, sme = f.high_tech, f.tech_sme
        self.high_tech_card.show_count(
            ht.value,
            ht.target,
            ht.gap,
            ht.completion,
            self.tr("年末预计有效：<a href='projection'>{0:,} 家</a>").format(f.projection),
        )
        self.high_tech_card.extra.setToolTip(
            self.tr("{0}年12月31日仍有效的高企（到期的不计，新认定的录入后计入）").format(f.year)
        )
        self.tech_sme_card.show_count(
            sme.value,
            sme.target,
            sme.gap,
            sme.completion,
            self.tr("{0}年度入库（按评价年度）").format(f.year),
        )
        self.expiry_card.show_values(f.lapsed, f.due_this_year, f.within_90, f.within_180)
        self.expiry_card.links[0].set_warning(f.lapsed > 0)
        self.expiry_card.footer.setText(self.tr("统计日 {0} · 均未重新认定").format(f.as_of))
        self.rd_card.show_values(f.rd_list_a, f.rd_list_b)
        self.rd_card.captions[0].setText(
            self.tr("A类：营收≥{0}\n且无研发活动").format(_money(f.rd_list_a_revenue))
        )
        self.rd_card.captions[1].setText(
            self.tr("B类：营收≥{0}\n且无研发机构").format(_money(f.rd_list_b_revenue))
        )
        self.rd_card.footer.setText(self.tr("规上工业企业 {0} 年度数据").format(f.rd_year))

    def _show_towns(self, f: HomeFigures) -> None:
        self.model.set_rows(f.towns)
        shown = [f.towns[i] for i in shown_towns(f.towns)]
        names = [t.town or self.tr(NO_TOWN) for t in shown]
        self.town_chart.set_data(
            names,
            [
                Series(
                    self.tr("高新技术企业"),
                    BLUE,
                    [t.high_tech for t in shown],
                    [t.high_tech_target for t in shown],
                ),
                Series(
                    self.tr("科技型中小企业"),
                    TEAL,
                    [t.tech_sme for t in shown],
                    [t.tech_sme_target for t in shown],
                ),
            ],
        )
        has_target = any(
            t.high_tech_target is not None or t.tech_sme_target is not None for t in f.towns
        )
        self.town_panel.note.setText(
            "" if has_target else self.tr("未设镇街目标（在“指标与目标”中设定）")
        )

    def _show_trend(self, f: HomeFigures) -> None:
        self.trend_chart.set_data(
            [str(p.year) for p in f.trend],
            [
                Series(self.tr("高新技术企业"), BLUE, [p.high_tech for p in f.trend]),
                Series(self.tr("科技型中小企业"), TEAL, [p.tech_sme for p in f.trend]),
            ],
        )
        self.trend_panel.note.setText(self.tr("高企：各年末有效；科小：各年入库"))

    def _show_ladder(self, f: HomeFigures) -> None:
        colors = [BLUE.__class__(LADDER_COLORS[b.stage % len(LADDER_COLORS)]) for b in f.ladder]
        self.ladder_chart.set_data(
            [wrap_label(b.name.removesuffix("层")) for b in f.ladder],
            [Series("", BLUE, [b.value for b in f.ladder], colors=colors)],
        )
        self.ladder_panel.note.setText(self.tr("统计日 {0}").format(f.as_of))

    def _show_expiring(self, f: HomeFigures) -> None:
        self.expiring_model.set_rows(f.certs)
        self._fit_expiring()
        self.expiring_panel.note.setText(
            self.tr("180 天内到期 {0} 家 · 已过期未重新认定 {1} 家").format(f.within_180, f.lapsed)
        )

    def _fit_expiring(self) -> None:
        """Every column but the name to its widest text, whole; the name takes the rest (at least
        NAME_CHARS characters, so the table never gets narrower) and elides with a tooltip."""
        table, model = self.expiring_table, self.expiring_model
        table.ensurePolished()  # measured in the font the style gives it
        table.horizontalHeader().ensurePolished()
        cells, titles = table.fontMetrics(), table.horizontalHeader().fontMetrics()
        fixed = 0
        for col in range(model.columnCount()):
            title = str(model.headerData(col, Qt.Orientation.Horizontal) or "")
            texts = (str(model.index(row, col).data()) for row in range(model.rowCount()))
            widest = max((cells.horizontalAdvance(t) for t in texts), default=0)
            width = max(widest, titles.horizontalAdvance(title)) + CELL_PADDING
            if col != COL_NAME:
                table.setColumnWidth(col, width)
                fixed += width
        name = cells.horizontalAdvance("汉") * NAME_CHARS + CELL_PADDING
        scroll = table.verticalScrollBar().sizeHint().width()
        table.setMinimumWidth(fixed + name + scroll + 2 * table.frameWidth())

    @Slot(QDate)
    def _on_date_changed(self, d: QDate) -> None:
        if self.year.value() != d.year():
            self.year.blockSignals(True)
            self.year.setValue(d.year())
            self.year.blockSignals(False)
        self.refresh()

    @Slot(int)
    def _on_year_changed(self, _year: int) -> None:
        self.refresh()


def _tagged(
    generation: int, work: Generator[Progress, None, T]
) -> Generator[Progress, None, tuple[int, T]]:
    """Work for run_task whose result says which refresh asked for it."""
    result = yield from work
    return generation, result
