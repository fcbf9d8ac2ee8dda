"""The enterprise editor: live validation, one-transaction save on the write worker, history,
qualifications, years."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from db.rules.validity import add_years
from db.services import enterprises
from db.services.enterprises import qualifications
from db.store import Store
from desktop.ui.enterprises.editor import EnterpriseEditor
from desktop.ui.enterprises.subdialogs import QualificationDialog, YearDialog
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.tasks import TaskHandle
from tests.unit.test_roster_service import Known, build_known, make_uscc


@pytest.fixture
def known(store: Store) -> Known:
    return build_known(store)


def open_editor(qtbot: Any, ctx: AppContext, enterprise_id: int | None) -> EnterpriseEditor:
    editor = EnterpriseEditor(ctx, enterprise_id)
    qtbot.addWidget(editor)
    editor.show()
    return editor


def finish(handle: TaskHandle[Any] | None) -> None:
    """Wait until the started save delivered its result (success or refusal)."""
    assert handle is not None and handle.wait(5000)


def history_texts(editor: EnterpriseEditor) -> list[str]:
    m = editor.history.model
    return [
        " ".join(m.item(r, c).text() for c in range(m.columnCount())) for r in range(m.rowCount())
    ]


def test_bad_check_digit_is_explained_as_typed(
    qtbot: Any, app_ctx: AppContext, known: Known
) -> None:
    editor = open_editor(qtbot, app_ctx, known.huaxin)
    good = make_uscc(1)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    edit = editor.basic.inputs["uscc"]
    edit.clear()
    qtbot.keyClicks(edit, wrong)
    box = editor.basic.boxes["uscc"]
    assert box.message.isVisibleTo(editor) and "校验位" in box.message.text()
    edit.setText(good[:10])
    assert "长度应为18位" in box.message.text()
    edit.setText(make_uscc(2))
    assert "已属于" in box.message.text()
    edit.setText(good)
    assert not box.message.isVisibleTo(editor)


def test_save_writes_and_history_shows_it(qtbot: Any, app_ctx: AppContext, known: Known) -> None:
    editor = open_editor(qtbot, app_ctx, known.huaxin)
    saved: list[int] = []
    editor.saved.connect(saved.append)
    editor.basic.inputs["address"].setText("合肥市高新区1号")
    editor.basic.inputs["above_scale"].setChecked(False)
    assert editor.is_dirty()
    editor.save_button.click()
    finish(editor.save_task)
    assert saved == [known.huaxin] and editor.result() == QDialog.DialogCode.Accepted
    with app_ctx.session() as s:
        view = enterprises.get(s, known.huaxin)
    assert view.address == "合肥市高新区1号" and view.above_scale is False
    again = open_editor(qtbot, app_ctx, known.huaxin)
    texts = history_texts(again)
    assert any("注册地址" in t and "合肥市高新区1号" in t and "测试员" in t for t in texts)


def test_service_error_shown_next_to_field(
    qtbot: Any, app_ctx: AppContext, known: Known, message_boxes: Any
) -> None:
    # message_boxes: the editor stays dirty, and closing it at teardown asks 保存/放弃/取消.
    editor = open_editor(qtbot, app_ctx, known.huaxin)
    editor.basic.inputs["name"].setText("")
    finish(editor.save())
    assert not editor.last_save_ok
    assert "企业名称" in editor.basic.boxes["name"].message.text()
    with app_ctx.session() as s:
        assert enterprises.get(s, known.huaxin).name == "华信生物科技有限公司"


def test_new_enterprise_with_existing_code_opens_it(
    qtbot: Any, app_ctx: AppContext, known: Known, message_boxes: Any
) -> None:
    editor = open_editor(qtbot, app_ctx, None)
    editor.basic.inputs["name"].setText("另一家公司")
    editor.basic.inputs["uscc"].setText(make_uscc(2))
    finish(editor.save())
    assert not editor.last_save_ok
    assert "已存在" in message_boxes.texts[-1]
    assert editor.basic.inputs["name"].text() == "安徽明远机械有限公司"


def test_similar_name_warns(qtbot: Any, app_ctx: AppContext, known: Known) -> None:
    editor = open_editor(qtbot, app_ctx, None)
    editor.basic.inputs["name"].setText("华信生物科技股份有限公司")
    editor.basic.check_name()
    assert "名称相近" in editor.basic.boxes["name"].message.text()


def test_add_qualification_shows_status_and_saves(
    qtbot: Any, app_ctx: AppContext, known: Known, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = date(date.today().year - 1, 3, 1)

    def fill(dialog: QualificationDialog) -> int:
        dialog.type_combo.setCurrentIndex(dialog.type_combo.findText("高新技术企业"))
        dialog.issued_on.set_value(issued)
        dialog.number.setText(f"GR{issued.year - 1}34000123")
        assert "不一致" in dialog.number_box.message.text()  # amber warning, not an error
        assert "#a15c00" in dialog.number_box.message.styleSheet()
        dialog.number.setText(f"GR{issued.year}34000123")
        assert not dialog.number_box.message.text()
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(QualificationDialog, "exec", fill)
    editor = open_editor(qtbot, app_ctx, known.xinghe)
    editor.quals.add_qualification()
    m = editor.quals.model
    assert m.rowCount() == 1 and m.item(0, 6).text().startswith("有效")
    through = add_years(issued, 3) - timedelta(days=1)
    assert m.item(0, 5).text() == through.isoformat()
    assert m.item(0, 2).text() == "国家级"
    finish(editor.save())
    assert editor.last_save_ok
    with app_ctx.session() as s:
        (q,) = qualifications.for_enterprise(s, known.xinghe)
    assert q.number == f"GR{issued.year}34000123" and q.valid_through == through


def test_revoke_qualification(
    qtbot: Any, app_ctx: AppContext, known: Known, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.ui.enterprises.subdialogs import RevokeDialog

    def accept(dialog: RevokeDialog) -> int:
        dialog.reason.setText("复核不通过")
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(RevokeDialog, "exec", accept)
    editor = open_editor(qtbot, app_ctx, known.huaxin)
    row = next(
        r
        for r in range(editor.quals.model.rowCount())
        if editor.quals.model.item(r, 0).text() == "高新技术企业"
    )
    editor.quals.view.setCurrentIndex(editor.quals.model.index(row, 0))
    editor.quals.revoke_qualification()
    assert editor.quals.model.item(row, 6).text().startswith("已撤销")
    finish(editor.save())
    assert editor.last_save_ok
    with app_ctx.session() as s:
        revoked = [q for q in qualifications.for_enterprise(s, known.huaxin) if q.revoked_on]
    assert len(revoked) == 1 and revoked[0].revoke_reason == "复核不通过"


def test_year_figures_with_ratio(
    qtbot: Any, app_ctx: AppContext, known: Known, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fill(dialog: YearDialog) -> int:
        dialog.revenue.setText("1,000")
        dialog.rd_expense.setText("35")
        dialog.employees.setText("12")
        dialog.rd_activity.set_value(True)
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(YearDialog, "exec", fill)
    editor = open_editor(qtbot, app_ctx, known.xinghe)
    editor.years.add_year()
    assert editor.years.model.item(0, 3).text() == "3.50%"
    finish(editor.save())
    assert editor.last_save_ok
    with app_ctx.session() as s:
        (y,) = enterprises.get(s, known.xinghe).years
    assert (y.year, y.revenue, y.rd_expense, y.employees, y.rd_activity) == (
        date.today().year - 1,
        1000.0,
        35.0,
        12,
        True,
    )


def test_refused_year_writes_nothing_and_says_why(
    qtbot: Any, app_ctx: AppContext, known: Known, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fill(dialog: YearDialog) -> int:
        dialog.revenue.setText("-5")
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(YearDialog, "exec", fill)
    editor = open_editor(qtbot, app_ctx, known.xinghe)
    editor.basic.inputs["address"].setText("亳州市谯城区2号")
    editor.years.add_year()
    editor.save_and_close()
    finish(editor.save_task)
    assert not editor.last_save_ok and editor.isVisible()
    assert "负数" in editor.general_message.message.text()
    with app_ctx.session() as s:
        view = enterprises.get(s, known.xinghe)
    assert view.address != "亳州市谯城区2号" and not view.years  # one transaction, rolled back
    editor.done(0)


def test_escape_with_unsaved_changes_asks(
    qtbot: Any, app_ctx: AppContext, known: Known, message_boxes: Any
) -> None:
    editor = open_editor(qtbot, app_ctx, known.huaxin)
    editor.basic.inputs["contact"].setText("张三")
    message_boxes.answer = QMessageBox.StandardButton.Cancel
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert editor.isVisible() and "未保存" in message_boxes.texts[-1]
    message_boxes.answer = QMessageBox.StandardButton.Save
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    finish(editor.save_task)
    assert not editor.isVisible()
    with app_ctx.session() as s:
        assert enterprises.get(s, known.huaxin).contact == "张三"


def test_escape_discard_and_clean_close(
    qtbot: Any, app_ctx: AppContext, known: Known, message_boxes: Any
) -> None:
    editor = open_editor(qtbot, app_ctx, known.huaxin)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.isVisible() and not message_boxes.shown
    editor = open_editor(qtbot, app_ctx, known.huaxin)
    editor.basic.inputs["contact"].setText("李四")
    message_boxes.answer = QMessageBox.StandardButton.Discard
    editor.close()
    assert not editor.isVisible() and len(message_boxes.shown) == 1
    with app_ctx.session() as s:
        assert enterprises.get(s, known.huaxin).contact is None


def test_incubation_history_and_hosted_platforms_show_in_the_editor(
    qtbot: Any, app_ctx: AppContext, known: Known
) -> None:
    from db.services import carriers, platforms

    eid = known.huaxin
    with app_ctx.store.transaction() as s:
        cid = carriers.create_carrier(
            s, {"name": "谯城区科技企业孵化器", "kind": "科技企业孵化器"}, "测试员"
        )
        values = {"enterprise_id": eid, "entered_on": date(2022, 3, 1)}
        carriers.add_incubatee(s, cid, values, "测试员")
        platforms.create_platform(
            s,
            {
                "name": "中药材工程技术研究中心",
                "kind": "工程技术研究中心",
                "level": "省级",
                "host_enterprise_id": eid,
                "recognized_year": 2023,
            },
            "测试员",
        )
    editor = open_editor(qtbot, app_ctx, eid)
    inc, plat = editor.links.incubation_model, editor.links.platform_model
    assert inc.rowCount() == 1 and inc.item(0, 0).text() == "谯城区科技企业孵化器"
    assert inc.item(0, 2).text() == "2022-03-01"
    assert plat.rowCount() == 1 and plat.item(0, 0).text() == "中药材工程技术研究中心"
    assert plat.item(0, 3).text() == "2023"
