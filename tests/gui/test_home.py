"""首页: the cards, charts and tables show the dashboard service; every figure opens the roster."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QScrollArea, QWidget

from db.services.figures.dashboard import dashboard
from desktop.ui.common.cells import cell_fits
from desktop.ui.enterprises.screen import RosterScreen
from desktop.ui.home.charts import BLUE, BarChart, LineChart, Series
from desktop.ui.home.screen import HomeScreen
from desktop.ui.home.tables import COL_DAYS, COL_HIGH_TECH, COL_NAME, COL_THROUGH, TownCountsModel
from desktop.ui.home.widgets import WARN_COLOUR, FigureLink
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


def text_colour(widget: QWidget) -> str:
    """The colour a widget's text is painted in (its style sheet applied)."""
    widget.ensurePolished()
    return widget.palette().color(QPalette.ColorRole.ButtonText).name()


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
    lapsed, this_year, within_90, within_180 = (link.text() for link in home.expiry_card.links)
    assert (lapsed, this_year, within_90, within_180) == ("1 家", "2 家", "2 家", "2 家")
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
    assert home.expiring_model.rowCount() == 3  # c and d expiring, then b lapsed


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
        qtbot.mouseClick(home.expiry_card.links[2], Qt.MouseButton.LeftButton)
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


# ----- issue 16: certificate warnings, labels and fit -----


def test_expiry_card_opens_each_warning_with_a_chip(qtbot: Any, main_window: MainWindow) -> None:
    k = fill(main_window.ctx.store)
    home = open_home(qtbot, main_window)
    lapsed, this_year, within_90, within_180 = home.expiry_card.links
    assert [c.text() for c in home.expiry_card.captions] == [
        "已过期未重新认定",
        "年内到期",
        "90 天内到期",
        "180 天内到期",
    ]
    assert lapsed.property("warn") is True and this_year.property("warn") is False
    assert text_colour(lapsed) == WARN_COLOUR != text_colour(this_year)  # red: asks for action
    for link, ids, chip in (
        (lapsed, {k.b}, "来自首页：已过期未重新认定 · 1家"),
        (this_year, {k.c, k.d}, "来自首页：高企证书2025年内到期 · 2家"),
        (within_90, {k.c, k.d}, "来自首页：高企证书90天内到期 · 2家"),
        (within_180, {k.c, k.d}, "来自首页：高企证书180天内到期 · 2家"),
    ):
        main_window.navigate("home")
        with qtbot.waitSignal(home.figure_activated) as blocker:
            qtbot.mouseClick(link, Qt.MouseButton.LeftButton)
        assert set(blocker.args[1]) == ids
        roster_shows(qtbot, main_window, ids)
        roster = main_window.stack.currentWidget()
        assert isinstance(roster, RosterScreen)
        assert roster.chip.isVisible() and roster.chip.text() == chip


def test_every_expiring_row_shows_its_date(qtbot: Any, main_window: MainWindow) -> None:
    k = fill(main_window.ctx.store)
    main_window.resize(1366, 768)
    home = open_home(qtbot, main_window)
    qtbot.waitExposed(main_window)
    wait_for_tasks()
    qtbot.wait(10)  # the columns are sized on the next turn of the event loop
    table, model = home.expiring_table, home.expiring_model
    rows = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(3)]
    assert rows == [  # c and d within 90 days (red), then b lapsed (red)
        ["2025-09-27", "89 天", "丙公司", "（未填镇街）"],
        ["2025-09-28", "90 天", "丁公司", "古井镇"],
        ["2025-02-28", "已过期 122 天", "乙公司", "五马镇"],
    ]
    assert model.enterprise_id(2) == k.b
    for row in range(model.rowCount()):
        red = model.index(row, COL_DAYS).data(Qt.ItemDataRole.ForegroundRole)
        date_cell = model.index(row, COL_THROUGH)
        assert red is not None and date_cell.data(Qt.ItemDataRole.ForegroundRole) == red
        for col in range(model.columnCount()):
            assert not table.visualRect(model.index(row, col)).isEmpty(), (row, col)
            assert cell_fits(table, row, col), (row, col, model.index(row, col).data())
    assert table.horizontalScrollBar().maximum() == 0  # nothing hidden to the right
    tip = model.index(0, COL_NAME).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "丙公司\n证书编号：GR202234000003"


LADDER_LINES = [
    ["未入梯度"],
    ["科技型", "中小企业"],
    ["高新技术", "企业"],
    ["高成长", "企业"],
    ["科技领军", "企业"],
]


def test_ladder_labels_break_between_words(qtbot: Any, main_window: MainWindow) -> None:
    fill(main_window.ctx.store)
    home = open_home(qtbot, main_window)
    chart = home.ladder_chart
    chart.resize(420, 260)
    chart.grab()
    assert chart.drawn_labels == LADDER_LINES
    chart.resize(200, 260)  # too narrow: a line elides (never breaks mid-word), hover names it
    chart.grab()
    for lines, whole in zip(chart.drawn_labels, LADDER_LINES, strict=True):
        for line, part in zip(lines, whole, strict=True):
            assert line == part or (line.endswith("…") and part.startswith(line[:-1]))
    rect = chart.label_rect(1)
    assert rect is not None and chart.tip_at(rect.center()) == "科技型中小企业"
    bar = chart.center_of(2, 0)
    assert bar is not None and chart.tip_at(bar).startswith("高新技术企业\n")


def test_home_fits_1080_by_560(qtbot: Any, main_window: MainWindow) -> None:
    fill(main_window.ctx.store)
    home = open_home(qtbot, main_window)
    hint = home.minimumSizeHint()
    assert hint.width() <= 1080 and hint.height() <= 560
    scroll = home.findChild(QScrollArea)
    assert scroll is not None
    content = scroll.widget()
    bar = scroll.verticalScrollBar().sizeHint().width()
    assert content.minimumSizeHint().width() + bar <= 1080  # no sideways scrolling
    home.resize(1080, 560)
    main_window.resize(1080 + 168, 700)
    qtbot.waitExposed(main_window)
    qtbot.wait(10)
    cards = (home.high_tech_card, home.tech_sme_card, home.expiry_card, home.rd_card)
    for card in cards:
        for label in card.findChildren(QLabel):
            if label.isVisible() and not label.wordWrap() and label.text():
                need = label.sizeHint().width()
                assert label.width() >= need, (label.text(), label.width(), need)
        for link in card.findChildren(FigureLink):
            need = link.fontMetrics().horizontalAdvance(link.text())
            assert link.width() >= need, (link.text(), link.width(), need)
