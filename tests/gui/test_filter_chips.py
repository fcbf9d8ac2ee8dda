"""Click-throughs show themselves: the ids a figure names are a visible, removable chip on every
list screen they land on (企业名录, 创新平台, 孵化载体, 科技特派员), never a hidden filter."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt

from db.services.plans import indicators
from db.store import Store
from desktop.ui.carriers.screen import CarriersScreen
from desktop.ui.commissioners.screen import CommissionersScreen
from desktop.ui.common.chips import FilterChip
from desktop.ui.enterprises.screen import RosterScreen
from desktop.ui.indicators.screen import IndicatorsScreen
from desktop.ui.platforms.screen import PlatformsScreen
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.shell.tasks import wait_for_tasks
from tests.gui.test_home import open_home
from tests.unit import plans_store
from tests.unit.test_dashboard import AS_OF, OP, Known, fill, make_uscc


def roster_of(window: MainWindow) -> RosterScreen:
    roster = window.stack.currentWidget()
    assert isinstance(roster, RosterScreen)
    wait_for_tasks()
    return roster


def shown_names(roster: RosterScreen) -> set[str]:
    model = roster.table.model()
    return {model.index(r, 0).data() for r in range(model.rowCount())}


def click_high_tech(qtbot: Any, window: MainWindow) -> RosterScreen:
    """首页 on AS_OF, then a click on the 高企 card: the roster it lands on."""
    home = open_home(qtbot, window)
    with qtbot.waitSignal(home.figure_activated):
        qtbot.mouseClick(home.high_tech_card, Qt.MouseButton.LeftButton)
    return roster_of(window)


def no_hidden_ids(roster: RosterScreen) -> None:
    """The roster's ids filter is in force exactly while its chip is shown."""
    assert (roster.model.filter.ids is not None) == roster.chip.isVisible()
    assert roster.model.filter.ids == roster.chip.ids


# ----- the chip itself -----


def test_chip_holds_the_ids_and_says_where_they_came_from(qtbot: Any) -> None:
    chip = FilterChip()
    qtbot.addWidget(chip)
    assert chip.isHidden() and chip.ids is None
    chip.show_ids([3, 5], "2025年有效高企 · 2家", "首页")
    assert chip.isVisible() and chip.ids == (3, 5)
    assert chip.text() == "来自首页：2025年有效高企 · 2家"
    assert chip.remove_button.text() == "✕"
    assert chip.focusPolicy() & Qt.FocusPolicy.TabFocus  # reachable with Tab
    assert chip.include(9) and not chip.include(9)
    assert chip.ids == (3, 5, 9) and "另含新建的 1 条" in chip.text()
    with qtbot.assertNotEmitted(chip.removed):
        chip.clear()
    assert not chip.isVisible() and chip.ids is None


@pytest.mark.parametrize("key", [Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Return])
def test_chip_removed_from_the_keyboard(qtbot: Any, key: Qt.Key) -> None:
    chip = FilterChip()
    qtbot.addWidget(chip)
    chip.show()
    chip.show_ids([1], "x")
    qtbot.keyClick(chip, Qt.Key.Key_A)  # other keys do nothing
    assert chip.is_active()
    with qtbot.waitSignal(chip.removed, timeout=1000):
        qtbot.keyClick(chip, key)
    assert not chip.isVisible() and chip.ids is None


# ----- 首页 → 企业名录 -----


def test_card_click_shows_a_chip_with_its_label(qtbot: Any, main_window: MainWindow) -> None:
    k: Known = fill(main_window.ctx.store)
    roster = click_high_tech(qtbot, main_window)
    assert roster.chip.isVisible()
    assert roster.chip.text() == f"来自首页：{AS_OF.isoformat()}有效高企 · 4家"
    assert set(roster.model.ids()) == {k.a, k.c, k.d, k.e}
    # the filter bar says what else is in force: nothing
    assert roster.filters.town.currentText() == "全部镇街"
    assert roster.filters.qual_type.currentText() == "不限资质"
    no_hidden_ids(roster)


def test_town_bar_click_names_the_town(qtbot: Any, main_window: MainWindow) -> None:
    k = fill(main_window.ctx.store)
    home = open_home(qtbot, main_window)
    home.town_chart.grab()
    centre = home.town_chart.center_of(0, 0)  # 古井镇, 高企
    assert centre is not None
    with qtbot.waitSignal(home.figure_activated):
        qtbot.mouseClick(home.town_chart, Qt.MouseButton.LeftButton, pos=centre.toPoint())
    roster = roster_of(main_window)
    assert roster.chip.text() == f"来自首页：古井镇 · {AS_OF.isoformat()}有效高企 · 2家"
    assert set(roster.model.ids()) == {k.a, k.d}


