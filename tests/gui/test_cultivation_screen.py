"""培育库 screen: the candidates with their tests, filters by town, gap and stage, search, stage
changes through the write worker, removing an entry, opening the enterprise, export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt

from db.services.plans import cultivation
from desktop.ui.common import files
from desktop.ui.cultivation.screen import CultivationScreen
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.screens import screen_spec
from desktop.ui.shell.tasks import wait_for_tasks
from tests.gui.conftest import MessageBoxes
from tests.unit.cultivation_store import Y, district


@pytest.fixture
def ids(app_ctx: AppContext) -> dict[str, int]:
    with app_ctx.store.transaction() as s:
        return district(s)


def _loaded(qtbot: Any, screen: CultivationScreen) -> None:
    wait_for_tasks()
    qtbot.waitUntil(lambda: screen.board is not None and screen.board.year == Y, timeout=5000)


@pytest.fixture
def screen(qtbot: Any, app_ctx: AppContext, ids: dict[str, int]) -> CultivationScreen:
    widget = CultivationScreen(app_ctx)
    qtbot.addWidget(widget)
    widget.open_filter(year=Y)
    _loaded(qtbot, widget)
    return widget


def names(screen: CultivationScreen) -> list[str]:
    return [screen.model.index(r, 0).data() for r in range(screen.model.rowCount())]


def _choose(box: Any, data: object) -> None:
    box.setCurrentIndex(box.findData(data))


def test_rows_tests_and_filters(qtbot: Any, screen: CultivationScreen) -> None:
    assert names(screen) == ["企业01", "企业03", "企业02", "企业07"]
    row = [screen.model.index(0, c).data() for c in range(screen.model.columnCount())]
    assert row == [
        "企业01",
        "十九里镇",
        "1,000.0",
        "11.8",
        "1.18 ✘",
        "3.33 ✘",
        "—",
        "",
        "研发费用还差 38.2 万元；研发人员还差 2 人",
    ]
    assert "2025年度后备企业 4 家，其中各项达标 2 家" in screen.summary.text()
    assert "2026年预计新增 0 家" in screen.summary.text()
    _choose(screen.gap, "passed")
    assert names(screen) == ["企业03", "企业02"]
    _choose(screen.gap, "staff")
    assert names(screen) == ["企业01"]
    _choose(screen.gap, None)
    _choose(screen.town, "十九里镇")
    assert names(screen) == ["企业01", "企业03"]
    _choose(screen.town, "未填镇街")
    assert names(screen) == ["企业07"]
    _choose(screen.town, None)
    qtbot.keyClicks(screen.search, "03")  # typed; QTest types ASCII only
    qtbot.waitUntil(lambda: names(screen) == ["企业03"], timeout=2000)
    assert screen.count.text() == "显示 1 / 4 家"


def test_stage_changes_through_the_write_worker(
    qtbot: Any, screen: CultivationScreen, app_ctx: AppContext, ids: dict[str, int]
) -> None:
    screen.table.selectRow(0)
    assert screen.add_button.isEnabled() and not screen.stage_button.isEnabled()
    dialog = screen.add_to_pipeline()
    assert dialog is not None
    _choose(dialog.widget("stage"), "已申报")
    dialog.widget("note").setPlainText("九月申报")
    assert dialog.save() is not None and dialog.save_task is not None and dialog.save_task.wait()
    wait_for_tasks()
    qtbot.waitUntil(lambda: screen.model.row_at(0).candidate.stage == "已申报", timeout=5000)
    assert screen.selected_id() == ids["short"]  # the same enterprise stays selected
    _choose(screen.stage, "已申报")
    assert names(screen) == ["企业01"]
    screen.table.selectRow(0)
    dialog = screen.change_stage()
    assert dialog is not None
    stages = [dialog.widget("stage").itemData(i) for i in range(dialog.widget("stage").count())]
    assert stages == ["已认定", "未通过", "培育中"]
    _choose(dialog.widget("stage"), "未通过")
    assert dialog.save() is not None and dialog.save_task is not None and dialog.save_task.wait()
    wait_for_tasks()
    _choose(screen.stage, "未通过")
    qtbot.waitUntil(lambda: names(screen) == ["企业01"], timeout=5000)
    with app_ctx.store.session() as s:
        row = cultivation.candidate_of(s, ids["short"], Y)
    assert row is not None and (row.stage, row.note) == ("未通过", "九月申报")


def test_remove_from_pipeline_asks_first(
    qtbot: Any,
    screen: CultivationScreen,
    app_ctx: AppContext,
    ids: dict[str, int],
    message_boxes: MessageBoxes,
) -> None:
    from db.services.plans import cultivation_pipeline as pipeline

    with app_ctx.store.transaction() as s:
        pipeline.add_entry(s, ids["ok"], Y, "测试员")
    screen.refresh()
    _loaded(qtbot, screen)
    _choose(screen.stage, "培育中")
    screen.table.selectRow(0)
    message_boxes.answer = message_boxes.answer.No
    screen.remove_from_pipeline()
    assert screen.write_task is None
    message_boxes.answer = message_boxes.answer.Yes
    screen.remove_from_pipeline()
    assert screen.write_task is not None and screen.write_task.wait()
    wait_for_tasks()
    qtbot.waitUntil(lambda: names(screen) == [], timeout=5000)
    assert message_boxes.shown[-1][1] == "移出培育库"


def test_open_enterprise_and_export(
    qtbot: Any,
    screen: CultivationScreen,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: MessageBoxes,
) -> None:
    screen.table.selectRow(2)
    editor = screen.open_enterprise()
    assert editor is not None and editor.isVisible()
    editor.done(0)
    wait_for_tasks()
    _choose(screen.gap, "rd")
    out = tmp_path / "后备库.xlsx"
    monkeypatch.setattr(files, "save_file_name", lambda *_a, **_k: str(out))
    exporter = screen.export_button.exporter  # type: ignore[attr-defined]
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    assert exporter.task is not None and exporter.task.wait(10_000)
    wait_for_tasks()
    rows = [list(r) for r in openpyxl.load_workbook(out).active.iter_rows(values_only=True)]
    header = [c for c in rows[0] if c]
    assert header[:3] == ["企业名称", "所属镇街", "营业收入(万元)"]
    assert [r[0] for r in rows[1:] if r[0]] == ["企业01", "企业07"]
    if exporter.notice is not None:
        exporter.notice.close()


def test_registered_and_keyboard(qtbot: Any, screen: CultivationScreen) -> None:
    spec = screen_spec("cultivation")
    assert (spec.title, spec.icon) == ("培育库", "cultivation.svg")
    assert Path("resources/icons/cultivation.svg").exists()
    screen.show()
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow, timeout=3000)
    screen.table.setFocus()
    screen.table.selectRow(1)
    qtbot.keyClick(screen.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(screen.search.hasFocus, timeout=2000)
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert screen.last_dialog is not None and screen.last_dialog.isVisible()
    screen.last_dialog.done(0)
