"""孵化载体 as a clerk meets it (issue 16, items 8 and 3): a graduation no route supports asks
first, and types, levels, dates and years show whole in a window of the smallest size."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QMessageBox

from db.services import carriers
from db.services.towns import add_towns, list_towns
from desktop.ui.carriers.screen import CarriersScreen
from desktop.ui.common.cells import cell_fits
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.tasks import wait_for_tasks

OP = "测试员"


def _seed(ctx: AppContext) -> dict[str, int]:
    """A national incubator in a town with a long name, a team not ready and one ready."""
    with ctx.store.transaction() as s:
        add_towns(s, ["芍花路街道"], OP)
        town = list_towns(s)[0].id
        cid = carriers.create_carrier(
            s,
            {
                "name": "谯城区科技企业孵化器",
                "kind": "科技企业孵化器",
                "level": "国家级",
                "recognized_year": 2017,
                "town_id": town,
                "operator": "亳州市谯城区科创投资发展有限公司",
                "area": 32000,
                "stations": 260,
            },
            OP,
        )
        values = {"entered_on": date(2024, 3, 19)}
        not_ready = carriers.add_incubatee(s, cid, values | {"team_name": "智慧农业团队"}, OP)
        ready = carriers.add_incubatee(
            s, cid, values | {"team_name": "中药溯源团队", "investment": 800.0}, OP
        )
        carriers.set_carrier_year(s, cid, 2025, {"jobs": 120, "grade": "A"}, OP)
    return {"carrier": cid, "not_ready": not_ready, "ready": ready}


@pytest.fixture
def screen(qtbot: Any, app_ctx: AppContext) -> CarriersScreen:
    w = CarriersScreen(app_ctx)
    qtbot.addWidget(w)
    w.resize(1080, 560)
    w.show()
    qtbot.waitExposed(w)
    return w


def _exit_dialog(screen: CarriersScreen, incubatee_id: int) -> Any:
    screen.reload_carriers()
    row = screen.incubatee_model.row_of(incubatee_id)
    screen.incubatee_table.selectRow(row)
    dialog = screen.exit_incubatee()
    dialog.widget("exited_on").set_value(date(2025, 6, 30))
    assert dialog.widget("exit_kind").currentData() == carriers.GRADUATED
    return dialog


def _exit_of(ctx: AppContext, incubatee_id: int) -> tuple[date | None, str | None]:
    with ctx.session() as s:
        view = carriers.get_incubatee(s, incubatee_id)
    return view.exited_on, view.exit_kind


def test_graduating_a_team_not_ready_asks_and_cancel_keeps_it(
    qtbot: Any, screen: CarriersScreen, app_ctx: AppContext, message_boxes: Any
) -> None:
    ids = _seed(app_ctx)
    dialog = _exit_dialog(screen, ids["not_ready"])
    message_boxes.answer = QMessageBox.StandardButton.Cancel
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks()
    assert [title for _kind, title, _text in message_boxes.shown] == ["暂不满足毕业条件"]
    assert "智慧农业团队" in message_boxes.texts[0]
    assert dialog.isVisible() and dialog.save_task is None  # still open, nothing written
    assert _exit_of(app_ctx, ids["not_ready"]) == (None, None)

    message_boxes.answer = QMessageBox.StandardButton.Yes  # the clerk knows better: 毕业
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks()
    assert not dialog.isVisible()
    assert _exit_of(app_ctx, ids["not_ready"]) == (date(2025, 6, 30), carriers.GRADUATED)


def test_graduating_a_ready_team_or_another_exit_does_not_ask(
    qtbot: Any, screen: CarriersScreen, app_ctx: AppContext, message_boxes: Any
) -> None:
    ids = _seed(app_ctx)
    dialog = _exit_dialog(screen, ids["ready"])  # 获投资 800 万元 ≥ 500
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks()
    dialog = _exit_dialog(screen, ids["not_ready"])
    kinds = dialog.widget("exit_kind")
    kinds.setCurrentIndex(kinds.findData("迁出"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks()
    assert message_boxes.shown == []
    assert _exit_of(app_ctx, ids["ready"]) == (date(2025, 6, 30), carriers.GRADUATED)
    assert _exit_of(app_ctx, ids["not_ready"]) == (date(2025, 6, 30), "迁出")


def test_types_levels_dates_and_years_show_whole(
    screen: CarriersScreen, app_ctx: AppContext
) -> None:
    _seed(app_ctx)
    big = QFont(screen.font())
    big.setPointSizeF(big.pointSizeF() * 1.5)  # a wider font than the default: widths follow it
    screen.setFont(big)
    screen.reload_carriers()
    for _ in range(3):  # columns refit on the next turn of the event loop
        QCoreApplication.processEvents()
    assert screen.minimumSizeHint().width() <= 1080 and screen.minimumSizeHint().height() <= 560
    for col in (1, 2, 3, 4):  # 类型, 级别, 认定年份, 所属镇街
        assert cell_fits(screen.carrier_table, 0, col), col
    for row in range(screen.incubatee_model.rowCount()):
        for col in (3, 4, 5):  # 入孵日期, 离孵日期, 状态
            assert cell_fits(screen.incubatee_table, row, col), (row, col)
    screen.tabs.setCurrentIndex(1)
    for row in range(screen.year_model.rowCount()):
        for col in (0, 8, 10):  # 年度, 就业, 评价
            assert cell_fits(screen.year_table, row, col), (row, col)