def test_removing_the_chip_with_the_mouse_shows_all_and_search_finds_pinyin(
    qtbot: Any, main_window: MainWindow
) -> None:
    fill(main_window.ctx.store)
    roster = click_high_tech(qtbot, main_window)
    qtbot.mouseClick(roster.chip.remove_button, Qt.MouseButton.LeftButton)
    assert not roster.chip.isVisible()
    assert roster.count_label.text() == "共 6 家"
    no_hidden_ids(roster)
    qtbot.keyClicks(roster.search, "ygs")  # 乙公司 (its certificate lapsed: not in the 4)
    qtbot.waitUntil(lambda: roster.count_label.text() == "共 1 家", timeout=2000)
    assert shown_names(roster) == {"乙公司"}


def test_removing_the_chip_from_the_keyboard_shows_all(qtbot: Any, main_window: MainWindow) -> None:
    fill(main_window.ctx.store)
    roster = click_high_tech(qtbot, main_window)
    roster.chip.setFocus()
    qtbot.waitUntil(roster.chip.hasFocus, timeout=1000)
    qtbot.keyClick(roster.chip, Qt.Key.Key_Delete)
    assert not roster.chip.isVisible()
    assert roster.count_label.text() == "共 6 家"
    no_hidden_ids(roster)


def test_search_cleared_and_navigation_leave_no_hidden_filter(
    qtbot: Any, main_window: MainWindow
) -> None:
    fill(main_window.ctx.store)
    roster = click_high_tech(qtbot, main_window)
    qtbot.keyClicks(roster.search, "ygs")
    qtbot.waitUntil(lambda: roster.count_label.text() == "共 0 家", timeout=2000)
    assert roster.chip.isVisible()  # why nothing is found is on the screen
    roster.search.clear()
    qtbot.waitUntil(lambda: roster.count_label.text() == "共 4 家", timeout=2000)
    no_hidden_ids(roster)
    main_window.navigate("home")
    main_window.navigate("enterprises")  # through the navigation, without a click-through
    assert roster.chip.isVisible()
    no_hidden_ids(roster)
    # a filter chosen now narrows the chip's ids, both on show
    f = roster.filters
    f.above.setCurrentIndex(f.above.findData(1))
    assert shown_names(roster) == {"丁公司"}  # the one 规上 among the 4
    no_hidden_ids(roster)
    qtbot.mouseClick(roster.chip.remove_button, Qt.MouseButton.LeftButton)
    assert shown_names(roster) == {"乙公司", "丁公司", "己公司"}  # every 规上企业
    assert f.above.currentText() == "规上企业"  # the visible filter stays
    no_hidden_ids(roster)


def test_filter_widgets_show_what_a_click_through_sets(qtbot: Any, main_window: MainWindow) -> None:
    k = fill(main_window.ctx.store)
    with main_window.ctx.session() as s:
        from db.services.towns import list_towns

        town = next(t.id for t in list_towns(s) if t.name == "五马镇")
    roster = main_window.navigate(
        "enterprises",
        ids=(k.a, k.b, k.c),
        town_id=town,
        qualification_code="tech_sme",
        label="三家",
        origin="首页",
    )
    assert isinstance(roster, RosterScreen)
    assert roster.filters.town.currentText() == "五马镇"
    assert roster.filters.qual_type.currentData() == "tech_sme"
    assert roster.filters.held_on.date() == QDate.currentDate()  # the query's default day
    assert roster.chip.text() == "来自首页：三家"
    assert roster.filters.current("").town_id == town
    no_hidden_ids(roster)
    # a click-through without ids drops the chip
    main_window.navigate("enterprises", has_problems=True)
    assert not roster.chip.isVisible() and roster.filters.problems.isChecked()
    no_hidden_ids(roster)


def test_new_enterprise_is_shown_under_the_chip(qtbot: Any, main_window: MainWindow) -> None:
    fill(main_window.ctx.store)
    roster = click_high_tech(qtbot, main_window)
    roster.new_enterprise()
    editor = roster.last_editor
    editor.basic.inputs["name"].setText("新建科技有限公司")
    editor.basic.inputs["uscc"].setText(make_uscc(42))
    editor.save_button.click()
    assert editor.save_task is not None and editor.save_task.wait(5000)
    qtbot.waitUntil(lambda: roster.count_label.text() == "共 5 家", timeout=5000)
    assert "新建科技有限公司" in shown_names(roster)
    assert "另含新建的 1 条" in roster.chip.text()
    no_hidden_ids(roster)


