"""An editor open while another desk changes the record (spec/desks.md): saving is refused with
who and when, the unsaved input is listed, and 重新载入 shows the record as it is stored now."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
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
    editor.hide()  # 取消 would keep it open past the test (its name check then reads the store)


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


def test_a_grid_row_saved_over_another_desks_change_is_refused_and_reloaded(
    qtbot: Any, app_ctx: AppContext, store: Store, message_boxes: MessageBoxes
) -> None:
    from datetime import date

    from db.services.commissioners import dispatches, records, roster
    from desktop.ui.commissioners.records_tab import RecordsTab
    from desktop.ui.shell.tasks import wait_for_tasks

    typed = {"served_on": date(2025, 3, 1), "kind": "现场指导", "trained": 5}
    with store.transaction() as s:
        cid = roster.create(s, {"name": "机械团队", "kind": "团队", "unit": "亳州学院"}, "测试员")
        did = dispatches.dispatch(s, cid, "张庄村", None, date(2025, 1, 2), operator="测试员")
        rid = records.add(s, did, typed, "测试员")
    tab = RecordsTab(app_ctx)
    qtbot.addWidget(tab)
    tab.select_dispatch(did)
    trained = tab.model.index(0, 3)
    with store.transaction() as s:  # another desk changes the record shown
        records.update(s, rid, {"trained": 8}, OTHER)
    who = store.login or OTHER
    tab.model.setData(trained, "9")
    tab.save_row(0)
    assert wait_for_tasks()
    [(_kind, title, shown)] = message_boxes.shown
    assert title == "记录已被其他人修改"
    assert f"已被 {who} 于 " in shown and "培训人数：9" in shown
    assert trained.data() == "8"  # the row shows the record as stored now
    with app_ctx.session() as s:
        assert records.get(s, rid).trained == 8
    tab.model.setData(trained, "9")  # typed again on the current version: saved
    tab.save_row(0)
    assert wait_for_tasks()
    tab.model.setData(trained, "10")  # and again: the row names the version it saved
    tab.save_row(0)
    assert wait_for_tasks()
    assert len(message_boxes.shown) == 1
    with app_ctx.session() as s:
        assert records.get(s, rid).trained == 10


def test_in_place_saves_of_the_screens_are_refused_and_show_the_stored_values(
    qtbot: Any, app_ctx: AppContext, store: Store, message_boxes: MessageBoxes
) -> None:
    from datetime import date

    from db.services import towns
    from db.services.commissioners import assessments, dispatches, roster
    from db.services.plans import indicators
    from desktop.ui.commissioners.assessment_tab import AssessmentTab
    from desktop.ui.commissioners.dispatches_tab import DispatchesTab
    from desktop.ui.indicators.screen import IndicatorsScreen
    from desktop.ui.settings.screen import SettingsScreen
    from desktop.ui.shell.tasks import wait_for_tasks

    year = date.today().year
    with store.transaction() as s:
        towns.add_towns(s, ["古井镇"], "测试员")
        cid = roster.create(s, {"name": "机械团队", "kind": "团队", "unit": "亳州学院"}, "测试员")
        did = dispatches.dispatch(s, cid, "张庄村", None, date(year, 1, 2), operator="测试员")
        manual = {"code": "gdp", "name": "高新技术产业增加值", "unit": "亿元", "kind": "amount"}
        indicators.add_indicator(s, manual, "测试员")
    ended, graded = DispatchesTab(app_ctx), AssessmentTab(app_ctx)
    board, settings = IndicatorsScreen(app_ctx), SettingsScreen(app_ctx)
    for widget in (ended, graded, board, settings):
        qtbot.addWidget(widget)
    board.refresh()
    assert wait_for_tasks()
    settings.view.towns.setCurrentRow(0)
    with store.transaction() as s:  # another desk changes each value shown
        dispatches.end_dispatch(s, did, date(year, 1, 3), OTHER)
        assessments.set_grade(s, cid, year, "优秀", OTHER)
        indicators.set_target(s, "gdp", board.year.value(), 5.0, OTHER)
        towns.rename_town(s, towns.list_towns(s)[0].id, "古井镇一", OTHER)

    def save_all() -> None:
        ended.view.setCurrentIndex(ended.model.index(0, 0))
        ended.end_current()
        graded.set_grade(cid, "合格")
        board._indicator_edited("gdp", "target", 7.0)
        settings.view.towns.setCurrentRow(0)
        settings.view.town_name.setText("古井镇二")
        settings.towns.rename()
        assert wait_for_tasks()

    save_all()
    assert len(message_boxes.shown) == 4
    assert all("为免覆盖对方的修改，本次没有保存" in text for _k, _t, text in message_boxes.shown)
    assert ended.model.rows()[0].end_on == date(year, 1, 3)  # each shows what is stored now
    assert graded.model.rows()[0].grade == "优秀"
    assert [v.target for v in board.model.rows()] == [5.0]
    assert settings.view.towns.item(0).data(Qt.ItemDataRole.UserRole + 1) == "古井镇一"
    save_all()  # based on the values shown now: saved
    assert len(message_boxes.shown) == 4
    with store.session() as s:
        assert dispatches.get(s, did).end_on == date.today()
        assert assessments.get_grade(s, cid, year) == "合格"
        assert indicators.indicator_value(s, "gdp", board.year.value()).target == 7.0
        assert towns.list_towns(s)[0].name == "古井镇二"


def test_town_aliases_saved_over_another_desks_are_refused_and_reloaded(
    qtbot: Any, app_ctx: AppContext, store: Store, message_boxes: MessageBoxes
) -> None:
    from db.services import towns
    from desktop.ui.settings.screen import SettingsScreen
    from desktop.ui.shell.tasks import wait_for_tasks

    with store.transaction() as s:
        towns.add_towns(s, ["古井镇"], "测试员")
    settings = SettingsScreen(app_ctx)
    qtbot.addWidget(settings)
    settings.refresh()
    assert wait_for_tasks()
    settings.view.towns.setCurrentRow(0)
    with store.transaction() as s:  # another desk gives the town an alias meanwhile
        towns.set_aliases(s, towns.list_towns(s)[0].id, ["古井"], OTHER)

    def save(aliases: str) -> None:
        settings.view.towns.setCurrentRow(0)
        settings.view.town_aliases.setText(aliases)
        settings.towns.save_aliases()
        assert wait_for_tasks()

    save("古井集")
    assert len(message_boxes.shown) == 1
    assert "为免覆盖对方的修改，本次没有保存" in message_boxes.shown[0][2]
    with store.session() as s:
        assert towns.list_towns(s)[0].aliases == ("古井",)
    settings.view.towns.setCurrentRow(0)
    assert settings.view.town_aliases.text() == "古井"  # the list shows what is stored now
    save("古井，古井集")  # based on what is shown now: saved
    assert len(message_boxes.shown) == 1
    with store.session() as s:
        assert towns.list_towns(s)[0].aliases == ("古井", "古井集")


def test_a_stage_change_over_another_desks_is_refused_and_reloads(
    qtbot: Any,
    app_ctx: AppContext,
    store: Store,
    enterprise_id: int,
    message_boxes: MessageBoxes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from db.services.plans import cultivation_pipeline as pipeline
    from desktop.ui.cultivation.dialogs import StageDialog

    choose(monkeypatch, message_boxes, "重新载入")
    dialog = StageDialog(app_ctx, enterprise_id, "华信", 2025, "high_tech", None, version=0)
    qtbot.addWidget(dialog)
    with store.transaction() as s:  # another desk puts it into the pipeline first
        pipeline.move_enterprise(s, enterprise_id, 2025, "培育中", OTHER, note="对方")
    finish(dialog.save())
    [(_kind, title, _text)] = message_boxes.shown
    assert title == "记录已被其他人修改"
    assert (dialog.current, dialog.version) == ("培育中", 1)  # 重新载入: the entry as stored now
    assert dialog.widget("note").toPlainText() == "对方"
    dialog.widget("stage").setCurrentIndex(dialog.widget("stage").findData("已申报"))
    finish(dialog.save())
    with store.session() as s:
        assert pipeline.entry_of(s, enterprise_id, 2025).stage == "已申报"  # type: ignore[union-attr]
