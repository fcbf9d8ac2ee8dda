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


# ----- issue 16: pinyin order, Ctrl+F from the navigation, columns whole, fit, export notice -----


def test_names_sort_by_pinyin_not_code_point(screen: RosterScreen) -> None:
    # code points would give 华 (534E) < 安 (5B89) < 星 (661F) < 绿 (7EFF)
    by_pinyin = ["安徽明远机械有限公司", "华信生物科技有限公司", "绿源100%_农业有限公司"]
    by_pinyin.append("星河软件有限公司")
    assert shown_names(screen) == by_pinyin
    header = screen.table.horizontalHeader()
    header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
    assert shown_names(screen) == by_pinyin[::-1]
    header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
    assert shown_names(screen) == by_pinyin


def test_ctrl_f_from_the_navigation_focuses_search(
    qtbot: Any, main_window: Any, known: Known
) -> None:
    roster = main_window.navigate("enterprises")
    assert isinstance(roster, RosterScreen)
    roster.search.setText("华信")
    main_window.nav.setFocus()
    qtbot.waitUntil(main_window.nav.hasFocus, timeout=1000)
    qtbot.keyClick(main_window.nav, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(roster.search.hasFocus, timeout=1000)
    assert roster.search.selectedText() == "华信"  # ready to be typed over


def test_ctrl_f_in_the_window_from_the_table_and_the_navigation(
    qtbot: Any, main_window: Any, known: Known
) -> None:
    """In the window, Ctrl+F is the roster's in the table and the 编辑 menu's in the
    navigation: one owner wherever the focus is (two would make Qt fire neither)."""
    roster = main_window.navigate("enterprises")
    assert isinstance(roster, RosterScreen)
    for where in (roster.table, main_window.nav, roster.filters.town):
        where.setFocus()
        qtbot.waitUntil(where.hasFocus, timeout=1000)
        qtbot.keyClick(where, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(roster.search.hasFocus, timeout=1000)


def test_short_columns_show_whole_with_a_large_font(qtbot: Any, screen: RosterScreen) -> None:
    """At 150% the text is 1.5× as wide: 高企证书 (its expiry), 所属镇街, 梯度 still show whole."""
    from desktop.ui.common.cells import cell_fits
    from desktop.ui.enterprises.model import COL_HTE, COL_LADDER, COL_SME, COL_TOWN, COL_USCC

    font = screen.table.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    screen.table.setFont(font)
    screen.model.reload()  # the columns are sized again to the rows now shown
    qtbot.wait(50)
    for row in range(screen.model.rowCount()):
        for col in (COL_USCC, COL_TOWN, COL_LADDER, COL_HTE, COL_SME, COL_REVENUE):
            text = screen.model.index(row, col).data()
            assert cell_fits(screen.table, row, col), f"{text!r} is cut"


def test_minimum_size_fits_1080_by_560(screen: RosterScreen) -> None:
    hint = screen.minimumSizeHint()
    assert hint.width() <= 1080 and hint.height() <= 560, hint


def test_export_ends_with_the_saved_notice(
    qtbot: Any,
    screen: RosterScreen,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: Any,
) -> None:
    from desktop.ui.common import export

    opened: list[Any] = []
    monkeypatch.setattr(export, "open_folder", opened.append)
    task = screen.export_to(tmp_path / "名录.xlsx")
    assert task.wait(10000)
    qtbot.waitUntil(lambda: getattr(screen, "export_notice", None) is not None, timeout=5000)
    notice = screen.export_notice
    assert "名录.xlsx" in notice.text()
    qtbot.mouseClick(notice.folder_button, Qt.MouseButton.LeftButton)
    assert opened == [tmp_path / "名录.xlsx"]


def test_a_save_is_confirmed_on_the_roster(
    qtbot: Any, screen: RosterScreen, known: Known, message_boxes: Any
) -> None:
    editor = screen.open_editor(known.huaxin)
    editor.basic.inputs["address"].setText("合肥市高新区1号")
    editor.save_button.click()
    assert editor.save_task is not None and editor.save_task.wait(5000)
    qtbot.waitUntil(lambda: "已保存：华信生物科技有限公司" in screen.notice.text(), timeout=5000)
    assert screen.notice.isVisible() and "未列出" not in screen.notice.text()
    # saved while a visible filter leaves it out: the notice says why it is not listed
    screen.filters.town.setCurrentIndex(screen.filters.town.findData(known.town_b))
    editor = screen.open_editor(known.huaxin)
    editor.basic.inputs["address"].setText("合肥市高新区2号")
    editor.save_button.click()
    assert editor.save_task is not None and editor.save_task.wait(5000)
    qtbot.waitUntil(lambda: "不符合当前筛选，未列出" in screen.notice.text(), timeout=5000)