# ----- 指标与目标 → 创新平台, 孵化载体, 科技特派员, 企业名录 -----


@pytest.fixture
def district(store: Store) -> plans_store.District:
    with store.transaction() as s:
        district = plans_store.build(s)
        for code, source in (
            ("chip_carriers", "carriers"),
            ("chip_incubatees", "incubatees"),
            ("chip_commissioners", "commissioners_dispatched"),
            ("chip_platforms", "platforms:院士工作站"),
            ("chip_high_tech", "high_tech"),
        ):
            indicators.add_indicator(s, {"code": code, "name": code, "source": source}, OP)
    return district


def click_through(qtbot: Any, window: MainWindow, code: str) -> tuple[Any, str]:
    """指标与目标 on 2025, its records of `code` opened: the screen shown and the Behind's label."""
    screen = window.navigate("indicators")
    assert isinstance(screen, IndicatorsScreen)
    wait_for_tasks()
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.open_filter(year=2025, as_of=date(2025, 12, 31), code=code)
    wait_for_tasks()
    behind = screen.open_records(code)
    assert behind is not None
    return window.stack.currentWidget(), behind.label


def test_platforms_open_with_exactly_the_ids_and_the_chip(
    qtbot: Any, main_window: MainWindow, district: plans_store.District
) -> None:
    shown, label = click_through(qtbot, main_window, "chip_platforms")
    assert isinstance(shown, PlatformsScreen)
    assert shown.chip.isVisible() and shown.chip.text() == f"来自指标与目标：{label}"
    names = {p.name for p in shown.platform_model.rows()}
    assert len(names) == len(shown.chip.ids or ()) == 2
    assert all(b.text() != "显示全部" for b in shown.findChildren(type(shown.edit_button)))
    shown.chip.setFocus()
    qtbot.keyClick(shown.chip, Qt.Key.Key_Backspace)
    assert not shown.chip.isVisible()
    assert len(shown.platform_model.rows()) > 2


def test_carriers_open_with_exactly_the_ids_and_the_chip(
    qtbot: Any, main_window: MainWindow, district: plans_store.District
) -> None:
    shown, label = click_through(qtbot, main_window, "chip_carriers")
    assert isinstance(shown, CarriersScreen)
    assert shown.chip.isVisible() and shown.chip.text() == f"来自指标与目标：{label}"
    assert label.endswith("3家")
    assert {c.id for c in shown.carrier_model.rows()} == set(shown.chip.ids or ())
    main_window.navigate("home")
    main_window.navigate("carriers")
    assert shown.chip.isVisible()  # survives navigation, visibly
    qtbot.mouseClick(shown.chip.remove_button, Qt.MouseButton.LeftButton)
    assert not shown.chip.isVisible() and shown.count_label.text() == "共 3 个载体"


def test_carriers_open_with_the_incubatees_named(
    qtbot: Any, main_window: MainWindow, district: plans_store.District
) -> None:
    with main_window.ctx.store.transaction() as s:
        # a carrier without incubatees in the indicator must not be listed
        from db.services import carriers

        carriers.create_carrier(s, {"name": "空载体", "kind": "众创空间"}, OP)
    shown, label = click_through(qtbot, main_window, "chip_incubatees")
    assert isinstance(shown, CarriersScreen)
    assert shown.chip.text() == f"来自指标与目标：{label}" and label.endswith("2家")
    names = {c.name for c in shown.carrier_model.rows()}
    assert names == {"十九里科技企业孵化器", "古井众创空间"}
    named = set(shown.chip.ids or ())
    for row in range(shown.carrier_model.rowCount()):
        shown.carrier_table.selectRow(row)
        listed = {i.id for i in shown.incubatee_model.rows()}
        assert listed and listed <= named  # the graduated 团队甲 is not among them
    assert shown.tabs.currentIndex() == 0
    qtbot.mouseClick(shown.chip.remove_button, Qt.MouseButton.LeftButton)
    assert shown.count_label.text() == "共 4 个载体"
    shown.select_carrier(next(c.id for c in shown.carrier_model.rows() if "孵化器" in c.name))
    assert shown.incubatee_model.rowCount() == 2  # the graduate again


