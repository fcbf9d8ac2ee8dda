"""The roster screen driven like a clerk: typing, filters, count, columns, delete and restore."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from db.services.enterprises.roster import RosterFilter
from db.store import Store
from desktop.preferences import Preferences
from desktop.ui.enterprises.model import COL_REVENUE, ID_ROLE
from desktop.ui.enterprises.screen import RosterScreen
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.screens import screen_spec
from desktop.ui.shell.tasks import wait_for_tasks
from tests.unit.test_roster_service import Known, build_known


@pytest.fixture
def known(store: Store) -> Known:
    return build_known(store)


@pytest.fixture
def screen(qtbot: Any, app_ctx: AppContext, known: Known) -> RosterScreen:
    widget = RosterScreen(app_ctx)
    qtbot.addWidget(widget)
    widget.resize(1400, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def shown_names(screen: RosterScreen) -> list[str]:
    model = screen.table.model()
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_registered_as_a_screen() -> None:
    assert screen_spec("enterprises").load() is RosterScreen


def test_typing_filters_after_debounce(qtbot: Any, screen: RosterScreen) -> None:
    assert screen.count_label.text() == "共 4 家"
    assert screen.search.placeholderText() == "名称、代码或拼音首字母"
    qtbot.keyClicks(screen.search, "hxsw")
    qtbot.waitUntil(lambda: screen.count_label.text() == "共 1 家", timeout=2000)
    assert shown_names(screen) == ["华信生物科技有限公司"]
    screen.search.clear()
    qtbot.waitUntil(lambda: screen.count_label.text() == "共 4 家", timeout=2000)


def test_filter_bar(qtbot: Any, screen: RosterScreen, known: Known) -> None:
    f = screen.filters
    f.town.setCurrentIndex(f.town.findData(known.town_b))
    assert shown_names(screen) == ["安徽明远机械有限公司"]
    f.town.setCurrentIndex(0)
    f.problems.setChecked(True)
    assert shown_names(screen) == ["星河软件有限公司"]
    assert screen.count_label.text() == "共 1 家"
    f.problems.setChecked(False)
    f.qual_type.setCurrentIndex(f.qual_type.findData("tech_sme"))
    assert shown_names(screen) == ["华信生物科技有限公司"]
    f.qual_type.setCurrentIndex(0)
    f.ladder.setCurrentIndex(f.ladder.findData(2))
    assert screen.count_label.text() == "共 2 家"
    f.ladder.setCurrentIndex(0)
    f.above.setCurrentIndex(f.above.findData(True))
    assert shown_names(screen) == ["华信生物科技有限公司"]
    f.above.setCurrentIndex(0)
    f.expiry_days.setValue(60)
    f.expiring.setChecked(True)
    assert shown_names(screen) == ["安徽明远机械有限公司"]


def test_open_filter_for_click_through(screen: RosterScreen, known: Known) -> None:
    screen.open_filter(ids=(known.huaxin, known.xinghe), town_id=known.town_a)
    assert screen.model.ids() == [known.huaxin]
    assert screen.filters.town.currentData() == known.town_a
    screen.open_filter(has_problems=True)
    assert screen.filters.problems.isChecked()
    assert screen.model.filter == RosterFilter(has_problems=True)


def test_header_click_sorts_in_sql(qtbot: Any, screen: RosterScreen, known: Known) -> None:
    header = screen.table.horizontalHeader()
    header.setSortIndicator(COL_REVENUE, Qt.SortOrder.DescendingOrder)
    assert screen.model.id_at(0) == known.mingyuan
    header.setSortIndicator(COL_REVENUE, Qt.SortOrder.AscendingOrder)
    assert screen.model.id_at(0) == known.percent


def test_column_chooser_saved_in_preferences(screen: RosterScreen) -> None:
    menu = screen.column_menu()
    action = next(a for a in menu.actions() if a.text() == "营业收入(万元)")
    action.setChecked(False)
    assert screen.table.isColumnHidden(COL_REVENUE)
    assert "revenue" not in Preferences.load().roster_columns
    assert "name" in Preferences.load().roster_columns


def test_ctrl_f_focuses_search(qtbot: Any, screen: RosterScreen) -> None:
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(screen.search.hasFocus, timeout=1000)


def test_delete_key_then_restore(
    qtbot: Any, screen: RosterScreen, known: Known, message_boxes: Any
) -> None:
    row = screen.model.row_of(known.xinghe)
    screen.table.selectRow(row)
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_Delete)
    assert message_boxes.shown and "回收站" in message_boxes.texts[0]
    assert wait_for_tasks(5000)
    qtbot.waitUntil(lambda: screen.count_label.text() == "共 3 家", timeout=2000)
    assert known.xinghe not in screen.model.ids()
    dialog = screen.open_recycle_bin()
    names = [dialog.model.item(r, 0).text() for r in range(dialog.model.rowCount())]
    assert "星河软件有限公司" in names
    assert dialog.model.item(names.index("星河软件有限公司"), 3).text() == "测试员"
    dialog.view.selectRow(names.index("星河软件有限公司"))
    dialog.restore_button.click()
    assert dialog.restore_task is not None and dialog.restore_task.wait(5000)
    assert screen.count_label.text() == "共 4 家"
    assert known.xinghe in screen.model.ids()
    dialog.close()


def test_delete_cancelled_keeps_the_row(
    qtbot: Any, screen: RosterScreen, known: Known, message_boxes: Any
) -> None:
    from PySide6.QtWidgets import QMessageBox

    message_boxes.answer = QMessageBox.StandardButton.No
    screen.table.selectRow(screen.model.row_of(known.xinghe))
    screen.delete_selected()
    assert wait_for_tasks(2000)
    assert known.xinghe in screen.model.ids()


def test_enter_opens_the_editor(qtbot: Any, screen: RosterScreen, known: Known) -> None:
    row = screen.model.row_of(known.huaxin)
    screen.table.setCurrentIndex(screen.model.index(row, 0))
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    editor = screen.last_editor
    assert editor.isVisible()
    assert editor.basic.inputs["name"].text() == "华信生物科技有限公司"
    assert screen.model.index(row, 0).data(ID_ROLE) == known.huaxin
    editor.done(0)


def test_main_window_click_through(qtbot: Any, main_window: Any, known: Known) -> None:
    screen = main_window.navigate("enterprises", town_id=known.town_b)
    assert isinstance(screen, RosterScreen)
    assert screen.model.ids() == [known.mingyuan]
    assert screen.count_label.text() == "共 1 家"
