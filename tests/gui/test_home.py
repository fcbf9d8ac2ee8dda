"""首页: the cards, charts and tables show the dashboard service; every figure opens the roster."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QPoint, Qt

from db.services.figures.dashboard import dashboard
from desktop.ui.enterprises.screen import RosterScreen
from desktop.ui.home.charts import BLUE, BarChart, LineChart, Series
from desktop.ui.home.model import COL_HIGH_TECH, TownCountsModel
from desktop.ui.home.screen import HomeScreen
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.shell.tasks import wait_for_tasks
from tests.unit.test_dashboard import AS_OF, Known, fill


def open_home(qtbot: Any, window: MainWindow) -> HomeScreen:
    """The home screen on AS_OF with its figures loaded."""
    home = window.navigate("home")
    assert isinstance(home, HomeScreen)
    wait_for_tasks()
    with qtbot.waitSignal(home.counts_changed, timeout=5000):
        home.as_of.setDate(QDate(AS_OF.year, AS_OF.month, AS_OF.day))
    return home


def roster_shows(qtbot: Any, window: MainWindow, ids: set[int]) -> None:
    """The roster is the current screen and lists exactly these enterprises."""
    roster = window.stack.currentWidget()
    assert isinstance(roster, RosterScreen)
    wait_for_tasks()
    qtbot.waitUntil(lambda: roster.count_label.text() == f"共 {len(ids)} 家", timeout=5000)
    assert set(roster.model.ids()) == ids


def test_cards_show_the_service_figures(qtbot: Any, main_window: MainWindow) -> None:
    fill(main_window.ctx.store)
    home = open_home(qtbot, main_window)
    with main_window.ctx.store.session() as session:
        expected = dashboard(session, AS_OF)
    assert home.result == expected
    assert home.high_tech_card.value.text() == "4"
    assert home.high_tech_card.target.text() == "年度目标：8"
    assert home.high_tech_card.gap.text() == "差额：4"
    assert home.high_tech_card.completion.text() == "完成率：50.0%"
    assert "2 家" in home.high_tech_card.extra.text()
    assert home.tech_sme_card.value.text() == "2"
    assert home.expiry_card.links[0].text() == "2 家"
    assert home.rd_card.links[0].text() == "2 家"
    assert home.rd_card.links[1].text() == "1 家"
    assert "1亿元" in home.rd_card.captions[0].text()
    rows = [[home.model.index(r, c).data() for c in range(4)] for r in range(home.model.rowCount())]
    assert rows == [
        ["古井镇", 2, 2, "50.0%"],
        ["五马镇", 3, 1, "25.0%"],
        ["（未填镇街）", 1, 1, "25.0%"],
        ["合计", 6, 4, "100.0%"],
    ]
    assert home.expiring_model.rowCount() == 2


def test_clicking_a_card_opens_exactly_those(qtbot: Any, main_window: MainWindow) -> None:
    k: Known = fill(main_window.ctx.store)
    home = open_home(qtbot, main_window)
    with qtbot.waitSignal(home.figure_activated) as blocker:
        qtbot.mouseClick(home.high_tech_card, Qt.MouseButton.LeftButton)
    assert set(blocker.args[1]) == {k.a, k.c, k.d, k.e}
    roster_shows(qtbot, main_window, {k.a, k.c, k.d, k.e})


def test_clicking_a_town_bar_opens_that_town(qtbot: Any, main_window: MainWindow) -> None:
    k = fill(main_window.ctx.store)
    home = open_home(qtbot, main_window)
    home.town_chart.grab()  # paint once so the bars have their places
    centre = home.town_chart.center_of(0, 0)  # 古井镇, 高企
    assert centre is not None
    with qtbot.waitSignal(home.figure_activated) as blocker:
        qtbot.mouseClick(home.town_chart, Qt.MouseButton.LeftButton, pos=centre.toPoint())
    assert set(blocker.args[1]) == {k.a, k.d}
    roster_shows(qtbot, main_window, {k.a, k.d})


def test_clicking_a_ladder_bar_opens_that_stage(qtbot: Any, main_window: MainWindow) -> None:
    k = fill(main_window.ctx.store)
    home = open_home(qtbot, main_window)
    home.ladder_chart.grab()
    centre = home.ladder_chart.center_of(1, 0)  # 科技型中小企业层
    assert centre is not None
    with qtbot.waitSignal(home.figure_activated) as blocker:
        qtbot.mouseClick(home.ladder_chart, Qt.MouseButton.LeftButton, pos=centre.toPoint())
    assert set(blocker.args[1]) == {k.b}
    roster_shows(qtbot, main_window, {k.b})


def test_table_cell_and_expiring_count_open_the_roster(qtbot: Any, main_window: MainWindow) -> None:
    k = fill(main_window.ctx.store)
    home = open_home(qtbot, main_window)
    with qtbot.waitSignal(home.figure_activated) as blocker:
        qtbot.mouseClick(home.expiry_card.links[0], Qt.MouseButton.LeftButton)
    assert set(blocker.args[1]) == {k.c, k.d}
    roster_shows(qtbot, main_window, {k.c, k.d})
    main_window.navigate("home")
    index = home.model.index(1, COL_HIGH_TECH)
    home.table.setCurrentIndex(index)
    with qtbot.waitSignal(home.figure_activated) as blocker:
        home.table.doubleClicked.emit(index)
    assert set(blocker.args[1]) == {k.e}


def test_refresh_after_data_changed(qtbot: Any, main_window: MainWindow) -> None:
    home = open_home(qtbot, main_window)
    assert home.high_tech_card.value.text() == "0"
    assert home.model.rowCount() == 0
    fill(main_window.ctx.store)
    with qtbot.waitSignal(home.counts_changed, timeout=5000):
        qtbot.mouseClick(home.refresh_button, Qt.MouseButton.LeftButton)
    assert home.high_tech_card.value.text() == "4"
    assert home.model.rowCount() == 4


def _non_blank(widget: Any) -> int:
    image = widget.grab().toImage()
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)
    }
    return len(colours)


def test_charts_render_offscreen(qtbot: Any) -> None:
    for chart in (BarChart(), LineChart()):
        qtbot.addWidget(chart)
        chart.resize(400, 240)
        assert _non_blank(chart) < 40  # only the "暂无数据" text
        chart.set_data(["2023", "2024", "2025"], [Series("高企", BLUE, [3, 5, 8], [4, 4, 9])])
        pixmap = chart.grab()
        assert (pixmap.width(), pixmap.height()) == (400, 240)
        assert _non_blank(chart) > 3
        assert len(chart.hit_areas()) == 3
        image = pixmap.toImage()
        assert any(
            image.pixelColor(QPoint(x, y)).name() == BLUE.name()
            for x in range(0, 400, 2)
            for y in range(0, 240, 2)
        )


def test_model_without_view() -> None:
    model = TownCountsModel()
    assert model.rowCount() == 0
    model.set_rows([])
    assert model.rowCount() == 0
    assert model.headerData(0, Qt.Orientation.Horizontal) == "镇街"
