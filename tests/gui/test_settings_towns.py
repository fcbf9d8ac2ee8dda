"""设置 (issue 16, item 10): towns reordered and removed through the buttons; the backups on a tab
of their own, whole at 1280×720, and 备份到文件 ending with the notice that opens the folder."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from db.services import enterprises, towns
from db.services.commissioners import dispatches, roster
from desktop.ui.common import files
from desktop.ui.settings.screen import SettingsScreen
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.tasks import wait_for_tasks
from tests.gui.conftest import MessageBoxes
from tests.unit.returns.builders import uscc

OTHER = "王磊"


def _screen(qtbot: Any, app_ctx: AppContext, *names: str) -> SettingsScreen:
    if names:
        with app_ctx.store.transaction() as s:
            towns.add_towns(s, names, "测试员")
    screen = SettingsScreen(app_ctx)
    qtbot.addWidget(screen)
    screen.resize(1080, 560)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def _shown(screen: SettingsScreen) -> list[str]:
    lst = screen.view.towns
    return [lst.item(r).data(Qt.ItemDataRole.UserRole + 1) for r in range(lst.count())]


def _stored(app_ctx: AppContext) -> list[str]:
    with app_ctx.store.session() as s:
        return [t.name for t in towns.list_towns(s)]


def _click(qtbot: Any, button: Any) -> None:
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks(10_000)


def test_towns_are_moved_up_and_down_with_the_buttons(qtbot: Any, app_ctx: AppContext) -> None:
    screen = _screen(qtbot, app_ctx, "古井镇", "五马镇", "牛集镇")
    v = screen.view
    v.towns.setCurrentRow(0)
    assert not v.move_up.isEnabled() and v.move_down.isEnabled()
    _click(qtbot, v.move_down)
    assert _shown(screen) == _stored(app_ctx) == ["五马镇", "古井镇", "牛集镇"]
    assert v.towns.currentItem().data(Qt.ItemDataRole.UserRole + 1) == "古井镇"  # still chosen
    _click(qtbot, v.move_down)
    assert _shown(screen) == ["五马镇", "牛集镇", "古井镇"]
    assert not v.move_down.isEnabled()
    v.towns.setCurrentRow(1)
    _click(qtbot, v.move_up)
    assert _stored(app_ctx) == ["牛集镇", "五马镇", "古井镇"]
    assert v.town_message.text() == "顺序已保存"


def test_a_move_over_another_desks_change_is_refused_and_the_list_reloaded(
    qtbot: Any, app_ctx: AppContext, message_boxes: MessageBoxes
) -> None:
    screen = _screen(qtbot, app_ctx, "古井镇", "五马镇")
    screen.view.towns.setCurrentRow(1)
    with app_ctx.store.transaction() as s:  # another desk renames the first meanwhile
        towns.rename_town(s, towns.list_towns(s)[0].id, "古井街道", OTHER)
    _click(qtbot, screen.view.move_up)
    assert any("本次没有保存" in text for text in message_boxes.texts)
    assert _stored(app_ctx) == _shown(screen) == ["古井街道", "五马镇"]
    screen.view.towns.setCurrentRow(1)
    _click(qtbot, screen.view.move_up)  # based on what is shown now
    assert _stored(app_ctx) == ["五马镇", "古井街道"]


def test_an_unused_town_is_removed_after_asking(
    qtbot: Any, app_ctx: AppContext, message_boxes: MessageBoxes
) -> None:
    screen = _screen(qtbot, app_ctx, "古井镇", "五马镇")
    screen.view.towns.setCurrentRow(0)
    message_boxes.answer = QMessageBox.StandardButton.No
    _click(qtbot, screen.view.remove_town)
    assert _stored(app_ctx) == ["古井镇", "五马镇"]
    assert "删除镇街“古井镇”吗" in message_boxes.texts[-1]
    message_boxes.answer = QMessageBox.StandardButton.Yes
    _click(qtbot, screen.view.remove_town)
    assert _stored(app_ctx) == _shown(screen) == ["五马镇"]
    assert screen.view.town_message.text() == "已删除“古井镇”"


def test_a_town_in_use_is_kept_and_the_clerk_told_what_uses_it(
    qtbot: Any, app_ctx: AppContext, message_boxes: MessageBoxes
) -> None:
    with app_ctx.store.transaction() as s:
        towns.add_towns(s, ["古井镇"], "测试员")
        tid = towns.list_towns(s)[0].id
        enterprises.create(s, {"name": "甲公司", "uscc": uscc(1), "town_id": tid}, "测试员")
        cid = roster.create(s, {"name": "机械团队", "kind": "团队", "unit": "亳州学院"}, "测试员")
        dispatches.dispatch(s, cid, "张庄村", tid, date(2025, 1, 2), operator="测试员")
    screen = _screen(qtbot, app_ctx)
    screen.view.towns.setCurrentRow(0)
    _click(qtbot, screen.view.remove_town)
    message = screen.view.town_message
    assert message.isVisibleTo(screen) and message.objectName() == "fieldError"
    assert "“古井镇”仍被使用" in message.text()
    assert "企业 1 家" in message.text() and "特派员派驻 1 条" in message.text()
    assert _stored(app_ctx) == ["古井镇"]


def _inside(widget: QWidget, screen: QWidget) -> bool:
    corner = widget.mapTo(screen, QPoint(widget.width(), widget.height()))
    return (
        widget.isVisibleTo(screen)
        and corner.x() <= screen.width()
        and corner.y() <= screen.height()
    )


def test_the_backups_have_a_tab_whose_buttons_a_clerk_sees_at_150_percent(
    qtbot: Any, app_ctx: AppContext
) -> None:
    from db import backups

    backups.take(app_ctx.store, "import")
    screen = _screen(qtbot, app_ctx)
    hint = screen.minimumSizeHint()
    assert hint.width() <= 1080 and hint.height() <= 560
    screen.resize(1100, 560)  # 1280×720 at 150% less the navigation and the status bar
    screen.tabs.setCurrentWidget(screen.view.backup_tab)
    screen.backups.reload()
    qtbot.wait(10)
    v = screen.view
    assert screen.tabs.tabText(screen.tabs.currentIndex()) == "备份"
    assert v.backups.topLevelItemCount() >= 1
    for widget in (v.backup_file, v.restore_file, v.restore_backup, v.open_backup_folder):
        assert _inside(widget, screen), widget.text()
    assert app_ctx.store.path is not None
    assert str(backups.folder(app_ctx.store.path)) in v.backup_folder.text()


def test_backup_to_file_ends_with_the_notice_that_opens_its_folder(
    qtbot: Any, app_ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "U盘" / "备份.sqlite"
    out.parent.mkdir()
    monkeypatch.setattr(files, "save_file_name", lambda *_a, **_k: str(out))
    opened: list[QUrl] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True)
    )
    screen = _screen(qtbot, app_ctx, "古井镇")
    screen.tabs.setCurrentWidget(screen.view.backup_tab)
    _click(qtbot, screen.view.backup_file)
    notice = screen.backups.notice
    assert notice is not None and notice.isVisible() and str(out) in notice.text()
    notice.folder_button.click()  # type: ignore[attr-defined]
    assert [u.toLocalFile() for u in opened] == [str(out.parent)]
    assert out.exists()
