"""科技特派员 as a clerk meets it (issue 16, item 7): a dispatch corrected later, one ID revealed and
audited, a bad date said in words, a form that keeps still, 优秀 without services asked first, and
values shown whole at both sizes."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox

from db.rules.identifiers import mask_resident_id, resident_id_check_char
from db.services import audit
from db.services.commissioners import assessments, demands, dispatches, records, roster
from db.services.towns import add_towns, list_towns
from desktop.ui.commissioners.models import COL_ID_NUMBER
from desktop.ui.commissioners.screen import CommissionersScreen
from desktop.ui.common.cells import cell_fits
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.tasks import wait_for_tasks

OP = "测试员"
THIS_YEAR = date.today().year


def _id(body: str) -> str:
    return body + resident_id_check_char(body)


def _seed(ctx: AppContext) -> dict[str, int]:
    """Two people with ID numbers, a team, towns, a dispatch and a matched demand."""
    with ctx.store.transaction() as s:
        add_towns(s, ["十九里镇", "古井镇"], OP)
        town = {t.name: t.id for t in list_towns(s)}
        wang = roster.create(s, {"name": "王建国", "id_number": _id("34160219800101001")}, OP)
        li = roster.create(s, {"name": "李秀英", "id_number": _id("34160219850202002")}, OP)
        team = roster.create(s, {"name": "机械团队", "kind": "团队", "unit": "亳州学院"}, OP)
        demand = demands.create(
            s,
            {
                "requester": "张庄村",
                "requester_kind": "村",
                "problem": "白芍根腐病防治",
                "raised_on": date(THIS_YEAR, 1, 2),
            },
            OP,
        )
        did = dispatches.dispatch(
            s,
            wang,
            "张庄村",
            town["十九里镇"],
            date(THIS_YEAR, 1, 3),
            demand_id=demand,
            operator=OP,
        )
    return {"wang": wang, "li": li, "team": team, "dispatch": did, **town}


def _screen(qtbot: Any, ctx: AppContext, size: tuple[int, int] = (1300, 800)) -> Any:
    screen = CommissionersScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(*size)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def _settle() -> None:
    for _ in range(3):  # columns refit on the next turn of the event loop
        QCoreApplication.processEvents()


# ----- item 7a: a dispatch can be edited -----


def test_a_dispatch_is_edited_when_the_agreement_is_signed_later(
    qtbot: Any, app_ctx: AppContext, message_boxes: Any
) -> None:
    ids = _seed(app_ctx)
    screen = _screen(qtbot, app_ctx)
    tab = screen.dispatches
    screen.tabs.setCurrentWidget(tab)
    tab.view.selectRow(tab.model.row_of(ids["dispatch"]))
    qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    dialog = tab.last_dialog
    assert dialog.windowTitle() == "编辑选派结对"
    assert dialog.text("target") == "张庄村" and dialog.data("town_id") == ids["十九里镇"]
    assert not dialog.fields["agreement"].isChecked()
    assert not dialog.fields["commissioner_id"].isEnabled()  # the records hang under them
    dialog.fields["agreement"].setChecked(True)
    dialog.fields["town_id"].setCurrentIndex(dialog.fields["town_id"].findData(ids["古井镇"]))
    dialog.fields["target"].setCurrentText("张庄村村委会")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks()
    assert not dialog.isVisible()
    with app_ctx.session() as s:
        stored = dispatches.get(s, ids["dispatch"])
        trail = audit.history(s, dispatches.ENTITY, ids["dispatch"])
    assert (stored.agreement, stored.town_id, stored.target_name) == (
        True,
        ids["古井镇"],
        "张庄村村委会",
    )
    assert stored.commissioner_id == ids["wang"] and stored.demand_id is not None
    changed = {e.field for e in trail if e.action == "update" and e.operator == OP}
    assert {"agreement", "town_id", "target_name"} <= changed
    row = tab.model.row_at(tab.model.row_of(ids["dispatch"]))
    assert row is not None and row.agreement and row.town == "古井镇"


def test_a_dispatch_edit_over_another_desks_change_is_refused(
    qtbot: Any, app_ctx: AppContext, message_boxes: Any
) -> None:
    ids = _seed(app_ctx)
    screen = _screen(qtbot, app_ctx)
    tab = screen.dispatches
    tab.view.selectRow(tab.model.row_of(ids["dispatch"]))
    dialog = tab.edit_current()
    with app_ctx.store.transaction() as s:  # another desk ends it meanwhile
        dispatches.end_dispatch(s, ids["dispatch"], date(THIS_YEAR, 6, 30), "李静")
    dialog.fields["agreement"].setChecked(True)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks()
    assert [title for _kind, title, _text in message_boxes.shown] == ["记录已被其他人修改"]
    assert "李静" in message_boxes.texts[0]
    with app_ctx.session() as s:
        stored = dispatches.get(s, ids["dispatch"])
    assert not stored.agreement and stored.end_on == date(THIS_YEAR, 6, 30)
    dialog.dirty = False
    dialog.done(0)


def test_the_dispatch_editor_says_a_wrong_period_in_words(
    qtbot: Any, app_ctx: AppContext, message_boxes: Any
) -> None:
    ids = _seed(app_ctx)
    screen = _screen(qtbot, app_ctx)
    tab = screen.dispatches
    tab.view.selectRow(tab.model.row_of(ids["dispatch"]))
    dialog = tab.edit_current()
    dialog.fields["has_end"].setChecked(True)
    dialog.fields["end_on"].setDate(date(THIS_YEAR - 1, 12, 31))
    assert not dialog.save_button.isEnabled()
    assert "结束日期不能早于开始日期" in dialog.message.text()  # said in words, not only red
    dialog.dirty = False
    dialog.done(0)


# ----- item 7c: 显示 reveals one row, audited -----


def test_reveal_shows_the_selected_id_only_and_is_audited(
    qtbot: Any, app_ctx: AppContext, message_boxes: Any
) -> None:
    ids = _seed(app_ctx)
    screen = _screen(qtbot, app_ctx)
    tab = screen.roster
    wang, li = tab.model.row_of(ids["wang"]), tab.model.row_of(ids["li"])

    def shown(row: int) -> str:
        return str(tab.model.index(row, COL_ID_NUMBER).data())

    tab.view.selectRow(wang)
    qtbot.mouseClick(tab.reveal, Qt.MouseButton.LeftButton)
    assert wait_for_tasks()
    assert shown(wang) == _id("34160219800101001")
    assert shown(li) == mask_resident_id(_id("34160219850202002"))  # the other row stays masked
    with app_ctx.session() as s:
        trail = audit.history(s, roster.REVEAL_ENTITY, ids["wang"])
        others = audit.history(s, roster.REVEAL_ENTITY, ids["li"])
        edits = audit.history(s, roster.ENTITY, ids["wang"])
    assert [(e.action, e.operator, e.field) for e in trail] == [("reveal", OP, "id_number")]
    assert others == [] and all(e.action != "reveal" for e in edits)
    assert _id("34160219800101001") not in str(trail[0].new_value)  # the log keeps it masked

    tab.view.selectRow(li)  # another row: every number masked again
    assert shown(wang) == mask_resident_id(_id("34160219800101001"))
    assert not tab.reveal.isChecked()


def test_reveal_without_a_selected_id_asks_for_one(qtbot: Any, app_ctx: AppContext) -> None:
    ids = _seed(app_ctx)
    screen = _screen(qtbot, app_ctx)
    tab = screen.roster
    tab.view.selectRow(tab.model.row_of(ids["team"]))  # a team has no ID number
    qtbot.mouseClick(tab.reveal, Qt.MouseButton.LeftButton)
    assert wait_for_tasks()
    assert not tab.reveal.isChecked() and "请先选择" in tab.count.text()
    with app_ctx.session() as s:
        assert audit.history(s, roster.REVEAL_ENTITY, ids["team"]) == []


# ----- item 7d: a bad date said in words -----


def test_a_bad_service_date_says_what_is_wrong(
    qtbot: Any, app_ctx: AppContext, message_boxes: Any
) -> None:
    ids = _seed(app_ctx)
    screen = _screen(qtbot, app_ctx)
    rec = screen.records
    screen.tabs.setCurrentWidget(rec)
    rec.select_dispatch(ids["dispatch"])
    model = rec.model
    model.setData(model.index(0, 0), "3月1号")
    assert "日期格式应为 2025-03-01" in rec.message.text()
    assert "第1行" in rec.message.text()
    model.setData(model.index(0, 0), f"{THIS_YEAR + 1}-01-01")
    assert "服务日期不能晚于今天" in rec.message.text()
    model.setData(model.index(0, 0), f"{THIS_YEAR}-02-30")
    rec.view.setCurrentIndex(model.index(1, 0))  # leaves the row: not saved, and says why
    rec.message.setText("")
    rec.view.setCurrentIndex(model.index(0, 3))  # back on the red row: explained again
    assert "日期格式应为" in rec.message.text()
    with app_ctx.session() as s:
        assert records.list_records(s, ids["dispatch"]) == []


# ----- item 7e: the new-commissioner form keeps still -----


def test_the_new_commissioner_form_does_not_move_while_typing(
    qtbot: Any, app_ctx: AppContext, message_boxes: Any
) -> None:
    screen = _screen(qtbot, app_ctx)
    dialog = screen.roster.new_commissioner()
    qtbot.waitExposed(dialog)
    fields = dialog.fields

    def layout() -> dict[str, Any]:
        QCoreApplication.processEvents()
        where = {k: w.geometry().getRect() for k, w in fields.items()}
        return where | {
            "保存": dialog.save_button.mapTo(dialog, dialog.save_button.rect().topLeft())
        }

    before = layout()
    steps = (
        lambda: fields["name"].setText("李"),  # an error goes away
        lambda: fields["id_number"].setText("3"),  # an error under a field that was fine
        lambda: fields["id_number"].setText(_id("34160219800101001")),
        lambda: fields["phone"].setText("1"),
        lambda: fields["kind"].setCurrentIndex(1),  # 法人: two errors at once
    )
    for step in steps:
        step()
        assert layout() == before
    dialog.dirty = False
    dialog.done(0)


# ----- item 7f: the best grade without services asks first -----


def test_top_grade_without_services_asks_first(
    qtbot: Any, app_ctx: AppContext, message_boxes: Any
) -> None:
    ids = _seed(app_ctx)
    screen = _screen(qtbot, app_ctx)
    tab = screen.assessment
    screen.tabs.setCurrentWidget(tab)
    tab.year.setValue(THIS_YEAR)
    row = tab.model.row_of(ids["wang"])  # dispatched this year, no service record
    assert tab.model.row_at(row).summary.services == 0
    grade = tab.model.index(row, tab.model.columnCount() - 1)

    message_boxes.answer = QMessageBox.StandardButton.Cancel
    tab.model.setData(grade, "优秀")
    _settle()
    assert wait_for_tasks()
    assert message_boxes.shown and message_boxes.shown[-1][1] == "确认考核等次"
    assert "没有服务记录" in message_boxes.texts[-1]
    with app_ctx.session() as s:
        assert assessments.get_grade(s, ids["wang"], THIS_YEAR) is None
    assert tab.model.index(row, tab.model.columnCount() - 1).data() == ""

    message_boxes.answer = QMessageBox.StandardButton.Yes
    tab.model.setData(grade, "优秀")
    _settle()
    assert wait_for_tasks()
    with app_ctx.session() as s:
        assert assessments.get_grade(s, ids["wang"], THIS_YEAR) == "优秀"

    asked = len(message_boxes.shown)
    tab.model.setData(tab.model.index(tab.model.row_of(ids["wang"]), grade.column()), "合格")
    _settle()
    assert wait_for_tasks()
    assert len(message_boxes.shown) == asked  # another grade: no question
    with app_ctx.session() as s:
        assert assessments.get_grade(s, ids["wang"], THIS_YEAR) == "合格"


# ----- items 3 and 5: whole values, and the screen fits -----


def test_states_dates_and_scores_show_whole(qtbot: Any, app_ctx: AppContext) -> None:
    ids = _seed(app_ctx)
    screen = _screen(qtbot, app_ctx, (1080, 560))
    with app_ctx.store.transaction() as s:  # a pending demand, for the suggestions
        demands.create(
            s,
            {
                "requester": "亳州市谯城区魏岗生猪养殖专业合作社",
                "requester_kind": "合作社",
                "problem": "生猪疫病防控与粪污资源化利用技术指导",
                "raised_on": date(THIS_YEAR, 1, 5),
                "town_id": ids["古井镇"],
            },
            OP,
        )
    tab = screen.demands
    screen.tabs.setCurrentWidget(tab)
    tab.reload()
    tab.view.selectRow(
        next(r for r in range(tab.model.rowCount()) if tab.model.row_at(r).status == "待对接")
    )
    _settle()
    for col in (0, 1):  # 提出日期, 状态 ("已对接", "待对接")
        assert all(cell_fits(tab.view, r, col) for r in range(tab.model.rowCount()))
    assert tab.suggestions.rowCount() > 0
    assert all(cell_fits(tab.suggest_view, r, 2) for r in range(tab.suggestions.rowCount()))
    for other, cols in ((screen.dispatches, (0, 2, 3, 4)), (screen.roster, (0, 1, 4, 10))):
        screen.tabs.setCurrentWidget(other)
        _settle()
        for col in cols:
            assert all(cell_fits(other.view, r, col) for r in range(other.model.rowCount()))


def test_the_screen_and_its_dialogs_fit_the_smallest_window(
    qtbot: Any, app_ctx: AppContext, message_boxes: Any
) -> None:
    ids = _seed(app_ctx)
    screen = _screen(qtbot, app_ctx)
    hint = screen.minimumSizeHint()
    assert hint.width() <= 1080 and hint.height() <= 560
    screen.dispatches.view.selectRow(screen.dispatches.model.row_of(ids["dispatch"]))
    for open_dialog in (
        screen.roster.new_commissioner,
        screen.dispatches.new_dispatch,
        screen.dispatches.edit_current,
        screen.demands.new_demand,
    ):
        dialog = open_dialog()
        size = dialog.sizeHint().expandedTo(dialog.minimumSizeHint())
        assert size.width() <= 1280 and size.height() <= 650
        dialog.dirty = False
        dialog.done(0)