def test_commissioners_open_with_exactly_the_ids_and_the_chip(
    qtbot: Any, main_window: MainWindow, district: plans_store.District
) -> None:
    shown, label = click_through(qtbot, main_window, "chip_commissioners")
    assert isinstance(shown, CommissionersScreen)
    assert shown.tabs.currentWidget() is shown.roster
    chip = shown.roster.chip
    assert chip.isVisible() and chip.text() == f"来自指标与目标：{label}"
    assert [c.name for c in shown.roster.model.rows()] == ["张特派"]
    assert shown.roster.count.text() == "共 1 名"
    qtbot.mouseClick(chip.remove_button, Qt.MouseButton.LeftButton)
    assert shown.roster.count.text() == "共 2 名"


def test_indicator_click_through_to_the_roster_shows_its_label(
    qtbot: Any, main_window: MainWindow, district: plans_store.District
) -> None:
    shown, label = click_through(qtbot, main_window, "chip_high_tech")
    assert isinstance(shown, RosterScreen)
    assert shown.chip.text() == f"来自指标与目标：{label}"
    assert label.startswith("2025年")
    no_hidden_ids(shown)


# ----- issue 16: after the chip is gone, every filter counts the whole roster -----


def test_qualification_filter_after_the_chip_counts_every_holder(
    qtbot: Any, main_window: MainWindow
) -> None:
    """科技型中小企业 showed 43 of 84: the ids of a 高企 click-through were still in force."""
    k = fill(main_window.ctx.store)
    roster = click_high_tech(qtbot, main_window)  # a, c, d, e
    qtbot.mouseClick(roster.chip.remove_button, Qt.MouseButton.LeftButton)
    f = roster.filters
    f.held_on.setDate(QDate(AS_OF.year, AS_OF.month, AS_OF.day))
    f.qual_type.setCurrentIndex(f.qual_type.findData("tech_sme"))
    holders = {k.b, k.c}  # 乙 is not among the click-through's 4
    assert set(roster.model.ids()) == holders
    assert roster.count_label.text() == f"共 {len(holders)} 家"
    no_hidden_ids(roster)


def test_new_enterprise_is_shown_at_once_after_the_chip_is_gone(
    qtbot: Any, main_window: MainWindow
) -> None:
    fill(main_window.ctx.store)
    roster = click_high_tech(qtbot, main_window)
    qtbot.mouseClick(roster.chip.remove_button, Qt.MouseButton.LeftButton)
    main_window.navigate("home")
    main_window.navigate("enterprises")
    roster.new_enterprise()
    editor = roster.last_editor
    editor.basic.inputs["name"].setText("后来科技有限公司")
    editor.basic.inputs["uscc"].setText(make_uscc(43))
    editor.save_button.click()
    assert editor.save_task is not None and editor.save_task.wait(5000)
    qtbot.waitUntil(lambda: roster.count_label.text() == "共 7 家", timeout=5000)
    assert "后来科技有限公司" in shown_names(roster)
    assert not roster.chip.isVisible()
    qtbot.keyClicks(roster.search, "hlkj")  # found by its pinyin initials at once
    qtbot.waitUntil(lambda: roster.count_label.text() == "共 1 家", timeout=2000)
    assert shown_names(roster) == {"后来科技有限公司"}
    no_hidden_ids(roster)


def test_clear_filters_shows_the_whole_roster(qtbot: Any, main_window: MainWindow) -> None:
    k = fill(main_window.ctx.store)
    with main_window.ctx.session() as s:
        from db.services.towns import list_towns

        town = next(t.id for t in list_towns(s) if t.name == "五马镇")
    roster = main_window.navigate(
        "enterprises", ids=(k.a, k.b, k.e), town_id=town, above_scale=True, label="三家"
    )
    assert isinstance(roster, RosterScreen)
    roster.filters.expiring.setChecked(True)
    qtbot.keyClicks(roster.search, "ygs")
    assert roster.clear_button.isEnabled()
    qtbot.mouseClick(roster.clear_button, Qt.MouseButton.LeftButton)
    assert roster.count_label.text() == "共 6 家"
    assert not roster.chip.isVisible() and roster.search.text() == ""
    f = roster.filters
    assert f.town.currentText() == "全部镇街" and f.above.currentText() == "规上：不限"
    assert not f.expiring.isChecked() and not f.problems.isChecked()
    assert not roster.clear_button.isEnabled()  # nothing left to clear
    qtbot.wait(300)  # the search typed before the click is not applied afterwards
    assert roster.count_label.text() == "共 6 家"
    no_hidden_ids(roster)
