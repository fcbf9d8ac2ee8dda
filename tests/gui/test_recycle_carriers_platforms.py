"""回收站 on the carriers and platforms screens: delete → listed → 恢复 → back in the table."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt

from db.services import carriers, platforms
from desktop.ui.carriers.screen import CarriersScreen
from desktop.ui.common.recycle import RecycleDialog
from desktop.ui.platforms.screen import PlatformsScreen
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.tasks import wait_for_tasks

OP = "测试员"


def _cells(dialog: RecycleDialog, row: int) -> list[str]:
    return [dialog.model.item(row, c).text() for c in range(dialog.model.columnCount())]


def test_carrier_deleted_then_restored(qtbot: Any, app_ctx: AppContext, message_boxes: Any) -> None:
    with app_ctx.store.transaction() as s:
        cid = carriers.create_carrier(s, {"name": "众创一号", "kind": "众创空间"}, OP)
        carriers.create_carrier(s, {"name": "甲孵化器", "kind": "加速器"}, OP)
    screen = CarriersScreen(app_ctx)
    qtbot.addWidget(screen)
    screen.show()
    screen.select_carrier(cid)
    qtbot.mouseClick(screen.delete_button, Qt.MouseButton.LeftButton)
    assert screen.delete_task is not None and screen.delete_task.wait()
    assert screen.carrier_model.row_of(cid) == -1

    qtbot.mouseClick(screen.bin_button, Qt.MouseButton.LeftButton)
    dialog = screen.last_bin
    assert dialog.isVisible() and dialog.row_of(cid) == 0
    name, kind, when, who = _cells(dialog, 0)
    assert (name, kind, who) == ("众创一号", "众创空间", OP)
    assert when.startswith(date.today().isoformat())

    dialog.view.selectRow(0)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks()  # the restore may run on the write worker
    assert dialog.model.rowCount() == 0
    assert screen.carrier_model.row_of(cid) >= 0
    assert screen.selected_carrier_id() == cid
    dialog.close()


def test_platform_deleted_then_restored(
    qtbot: Any, app_ctx: AppContext, message_boxes: Any
) -> None:
    with app_ctx.store.transaction() as s:
        pid = platforms.create_platform(
            s,
            {"name": "学院工作站", "kind": "专家工作站", "level": "市级", "host_name": "亳州学院"},
            OP,
        )
    screen = PlatformsScreen(app_ctx)
    qtbot.addWidget(screen)
    screen.show()
    screen.platform_table.selectRow(screen.platform_model.row_of(pid))
    qtbot.mouseClick(screen.delete_button, Qt.MouseButton.LeftButton)
    assert screen.delete_task is not None and screen.delete_task.wait()
    assert screen.platform_model.rowCount() == 0

    qtbot.mouseClick(screen.bin_button, Qt.MouseButton.LeftButton)
    dialog = screen.last_bin
    assert dialog.row_of(pid) == 0
    name, kind, host, _when, who = _cells(dialog, 0)
    assert (name, kind, host, who) == ("学院工作站", "专家工作站", "亳州学院", OP)

    dialog.view.selectRow(0)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks()  # the restore may run on the write worker
    assert dialog.row_of(pid) == -1
    assert screen.platform_model.row_of(pid) >= 0
    dialog.close()
