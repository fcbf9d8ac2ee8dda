"""孵化载体 screen: add a carrier, incubatees from the roster and a team, graduate, yearly data."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from db.rules.identifiers import uscc_check_char
from db.services import carriers, enterprises
from desktop.ui.carriers.screen import CarriersScreen
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.screens import screen_spec

OP = "测试员"


def _save(qtbot: Any, dialog: Any) -> None:
    """保存, then wait until the write worker delivered the result."""
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.save_task is not None and dialog.save_task.wait()


def _enterprise(ctx: AppContext, n: int, name: str) -> int:
    body = f"91341602{n:09d}"
    with ctx.store.transaction() as s:
        return enterprises.create(s, {"name": name, "uscc": body + uscc_check_char(body)}, OP)


@pytest.fixture
def screen(qtbot: Any, app_ctx: AppContext) -> CarriersScreen:
    w = CarriersScreen(app_ctx)
    qtbot.addWidget(w)
    w.show()
    return w


def _add_carrier(qtbot: Any, screen: CarriersScreen, name: str) -> None:
    dialog = screen.new_carrier()
    dialog.widget("name").setText(name)
    assert not dialog.save_button.isEnabled()  # kind still missing
    assert dialog.boxes["kind"].message.text() == ""  # untouched: listed below, not under it
    assert dialog.general.message.text() == "尚需填写：类型"
    dialog.widget("kind").setCurrentIndex(dialog.widget("kind").findData("科技企业孵化器"))
    dialog.widget("level").setCurrentIndex(dialog.widget("level").findData("省级"))
    qtbot.keyClicks(dialog.widget("area"), "12000")
    assert dialog.save_button.isEnabled()
    _save(qtbot, dialog)
    assert not dialog.isVisible()


def _pick(qtbot: Any, dialog: Any, text: str) -> None:
    dialog.picker.search.setText(text)
    qtbot.waitUntil(lambda: dialog.picker.results.count() > 0)
    dialog.picker.results.setCurrentRow(0)


def test_full_flow(
    qtbot: Any, screen: CarriersScreen, app_ctx: AppContext, message_boxes: Any
) -> None:
    _enterprise(app_ctx, 1, "亳州药谷生物科技有限公司")
    _enterprise(app_ctx, 2, "亳州云帆软件有限公司")
    _add_carrier(qtbot, screen, "药谷孵化器")
    assert screen.carrier_model.rowCount() == 1
    assert screen.selected_carrier_id() is not None
    assert "孵化载体 1 家" in screen.summary.cards["carriers"].text()

    # two enterprises from the roster (searched by name) and a team
    for text, entered in (("药谷", date(2024, 3, 1)), ("云帆", date(2024, 5, 10))):
        dialog = screen.add_incubatee()
        assert not dialog.save_button.isEnabled()
        _pick(qtbot, dialog, text)
        dialog.widget("entered_on").set_value(entered)
        assert dialog.save_button.isEnabled()
        _save(qtbot, dialog)
    dialog = screen.add_incubatee()
    dialog.as_team.setChecked(True)
    assert dialog.general.message.text() == "尚需填写：团队名称"
    dialog.widget("team_name").setText("x")
    dialog.widget("team_name").setText("")  # touched and emptied: the message sits under it
    assert dialog.boxes["team_name"].message.text() == "请填写团队名称"
    dialog.widget("team_name").setText("智慧农业团队")
    dialog.widget("entered_on").set_value(date(2025, 2, 1))
    _save(qtbot, dialog)
    assert screen.incubatee_model.rowCount() == 3
    assert screen.carrier_model.row_at(0).incubating == 3

    # graduate the first enterprise on 2025-06-30
    row = next(
        r for r, v in enumerate(screen.incubatee_model.rows()) if v.name.startswith("亳州药谷")
    )
    screen.incubatee_table.selectRow(row)
    exit_dialog = screen.exit_incubatee()
    exit_dialog.widget("exited_on").set_value(date(2024, 1, 1))
    assert exit_dialog.boxes["exited_on"].message.text() == "离孵日期不能早于入孵日期"
    exit_dialog.widget("exited_on").set_value(date(2025, 6, 30))
    assert exit_dialog.widget("exit_kind").currentData() == "毕业"
    _save(qtbot, exit_dialog)  # no graduation route met: asked first (answered 是)
    assert [t for _k, t, _x in message_boxes.shown] == ["暂不满足毕业条件"]
    statuses = {v.name: v.status(date(2025, 7, 1)) for v in screen.incubatee_model.rows()}
    assert statuses["亳州药谷生物科技有限公司"] == "毕业"
    assert screen.carrier_model.row_at(0).incubating == 2

    # the year's data: reported beside computed, financing typed in 千元
    year_dialog = screen.edit_year()
    year_dialog.year.setValue(2025)
    assert "在孵 2 个，毕业 1 个，新增 1 个" in year_dialog.computed.text()
    qtbot.keyClicks(year_dialog.widget("incubatees_reported"), "4")
    qtbot.keyClicks(year_dialog.widget("graduates_reported"), "1")
    year_dialog.unit.setCurrentIndex(year_dialog.unit.findData("千元"))
    qtbot.keyClicks(year_dialog.widget("financing"), "2500")
    assert "2500 千元 = 250 万元" in year_dialog.converted.text()
    grade = year_dialog.widget("grade")
    grade.setCurrentIndex(grade.findData("A"))
    _save(qtbot, year_dialog)
    y2025 = next(y for y in screen.year_model.rows() if y.year == 2025)
    assert (y2025.incubatees_computed, y2025.incubatees_reported) == (2, 4)
    assert (y2025.graduates_computed, y2025.graduates_reported) == (1, 1)
    assert y2025.financing == pytest.approx(250.0)
    assert y2025.grade_name == "优秀"
    row_2025 = [y.year for y in screen.year_model.rows()].index(2025)
    assert screen.year_model.index(row_2025, 2).data() == "4"

    # readiness: area met, incubatees and graduates short
    labels = {c.label: c for c in screen.readiness_model.rows()}
    assert labels["场地面积"].met
    assert labels["在孵企业"].shortfall == 48


def test_graduation_tab_shows_routes(
    qtbot: Any, screen: CarriersScreen, app_ctx: AppContext
) -> None:
    eid = _enterprise(app_ctx, 3, "亳州创投科技有限公司")
    with app_ctx.store.transaction() as s:
        cid = carriers.create_carrier(s, {"name": "众创一号", "kind": "众创空间"}, OP)
        carriers.add_incubatee(
            s, cid, {"enterprise_id": eid, "entered_on": date(2024, 1, 1), "investment": 600}, OP
        )
    screen.refresh()
    screen.graduation_on.setDate(date(2025, 1, 1))
    checks = screen.graduation_model.rows()
    assert [(c.name, c.routes) for c in checks] == [("亳州创投科技有限公司", ("获投资≥500万元",))]
    assert screen.graduation_model.index(0, 1).data() == "可申请毕业"
    assert "众创空间" not in screen.readiness_note.text() or screen.readiness_model.rowCount() == 3


def test_phone_checked_as_you_type_and_escape_asks(
    qtbot: Any, screen: CarriersScreen, message_boxes: Any
) -> None:
    dialog = screen.new_carrier()
    dialog.widget("name").setText("甲孵化器")
    qtbot.keyClicks(dialog.widget("phone"), "12345")
    assert "电话号码格式不正确" in dialog.boxes["phone"].message.text()
    assert not dialog.save_button.isEnabled()
    message_boxes.answer = QMessageBox.StandardButton.Cancel
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()  # 取消: stays open
    message_boxes.answer = QMessageBox.StandardButton.Discard
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert [kind for kind, _t, _x in message_boxes.shown] == ["question", "question"]
    assert screen.carrier_model.rowCount() == 0


def test_duplicate_name_shown_under_the_field(
    qtbot: Any, screen: CarriersScreen, app_ctx: AppContext
) -> None:
    with app_ctx.store.transaction() as s:
        carriers.create_carrier(s, {"name": "甲孵化器", "kind": "加速器"}, OP)
    dialog = screen.new_carrier()
    dialog.widget("name").setText("甲孵化器")
    dialog.widget("kind").setCurrentIndex(1)
    _save(qtbot, dialog)
    assert dialog.isVisible()
    assert "已有同名载体" in dialog.boxes["name"].message.text()


def test_filters(qtbot: Any, screen: CarriersScreen, app_ctx: AppContext) -> None:
    with app_ctx.store.transaction() as s:
        carriers.create_carrier(s, {"name": "甲孵化器", "kind": "科技企业孵化器"}, OP)
        carriers.create_carrier(s, {"name": "乙空间", "kind": "众创空间", "level": "市级"}, OP)
    screen.refresh()
    assert screen.carrier_model.rowCount() == 2
    screen.kind.setCurrentIndex(screen.kind.findData("众创空间"))
    assert [c.name for c in screen.carrier_model.rows()] == ["乙空间"]
    screen.kind.setCurrentIndex(0)
    screen.search.setText("甲")
    qtbot.waitUntil(lambda: screen.carrier_model.rowCount() == 1)
    assert screen.carrier_model.row_at(0).name == "甲孵化器"


def test_registered_as_a_screen() -> None:
    assert screen_spec("carriers").load() is CarriersScreen


def test_edit_delete_and_remove(
    qtbot: Any, screen: CarriersScreen, app_ctx: AppContext, message_boxes: Any
) -> None:
    with app_ctx.store.transaction() as s:
        cid = carriers.create_carrier(s, {"name": "甲孵化器", "kind": "加速器", "area": 100}, OP)
        iid = carriers.add_incubatee(
            s, cid, {"team_name": "误录团队", "entered_on": date(2024, 1, 1)}, OP
        )
    screen.refresh()
    dialog = screen.edit_carrier()
    assert dialog.widget("name").text() == "甲孵化器"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nothing changed: closes without asking
    assert not dialog.isVisible() and message_boxes.shown == []
    dialog = screen.edit_carrier()
    dialog.widget("area").setText("2500")
    _save(qtbot, dialog)
    assert screen.carrier_model.row_at(0).area == 2500.0
    screen.incubatee_table.selectRow(0)
    assert screen.selected_incubatee_id() == iid
    screen.remove_incubatee()
    assert screen.remove_task is not None and screen.remove_task.wait()
    assert screen.incubatee_model.rowCount() == 0
    screen.delete_carrier()
    assert screen.delete_task is not None and screen.delete_task.wait()
    assert screen.carrier_model.rowCount() == 0
    assert [k for k, _t, _x in message_boxes.shown] == ["question", "question"]
    with app_ctx.session() as s:
        assert carriers.list_carriers(s) == []


def test_picker_creates_an_enterprise_with_the_roster_editor(
    qtbot: Any, screen: CarriersScreen, app_ctx: AppContext, message_boxes: Any
) -> None:
    with app_ctx.store.transaction() as s:
        carriers.create_carrier(s, {"name": "甲孵化器", "kind": "加速器"}, OP)
    screen.refresh()
    dialog = screen.add_incubatee()
    qtbot.mouseClick(dialog.picker.create_button, Qt.MouseButton.LeftButton)
    editor = dialog.picker.last_editor
    assert editor.isVisible()
    eid = _enterprise(app_ctx, 4, "亳州新建科技有限公司")
    editor.saved.emit(eid)  # what the editor emits once its save was delivered
    assert dialog.picker.value() == eid
    assert dialog.picker.picked.text() == "已选：亳州新建科技有限公司"
