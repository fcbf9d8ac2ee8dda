"""首页: the dashboard — 双突破 counts with targets, the plan's headline indicators, by town,
trend, expiring certificates, 两清零 and the ladder; every figure opens exactly the enterprises
behind it in the roster, every headline indicator opens 指标与目标 (headlines.py says which).

Extensible: `counts_changed` carries each new Dashboard, the `extras` layout below the cards takes
more widgets, `town_activated(name)` fires on a double-click of a town row, and
`figure_activated(title, ids)` fires on every click-through (before navigating). A refresh only
counts; the ids behind a figure are listed (dashboard.ids_for) when it is clicked.
"""

from __future__ import annotations

import logging
from datetime import date

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
from db.services.figures.dashboard import Dashboard
from db.services.figures.selectors import Figure, ids_for, one_enterprise
from db.services.plans.cultivation_pipeline import PipelineCounts
from db.services.plans.indicators import IndicatorValue
from desktop.ui.common.cells import TipDelegate
from desktop.ui.common.panels import Panel
from desktop.ui.common.widgets import hint, screen_title
from desktop.ui.home.charts import (
    BLUE,
    LADDER_COLORS,
    TEAL,
    BarChart,
    LineChart,
    Series,
    wrap_label,
)
from desktop.ui.home.headlines import HeadlineRow, load_headlines, load_pipeline
from desktop.ui.home.loading import DashboardLoader
from desktop.ui.home.model import (
    COL_ENTERPRISES,
    COL_NAME,
    COL_TOWN,
    NO_TOWN,
    ExpiringModel,
    TownCountsModel,
)
from desktop.ui.home.widgets import CountCard, FigureCard, PairCard
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.tasks import run_task

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


