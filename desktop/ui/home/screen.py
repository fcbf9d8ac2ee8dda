"""首页: the two counts of the 双突破 (high-tech enterprises, tech-SMEs) with targets, and by town.

Extensible: `counts_changed` carries each new DoubleBreakthrough (charts can listen to it), the
`extras` layout below the cards takes more widgets, and `town_activated(name)` fires on a
double-click of a town row (click-through to the roster).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.services.counts import DoubleBreakthrough, double_breakthrough
from desktop.ui.context import AppContext
from desktop.ui.home.model import TownCountsModel
from desktop.ui.widgets import hint, screen_title, section_header


def percent(value: float | None) -> str:
    """Completion as text: '87.5%' or '—' without a target."""
    return "—" if value is None else f"{value * 100:.1f}%"


def number(value: int | None) -> str:
    """A count as text, '未设' when there is none."""
    return "未设" if value is None else f"{value:,}"


class CountCard(QFrame):
    """One count: the big number, its target, gap and completion, one extra line."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.title = QLabel(title)
        self.title.setObjectName("cardTitle")
        self.value = QLabel("—")
        self.value.setObjectName("cardValue")
        self.target = QLabel()
        self.gap = QLabel()
        self.completion = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(8)
        self.extra = QLabel()
        for label in (self.target, self.gap, self.completion, self.extra):
            label.setObjectName("cardDetail")
        self._lay_out()

    def _lay_out(self) -> None:
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.addWidget(self.target, 0, 0)
        grid.addWidget(self.gap, 0, 1)
        grid.addWidget(self.completion, 0, 2)
        grid.setColumnStretch(3, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
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


class HomeScreen(QWidget):
    """The counts on a chosen date (today by default)."""

    counts_changed = Signal(object)  # DoubleBreakthrough
    town_activated = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self.ctx = ctx
        self.result: DoubleBreakthrough | None = None
        self.as_of = QDateEdit(QDate.currentDate())
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.high_tech_card = CountCard(self.tr("高新技术企业"))
        self.tech_sme_card = CountCard(self.tr("科技型中小企业"))
        self.summary = hint("")
        self.model = TownCountsModel(self)
        self.table = self._make_table()
        self.extras = QVBoxLayout()
        self._lay_out()
        self.as_of.dateChanged.connect(self._on_date_changed)
        self.refresh_button.clicked.connect(self.refresh)
        self.table.doubleClicked.connect(self._on_row_activated)
        self.refresh()

    def _make_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setAlternatingRowColors(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        return table

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(screen_title(self.tr("双突破概况")))
        top.addStretch(1)
        top.addWidget(QLabel(self.tr("统计日期")))
        top.addWidget(self.as_of)
        top.addWidget(self.refresh_button)
        cards = QHBoxLayout()
        cards.setSpacing(16)
        cards.addWidget(self.high_tech_card, 1)
        cards.addWidget(self.tech_sme_card, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addLayout(cards)
        layout.addWidget(self.summary)
        layout.addLayout(self.extras)
        layout.addWidget(section_header(self.tr("分镇街统计")))
        layout.addWidget(self.table, 1)

    def as_of_date(self) -> date:
        """The date the counts are for."""
        d = self.as_of.date()
        return date(d.year(), d.month(), d.day())

    @Slot()
    def refresh(self) -> None:
        """Recount from the store (a few milliseconds, so on the GUI thread)."""
        with self.ctx.session() as session:
            result = double_breakthrough(session, self.as_of_date())
        self.show_result(result)

    def show_result(self, r: DoubleBreakthrough) -> None:
        """Fill the cards and the table with a result."""
        self.result = r
        self.high_tech_card.show_count(
            r.high_tech,
            r.target_high_tech,
            r.gap("high_tech"),
            r.completion("high_tech"),
            self.tr("预计年末（{0}年12月31日）有效：{1:,} 家").format(
                r.year, r.projection_high_tech
            ),
        )
        self.tech_sme_card.show_count(
            r.tech_sme,
            r.target_tech_sme,
            r.gap("tech_sme"),
            r.completion("tech_sme"),
            self.tr("{0}年度入库（评价年度）").format(r.year),
        )
        self.summary.setText(
            self.tr("在库企业 {0:,} 家，其中同时为高企和科小的 {1:,} 家。统计日期 {2}。").format(
                r.enterprises, r.both, r.as_of.isoformat()
            )
        )
        self.model.set_rows(r.by_town)
        self.counts_changed.emit(r)

    @Slot(QDate)
    def _on_date_changed(self, _d: QDate) -> None:
        self.refresh()

    @Slot()
    def _on_row_activated(self) -> None:
        index = self.table.currentIndex()
        town = self.model.town_at(index.row()) if index.isValid() else None
        if town:
            self.town_activated.emit(town)
