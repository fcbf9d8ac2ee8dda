"""The main window: status bar, navigation (click, Ctrl+N, navigate()), geometry persisted while
it fits the screen, every screen within the room a 1280×720 (150%) screen leaves."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

import db.store as store_module
from db.services.settings import update_settings
from db.store import Store
from desktop.logs import log_path
from desktop.preferences import Preferences
from desktop.ui.shell import errors
from desktop.ui.shell import main_window as main_window_module
from desktop.ui.shell.app import open_store_or_explain, run_gui
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.geometry import DEFAULT_SIZE, default_rect
from desktop.ui.shell.main_window import MainWindow, Opening
from desktop.ui.shell.screens import SCREENS, ScreenSpec
from desktop.ui.shell.tasks import wait_for_tasks


def index_of(key: str) -> int:
    return [s.key for s in SCREENS].index(key)


def click_nav(qtbot: Any, window: MainWindow, key: str) -> None:
    row = [s.key for s in window.specs].index(key)
    rect: QRect = window.nav.visualItemRect(window.nav.item(row))
    qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_window_opens_with_store_and_operator_in_status_bar(main_window: MainWindow) -> None:
    store_text = main_window.store_label.text()
    assert main_window.ctx.store.display_name in store_text
    assert "测试员" in main_window.operator_label.text()
    assert main_window.current_key() == SCREENS[0].key
    assert main_window.windowTitle().startswith("科创台账")
    assert main_window.nav.count() == len(SCREENS)


def test_title_names_the_bureau(qtbot: Any, app_ctx: AppContext) -> None:
    with app_ctx.store.transaction() as session:
        update_settings(session, {"bureau_name": "谯城区科学技术局"}, "测试员")
    window = MainWindow(app_ctx)
    qtbot.addWidget(window)
    assert window.windowTitle() == "科创台账 — 谯城区科学技术局"


def test_navigation_by_click(qtbot: Any, main_window: MainWindow) -> None:
    click_nav(qtbot, main_window, "settings")
    assert main_window.current_key() == "settings"
    assert main_window.stack.currentWidget() is main_window.screen_widget("settings")
    assert type(main_window.stack.currentWidget()).__name__ == "SettingsScreen"
    click_nav(qtbot, main_window, "home")
    assert main_window.current_key() == "home"
    assert type(main_window.stack.currentWidget()).__name__ == "HomeScreen"


def test_navigation_by_ctrl_number(qtbot: Any, main_window: MainWindow) -> None:
    main_window.activateWindow()
    # Ctrl+1 … Ctrl+9 for the first nine screens, Ctrl+0 for the tenth, Ctrl+, for 设置 (last).
    qtbot.keyClick(main_window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert main_window.current_key() == "settings"
    assert main_window.nav.currentRow() == index_of("settings")
    qtbot.keyClick(main_window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert main_window.current_key() == SCREENS[9].key
    qtbot.keyClick(main_window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert main_window.current_key() == "home"
    assert main_window.stack.currentWidget() is main_window.screen_widget("home")


class FakeScreen(QWidget):
    """A screen recording the hooks the window calls."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.refreshed = 0
        self.filters: list[dict[str, Any]] = []
        QLabel("fake", self)

    def refresh(self) -> None:
        self.refreshed += 1

    def open_filter(self, **kw: Any) -> None:
        self.filters.append(kw)


