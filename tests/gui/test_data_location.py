"""设置 › 数据位置 and logging in: switching a desk between its local file and a real PostgreSQL server.

The server is the run's own (tests/pgserver.py, password logins). Dialogs are patched: the
`message_boxes` fixture answers questions, and the login dialog's exec() is driven by the test.
"""

from __future__ import annotations

import gc
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QMessageBox

from db.locate import has_password
from db.server import ServerAddress
from db.store import Store, open_store
from desktop.preferences import Preferences
from desktop.ui.settings.screen import SettingsScreen
from desktop.ui.shell import reopen
from desktop.ui.shell.app import run_gui
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.login import LoginDialog
from desktop.ui.shell.main_window import MainWindow
from tests import pgserver

FIXTURES = Path(__file__).parent.parent / "fixtures" / "stores"
PASSWORD = "pw-desk-1"


@pytest.fixture(autouse=True)
def _no_leftover_reopen() -> Iterator[None]:
    reopen.take()
    gc.collect()
    yield
    reopen.take()
    gc.collect()


@pytest.fixture
def local_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The default local file lives under the test's folder (XDG_DATA_HOME), not the user's."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    from db.locate import default_store_path

    path = default_store_path()
    assert str(path).startswith(str(tmp_path))
    return path


@pytest.fixture
def desk_login(pg_server: pgserver.PgServer) -> str:
    """A clerk's login in kc_editor (录入), with PASSWORD."""
    name = pg_server.new_database_name("desk")
    pg_server.execute(
        f"CREATE ROLE {name} LOGIN PASSWORD '{PASSWORD}'", f"GRANT kc_editor TO {name}"
    )
    return name


@pytest.fixture
def server_db(pg_database: str) -> ServerAddress:
    """The test's server database, its address without a login yet."""
    address = ServerAddress.of(pg_database)
    assert address is not None
    return address


def as_login(address: ServerAddress, login: str) -> ServerAddress:
    return ServerAddress(address.host, address.port, address.database, login)


def settings_of(window: MainWindow) -> SettingsScreen:
    screen = window.navigate("settings")
    assert isinstance(screen, SettingsScreen)
    return screen


def fill_server(screen: SettingsScreen, address: ServerAddress, password: str) -> None:
    v = screen.location_view
    v.server_choice.setChecked(True)
    v.host.setText(address.host)
    v.port.setText(str(address.port))
    v.database.setText(address.database)
    v.account.setText(address.user)
    v.password.setText(password)


def wait(task: Any) -> None:
    """Wait for a background task, then collect its garbage on this (the GUI) thread.

    A finished TaskHandle and its relay QObject form a reference cycle; when a worker thread's
    allocation runs the collector, the QObject is destroyed off the GUI thread and can deadlock
    with the GUI thread (seen under gdb). Collecting here keeps that from happening in tests.
    """
    assert task is not None
    assert task.wait(30_000)
    gc.collect()


def result_text(screen: SettingsScreen) -> str:
    return screen.location_view.result.text()


# ---- the section on a local store ----------------------------------------------------------------


def test_the_section_shows_the_local_file_now(main_window: MainWindow) -> None:
    screen = settings_of(main_window)
    v = screen.location_view
    assert "本机数据文件" in v.current.text()
    assert str(main_window.ctx.store.path) in v.current.text()
    assert v.local_choice.isChecked() and not v.server_box.isEnabled()
    assert v.port.text() == "5432"
    assert v.password.echoMode() == QLineEdit.EchoMode.Password
    assert screen.tabs.tabText(screen.tabs.count() - 1) == "数据位置"


def test_bad_input_is_shown_next_to_the_field(main_window: MainWindow, message_boxes: Any) -> None:
    screen = settings_of(main_window)
    v = screen.location_view
    v.server_choice.setChecked(True)
    v.host.setText("  ")
    v.port.setText("五四三二")
    v.database.setText("kechuang")
    v.account.setText("desk1")
    assert screen.location.test() is None
    assert screen.location.switch() is None
    assert v.host_error.text() == "请填写服务器的地址" and not v.host_error.isHidden()
    assert "端口" in v.port_error.text() and not v.port_error.isHidden()
    assert v.database_error.isHidden() and v.account_error.isHidden()
    assert v.port.property("invalid")
    assert Preferences.load().store_url == ""
    v.port.setText("70000")
    v.host.setText("db.example")
    assert screen.location.test() is None
    assert v.host_error.isHidden() and not v.port_error.isHidden()
    assert message_boxes.shown == []


