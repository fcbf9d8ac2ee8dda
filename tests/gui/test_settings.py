"""设置: edits through the widgets reach the store; bad values save nothing; leaving asks."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QWidget

from db.services.settings import get_count_targets, get_settings
from db.services.towns import add_towns, list_towns
from desktop.preferences import Preferences
from desktop.ui.settings.screen import SettingsScreen
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.shell.tasks import TaskHandle


@pytest.fixture
def settings_screen(main_window: MainWindow) -> SettingsScreen:
    screen = main_window.navigate("settings")
    assert isinstance(screen, SettingsScreen)
    return screen


def send_text(widget: QWidget, text: str) -> None:
    """Type text (Chinese too, which QTest.keyClicks cannot) as key events."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)


def retype(qtbot: Any, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    send_text(edit, text)


def click(qtbot: Any, button: Any) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def finish(task: TaskHandle[Any] | None) -> None:
    """Wait until the write worker delivered the operation's result to the screen."""
    assert task is not None
    assert task.wait(10_000)


def test_save_enabled_only_when_something_changed(
    qtbot: Any, settings_screen: SettingsScreen
) -> None:
    v = settings_screen.view
    assert not v.save.isEnabled()
    send_text(v.preparer, "陈")
    assert v.save.isEnabled()
    v.preparer.clear()
    assert not v.save.isEnabled()


def test_settings_edited_through_widgets_are_saved(
    qtbot: Any, main_window: MainWindow, settings_screen: SettingsScreen
) -> None:
    v = settings_screen.view
    retype(qtbot, v.bureau_name, "谯城区科学技术局")
    retype(qtbot, v.district_code, "341602")
    retype(qtbot, v.preparer, "陈晓燕")
    retype(qtbot, v.contact_phone, "0558-5512345")
    v.target_year.setValue(2025)
    v.target_high_tech.setValue(120)
    v.expiry_warning_days.setValue(90)
    retype(qtbot, v.operator, "李四")
    click(qtbot, v.save)
    finish(settings_screen.save_task)

    with main_window.ctx.store.session() as session:
        saved = get_settings(session)
        targets = get_count_targets(session, 2025)
    assert saved.bureau_name == "谯城区科学技术局"
    assert saved.district_code == "341602"
    assert saved.preparer == "陈晓燕"
    assert saved.contact_phone == "0558-5512345"
    assert saved.expiry_warning_days == 90
    assert targets == {"high_tech": 120, "tech_sme": None}
    assert Preferences.load().operator == "李四"
    assert main_window.ctx.operator == "李四"
    assert "李四" in main_window.operator_label.text()
    assert main_window.windowTitle() == "科创台账 — 谯城区科学技术局"
    assert not v.save.isEnabled()
    assert v.status.text() == "已保存"


def test_targets_of_several_years_are_kept_apart(
    main_window: MainWindow, settings_screen: SettingsScreen
) -> None:
    v = settings_screen.view
    v.target_year.setValue(2025)
    v.target_tech_sme.setValue(100)
    v.target_year.setValue(2026)
    assert v.target_tech_sme.value() == v.target_tech_sme.minimum()  # 未设
    v.target_tech_sme.setValue(130)
    v.target_year.setValue(2025)
    assert v.target_tech_sme.value() == 100
    finish(settings_screen.save())
    assert settings_screen.last_save_ok
    with main_window.ctx.store.session() as session:
        assert get_count_targets(session, 2025)["tech_sme"] == 100
        assert get_count_targets(session, 2026)["tech_sme"] == 130


def test_invalid_province_code_shows_message_and_saves_nothing(
    qtbot: Any, main_window: MainWindow, settings_screen: SettingsScreen
) -> None:
    v = settings_screen.view
    retype(qtbot, v.province_code, "3X")
    retype(qtbot, v.bureau_name, "谯城区科学技术局")
    click(qtbot, v.save)
    assert v.bureau_error.isVisibleTo(settings_screen)
    assert "省份代码应为2位数字" in v.bureau_error.text()
    assert v.province_code.property("invalid") is True
    with main_window.ctx.store.session() as session:
        saved = get_settings(session)
    assert saved.province_code == "34"
    assert saved.bureau_name == ""
    assert v.save.isEnabled()


def test_towns_added_renamed_and_aliased(
    qtbot: Any, main_window: MainWindow, settings_screen: SettingsScreen
) -> None:
    v = settings_screen.view
    send_text(v.town_name, "古井镇")
    click(qtbot, v.add_town)
    finish(settings_screen.town_task)
    send_text(v.town_name, "五马镇")
    qtbot.keyClick(v.town_name, Qt.Key.Key_Return)
    finish(settings_screen.town_task)
    assert v.towns.count() == 2
    assert v.towns.currentItem().text() == "五马镇"
    send_text(v.town_name, "五马街道")
    click(qtbot, v.rename_town)
    finish(settings_screen.town_task)
    retype(qtbot, v.town_aliases, "五马乡，五马")
    click(qtbot, v.save_aliases)
    finish(settings_screen.town_task)

    with main_window.ctx.store.session() as session:
        towns = {t.name: set(t.aliases) for t in list_towns(session)}
    assert towns == {"古井镇": set(), "五马街道": {"五马乡", "五马"}}
    assert "五马街道" in v.towns.currentItem().text()


def test_town_error_is_shown_inline(
    qtbot: Any, main_window: MainWindow, settings_screen: SettingsScreen
) -> None:
    with main_window.ctx.store.transaction() as session:
        add_towns(session, ["古井镇", "五马镇"], "测试员")
    settings_screen.load()
    v = settings_screen.view
    v.towns.setCurrentRow(1)
    send_text(v.town_name, "古井镇")
    click(qtbot, v.rename_town)
    finish(settings_screen.town_task)
    assert v.town_message.text() == "已有名为“古井镇”的镇街"
    with main_window.ctx.store.session() as session:
        assert [t.name for t in list_towns(session)] == ["古井镇", "五马镇"]


@pytest.mark.parametrize(
    ("answer", "leaves", "saved_name"),
    [
        (QMessageBox.StandardButton.Yes, True, "谯城区科学技术局"),
        (QMessageBox.StandardButton.No, True, ""),
        (QMessageBox.StandardButton.Cancel, False, ""),
    ],
)
def test_leaving_with_unsaved_changes_asks(
    qtbot: Any,
    main_window: MainWindow,
    settings_screen: SettingsScreen,
    message_boxes: Any,
    answer: QMessageBox.StandardButton,
    leaves: bool,
    saved_name: str,
) -> None:
    message_boxes.answer = answer
    send_text(settings_screen.view.bureau_name, "谯城区科学技术局")
    main_window.navigate("home")
    assert [kind for kind, _t, _x in message_boxes.shown] == ["question"]
    assert main_window.current_key() == ("home" if leaves else "settings")
    assert main_window.nav.currentItem().data(Qt.ItemDataRole.UserRole) == main_window.current_key()
    with main_window.ctx.store.session() as session:
        assert get_settings(session).bureau_name == saved_name


# ---- 自动备份 (issue 11) ---------------------------------------------------------------------


def _town_names(main_window: MainWindow) -> list[str]:
    with main_window.ctx.store.session() as session:
        return [t.name for t in list_towns(session)]


def test_backups_are_listed_and_a_chosen_one_restored_after_asking(
    qtbot: Any, main_window: MainWindow, settings_screen: SettingsScreen, message_boxes: Any
) -> None:
    from db import backups

    store = main_window.ctx.store
    with store.transaction() as session:
        add_towns(session, ["古井镇"], "测试员")
    chosen = backups.take(store, "import")
    with store.transaction() as session:
        add_towns(session, ["五马镇"], "测试员")
    settings_screen.load()
    tree = settings_screen.view.backups
    rows = {
        tree.topLevelItem(i).text(1): tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
    }
    assert set(rows) == {"每日自动备份", "导入前"}  # the first open of the day, then ours
    assert rows["导入前"].text(2).endswith("KB")
    tree.setCurrentItem(rows["导入前"])
    assert settings_screen.view.restore_backup.isEnabled()

    message_boxes.answer = QMessageBox.StandardButton.No
    assert settings_screen.backups.restore_selected() is None
    assert _town_names(main_window) == ["古井镇", "五马镇"]

    message_boxes.answer = QMessageBox.StandardButton.Yes
    click(qtbot, settings_screen.view.restore_backup)
    finish(settings_screen.backups.restore_task)
    assert [k for k, _t, _x in message_boxes.shown].count("question") == 2
    assert _town_names(main_window) == ["古井镇"]
    assert settings_screen.view.towns.count() == 1  # the screen shows the restored store
    assert store.path is not None
    safety = [b for b in backups.list_backups(store.path) if b.reason == "restore"]
    assert len(safety) == 1 and chosen.path.exists()
    reasons = [tree.topLevelItem(i).text(1) for i in range(tree.topLevelItemCount())]
    assert "恢复前" in reasons
    assert "已恢复" in settings_screen.view.backup_message.text()


def test_a_backup_file_kept_elsewhere_can_be_restored(
    qtbot: Any,
    main_window: MainWindow,
    settings_screen: SettingsScreen,
    message_boxes: Any,
    monkeypatch: Any,
    tmp_path: Any,
) -> None:
    """Issue 11: 设置 restores any backup file (e.g. one `bureau backup` wrote to a USB stick)."""
    from db.store import backup
    from desktop.ui.common import files

    store = main_window.ctx.store
    with store.transaction() as session:
        add_towns(session, ["古井镇"], "测试员")
    kept = tmp_path / "U盘" / "科创台账-备份.sqlite"
    kept.parent.mkdir()
    backup(store, kept)
    with store.transaction() as session:
        add_towns(session, ["五马镇"], "测试员")
    asked: list[str] = []

    def pick(_parent: Any, caption: str, _start: Any) -> str:
        asked.append(caption)
        return str(kept)

    monkeypatch.setattr(files, "open_store_file", pick)
    message_boxes.answer = QMessageBox.StandardButton.Yes
    click(qtbot, settings_screen.view.restore_file)
    finish(settings_screen.backups.restore_task)
    assert asked and "科创台账-备份.sqlite" in message_boxes.shown[-1][2]
    assert _town_names(main_window) == ["古井镇"]
    assert settings_screen.view.towns.count() == 1
    assert settings_screen.view.restore_file.isEnabled()


def test_a_restore_refused_while_another_program_writes_says_so(
    qtbot: Any, main_window: MainWindow, settings_screen: SettingsScreen, message_boxes: Any
) -> None:
    import sqlite3

    from db import backups

    store = main_window.ctx.store
    backups.take(store, "import")
    settings_screen.load()
    tree = settings_screen.view.backups
    tree.setCurrentItem(tree.topLevelItem(0))
    assert store.path is not None
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO towns (name, sort_order) VALUES ('别的程序写的镇', 0)")
    try:
        finish(settings_screen.backups.restore_selected())
    finally:
        other.execute("COMMIT")
        other.close()
    assert any("有其他程序正在写入" in text for text in message_boxes.texts)
    assert _town_names(main_window) == ["别的程序写的镇"]
    assert settings_screen.view.restore_backup.isEnabled()


def test_backup_retention_is_saved_with_the_form(
    qtbot: Any, main_window: MainWindow, settings_screen: SettingsScreen
) -> None:
    from db.services.settings import get_backup_retention

    v = settings_screen.view
    assert (v.keep_daily.value(), v.keep_weekly.value()) == (7, 4)
    v.keep_daily.setValue(14)
    v.keep_weekly.setValue(8)
    assert v.save.isEnabled()
    click(qtbot, v.save)
    finish(settings_screen.save_task)
    with main_window.ctx.store.session() as session:
        saved = get_backup_retention(session)
    assert (saved.keep_daily, saved.keep_weekly) == (14, 8)
    assert not settings_screen.is_dirty()
