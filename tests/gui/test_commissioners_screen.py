"""The 科技特派员 screen driven like a clerk: demand → suggestions → 派遣 → records → grade."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from db.rules.identifiers import mask_resident_id, resident_id_check_char
from db.services.commissioners import assessments, demands, records, roster
from db.services.towns import add_towns, list_towns
from desktop.ui.commissioners.models import COL_ID_NUMBER, CommissionerTableModel
from desktop.ui.commissioners.screen import CommissionersScreen
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.tasks import wait_for_tasks

OP = "测试员"
BODY = "34160219800101001"
ID_NUMBER = BODY + resident_id_check_char(BODY)


def _seed(ctx: AppContext) -> dict[str, int]:
    with ctx.store.transaction() as s:
        add_towns(s, ["十九里镇", "古井镇"], OP)
        town = {t.name: t.id for t in list_towns(s)}
        fit = roster.create(
            s, {"name": "王建国", "id_number": ID_NUMBER, "field": "中药材种植"}, OP
        )
        other = roster.create(
            s,
            {"name": "机械团队", "kind": "团队", "unit": "亳州学院", "field": "机械制造"},
            OP,
        )
    return {"fit": fit, "other": other, **town}


def _screen(qtbot: Any, ctx: AppContext) -> CommissionersScreen:
    screen = CommissionersScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1300, 800)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def _type_cell(qtbot: Any, view: Any, text: str) -> None:
    """Type into the current cell's editor (F2 opens it when Enter did not) and press Enter."""
    editor = view.focusWidget()
    if not isinstance(editor, QLineEdit):
        qtbot.keyClick(view, Qt.Key.Key_F2)
        editor = view.focusWidget()
    assert isinstance(editor, QLineEdit), "the cell editor should be open"
    editor.selectAll()
    editor.insert(text)  # QTest cannot type Chinese characters; insert() is what an IME does
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QCoreApplication.processEvents()  # the delegate commits and closes the editor queued


def test_id_column_masked_until_shown(qtbot: Any, app_ctx: AppContext) -> None:
    _seed(app_ctx)
    screen = _screen(qtbot, app_ctx)
    tab = screen.roster
    row = tab.model.row_of(next(v.id for v in tab.model.rows() if v.name == "王建国"))
    index = tab.model.index(row, COL_ID_NUMBER)
    assert tab.model.data(index) == mask_resident_id(ID_NUMBER)
    assert ID_NUMBER not in tab.model.data(index)
    tab.view.selectRow(row)
    qtbot.mouseClick(tab.reveal, Qt.MouseButton.LeftButton)
    assert wait_for_tasks()
    assert tab.model.data(index) == ID_NUMBER
    qtbot.mouseClick(tab.reveal, Qt.MouseButton.LeftButton)
    assert tab.model.data(index) == mask_resident_id(ID_NUMBER)


def test_roster_model_masks_without_a_view() -> None:
    model = CommissionerTableModel()
    view = roster.CommissionerView(id=1, name="甲", kind="个人", id_number=ID_NUMBER)
    model.set_rows([view])
    shown = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert ID_NUMBER not in shown and mask_resident_id(ID_NUMBER) in shown


def test_editor_validates_as_you_type_and_prompts_on_escape(
    qtbot: Any, app_ctx: AppContext, message_boxes: Any
) -> None:
    screen = _screen(qtbot, app_ctx)
    dialog = screen.roster.new_commissioner()
    name, number = dialog.fields["name"], dialog.fields["id_number"]
    name.insert("李四")
    qtbot.keyClicks(number, BODY + "0")  # wrong check digit
    assert not dialog.save_button.isEnabled()
    assert "校验位" in dialog.message.text()
    number.setText(ID_NUMBER)
    assert dialog.save_button.isEnabled()
    message_boxes.answer = message_boxes.answer.No
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and message_boxes.texts == ["有未保存的修改，确定放弃吗？"]
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks()
    assert not dialog.isVisible()
    assert [v.name for v in screen.roster.model.rows()] == ["李四"]
    assert screen.roster.model.rows()[0].gender == "男"