def test_an_older_file_is_upgraded_on_switching(
    main_window: MainWindow, tmp_path: Path, message_boxes: Any
) -> None:
    older = tmp_path / "旧版本.sqlite"
    shutil.copyfile(FIXTURES / "schema-0007.sqlite", older)
    screen = settings_of(main_window)
    screen.location_view.file_path.setText(str(older))
    wait(screen.location.test())
    assert "将在切换后升级" in result_text(screen)
    assert (
        sqlite3.connect(older)
        .execute("SELECT version_num FROM alembic_version")
        .fetchone()[0]
        .startswith("0007")
    )  # testing changed nothing


def test_a_newer_file_is_refused_and_not_saved(
    main_window: MainWindow, tmp_path: Path, store_path: Path, message_boxes: Any
) -> None:
    newer = tmp_path / "新版本.sqlite"
    shutil.copyfile(store_path, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    screen = settings_of(main_window)
    screen.location_view.file_path.setText(str(newer))
    wait(screen.location.switch())
    assert "更新版本" in result_text(screen) and "不能切换" in result_text(screen)
    assert screen.location_view.result.objectName() == "fieldError"
    assert Preferences.load().store_url == ""
    assert reopen.take() is None and message_boxes.shown == []


# ---- a server from the section ---------------------------------------------------------------------


def test_test_connection_shows_the_role(
    main_window: MainWindow, server_db: ServerAddress, desk_login: str, message_boxes: Any
) -> None:
    screen = settings_of(main_window)
    fill_server(screen, as_login(server_db, desk_login), PASSWORD)
    task = screen.location.test()
    assert task is not None and not screen.location_view.test.isEnabled()  # in the background
    wait(task)
    text = result_text(screen)
    assert "连接成功" in text and desk_login in text and "录入" in text
    assert screen.location_view.test.isEnabled()
    assert Preferences.load().store_url == ""  # testing saves nothing
    assert message_boxes.shown == []


def test_a_wrong_password_or_none_is_said_plainly(
    main_window: MainWindow, server_db: ServerAddress, desk_login: str, message_boxes: Any
) -> None:
    screen = settings_of(main_window)
    fill_server(screen, as_login(server_db, desk_login), "not-the-password")
    wait(screen.location.test())
    assert "密码不正确" in result_text(screen)
    fill_server(screen, as_login(server_db, desk_login), "")
    wait(screen.location.test())
    assert screen.location_view.password_error.text() == "服务器要求密码"
    fill_server(
        screen, ServerAddress(server_db.host, server_db.port, "no_such_db", desk_login), "x"
    )
    wait(screen.location.test())
    assert "密码不正确" in result_text(screen) or "没有名为" in result_text(screen)
    assert message_boxes.shown == []


def test_a_server_that_is_down_gives_the_reason(
    main_window: MainWindow, tmp_path: Path, message_boxes: Any
) -> None:
    screen = settings_of(main_window)
    fill_server(screen, ServerAddress(str(tmp_path / "no-server"), 5432, "kc", "desk1"), "pw")
    wait(screen.location.test())
    text = result_text(screen)
    assert text.startswith("无法连接服务器") and "没有启动" in text
    assert "Traceback" not in text
    assert message_boxes.shown == []  # no unexpected-error dialog


def test_switching_saves_the_url_without_password_and_reopens(
    main_window: MainWindow,
    server_db: ServerAddress,
    desk_login: str,
    message_boxes: Any,
    qtbot: Any,
) -> None:
    screen = settings_of(main_window)
    address = as_login(server_db, desk_login)
    fill_server(screen, address, PASSWORD)
    message_boxes.answer = QMessageBox.StandardButton.No
    wait(screen.location.switch())
    saved = Preferences.load().store_url
    assert saved == address.url() and not has_password(saved)
    assert PASSWORD not in Preferences.path().read_text(encoding="utf-8")
    assert "下次打开程序时" in result_text(screen)
    assert reopen.take() is None and main_window.isVisible()

    message_boxes.answer = QMessageBox.StandardButton.Yes
    wait(screen.location.switch())
    asked = [text for kind, _t, text in message_boxes.shown if kind == "question"]
    assert len(asked) == 2 and "重新打开窗口" in asked[-1]
    again = reopen.take()
    assert again is not None and again.target is not None
    assert has_password(again.target)  # this session's password, in memory only
    assert ServerAddress.of(again.target) == address
    assert not main_window.isVisible()
    assert PASSWORD not in Preferences.path().read_text(encoding="utf-8")


# ---- start-up: the saved location, the login dialog, reopening ----------------------------------


def drive_login(attempts: list[str], seen: list[str]) -> Callable[[LoginDialog], int]:
    """A patched LoginDialog.exec: types each password, clicks 登录, records the message."""

    def exec_(dialog: LoginDialog) -> int:
        seen.append(f"account={dialog.account.text()}")
        for password in attempts:
            dialog.password.setText(password)
            task = dialog.attempt()
            if task is not None:
                task.wait(30_000)
                gc.collect()
            seen.append(dialog.message.text() if dialog.message.isVisibleTo(dialog) else "")
            if dialog.result() == QDialog.DialogCode.Accepted:
                return int(QDialog.DialogCode.Accepted.value)
        dialog.reject()
        return int(QDialog.DialogCode.Rejected.value)

    return exec_


def close_when_open(seen: list[str], then: Callable[[MainWindow], None] | None = None) -> None:
    """Once the window has its store: note its status, run `then` or close it."""

    def check() -> None:
        windows = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        ]
        if not windows or not windows[0].is_attached():
            QTimer.singleShot(50, check)
            return
        window = windows[0]
        store = window.ctx.store
        seen.append(f"open:{store.display_name}:{store.login}:{store.role}")
        if then is None:
            window.close()
        else:
            then(window)

    QTimer.singleShot(0, check)


