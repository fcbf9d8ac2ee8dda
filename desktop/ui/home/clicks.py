"""首页's click-throughs: every figure opens exactly the enterprises behind it in the roster.

A mixin of HomeScreen (screen.py). The figures' selectors are those of the live Dashboard
(`self.result`); while 首页 still shows its start-up snapshot (snapshot.py) there is none yet and a
click does nothing — the live refresh follows within a moment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QTableView, QWidget

from desktop.ui.home.tables import COL_ENTERPRISES, COL_HIGH_TECH, COL_TECH_SME, COL_TOWN, NO_TOWN

if TYPE_CHECKING:
    from datetime import date

    from db.services.figures.dashboard import Dashboard, TownFigures
    from db.services.figures.selectors import Figure
    from desktop.ui.home.tables import ExpiringModel, TownCountsModel
    from desktop.ui.shell.context import AppContext

TOWN_FIGURES: dict[int, Callable[[Any], Any]] = {
    COL_ENTERPRISES: lambda t: t.enterprises,
    COL_HIGH_TECH: lambda t: t.high_tech,
    COL_TECH_SME: lambda t: t.tech_sme,
}


def shown_town_figures(r: Dashboard) -> list[TownFigures]:
    """The towns of a dashboard the chart and the table show (as figures.shown_towns)."""
    return [t for t in r.towns if t.town_id is not None or t.enterprises.value]


class ClickThroughs(QWidget):
    """The click-through slots of 首页 (the widgets and `result` are HomeScreen's)."""

    town_activated = Signal(str)
    figure_activated = Signal(str, object)  # title, tuple of enterprise ids

    ctx: AppContext | None
    result: Dashboard | None
    model: TownCountsModel
    table: QTableView
    expiring_model: ExpiringModel
    expiring_table: QTableView

    def as_of_date(self) -> date:
        raise NotImplementedError

    def target_year(self) -> int:
        raise NotImplementedError

    def open_enterprises(self, title: str, found: Figure) -> None:
        """Show exactly the enterprises behind a figure in the roster, as a chip
        “来自首页：{title} · {n}家”."""
        from db.services.figures.selectors import ids_for

        if self.ctx is None:
            return
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
        year = self.result.year if self.result is not None else self.target_year()
        return self.tr("{0}年{1}").format(year, what)

    def _in_rd_year(self, what: str) -> str:
        year = self.result.rd_year if self.result is not None else self.target_year()
        return self.tr("{0}年{1}").format(year, what)

    def _open(self, title: str, pick: Callable[[Dashboard], Figure]) -> None:
        if self.result is not None:
            self.open_enterprises(title, pick(self.result))

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
        town = shown_town_figures(self.result)[category]
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

    def town_figure(self, row: int, column: int) -> Figure | None:
        """The figure behind a cell of the town table (None for other cells, or no result yet)."""
        pick = TOWN_FIGURES.get(column)
        if self.result is None or pick is None:
            return None
        towns = shown_town_figures(self.result)
        i = self.model.town_row(row)
        if i is not None and i < len(towns):
            return pick(towns[i])  # type: ignore[no-any-return]
        if self.model.is_total(row):
            from db.services.figures.selectors import district_total

            return district_total(pick(t) for t in towns)
        return None

    @Slot()
    def _on_cell_activated(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            return
        column = COL_ENTERPRISES if index.column() == COL_TOWN else index.column()
        found = self.town_figure(index.row(), column)
        town = self.model.town_at(index.row())
        if town and index.column() == COL_TOWN:
            self.town_activated.emit(town)
        if found is not None:
            header = self.model.headerData(column, Qt.Orientation.Horizontal)
            self.open_enterprises(f"{town or self.tr(NO_TOWN)} · {header}", found)

    @Slot()
    def _on_expiring_activated(self) -> None:
        from db.services.figures.selectors import one_enterprise

        index = self.expiring_table.currentIndex()
        eid = self.expiring_model.enterprise_id(index.row()) if index.isValid() else None
        if eid is not None and self.ctx is not None:
            name = self.expiring_model.name_at(index.row())
            self.open_enterprises(self.tr("证书到期：{0}").format(name), one_enterprise(eid))
