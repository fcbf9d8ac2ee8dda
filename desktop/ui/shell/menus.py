"""The main window's menu bar: 文件 / 编辑 / 视图 / 帮助, with the usual keys.

Keys a screen already owns (its QShortcuts and QActions: Ctrl+F in the lists, Ctrl+N, Delete …)
stay the screen's: when the screen shown has an enabled shortcut on the same key (a screen may
disable its own while a window action carries the key), the menu's action shows
the key but takes it only while the navigation has the focus (Qt.ShortcutContext.WidgetShortcut),
so the key is never ambiguous (Qt fires neither of two shortcuts on one key). Choosing the item
calls the screen's own method: `print_current()`, `focus_search()`, `refresh()`.

编辑's actions act on the focused widget (desktop/ui/shell/editing.py); the text widgets take their
own keys first (Qt's ShortcutOverride), so the menu's keys reach tables and lists only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QObject, Qt, Slot
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QListWidget, QMainWindow, QMenu, QTabWidget, QWidget

from desktop.ui.shell.editing import EDIT_OPS, EditOp, apply_edit, can_edit
from desktop.ui.shell.refresh import FocusRefresher
from desktop.ui.shell.screens import ScreenSpec


class MenuHost(Protocol):
    """What the menus use of the main window (desktop/ui/shell/main_window.py)."""

    nav: QListWidget
    specs: Sequence[ScreenSpec]
    refresher: FocusRefresher | None

    def shortcut_keys(self) -> dict[str, str]: ...
    def navigate(self, key: str, **kw: Any) -> QWidget | None: ...
    def current_screen(self) -> QWidget | None: ...
    def current_key(self) -> str: ...
    def is_attached(self) -> bool: ...


Keys = QKeySequence | QKeySequence.StandardKey | str

EDIT_LABELS: dict[EditOp, tuple[str, QKeySequence.StandardKey]] = {
    "undo": ("撤销", QKeySequence.StandardKey.Undo),
    "redo": ("重做", QKeySequence.StandardKey.Redo),
    "cut": ("剪切", QKeySequence.StandardKey.Cut),
    "copy": ("复制", QKeySequence.StandardKey.Copy),
    "paste": ("粘贴", QKeySequence.StandardKey.Paste),
    "select_all": ("全选", QKeySequence.StandardKey.SelectAll),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # context "": see packaging/translations.py


def _sequences(keys: Keys) -> list[QKeySequence]:
    if isinstance(keys, QKeySequence.StandardKey):
        return list(QKeySequence.keyBindings(keys))
    return [QKeySequence(keys)]


def screen_keys(screen: QWidget | None) -> set[str]:
    """The keys the screen's own enabled shortcuts and actions take ('Ctrl+F', …)."""
    if screen is None:
        return set()
    found: set[str] = set()
    for shortcut in screen.findChildren(QShortcut):
        if not shortcut.isEnabled():  # a screen may leave a key to the window's menu
            continue
        keys = shortcut.keys()
        found.update(k.toString() for k in keys if not k.isEmpty())
    for widget in [screen, *screen.findChildren(QWidget)]:
        for action in widget.actions():
            if not action.isEnabled():
                continue
            found.update(k.toString() for k in action.shortcuts() if not k.isEmpty())
    return found


