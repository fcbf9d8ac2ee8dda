"""覆盖情况: towns with and without a commissioner in the year, units served, open demands."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from db.services.commissioners import coverage
from db.services.commissioners.coverage import TownCoverage
from desktop.ui.commissioners.base import Tab, table, year_box
from desktop.ui.commissioners.models import LOW_BG, OK_BG, Col, RowsModel
from desktop.ui.common.export import export_button
from desktop.ui.shell.context import AppContext

COVERAGE_COLUMNS: list[Col[TownCoverage]] = [
    Col("镇街", lambda t: t.town),
    Col("是否覆盖", lambda t: "已覆盖" if t.covered else "未覆盖"),
    Col("在服特派员", lambda t: str(t.commissioners), numeric=True),
    Col("服务对象", lambda t: str(t.units), numeric=True),
    Col("待对接需求", lambda t: str(t.pending_demands), numeric=True),
    Col("已对接需求", lambda t: str(t.matched_demands), numeric=True),
]


def _coverage_colour(t: TownCoverage) -> QColor | None:
    return OK_BG if t.covered else LOW_BG


class CoverageTab(Tab):
    """覆盖情况: towns with and without a commissioner in the year, units served, open demands."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model: RowsModel[TownCoverage] = RowsModel(
            COVERAGE_COLUMNS, lambda t: t.town_id or 0, self, background=_coverage_colour
        )
        self.year = year_box()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.view = table(self.model)
        self.view.horizontalHeader().setStretchLastSection(False)
        self.units = QLabel()
        self.units.setWordWrap(True)
        self.units.setObjectName("hint")
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年度")))
        top.addWidget(self.year)
        top.addStretch(1)
        self.export_button = export_button(self.view, self.tr("覆盖情况"), self._ctx, self)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.units)
        self.year.valueChanged.connect(self.reload)
        self.reload()

    @Slot()
    def reload(self) -> None:
        """Compute the year's coverage again."""
        with self._ctx.session() as s:
            cov = coverage.coverage(s, self.year.value())
        self.model.set_rows(cov.towns)
        towns = len(cov.covered) + len(cov.uncovered)
        missing = "、".join(t.town for t in cov.uncovered) or self.tr("无")
        self.summary.setText(
            self.tr(
                "{y}年：{c}/{n} 个镇街有科技特派员在服；服务对象 {u} 个；待对接需求 {d} 条。"
                "未覆盖：{m}"
            ).format(
                y=cov.year,
                c=len(cov.covered),
                n=towns,
                u=len(cov.served_units),
                d=cov.open_demands,
                m=missing,
            )
        )
        shown = "、".join(cov.served_units[:60])
        more = self.tr(" 等") if len(cov.served_units) > 60 else ""
        self.units.setText(self.tr("服务对象：") + (shown + more if shown else self.tr("无")))
