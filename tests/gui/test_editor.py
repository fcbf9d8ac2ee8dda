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


# ----- issue 16: first field focused, Enter / Ctrl+S save and say so, history in Chinese, fit -----

RAW = ("type_id", "enterprise_id", "town_id", "level", "valid_", "above_scale", "revoke")
RAW_VALUES = ("True", "False", "high_tech", "tech_sme", "None")


def test_new_editor_focuses_the_name(qtbot: Any, app_ctx: AppContext, known: Known) -> None:
    editor = open_editor(qtbot, app_ctx, None)
    qtbot.waitExposed(editor)
    qtbot.waitUntil(editor.basic.inputs["name"].hasFocus, timeout=1000)
    assert editor.tabs.currentWidget() is editor.basic


def test_enter_saves_and_closes(
    qtbot: Any, app_ctx: AppContext, known: Known, message_boxes: Any
) -> None:
    editor = open_editor(qtbot, app_ctx, known.huaxin)
    address = editor.basic.inputs["address"]
    address.setFocus()
    address.setText("合肥市高新区9号")
    qtbot.keyClick(address, Qt.Key.Key_Return)
    finish(editor.save_task)
    assert editor.result() == QDialog.DialogCode.Accepted and not editor.isVisible()
    with app_ctx.session() as s:
        assert enterprises.get(s, known.huaxin).address == "合肥市高新区9号"


def test_ctrl_s_saves_keeps_editing_and_says_so(
    qtbot: Any, app_ctx: AppContext, known: Known, message_boxes: Any
) -> None:
    editor = open_editor(qtbot, app_ctx, known.huaxin)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow, timeout=1000)
    contact = editor.basic.inputs["contact"]
    contact.setFocus()
    contact.setText("王五")
    qtbot.keyClick(contact, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    finish(editor.save_task)
    qtbot.waitUntil(lambda: editor.status.text().startswith("已保存（"), timeout=2000)
    assert editor.isVisible() and editor.status.isVisible()
    assert not message_boxes.shown  # confirmed in the dialog, not by a message box
    assert not editor.is_dirty()
    with app_ctx.session() as s:
        assert enterprises.get(s, known.huaxin).contact == "王五"
    contact.setText("赵六")  # the next save starts without the old confirmation
    editor.save()
    assert editor.status.text() == ""
    finish(editor.save_task)
    editor.done(0)


def test_history_speaks_chinese_and_names_references(
    qtbot: Any, app_ctx: AppContext, known: Known
) -> None:
    import json

    from db.services import audit

    with app_ctx.store.transaction() as s:
        enterprises.update(
            s, known.huaxin, {"town_id": known.town_b, "above_scale": False}, "测试员"
        )
        ht = next(q for q in qualifications.for_enterprise(s, known.huaxin) if q.number)
        qualifications.revoke(s, ht.id, date.today(), "复核不通过", "测试员")
        record = {"name": "华信生物科技有限公司", "town_id": known.town_a, "2024.revenue": 500.0}
        record |= {"high_tech.number": "GR202334000001", "high_tech.issued_on": "2023-01-01"}
        audit.record_many(
            s,
            [
                {
                    "operator": "测试员",
                    "action": "create",
                    "entity": "enterprise",
                    "entity_id": known.huaxin,
                    "batch_id": None,
                    "field": None,
                    "old_value": None,
                    "new_value": json.dumps(record, ensure_ascii=False),
                }
            ],
        )
    editor = open_editor(qtbot, app_ctx, known.huaxin)
    texts = history_texts(editor)
    joined = "\n".join(texts)
    for raw in (*RAW, *RAW_VALUES):
        assert raw not in joined, f"{raw!r} shown raw in:\n{joined}"
    assert any("所属镇街 十九里镇 → 城关街道" in t for t in texts), joined
    assert any("是否规上工业企业 是 → 否" in t for t in texts), joined
    assert any("高新技术企业 · 资质类型 高新技术企业" in t for t in texts), joined
    assert any("高新技术企业 · 所属企业 华信生物科技有限公司" in t for t in texts), joined
    assert any("科技型中小企业 · 评价年度" in t for t in texts), joined
    assert any("撤销 高新技术企业 · 撤销原因 （空） → 复核不通过" in t for t in texts), joined
    imported = next(t for t in texts if "2024年营业收入" in t)
    assert "所属镇街：十九里镇" in imported and "2024年营业收入：500.00" in imported
    assert "高新技术企业 · 证书编号：GR202334000001" in imported
    # the table's columns show their text whole
    from desktop.ui.common.cells import cell_fits

    view = editor.history.view
    editor.tabs.setCurrentWidget(editor.history)
    qtbot.wait(20)
    for row in range(view.model().rowCount()):
        for col in range(4):
            assert cell_fits(view, row, col), view.model().index(row, col).data()


def test_editor_fits_1280_by_650(qtbot: Any, app_ctx: AppContext, known: Known) -> None:
    editor = open_editor(qtbot, app_ctx, known.huaxin)
    for size in (editor.minimumSizeHint(), editor.size()):
        assert size.width() <= 1280 and size.height() <= 650, size


def test_ledger_tab_shows_names_longer_than_its_samples(
    qtbot: Any, app_ctx: AppContext, message_boxes: Any
) -> None:
    """The 技术合同与成果 tab sized its columns to sample texts: a longer counterpart was cut."""
    from db.services.contracts import records
    from desktop.ui.common.cells import cell_fits
    from tests.gui.ledger_district import YEAR, build, uscc

    ledger = build(app_ctx.store)
    with app_ctx.store.transaction() as s:
        values = {
            "reg_no": "K9",
            "name": "中药提取物质量控制与检测技术转让",
            "contract_type": "技术转让",
            "seller_name": "亳州神农药业有限公司",
            "seller_uscc": uscc(1),
            "buyer_name": "中国中医科学院中药研究所",
            "seller_local": True,
            "buyer_local": False,
            "amount": 366.62,
            "tech_amount": 300.0,
            "registered_on": date(YEAR, 9, 3),
        }
        records.create_contract(s, values, "测试员")
    editor = open_editor(qtbot, app_ctx, ledger.e[1])
    editor.tabs.setCurrentWidget(editor.ledger)
    view = editor.ledger.contract_view
    qtbot.waitUntil(lambda: view.model().rowCount() >= 3, timeout=2000)
    qtbot.wait(20)  # the columns are sized once the rows are in
    for row in range(view.model().rowCount()):
        for col in range(view.model().columnCount()):
            assert cell_fits(view, row, col), view.model().index(row, col).data()
