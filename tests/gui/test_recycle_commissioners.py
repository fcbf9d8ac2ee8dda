"""回收站 on the commissioner screen: delete → listed with operator and time → 恢复 → back."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt

from db.services.commissioners import demands, roster
from desktop.ui.commissioners.screen import CommissionersScreen
from desktop.ui.common.recycle import RecycleDialog
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.tasks import wait_for_tasks

OP = "测试员"


def _seed(ctx: AppContext) -> tuple[int, int]:
    with ctx.store.transaction() as s:
        cid = roster.create(s, {"name": "机械团队", "kind": "团队", "unit": "亳州学院"}, OP)
        roster.create(s, {"name": "农技团队", "kind": "团队", "unit": "安徽农大"}, OP)
        did = demands.create(
            s,
            {"requester": "古井酒厂", "problem": "酿造废水处理", "raised_on": date(2025, 3, 1)},
            OP,
        )
    return cid, did


def _screen(qtbot: Any, ctx: AppContext) -> CommissionersScreen:
    screen = CommissionersScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1300, 800)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def _cells(dialog: RecycleDialog, row: int) -> list[str]:
    return [dialog.model.item(row, c).text() for c in range(dialog.model.columnCount())]


def _restore_row(qtbot: Any, dialog: RecycleDialog, row: int) -> None:
    dialog.view.selectRow(row)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks()  # the restore runs on the write worker


def test_commissioner_deleted_then_restored(
    qtbot: Any, app_ctx: AppContext, message_boxes: Any
) -> None:
    cid, _did = _seed(app_ctx)
    screen = _screen(qtbot, app_ctx)
    tab = screen.roster
    tab.view.selectRow(tab.model.row_of(cid))
    qtbot.mouseClick(tab.buttons["delete"], Qt.MouseButton.LeftButton)
    wait_for_tasks()
    assert tab.model.row_of(cid) == -1

    qtbot.mouseClick(tab.buttons["bin"], Qt.MouseButton.LeftButton)
    dialog = tab.last_dialog
    assert isinstance(dialog, RecycleDialog) and dialog.isVisible()
    row = dialog.row_of(cid)
    assert row == 0 and dialog.model.rowCount() == 1
    name, kind, unit, when, who = _cells(dialog, row)
    assert (name, kind, unit, who) == ("机械团队", "团队", "亳州学院", OP)
    assert when.startswith(date.today().isoformat())

    _restore_row(qtbot, dialog, row)
    assert dialog.row_of(cid) == -1 and dialog.model.rowCount() == 0
    assert not dialog.restore_button.isEnabled()
    assert tab.model.row_of(cid) >= 0
    with app_ctx.session() as s:
        assert roster.get(s, cid).deleted_at is None
        assert roster.deleted_commissioners(s) == []
    dialog.close()


def test_demand_deleted_then_restored(qtbot: Any, app_ctx: AppContext, message_boxes: Any) -> None:
    _cid, did = _seed(app_ctx)
    screen = _screen(qtbot, app_ctx)
    tab = screen.demands
    tab.view.selectRow(tab.model.row_of(did))
    qtbot.mouseClick(tab.buttons["delete"], Qt.MouseButton.LeftButton)
    wait_for_tasks()
    assert tab.model.row_of(did) == -1

    dialog = tab.open_recycle_bin()
    row = dialog.row_of(did)
    assert row == 0
    requester, raised, problem, when, who = _cells(dialog, row)
    assert (requester, raised, problem, who) == ("古井酒厂", "2025-03-01", "酿造废水处理", OP)
    assert when.startswith(date.today().isoformat())

    _restore_row(qtbot, dialog, row)
    assert dialog.row_of(did) == -1
    assert tab.model.row_of(did) >= 0
    with app_ctx.session() as s:
        assert [d.id for d in demands.list_demands(s)] == [did]
    dialog.close()


def test_empty_bin_says_so(qtbot: Any, app_ctx: AppContext) -> None:
    _seed(app_ctx)
    screen = _screen(qtbot, app_ctx)
    tab = screen.roster
    dialog = tab.open_recycle_bin()
    assert dialog.model.rowCount() == 0
    assert dialog.empty.isVisibleTo(dialog) and not dialog.restore_button.isEnabled()
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)  # nothing happens
    assert dialog.model.rowCount() == 0
    dialog.close()