def test_demand_suggest_dispatch_records_grade(
    qtbot: Any, app_ctx: AppContext, message_boxes: Any
) -> None:
    ids = _seed(app_ctx)
    screen = _screen(qtbot, app_ctx)
    tab = screen.demands
    screen.tabs.setCurrentWidget(tab)

    # a new demand through the editor
    editor = tab.new_demand()
    editor.fields["requester"].insert("张庄村")
    editor.fields["requester_kind"].setCurrentText("村")
    town_box: QComboBox = editor.fields["town_id"]
    town_box.setCurrentIndex(town_box.findData(ids["十九里镇"]))
    editor.fields["field"].insert("中药材种植")
    editor.fields["problem"].insertPlainText("白芍根腐病防治")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks()

    # the suggestions of the open demand, best first with reasons
    assert tab.current_demand() is not None and tab.current_demand().requester == "张庄村"
    ranked = tab.suggestions.rows()
    assert [s.commissioner_id for s in ranked] == [ids["fit"], ids["other"]]
    assert "专业领域一致（中药材种植）" in ranked[0].reasons
    assert tab.dispatch_button.isEnabled()

    # 派遣 → the dispatch dialog, prefilled; saving moves the demand to 已对接
    dialog = tab.dispatch_selected()
    assert dialog.data("commissioner_id") == ids["fit"]
    assert dialog.text("target") == "张庄村"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks()
    with app_ctx.session() as s:
        demand = demands.list_demands(s)[0]
    assert demand.status == "已对接"
    assert screen.dispatches.model.rows()[0].target_name == "张庄村"

    # two service records by keyboard
    rec = screen.records
    screen.tabs.setCurrentWidget(rec)
    dispatch_id = screen.dispatches.model.rows()[0].id
    rec.select_dispatch(dispatch_id)
    view = rec.view
    view.setFocus()
    view.setCurrentIndex(rec.model.index(0, 0))
    this_year = date.today().year
    first = [f"{this_year}-01-05", "张庄村", "现场", "12", "1", "3.5", "是", "否"]
    second = [f"{this_year}-01-09", "村部", "技术培训", "30", "0", "1.25", "否", "否"]
    for text in first + second:
        _type_cell(qtbot, view, text)
    assert view.currentIndex().row() == 2  # the cursor went on to the new blank row
    assert wait_for_tasks()
    assert rec.model.rowCount() == 3
    with app_ctx.session() as s:
        saved = records.list_records(s, dispatch_id)
    assert [(r.kind, r.trained, r.benefit, r.confirmed) for r in saved] == [
        ("现场指导", 12, 3.5, True),
        ("技术培训", 30, 1.25, False),
    ]

    # a bad cell shows its message and is not saved
    _type_cell(qtbot, view, "明天以后2099-01-01")
    assert "服务日期" in rec.message.text()

    # the grade, beside the year's figures
    assess = screen.assessment
    screen.tabs.setCurrentWidget(assess)
    assess.year.setValue(this_year)
    row = assess.model.row_of(ids["fit"])
    assert assess.model.row_at(row).summary == assessments.YearSummary(2, 42, 1, 4.75)
    index = assess.model.index(row, assess.model.columnCount() - 1)
    assess.view.setCurrentIndex(index)
    assess.view.edit(index)
    combo = assess.view.focusWidget()
    assert isinstance(combo, QComboBox)
    combo.setCurrentText("优秀")
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    QCoreApplication.processEvents()  # the delegate commits the grade queued
    QCoreApplication.processEvents()  # and the tab saves it queued (a confirmation may open)
    assert wait_for_tasks()
    with app_ctx.session() as s:
        assert assessments.get_grade(s, ids["fit"], this_year) == "优秀"
    assert assess.model.row_at(assess.model.row_of(ids["fit"])).grade == "优秀"

    # coverage follows: 十九里镇 covered, 古井镇 not
    cov = {t.town: t for t in screen.coverage.model.rows()}
    assert cov["十九里镇"].covered and not cov["古井镇"].covered
