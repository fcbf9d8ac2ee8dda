"""首页's headline indicators: which are chosen, what a tile shows, where a click goes; and the
创新平台 screen's way into 指标与目标."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from db.services.plans import indicators
from desktop.ui.home.headlines import headline
from desktop.ui.home.screen import HomeScreen
from desktop.ui.indicators.screen import IndicatorsScreen
from desktop.ui.platforms.screen import PlatformsScreen
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.shell.tasks import wait_for_tasks
from tests.gui.test_home import open_home
from tests.gui.test_indicators_screen import YEAR, plan
from tests.unit.test_dashboard import AS_OF, fill


def test_headline_rule(main_window: MainWindow) -> None:
    store = main_window.ctx.store
    fill(store)
    plan(store)
    with store.session() as s:
        table = indicators.indicator_table(s, YEAR, as_of=AS_OF)
    chosen = headline(table)
    # the two count targets have cards of their own; the others with a target, in sort order
    assert [v.code for v in chosen] == ["contracts_amount", "stations"]
    assert headline(table, 1) == chosen[:1]


def test_tiles_show_and_open_the_indicator(qtbot: Any, main_window: MainWindow) -> None:
    store = main_window.ctx.store
    fill(store)
    plan(store)
    home = open_home(qtbot, main_window)
    wait_for_tasks()
    qtbot.waitUntil(lambda: len(home.headlines.tiles) == 2, timeout=5000)
    assert home.headlines.isVisible()
    assert home.headlines.title.text() == f"{YEAR}年规划指标"
    money, stations = home.headlines.tiles
    assert money.name.text() == "技术合同成交额"
    assert money.value.text() == "9.5 / 20 亿元"
    assert money.completion.text() == "47.5%"
    with store.session() as s:
        status = indicators.indicator_value(s, "stations", YEAR, as_of=AS_OF).status
    assert stations.status.text() == status
    with qtbot.waitSignal(home.indicator_activated) as activated:
        qtbot.mouseClick(stations, Qt.MouseButton.LeftButton)
    assert activated.args == ["stations"]
    screen = main_window.stack.currentWidget()
    assert isinstance(screen, IndicatorsScreen)
    wait_for_tasks()
    qtbot.waitUntil(lambda: screen.current_value() is not None, timeout=5000)
    current = screen.current_value()
    assert current is not None and (current.code, current.year) == ("stations", YEAR)
    assert screen.as_of_date() == AS_OF


def test_no_headline_without_targets(qtbot: Any, main_window: MainWindow) -> None:
    fill(main_window.ctx.store)  # only the two count targets
    home = main_window.navigate("home")
    assert isinstance(home, HomeScreen)
    wait_for_tasks()
    assert home.headlines.tiles == []
    assert not home.headlines.isVisible()


def test_platforms_link_opens_the_kinds_indicator(qtbot: Any, main_window: MainWindow) -> None:
    store = main_window.ctx.store
    fill(store)
    plan(store)
    platforms_screen = main_window.navigate("platforms")
    assert isinstance(platforms_screen, PlatformsScreen)
    platforms_screen.target_year.setValue(YEAR)
    row = next(
        r
        for r in range(platforms_screen.target_model.rowCount())
        if platforms_screen.target_model.row_at(r).kind == "院士工作站"
    )
    station = platforms_screen.target_model.row_at(row)
    assert (station.actual, station.target) == (2, 3.0)  # read from the indicator
    platforms_screen.target_table.selectRow(row)
    platforms_screen.indicators_link.linkActivated.emit("indicators")
    screen = main_window.stack.currentWidget()
    assert isinstance(screen, IndicatorsScreen)
    wait_for_tasks()
    qtbot.waitUntil(lambda: screen.current_value() is not None, timeout=5000)
    current = screen.current_value()
    assert current is not None and current.code == "stations" and current.year == YEAR


def test_platforms_shown_by_ids_until_show_all(qtbot: Any, main_window: MainWindow) -> None:
    store = main_window.ctx.store
    fill(store)
    ids = plan(store)
    screen = main_window.navigate("platforms", ids=(ids["一号工作站"],))
    assert isinstance(screen, PlatformsScreen)
    assert [p.name for p in screen.platform_model.rows()] == ["一号工作站"]
    assert screen.count_label.text() == "指定的平台中 1 个"
    qtbot.mouseClick(screen.show_all_button, Qt.MouseButton.LeftButton)
    assert len(screen.platform_model.rows()) == 2
    assert not screen.show_all_button.isVisible()


def test_pipeline_link_counts_the_candidates_and_opens_the_cultivation_screen(
    qtbot: Any, main_window: MainWindow
) -> None:
    from db.services.plans.cultivation_pipeline import add_entry, pipeline_counts
    from desktop.ui.cultivation.screen import CultivationScreen
    from desktop.ui.home.headlines import pipeline_text

    store = main_window.ctx.store
    k = fill(store)
    plan(store)
    with store.transaction() as s:  # the candidates of last year's figures, declared this year
        add_entry(s, k.b, YEAR - 1, "测试员", stage="已申报", on=AS_OF, today=AS_OF)
        counts = pipeline_counts(s, YEAR - 1)
    assert counts.district.by_stage["已申报"] == 1
    home = open_home(qtbot, main_window)
    wait_for_tasks()
    qtbot.waitUntil(lambda: home.headlines.pipeline.isVisible(), timeout=5000)
    assert pipeline_text(YEAR, counts) in home.headlines.pipeline.text()
    assert f"{YEAR}年预计新增高企" in home.headlines.pipeline.text()
    home.headlines.pipeline.linkActivated.emit("#cultivation")
    screen = main_window.stack.currentWidget()
    assert isinstance(screen, CultivationScreen)
    assert screen.year.value() == YEAR - 1
