"""Issue 16 item 11: the menu bar 文件 / 编辑 / 视图 / 帮助 and its keys, beside the screens' own keys."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QTableView, QTabWidget, QWidget

from desktop.ui.shell import main_window as main_window_module
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.editing import selected_cells_text
from desktop.ui.shell.help import HelpDialog, help_html, help_path
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.shell.screens import SCREENS, ScreenSpec
from desktop.ui.shell.tasks import wait_for_tasks

ROOT = Path(__file__).resolve().parents[2]


def menu_titles(window: MainWindow) -> list[str]:
    return [a.text() for a in window.menuBar().actions()]


def item_texts(window: MainWindow, title: str) -> list[str]:
    [menu] = [a.menu() for a in window.menuBar().actions() if a.text().startswith(title)]
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def press(qtbot: Any, window: MainWindow, key: Qt.Key, mods: Any = Qt.KeyboardModifier.NoModifier):
    """A key typed where the focus is (the window itself when nothing in it has the focus)."""
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, key, mods)


def shown(qtbot: Any, window: MainWindow) -> MainWindow:
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window


class PrintableScreen(QWidget):
    """A screen with a return in view: print_current() and refresh() record their calls."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.printed = 0
        self.refreshed = 0
        self.search = QLineEdit(self)

    def print_current(self) -> None:
        self.printed += 1

    def refresh(self) -> None:
        self.refreshed += 1

    def focus_search(self) -> None:
        self.search.setFocus()