class WindowMenus(QObject):
    """Builds the menu bar of a MainWindow and keeps its actions in step with the screen shown."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._main = window
        self._window: MenuHost = window  # type: ignore[assignment]  # a MainWindow
        self.actions: dict[str, QAction] = {}
        self.screen_actions: dict[str, QAction] = {}
        self._screen_group = QActionGroup(self)
        bar = window.menuBar()
        bar.setObjectName("menuBar")
        self.file_menu = self._file_menu(bar.addMenu(_tr("文件(&F)")))
        self.edit_menu = self._edit_menu(bar.addMenu(_tr("编辑(&E)")))
        self.view_menu = self._view_menu(bar.addMenu(_tr("视图(&V)")))
        self.help_menu = self._help_menu(bar.addMenu(_tr("帮助(&H)")))
        self.screen_changed()

    # ---- building -------------------------------------------------------------------------

    def _action(
        self, menu: QMenu, name: str, text: str, slot: Callable[[], Any], keys: Keys | None = None
    ) -> QAction:
        action = QAction(text, self._main)
        action.setObjectName(f"action-{name}")
        if keys is not None:
            action.setShortcuts(_sequences(keys))
        action.triggered.connect(slot)
        menu.addAction(action)
        self._main.addAction(action)
        self._window.nav.addAction(action)  # a screen's key, typed in the navigation, comes here
        self.actions[name] = action
        return action

    def _file_menu(self, menu: QMenu) -> QMenu:
        self._action(
            menu, "print", _tr("打印…"), self.print_current, QKeySequence.StandardKey.Print
        )
        menu.addSeparator()
        self._action(menu, "location", _tr("数据位置…"), self.open_data_location)
        menu.addSeparator()
        self._action(menu, "quit", _tr("退出"), self._main.close, "Ctrl+Q")
        return menu

    def _edit_menu(self, menu: QMenu) -> QMenu:
        for op in EDIT_OPS:
            label, keys = EDIT_LABELS[op]
            self._action(menu, op, _tr(label), self._edit_slot(op), keys)
            if op in ("redo", "paste"):
                menu.addSeparator()
        menu.addSeparator()
        self._action(menu, "find", _tr("查找…"), self.find, QKeySequence.StandardKey.Find)
        menu.aboutToShow.connect(self._edit_menu_shown)
        menu.aboutToHide.connect(self._edit_menu_hidden)
        return menu

    def _edit_slot(self, op: EditOp) -> Callable[[], None]:
        def run() -> None:
            apply_edit(QApplication.focusWidget(), op)

        return run

    def _view_menu(self, menu: QMenu) -> QMenu:
        window = self._window
        keys = window.shortcut_keys()
        for spec in window.specs:
            title = self._main.tr(spec.title)
            action = self._action(menu, f"screen-{spec.key}", title, self._navigate_slot(spec.key))
            if spec.key in keys:
                action.setShortcut(QKeySequence(keys[spec.key]))
            action.setCheckable(True)
            self._screen_group.addAction(action)
            self.screen_actions[spec.key] = action
        menu.addSeparator()
        self._action(menu, "refresh", _tr("刷新"), self.refresh, QKeySequence.StandardKey.Refresh)
        return menu

    def _navigate_slot(self, key: str) -> Callable[[], None]:
        def run() -> None:
            self._window.navigate(key)

        return run

    def _help_menu(self, menu: QMenu) -> QMenu:
        self._action(
            menu, "help", _tr("使用说明"), self.show_help, QKeySequence.StandardKey.HelpContents
        )
        self._action(menu, "first_run", _tr("首次设置向导…"), self.show_first_run)
        menu.addSeparator()
        self._action(menu, "about", _tr("关于科创台账"), self.show_about)
        return menu

    # ---- keeping in step ------------------------------------------------------------------

    def screen_changed(self) -> None:
        """The screen shown changed (or the store was opened): enable, check and route keys."""
        window = self._window
        screen = window.current_screen()
        attached = window.is_attached()
        self.actions["print"].setEnabled(callable(getattr(screen, "print_current", None)))
        self.actions["find"].setEnabled(callable(getattr(screen, "focus_search", None)))
        self.actions["refresh"].setEnabled(callable(getattr(screen, "refresh", None)))
        self.actions["location"].setEnabled(attached)
        self.actions["first_run"].setEnabled(attached)
        for key, action in self.screen_actions.items():
            action.setEnabled(attached)
            action.setChecked(key == window.current_key())
        owned = screen_keys(screen)
        for action in self.actions.values():
            clashes = any(k.toString() in owned for k in action.shortcuts())
            action.setShortcutContext(
                Qt.ShortcutContext.WidgetShortcut if clashes else Qt.ShortcutContext.WindowShortcut
            )

    @Slot()
    def _edit_menu_shown(self) -> None:
        focused = QApplication.focusWidget()
        for op in EDIT_OPS:
            self.actions[op].setEnabled(can_edit(focused, op))

    @Slot()
    def _edit_menu_hidden(self) -> None:
        # The keys stay live whatever the menu showed: the focus moves without telling the menu.
        for op in EDIT_OPS:
            self.actions[op].setEnabled(True)

    # ---- what the items do ----------------------------------------------------------------

    def _screen_call(self, name: str) -> bool:
        method = getattr(self._window.current_screen(), name, None)
        if not callable(method):
            return False
        method()
        return True

    @Slot()
    def print_current(self) -> None:
        """打印…: the return in view (the screen's `print_current()`)."""
        self._screen_call("print_current")

    @Slot()
    def find(self) -> None:
        """查找: the screen's search box (`focus_search()`)."""
        self._screen_call("focus_search")

    @Slot()
    def refresh(self) -> None:
        """刷新: the screen reads again, keeping selection and scroll position."""
        refresher = self._window.refresher
        if refresher is None:
            self._screen_call("refresh")
        elif not refresher.refresh_current():
            self._main.statusBar().showMessage(_tr("正在编辑，保存或取消后再刷新。"), 5000)

    @Slot()
    def open_data_location(self) -> None:
        """数据位置…: 设置, on its 数据位置 tab."""
        screen = self._window.navigate("settings")
        if screen is None:
            return
        for tabs in screen.findChildren(QTabWidget):
            for i in range(tabs.count()):
                if tabs.tabText(i).replace("&", "") == "数据位置":  # the tab's source text
                    tabs.setCurrentIndex(i)
                    return

    @Slot()
    def show_help(self) -> None:
        """使用说明 (F1)."""
        from desktop.ui.shell.help import show_help

        show_help(self._main)

    @Slot()
    def show_first_run(self) -> None:
        """首次设置向导…: the bureau's name, towns, signatories and targets again."""
        if not self._window.is_attached():
            return
        from desktop.ui.firstrun import offer_first_run

        offer_first_run(self._main, self._main.ctx)  # type: ignore[attr-defined]  # a MainWindow

    @Slot()
    def show_about(self) -> None:
        """关于科创台账: the version."""
        from desktop.ui.shell.help import show_about

        show_about(self._main)