def test_screens_are_built_lazily_and_get_hooks(
    qtbot: Any, app_ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = ScreenSpec("fake", "测试", "home.svg", f"{__name__}:FakeScreen")
    monkeypatch.setattr(main_window_module, "SCREENS", [SCREENS[0], fake])
    window = MainWindow(app_ctx)
    qtbot.addWidget(window)
    assert window.screen_widget("fake") is None  # not built before it is shown
    screen = window.navigate("fake", town="五马镇")
    assert isinstance(screen, FakeScreen)
    assert screen.filters == [{"town": "五马镇"}]
    assert screen.refreshed == 0
    window.navigate(SCREENS[0].key)
    window.navigate("fake")
    assert screen.refreshed == 1
    assert window.navigate("nope") is None
    assert window.current_key() == "fake"


def test_geometry_and_screen_persisted(
    qtbot: Any, app_ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # small screens only, so the size fits the offscreen screen (800×600) that restore clamps to
    fake = ScreenSpec("fake", "测试", "home.svg", f"{__name__}:FakeScreen")
    other = ScreenSpec("other", "其他", "home.svg", f"{__name__}:FakeScreen")
    monkeypatch.setattr(main_window_module, "SCREENS", [fake, other])
    window = MainWindow(app_ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.resize(610, 470)
    window.navigate("other")
    window.close()
    saved = Preferences.load()
    assert saved.window_geometry
    assert saved.last_screen == "other"

    again = MainWindow(AppContext(app_ctx.store, app_ctx.operator, Preferences.load()))
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.size().toTuple() == (610, 470)
    assert again.current_key() == "other"


def test_newer_store_is_refused_with_exit_code_3(store_path: Path, message_boxes: Any) -> None:
    with sqlite3.connect(store_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    assert open_store_or_explain(str(store_path)) == 3
    [(kind, _title, text)] = message_boxes.shown
    assert kind == "critical"
    assert "更新版本" in text


def test_unusable_store_gives_exit_code_2(tmp_path: Path, message_boxes: Any) -> None:
    bad = tmp_path / "not-a-store.sqlite"
    bad.write_text("这不是数据库" * 100, encoding="utf-8")
    assert open_store_or_explain(str(bad)) == 2
    assert [kind for kind, _t, _x in message_boxes.shown] == ["critical"]


def test_store_warnings_are_shown(
    store_path: Path, message_boxes: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = store_module.open_store

    def open_with_warning(target: str | None) -> Store:
        opened = real_open(target)
        opened.warnings.append("数据文件位于网络共享文件夹")
        return opened

    monkeypatch.setattr(store_module, "open_store", open_with_warning)
    opened = open_store_or_explain(str(store_path))
    assert isinstance(opened, Store)
    opened.close()
    assert message_boxes.shown == [("warning", "注意", "数据文件位于网络共享文件夹")]


def test_uncaught_errors_show_one_dialog_not_a_storm(
    message_boxes: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def exec_(box: QMessageBox) -> int:
        opened.append(box.informativeText())
        errors.excepthook(RuntimeError, RuntimeError("second"), None)  # while the first is open
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    errors.excepthook(ValueError, ValueError("first"), None)
    assert len(opened) == 1
    assert str(log_path()) in opened[0]


def test_run_gui_opens_the_window_and_returns(
    store_path: Path, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    seen: list[str] = []

    def close_it() -> None:
        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
        seen.append(window.windowTitle())
        window.close()

    QTimer.singleShot(300, close_it)
    assert run_gui(str(store_path), "测试员") == 0
    assert seen == ["科创台账"]
    assert Preferences.load().window_geometry


def test_run_gui_on_a_newer_store_explains_and_exits_3(
    store_path: Path, message_boxes: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    with sqlite3.connect(store_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    assert run_gui(str(store_path), "测试员") == 3
    [(kind, _title, text)] = message_boxes.shown
    assert kind == "critical" and "更新版本" in text
    assert not any(w.isVisible() for w in QApplication.topLevelWidgets())


def test_run_gui_fills_the_first_screen(
    store_path: Path, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    seen: list[tuple[str, str, str]] = []

    def close_it() -> None:
        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
        if not window.is_attached():
            QTimer.singleShot(50, close_it)
            return
        screen = window.screen_widget("home")
        seen.append((window.current_key(), type(screen).__name__, window.store_label.text()))
        window.close()

    QTimer.singleShot(0, close_it)
    assert run_gui(str(store_path), "测试员") == 0
    [(key, screen_class, store_text)] = seen
    assert (key, screen_class) == ("home", "HomeScreen")
    assert str(store_path) in store_text


def test_frame_is_shown_before_the_store_opens(qtbot: Any, app_ctx: AppContext) -> None:
    opening = Opening(str(app_ctx.store.path), "测试员", app_ctx.prefs)
    window = MainWindow(opening)
    qtbot.addWidget(window)
    window.show()
    assert not window.is_attached()
    assert window.stack.currentWidget() is window.placeholder
    assert "正在打开数据" in window.placeholder.text()
    assert str(app_ctx.store.path) in window.store_label.text()
    assert "测试员" in window.operator_label.text()
    assert not window.nav.isEnabled()
    assert window.navigate("settings") is None
    with pytest.raises(RuntimeError):
        _ = window.ctx
    first = window.attach(app_ctx)
    assert window.is_attached() and window.nav.isEnabled()
    assert type(first).__name__ == "HomeScreen"
    assert window.stack.currentWidget() is first
    assert window.stack.indexOf(window.placeholder) == -1


def test_window_modules_do_not_import_sqlalchemy() -> None:
    code = (
        "import sys, desktop.cli, desktop.ui.shell.app, desktop.ui.shell.main_window, desktop.ui.shell.screens\n"
        "import desktop.ui.shell.context, desktop.ui.shell.errors, desktop.paths\n"
        "desktop.cli.build_parser()\n"
        "print(sorted(m for m in sys.modules if m.startswith(('sqlalchemy', 'db.models'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---- issue 16 item 5: the window fits 1366×768 at 100% and 1920×1080 at 150% -----------------

FIT = (
    1280,
    650,
)  # 1920×1080 at 150% = 1280×720 logical, less a taskbar (40) and the title bar (30)
SCREEN_ROOM = (1080, 560)  # what every screen's minimumSizeHint() must stay within


class SizedScreen(QWidget):
    """A screen that needs exactly SCREEN_ROOM."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(*SCREEN_ROOM)


def saved_geometry(qtbot: Any, rect: QRect) -> str:
    """The base64 saveGeometry() of a window placed at rect."""
    window = QWidget()
    qtbot.addWidget(window)
    window.setGeometry(rect)
    return bytes(window.saveGeometry().toBase64().data()).decode("ascii")


def opened_with(qtbot: Any, app_ctx: AppContext, geometry: str) -> MainWindow:
    prefs = Preferences.load()
    prefs.window_geometry = geometry
    window = MainWindow(AppContext(app_ctx.store, app_ctx.operator, prefs))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def on_screen(window: QWidget, area: QRect) -> bool:
    """The client area on the screen and the title bar below its top edge (reachable)."""
    client = window.geometry()
    inside = area.contains(client.topLeft()) and area.contains(client.bottomRight())
    return inside and window.frameGeometry().top() >= area.top()


@pytest.fixture
def sized_screens(monkeypatch: pytest.MonkeyPatch) -> None:
    sized = ScreenSpec("sized", "测试", "home.svg", f"{__name__}:SizedScreen")
    monkeypatch.setattr(main_window_module, "SCREENS", [sized])


@pytest.fixture
def small_screens(monkeypatch: pytest.MonkeyPatch) -> None:
    """A screen small enough for the offscreen test screen (800×800)."""
    fake = ScreenSpec("fake", "测试", "home.svg", f"{__name__}:FakeScreen")
    monkeypatch.setattr(main_window_module, "SCREENS", [fake])


def test_the_windows_own_parts_leave_the_screens_their_room(
    qtbot: Any, app_ctx: AppContext, sized_screens: None
) -> None:
    window = MainWindow(app_ctx)
    qtbot.addWidget(window)
    window.show()
    hint = window.minimumSizeHint()
    assert hint.width() <= FIT[0] and hint.height() <= FIT[1], hint
    assert window.menuBar().isVisible()


def test_a_long_data_location_is_elided_in_the_middle_not_cut(
    qtbot: Any, app_ctx: AppContext, small_screens: None
) -> None:
    long_name = "/srv/科技局/" + "台账数据备份文件夹/" * 30 + "bureau.sqlite"
    window = MainWindow(Opening(long_name, "测试员", app_ctx.prefs))
    qtbot.addWidget(window)
    window.show()
    window.resize(700, 500)
    qtbot.wait(10)
    label = window.store_label
    painted = QLabel.text(label)  # what Qt paints, not the whole text kept for the tooltip
    assert "…" in painted and painted.endswith("bureau.sqlite")
    assert label.fontMetrics().horizontalAdvance(painted) <= label.width()
    assert label.text() == f"数据文件：{long_name}"
    assert label.toolTip() == long_name


def test_every_screen_fits_the_window_at_150_percent(main_window: MainWindow) -> None:
    too_big: list[str] = []
    for spec in SCREENS:
        screen = main_window.navigate(spec.key)
        wait_for_tasks()
        assert screen is not None, spec.key
        need = screen.minimumSizeHint()
        if need.width() > SCREEN_ROOM[0] or need.height() > SCREEN_ROOM[1]:
            too_big.append(f"{spec.key} {need.width()}×{need.height()}")
    hint = main_window.minimumSizeHint()  # the stack needs its largest screen's size
    assert hint.width() <= FIT[0] and hint.height() <= FIT[1], (hint, too_big)
    assert too_big == []


def test_first_run_size_is_capped_by_the_screen(
    qtbot: Any, app_ctx: AppContext, small_screens: None
) -> None:
    window = opened_with(qtbot, app_ctx, "")
    area = window.screen().availableGeometry()
    assert on_screen(window, area)
    assert window.width() == min(DEFAULT_SIZE.width(), area.width() - 16)


def test_a_saved_geometry_larger_than_the_screen_is_not_restored(
    qtbot: Any, app_ctx: AppContext, small_screens: None
) -> None:
    area = QApplication.primaryScreen().availableGeometry()
    big = QRect(0, 0, area.width() + 300, area.height() + 200)
    window = opened_with(qtbot, app_ctx, saved_geometry(qtbot, big))
    assert window.geometry() == default_rect(window.screen())
    assert on_screen(window, area)


def test_a_saved_geometry_off_every_screen_is_not_restored(
    qtbot: Any, app_ctx: AppContext, small_screens: None
) -> None:
    area = QApplication.primaryScreen().availableGeometry()
    away = QRect(area.right() + 2000, area.bottom() + 2000, 500, 400)
    window = opened_with(qtbot, app_ctx, saved_geometry(qtbot, away))
    assert window.geometry() == default_rect(window.screen())
    assert on_screen(window, area)