class PlainScreen(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        QLabel("plain", self)


@pytest.fixture
def fake_window(qtbot: Any, app_ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    specs = [
        ScreenSpec("printable", "报表", "returns.svg", f"{__name__}:PrintableScreen"),
        ScreenSpec("plain", "其他", "home.svg", f"{__name__}:PlainScreen"),
    ]
    monkeypatch.setattr(main_window_module, "SCREENS", specs)
    return shown(qtbot, MainWindow(app_ctx))


def test_the_menu_bar_is_in_chinese_with_the_usual_items(main_window: MainWindow) -> None:
    assert menu_titles(main_window) == ["文件(&F)", "编辑(&E)", "视图(&V)", "帮助(&H)"]
    assert item_texts(main_window, "文件") == ["打印…", "数据位置…", "退出"]
    assert item_texts(main_window, "编辑") == [
        "撤销",
        "重做",
        "剪切",
        "复制",
        "粘贴",
        "全选",
        "查找…",
    ]
    assert item_texts(main_window, "视图") == [s.title for s in SCREENS] + ["刷新"]
    assert item_texts(main_window, "帮助") == ["使用说明", "首次设置向导…", "关于科创台账"]
    actions = main_window.menus.actions
    shown_keys = {name: actions[name].shortcut().toString() for name in ("print", "quit", "find")}
    assert shown_keys == {"print": "Ctrl+P", "quit": "Ctrl+Q", "find": "Ctrl+F"}
    assert actions["help"].shortcut().toString() == "F1"
    assert actions["refresh"].shortcut().toString() == "F5"
    assert actions["screen-home"].shortcut().toString() == "Ctrl+1"
    assert actions["screen-settings"].shortcut().toString() == "Ctrl+,"


def test_ctrl_p_prints_the_return_in_view(qtbot: Any, fake_window: MainWindow) -> None:
    screen = fake_window.current_screen()
    assert isinstance(screen, PrintableScreen)
    assert fake_window.menus.actions["print"].isEnabled()
    press(qtbot, fake_window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert screen.printed == 1
    fake_window.navigate("plain")
    assert not fake_window.menus.actions["print"].isEnabled()  # nothing to print here


def test_ctrl_p_prints_through_the_returns_screens_print_current(
    qtbot: Any, main_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.ui.returns.screen import ReturnsScreen

    printed: list[object] = []

    def print_current(screen: object) -> None:
        printed.append(screen)

    monkeypatch.setattr(ReturnsScreen, "print_current", print_current, raising=False)
    main_window.activateWindow()
    screen = main_window.navigate("returns")
    wait_for_tasks()
    assert main_window.menus.actions["print"].isEnabled()
    press(qtbot, main_window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed == [screen]


@pytest.mark.parametrize("key", ["indicators", "enterprises"])
def test_ctrl_f_still_reaches_a_screens_search_box(
    qtbot: Any, main_window: MainWindow, key: str
) -> None:
    main_window.activateWindow()
    screen = main_window.navigate(key)
    wait_for_tasks()
    table = screen.table
    table.setFocus()
    assert QApplication.focusWidget() is table
    press(qtbot, main_window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is screen.search  # the screen's own Ctrl+F, not ambiguous
    main_window.nav.setFocus()  # and from the navigation, through the menu's action
    press(qtbot, main_window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is screen.search
    table.setFocus()
    main_window.menus.actions["find"].trigger()  # 编辑 → 查找…
    assert QApplication.focusWidget() is screen.search


def test_f5_refreshes_the_screen_shown(qtbot: Any, fake_window: MainWindow) -> None:
    screen = fake_window.current_screen()
    fake_window.nav.setFocus()
    press(qtbot, fake_window, Qt.Key.Key_F5)
    assert screen.refreshed == 1
    fake_window.navigate("plain")
    assert not fake_window.menus.actions["refresh"].isEnabled()


def test_view_menu_navigates_and_checks_the_screen_shown(
    qtbot: Any, fake_window: MainWindow
) -> None:
    actions = fake_window.menus.screen_actions
    actions["plain"].trigger()
    assert fake_window.current_key() == "plain"
    assert actions["plain"].isChecked() and not actions["printable"].isChecked()
    fake_window.nav.setFocus()
    press(qtbot, fake_window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert fake_window.current_key() == "printable"
    assert actions["printable"].isChecked()


def test_ctrl_q_closes_the_window(qtbot: Any, fake_window: MainWindow) -> None:
    fake_window.nav.setFocus()
    press(qtbot, fake_window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not fake_window.isVisible()


def test_data_location_opens_settings_on_its_tab(main_window: MainWindow) -> None:
    main_window.menus.actions["location"].trigger()
    assert main_window.current_key() == "settings"
    tabs = main_window.current_screen().findChild(QTabWidget)
    assert tabs.tabText(tabs.currentIndex()) == "数据位置"


def table_window(qtbot: Any, fake_window: MainWindow) -> QTableView:
    model = QStandardItemModel(3, 3, fake_window)
    for row in range(3):
        for col in range(3):
            model.setItem(row, col, QStandardItem(f"r{row}c{col}"))
    model.setItem(1, 1, QStandardItem("两行\n文字"))
    table = QTableView(fake_window.current_screen())
    table.setModel(model)
    table.show()
    return table


def test_ctrl_c_copies_the_selected_cells_as_tab_separated_text(
    qtbot: Any, fake_window: MainWindow
) -> None:
    table = table_window(qtbot, fake_window)
    select = table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select
    for row, col in ((0, 1), (0, 2), (1, 1), (1, 2)):
        select.select(table.model().index(row, col), flags)
    table.setFocus()
    QApplication.clipboard().clear()
    press(qtbot, fake_window, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == "r0c1\tr0c2\n两行 文字\tr1c2"
    table.setColumnHidden(2, True)
    assert selected_cells_text(table) == "r0c1\n两行 文字"


def test_edit_menu_acts_on_the_focused_line_edit(qtbot: Any, fake_window: MainWindow) -> None:
    edit = fake_window.current_screen().search
    edit.setFocus()
    edit.insert("五马镇")
    actions = fake_window.menus.actions
    actions["select_all"].trigger()
    assert edit.selectedText() == "五马镇"
    actions["cut"].trigger()
    assert edit.text() == "" and QApplication.clipboard().text() == "五马镇"
    actions["undo"].trigger()
    assert edit.text() == "五马镇"
    actions["redo"].trigger()
    assert edit.text() == ""
    actions["paste"].trigger()
    assert edit.text() == "五马镇"
    press(qtbot, fake_window, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # its own key
    assert edit.selectedText() == "五马镇"


def test_edit_menu_shows_what_the_focus_allows(qtbot: Any, fake_window: MainWindow) -> None:
    edit = fake_window.current_screen().search
    edit.setFocus()
    menus = fake_window.menus
    menus.edit_menu.aboutToShow.emit()
    enabled = {op: menus.actions[op].isEnabled() for op in ("undo", "cut", "copy", "paste")}
    assert enabled == {"undo": False, "cut": False, "copy": False, "paste": True}
    menus.edit_menu.aboutToHide.emit()
    assert menus.actions["copy"].isEnabled()  # the keys stay live once the menu is closed


def test_f1_opens_the_help_and_it_covers_the_clerks_tasks(
    qtbot: Any, fake_window: MainWindow
) -> None:
    fake_window.nav.setFocus()
    press(qtbot, fake_window, Qt.Key.Key_F1)
    dialog = fake_window.findChild(HelpDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.addWidget(dialog)
    text = dialog.browser.toPlainText()
    for topic in ("导入", "打印", "备份", "服务器", "Ctrl+P", "F1", *(s.title for s in SCREENS)):
        assert topic in text, topic
    fake_window.menus.actions["help"].trigger()
    assert fake_window.findChildren(HelpDialog) == [dialog]  # the same one, brought forward
    dialog.close()


def test_the_help_file_is_found_inside_the_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = tmp_path / "resources" / "help" / "使用说明.html"
    bundled.parent.mkdir(parents=True)
    bundled.write_text("<p>打包的使用说明</p>", encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert Path(help_path()) == bundled
    assert "打包的使用说明" in help_html()
    spec = (ROOT / "packaging" / "bureau.spec").read_text(encoding="utf-8")
    assert '(str(ROOT / "resources"), "resources")' in spec  # the whole folder, help/ with it


def test_about_names_the_version(fake_window: MainWindow, message_boxes: Any) -> None:
    import desktop

    fake_window.menus.actions["about"].trigger()
    [(kind, title, text)] = message_boxes.shown
    assert (kind, title) == ("exec", "关于科创台账")
    assert desktop.__version__ in text