def save_location(url: str) -> None:
    prefs = Preferences.load()
    prefs.store_url = url
    prefs.save()


def test_the_login_dialog_refuses_a_wrong_password_then_opens(
    server_db: ServerAddress,
    desk_login: str,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: Any,
    local_data: Path,
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    address = as_login(server_db, desk_login)
    save_location(address.url())
    seen: list[str] = []
    monkeypatch.setattr(LoginDialog, "exec", drive_login(["", "wrong", PASSWORD], seen))
    close_when_open(seen)
    assert run_gui(None, "测试员") == 0
    assert seen[0] == f"account={desk_login}"
    assert seen[1] == "请输入密码"
    assert "密码不正确" in seen[2]
    assert seen[3] == ""
    assert seen[4].startswith("open:postgresql") and seen[4].endswith(f":{desk_login}:editor")
    assert "***" in seen[4] and PASSWORD not in seen[4]
    assert Preferences.load().store_url == address.url()  # still saved, still no password
    assert not local_data.exists()


def test_cancelling_the_login_opens_the_local_file_or_quits(
    server_db: ServerAddress,
    desk_login: str,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: Any,
    local_data: Path,
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    save_location(as_login(server_db, desk_login).url())
    seen: list[str] = []
    monkeypatch.setattr(LoginDialog, "exec", drive_login([], seen))
    message_boxes.answer = QMessageBox.StandardButton.No
    assert run_gui(None, "测试员") == 0
    assert seen == [f"account={desk_login}"]
    assert "没有登录服务器" in message_boxes.texts[-1] and not local_data.exists()

    message_boxes.answer = QMessageBox.StandardButton.Yes
    close_when_open(seen)
    assert run_gui(None, "测试员") == 0
    assert seen[-1] == f"open:{local_data}:None:admin"
    assert local_data.exists()
    assert Preferences.load().store_url == as_login(server_db, desk_login).url()


def test_a_saved_server_that_is_down_explains_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, message_boxes: Any, local_data: Path
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    save_location(ServerAddress(str(tmp_path / "down"), 5432, "kc", "desk1").url())
    message_boxes.answer = QMessageBox.StandardButton.No
    assert run_gui(None, "测试员") == 2
    [(kind, _title, text)] = message_boxes.shown
    assert kind == "question" and "无法连接服务器" in text and "本机数据文件" in text
    assert not any(w.isVisible() for w in QApplication.topLevelWidgets())


def test_switch_in_settings_reopens_the_window_on_the_server_and_back(
    store_path: Path,
    server_db: ServerAddress,
    desk_login: str,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: Any,
    local_data: Path,
) -> None:
    """Local file → 切换 to the server (reopened in this process) → 切换 back to the local file."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    address = as_login(server_db, desk_login)
    save_location(str(store_path))
    seen: list[str] = []
    message_boxes.answer = QMessageBox.StandardButton.Yes

    def to_server(window: MainWindow) -> None:
        screen = settings_of(window)
        fill_server(screen, address, PASSWORD)
        wait(screen.location.switch())
        close_when_open(seen, back_to_file)

    def back_to_file(window: MainWindow) -> None:
        screen = settings_of(window)
        v = screen.location_view
        assert v.server_choice.isChecked() and v.account.text() == desk_login
        assert "录入" in v.current.text() and server_db.database in v.current.text()
        assert v.password.text() == ""
        v.local_choice.setChecked(True)
        v.file_path.setText(str(store_path))
        wait(screen.location.switch())
        close_when_open(seen)

    close_when_open(seen, to_server)
    assert run_gui(None, "测试员") == 0
    assert seen[0] == f"open:{store_path}:None:admin"
    assert seen[1].startswith("open:postgresql") and seen[1].endswith(f":{desk_login}:editor")
    assert seen[2] == f"open:{store_path}:None:admin"
    assert Preferences.load().store_url == str(store_path)
    assert PASSWORD not in Preferences.path().read_text(encoding="utf-8")


def test_the_saved_location_is_used_and_db_still_comes_first(
    store_path: Path, tmp_path: Path, template_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    other = tmp_path / "另一份.sqlite"
    shutil.copyfile(template_store, other)
    save_location(str(other))
    seen: list[str] = []
    close_when_open(seen)
    assert run_gui(None, "测试员") == 0
    close_when_open(seen)
    assert run_gui(str(store_path), "测试员") == 0
    assert seen == [f"open:{other}:None:admin", f"open:{store_path}:None:admin"]


# ---- backups on a server store ----------------------------------------------------------------------


@pytest.fixture
def server_ctx(pg_database: str) -> Iterator[AppContext]:
    store: Store = open_store(pg_database)
    yield AppContext(store=store, operator="测试员", prefs=Preferences.load())
    store.close()


def test_backups_on_a_server_say_the_server_backs_up(
    qtbot: Any, server_ctx: AppContext, message_boxes: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    from desktop.ui.common import files

    screen = SettingsScreen(server_ctx)
    qtbot.addWidget(screen)
    v = screen.view
    assert "服务器数据库由服务器备份" in v.backup_hint.text() and "pg_dump" in v.backup_hint.text()
    assert v.backups.isHidden() and v.restore_backup.isHidden() and v.keep_daily.isHidden()
    assert not v.backup_file.isHidden() and not v.restore_file.isHidden()
    assert "服务器数据库" in screen.location_view.current.text()
    filters: list[str] = []

    def save_as(_parent: Any, _caption: str, start: Any, wanted: str) -> str:
        filters.append(wanted)
        assert str(start).endswith(".dump")
        return str(tmp_path / "服务器备份")

    monkeypatch.setattr(files, "save_file_name", save_as)
    task = screen.backups.backup_to_file()
    wait(task)
    assert filters and "*.dump" in filters[0]
    out = tmp_path / "服务器备份.dump"
    if out.exists():  # pg_dump on PATH (db.store.backup on PostgreSQL)
        assert "已备份到" in v.backup_message.text()
    else:
        assert message_boxes.texts and "pg_dump" in message_boxes.texts[-1]
    picked: list[str] = []

    def pick(_parent: Any, _caption: str, _start: Any, wanted: str) -> str:
        picked.append(wanted)
        return ""

    monkeypatch.setattr(files, "open_file_name", pick)
    assert screen.backups.restore_from_file() is None
    assert picked and "*.dump" in picked[0]


def test_garbage_is_collected_on_the_gui_thread_only(qapp: Any) -> None:
    """The window's collector: automatic collection off, a GUI-thread timer collects instead."""
    from desktop.ui.shell.app import GuiThreadCollector

    class Cycle:
        def __init__(self) -> None:
            self.me = self

    collector = GuiThreadCollector(qapp)
    try:
        assert not gc.isenabled()
        Cycle()
        before = gc.get_count()[0]
        collector.collect()
        assert gc.get_count()[0] < max(before, 1)
    finally:
        collector.stop()  # the module's collector (tests/gui/conftest.py) keeps gc off