class HomeScreen(QWidget):
    """The dashboard on a chosen date (today by default) and year."""

    counts_changed = Signal(object)  # Dashboard
    town_activated = Signal(str)
    figure_activated = Signal(str, object)  # title, tuple of enterprise ids
    headlines_changed = Signal(object)  # list[IndicatorValue] shown as headline tiles
    indicator_activated = Signal(str)  # indicator code (before navigating)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self.ctx = ctx
        self.result: Dashboard | None = None
        self._make_controls()
        self._make_cards()
        self._make_panels()
        self.loader = DashboardLoader(self)
        self.loader.loaded.connect(self._on_loaded)
        self.extras = QVBoxLayout()
        self._lay_out()
        self._connect()
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

    @Slot()
    def refresh(self) -> None:
        """Recount from the store off the GUI thread; the newest request wins."""
        as_of, year = self.as_of_date(), self.year.value()
        store = self.ctx.store
        self._wanted = (as_of, year)
        self.loader.load(store, as_of, year)  # the indicators follow once the counts are in

    def _load_indicators(self, as_of: date, year: int) -> None:
        """The headline indicators and the 培育库 link (after the counts: those come first)."""
        store = self.ctx.store
        run_task(
            self,
            lambda _cancel: load_headlines(store, year, as_of if as_of.year == year else None),
            label=self.tr("正在计算指标…"),
            on_done=self._on_headlines,
            on_error=self._on_headlines_failed,
        )
        run_task(
            self,
            lambda _cancel: load_pipeline(store, year),
            label=self.tr("正在统计培育库…"),
            on_done=self._on_pipeline,
            on_error=self._on_headlines_failed,
        )

    def _on_pipeline(self, result: tuple[int, PipelineCounts]) -> None:
        year, counts = result
        if year == self._wanted[1]:
            self.headlines.show_pipeline(year, counts)

    @Slot()
    def _open_pipeline(self) -> None:
        window = self.window()
        if hasattr(window, "navigate"):  # the candidates of last year's figures
            window.navigate("cultivation", year=self.year.value() - 1)

    def _on_headlines(self, result: tuple[int, list[IndicatorValue]]) -> None:
        year, rows = result
        if year == self._wanted[1]:
            self.headlines.show_indicators(year, rows)
            self.headlines_changed.emit(rows)

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
            self._load_indicators(result.as_of, result.year)

    def show_result(self, r: Dashboard) -> None:
        """Fill every part of the dashboard with a result."""
        self.result = r
        self._show_cards(r)
        self.summary.setText(
            self.tr(
                "在库企业 {0:,} 家，其中同时为高企和科小的 {1:,} 家。"
                "统计日期 {2}，目标年度 {3}。点击任一数字或图形可查看对应企业。"
            ).format(r.enterprises.value, r.both.value, r.as_of.isoformat(), r.year)
        )
        self._show_towns(r)
        self._show_trend(r)
        self._show_ladder(r)
        self._show_expiring(r)
        self.counts_changed.emit(r)

    def _show_cards(self, r: Dashboard) -> None:
        self.high_tech_card.show_count(
            r.high_tech.count.value,
            r.high_tech.target,
            r.high_tech.gap,
            r.high_tech.completion,
            self.tr("年末预计有效：<a href='projection'>{0:,} 家</a>").format(
                r.projection_high_tech.value
            ),
        )
        self.high_tech_card.extra.setToolTip(
            self.tr("{0}年12月31日仍有效的高企（到期的不计，新认定的录入后计入）").format(r.year)
        )
        self.tech_sme_card.show_count(
            r.tech_sme.count.value,
            r.tech_sme.target,
            r.tech_sme.gap,
            r.tech_sme.completion,
            self.tr("{0}年度入库（按评价年度）").format(r.year),
        )
        lapsed = r.lapsed.figure.value
        self.expiry_card.show_values(
            lapsed,
            r.due_this_year.value,
            r.expiring_within(90).figure.value,
            r.expiring_within(180).figure.value,
        )
        self.expiry_card.links[0].set_warning(lapsed > 0)
        self.expiry_card.footer.setText(self.tr("统计日 {0} · 均未重新认定").format(r.as_of))
        self.rd_card.show_values(r.rd_list_a.value, r.rd_list_b.value)
        self.rd_card.captions[0].setText(
            self.tr("A类：营收≥{0}\n且无研发活动").format(_money(r.rd_list_a_revenue))
        )
        self.rd_card.captions[1].setText(
            self.tr("B类：营收≥{0}\n且无研发机构").format(_money(r.rd_list_b_revenue))
        )
        self.rd_card.footer.setText(self.tr("规上工业企业 {0} 年度数据").format(r.rd_year))

    def _shown_towns(self, r: Dashboard) -> list[int]:
        return [i for i, t in enumerate(r.towns) if t.town_id is not None or t.enterprises.value]

    def _show_towns(self, r: Dashboard) -> None:
        self.model.set_rows(r.towns)
        shown = [r.towns[i] for i in self._shown_towns(r)]
        names = [t.town or self.tr(NO_TOWN) for t in shown]
        self.town_chart.set_data(
            names,
            [
                Series(
                    self.tr("高新技术企业"),
                    BLUE,
                    [t.high_tech.value for t in shown],
                    [t.high_tech_target for t in shown],
                ),
                Series(
                    self.tr("科技型中小企业"),
                    TEAL,
                    [t.tech_sme.value for t in shown],
                    [t.tech_sme_target for t in shown],
                ),
            ],
        )
        has_target = any(
            t.high_tech_target is not None or t.tech_sme_target is not None for t in r.towns
        )
        self.town_panel.note.setText(
            "" if has_target else self.tr("未设镇街目标（在“指标与目标”中设定）")
        )

    def _show_trend(self, r: Dashboard) -> None:
        self.trend_chart.set_data(
            [str(p.year) for p in r.trend],
            [
                Series(self.tr("高新技术企业"), BLUE, [p.high_tech.value for p in r.trend]),
                Series(self.tr("科技型中小企业"), TEAL, [p.tech_sme.value for p in r.trend]),
            ],
        )
        self.trend_panel.note.setText(self.tr("高企：各年末有效；科小：各年入库"))

    def _show_ladder(self, r: Dashboard) -> None:
        colors = [BLUE.__class__(LADDER_COLORS[b.stage % len(LADDER_COLORS)]) for b in r.ladder]
        self.ladder_chart.set_data(
            [wrap_label(b.name.removesuffix("层")) for b in r.ladder],
            [Series("", BLUE, [b.figure.value for b in r.ladder], colors=colors)],
        )
        self.ladder_panel.note.setText(self.tr("统计日 {0}").format(r.as_of))

    def _show_expiring(self, r: Dashboard) -> None:
        within = r.expiring_within(180)
        self.expiring_model.set_rows(within.rows + r.lapsed.rows)
        self._fit_expiring()
        self.expiring_panel.note.setText(
            self.tr("180 天内到期 {0} 家 · 已过期未重新认定 {1} 家").format(
                within.figure.value, r.lapsed.figure.value
            )
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

    # ----- click-through -----

    def open_enterprises(self, title: str, found: Figure) -> None:
        """Show exactly the enterprises behind a figure in the roster, as a chip
        “来自首页：{title} · {n}家”."""
        with self.ctx.store.session() as session:
            ids = tuple(ids_for(session, found.selector))
        self.figure_activated.emit(title, ids)
        window = self.window()
        if hasattr(window, "navigate"):
            label = self.tr("{0} · {1}家").format(title, len(ids))
            window.navigate("enterprises", ids=ids, label=label, origin=self.tr("首页"))

    def _on_day(self, what: str) -> str:
        """“2025-06-30有效高企”: a count on the shown result's 统计日期."""
        as_of = self.result.as_of if self.result is not None else self.as_of_date()
        return f"{as_of.isoformat()}{what}"

    def _in_year(self, what: str) -> str:
        """“2025年入库科小”: a count of the shown result's 目标年度."""
        year = self.result.year if self.result is not None else self.year.value()
        return self.tr("{0}年{1}").format(year, what)

    def _in_rd_year(self, what: str) -> str:
        year = self.result.rd_year if self.result is not None else self.year.value()
        return self.tr("{0}年{1}").format(year, what)

    def _open(self, title: str, pick: object) -> None:
        if self.result is not None:
            self.open_enterprises(title, pick(self.result))  # type: ignore[operator]

    @Slot()
    def _open_high_tech(self) -> None:
        self._open(self._on_day(self.tr("有效高企")), lambda r: r.high_tech.count)

    @Slot()
    def _open_tech_sme(self) -> None:
        self._open(self._in_year(self.tr("入库科小")), lambda r: r.tech_sme.count)

    @Slot(str)
    def _open_projection(self, _link: str) -> None:
        self._open(self._in_year(self.tr("年末仍有效的高企")), lambda r: r.projection_high_tech)

    @Slot()
    def _open_lapsed(self) -> None:
        self._open(self.tr("已过期未重新认定"), lambda r: r.lapsed.figure)

    @Slot()
    def _open_due_this_year(self) -> None:
        year = self.result.as_of.year if self.result is not None else self.as_of_date().year
        self._open(self.tr("高企证书{0}年内到期").format(year), lambda r: r.due_this_year)

    @Slot()
    def _open_expiring_90(self) -> None:
        self._open(self.tr("高企证书90天内到期"), lambda r: r.expiring_within(90).figure)

    @Slot()
    def _open_expiring_180(self) -> None:
        self._open(self.tr("高企证书180天内到期"), lambda r: r.expiring_within(180).figure)

    @Slot()
    def _open_list_a(self) -> None:
        self._open(self._in_rd_year(self.tr("两清零A类")), lambda r: r.rd_list_a)

    @Slot()
    def _open_list_b(self) -> None:
        self._open(self._in_rd_year(self.tr("两清零B类")), lambda r: r.rd_list_b)

    @Slot()
    def _open_rd_lists(self) -> None:
        window = self.window()
        if self.result is not None and hasattr(window, "navigate"):
            window.navigate("rdlists", year=self.result.rd_year)

    @Slot(int, int)
    def _on_town_bar(self, category: int, series: int) -> None:
        if self.result is None:
            return
        town = self.result.towns[self._shown_towns(self.result)[category]]
        found = town.high_tech if series == 0 else town.tech_sme
        high_tech, tech_sme = self.tr("有效高企"), self.tr("入库科小")
        what = self._on_day(high_tech) if series == 0 else self._in_year(tech_sme)
        self.open_enterprises(f"{town.town or self.tr(NO_TOWN)} · {what}", found)

    @Slot(int, int)
    def _on_trend_point(self, category: int, series: int) -> None:
        if self.result is None:
            return
        point = self.result.trend[category]
        found = point.high_tech if series == 0 else point.tech_sme
        what = self.tr("{0}年末有效高企") if series == 0 else self.tr("{0}年入库科小")
        self.open_enterprises(what.format(point.year), found)

    @Slot(int, int)
    def _on_ladder_bar(self, category: int, _series: int) -> None:
        if self.result is not None:
            bar = self.result.ladder[category]
            self.open_enterprises(self.tr("梯度：{0}").format(bar.name), bar.figure)

    @Slot()
    def _on_cell_activated(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            return
        column = COL_ENTERPRISES if index.column() == COL_TOWN else index.column()
        found = self.model.figure_at(index.row(), column)
        town = self.model.town_at(index.row())
        if town and index.column() == COL_TOWN:
            self.town_activated.emit(town)
        if found is not None:
            header = self.model.headerData(column, Qt.Orientation.Horizontal)
            self.open_enterprises(f"{town or self.tr(NO_TOWN)} · {header}", found)

    @Slot()
    def _on_expiring_activated(self) -> None:
        index = self.expiring_table.currentIndex()
        eid = self.expiring_model.enterprise_id(index.row()) if index.isValid() else None
        if eid is not None:
            name = self.expiring_model.name_at(index.row())
            self.open_enterprises(self.tr("证书到期：{0}").format(name), one_enterprise(eid))

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
