"""An editor open while another desk changes the record (spec/desks.md): saving is refused with
who and when, the unsaved input is listed, and 重新载入 shows the record as it is stored now."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from db.services import enterprises, platforms
from db.store import Store
from desktop.ui.enterprises.editor import EnterpriseEditor
from desktop.ui.platforms.dialogs import PlatformDialog
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.tasks import TaskHandle
from tests.gui.conftest import MessageBoxes

USCC = "91110000600037341L"
OTHER = "王磊"

pytestmark = pytest.mark.both_engines


def finish(handle: TaskHandle[Any] | None) -> None:
    assert handle is not None and handle.wait(5000)


def choose(monkeypatch: pytest.MonkeyPatch, boxes: MessageBoxes, button: str) -> None:
    """Answer the refusal by clicking `button` (the box is recorded, never shown)."""

    def exec_(self: QMessageBox) -> int:
        boxes.shown.append(("exec", self.windowTitle(), self.text()))
        next(b for b in self.buttons() if b.text() == button).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)


@pytest.fixture
def enterprise_id(store: Store) -> int:
    with store.transaction() as s:
        return enterprises.create(
            s, {"name": "亳州华信生物科技有限公司", "uscc": USCC, "phone": "0558-0000"}, "测试员"
        )


def _changed_underneath(store: Store, enterprise_id: int) -> str:
    with store.transaction() as s:
        enterprises.update(s, enterprise_id, {"phone": "0558-9999"}, OTHER)
    return store.login or OTHER  # on PostgreSQL the audit trail names the server's login


def test_saving_over_another_desks_change_is_refused_and_lists_the_input(
    qtbot: Any,
    app_ctx: AppContext,
    store: Store,
    enterprise_id: int,
    message_boxes: MessageBoxes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    choose(monkeypatch, message_boxes, "取消")
    editor = EnterpriseEditor(app_ctx, enterprise_id)
    qtbot.addWidget(editor)
    editor.show()
    assert editor.version == 1
    editor.basic.inputs["phone"].setText("0558-1234")
    who = _changed_underneath(store, enterprise_id)
    editor.save_button.click()
    finish(editor.save_task)
    assert editor.last_save_ok is False and editor.isVisible()
    [(_kind, title, shown)] = message_boxes.shown
    assert title == "记录已被其他人修改"
    assert shown.startswith(f"保存失败：此记录在您打开后已被 {who} 于 ")
    assert "本次没有保存" in shown and "联系电话：0558-1234" in shown
    with app_ctx.session() as s:
        assert enterprises.get(s, enterprise_id).phone == "0558-9999"  # not overwritten
    assert editor.basic.inputs["phone"].text() == "0558-1234"  # 取消 keeps the input


def test_reload_shows_the_stored_values_and_a_new_save_works(
    qtbot: Any,
    app_ctx: AppContext,
    store: Store,
    enterprise_id: int,
    message_boxes: MessageBoxes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    choose(monkeypatch, message_boxes, "重新载入")
    editor = EnterpriseEditor(app_ctx, enterprise_id)
    qtbot.addWidget(editor)
    editor.show()
    editor.basic.inputs["phone"].setText("0558-1234")
    _changed_underneath(store, enterprise_id)
    editor.save_button.click()
    finish(editor.save_task)
    assert editor.isVisible()
    assert editor.basic.inputs["phone"].text() == "0558-9999"  # the other desk's value
    assert editor.version == 2 and not editor.is_dirty()
    editor.basic.inputs["note"].setText("重新载入后再改")
    editor.save_button.click()
    finish(editor.save_task)
    assert editor.last_save_ok is True
    with app_ctx.session() as s:
        now = enterprises.get(s, enterprise_id)
    assert (now.phone, now.note, now.version) == ("0558-9999", "重新载入后再改", 3)


def test_a_ledger_form_offers_reload_too(
    qtbot: Any,
    app_ctx: AppContext,
    store: Store,
    enterprise_id: int,
    message_boxes: MessageBoxes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    values = {"name": "华信院士工作站", "kind": "院士工作站", "level": "省级"}
    with store.transaction() as s:
        pid = platforms.create_platform(s, values | {"host_enterprise_id": enterprise_id}, "测试员")
    choose(monkeypatch, message_boxes, "重新载入")
    dialog = PlatformDialog(app_ctx, pid)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.widget("department").setText("省科技厅")
    with store.transaction() as s:
        platforms.update_platform(s, pid, {"note": "另一台电脑"}, OTHER)
    dialog.save()
    finish(dialog.save_task)
    [(_kind, _title, shown)] = message_boxes.shown
    assert "认定部门：省科技厅" in shown
    assert dialog.isVisible() and dialog.widget("note").text() == "另一台电脑"
    assert dialog.version == 2 and not dialog.is_dirty()
    with app_ctx.session() as s:
        assert platforms.get_platform(s, pid).department is None
