"""Returns a bureau can sign, in the window: 报出 only once generated and not empty, every warning
with its own explanation, 更正 as a new version, 设置 → 报表 marks and the 高企后备库 thresholds."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QScrollArea, QTableWidgetItem

from db.services import returns_marks
from db.services.settings import get_settings
from db.store import Store
from desktop.returns import archive
from desktop.returns.compute import compute
from desktop.returns.definitions import BY_ID
from desktop.returns.model import Period
from desktop.ui.returns.screen import ReturnsScreen
from desktop.ui.settings.screen import SettingsScreen
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.shell.tasks import wait_for_tasks
from tests.unit.returns import builders
from tests.unit.returns.texts import pdf_text


def _screen(qtbot: Any, ctx: AppContext) -> ReturnsScreen:
    screen = ReturnsScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    assert wait_for_tasks(10_000)
    return screen


def _generate(qtbot: Any, screen: ReturnsScreen, return_id: str, year: int = 2025) -> None:
    screen.picker.select_return(return_id)
    screen.picker.year_spin.setValue(year)
    qtbot.mouseClick(screen.generate_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks(60_000)
    assert screen.generated is not None


def test_submit_is_not_offered_before_generation_nor_for_an_empty_return(
    qtbot: Any, store: Store, app_ctx: AppContext
) -> None:
    with store.transaction() as session:
        builders.small_store(session)
    screen = _screen(qtbot, app_ctx)
    assert not screen.submit_button.isEnabled()
    assert not screen.pdf_button.isEnabled()
    assert "尚未审核" in screen.checks.summary.text()
    assert "审核通过" not in screen.checks.summary.text()
    _generate(qtbot, screen, "tech-sme-roster", year=2021)  # nobody entered that year
    assert screen.generated is not None and screen.generated.table.rows == []
    assert "没有数据" in screen.checks.summary.text()
    assert not screen.checks.ready() and not screen.submit_button.isEnabled()
    assert screen.pdf_button.isEnabled()  # it can still be looked at and exported
    _generate(qtbot, screen, "tech-sme-roster", year=2025)
    assert "审核通过" in screen.checks.summary.text()
    assert screen.submit_button.isEnabled()


def test_every_warning_is_listed_with_its_own_explanation(
    qtbot: Any, store: Store, app_ctx: AppContext
) -> None:
    with store.transaction() as session:
        builders.small_store(session)  # 2025 targets only: 2026 lacks both
    screen = _screen(qtbot, app_ctx)
    _generate(qtbot, screen, "double-breakthrough", year=2026)
    qtbot.wait(50)
    warnings = screen.generated.table.warnings  # type: ignore[union-attr]
    assert {w.key for w in warnings} == {"target:ht_target", "target:sme_target", "no-town"}
    assert set(screen.checks.explanation_edits) == {w.key for w in warnings}
    assert "3 条警告" in screen.checks.summary.text()
    for edit in screen.checks.explanation_edits.values():
        assert edit.isVisibleTo(screen)
        assert edit.height() > 10
    listing = screen.checks.findChild(QScrollArea)
    assert listing is not None and listing.height() >= 3 * 20  # the three rows are not cut off
    for edit in list(screen.checks.explanation_edits.values())[:2]:
        edit.insert("已核实")
    assert not screen.submit_button.isEnabled()
    assert "还差 1 条" in screen.checks.summary.text()
    list(screen.checks.explanation_edits.values())[2].insert("已核实")
    assert screen.submit_button.isEnabled()


def test_a_submitted_return_is_corrected_as_a_new_version(
    qtbot: Any,
    store: Store,
    app_ctx: AppContext,
    message_boxes: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with store.transaction() as session:
        known = builders.small_store(session)
    screen = _screen(qtbot, app_ctx)
    _generate(qtbot, screen, "tech-sme-roster")
    qtbot.mouseClick(screen.submit_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks(10_000)
    assert screen.history.model.rowCount() == 1
    with store.transaction() as session:
        eid = builders.enterprise(session, known, "漏报科技有限公司", "濉溪镇")
        builders.tech_sme(session, eid, 2025)
    asked: list[str] = []

    def reason(_parent: Any, _title: str, label: str, *a: Any, **kw: Any) -> tuple[str, bool]:
        asked.append(label)
        return ("漏报一家企业", True)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(reason))
    screen.history.table.selectRow(0)
    assert screen.history.buttons["correct"].isEnabled()
    qtbot.mouseClick(screen.history.buttons["correct"], Qt.MouseButton.LeftButton)
    assert wait_for_tasks(60_000)
    assert screen.correcting is not None
    assert screen.submit_button.text() == "报出更正"
    assert "更正第1版" in screen.document_label.text()
    assert len(screen.generated.table.rows) == 4  # type: ignore[union-attr]
    qtbot.mouseClick(screen.submit_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks(10_000)
    assert asked and "更正原因" in asked[0]
    assert screen.history.model.rowCount() == 2
    newest, oldest = screen.history.model.item(0), screen.history.model.item(1)
    assert (newest.version, newest.corrects_id, newest.correction_reason) == (
        2,
        oldest.id,
        "漏报一家企业",
    )
    assert screen.tabs.tabText(1) == "已报出（2）"
    screen.history.table.selectRow(1)
    assert not screen.history.buttons["correct"].isEnabled()  # only the latest is corrected
    assert screen.history.buttons["preview"].isEnabled()
    with store.session() as session:
        old = archive.get_submitted(session, oldest.id)
    assert old is not None and "漏报科技有限公司" not in pdf_text(old.pdf)
    assert screen.archived is not None and "漏报科技有限公司" in pdf_text(screen.archived.pdf)


def test_a_correction_without_a_reason_is_not_sent(
    qtbot: Any,
    store: Store,
    app_ctx: AppContext,
    message_boxes: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with store.transaction() as session:
        builders.small_store(session)
    screen = _screen(qtbot, app_ctx)
    _generate(qtbot, screen, "tech-sme-roster")
    qtbot.mouseClick(screen.submit_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks(10_000)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("", False)))
    screen.history.table.selectRow(0)
    qtbot.mouseClick(screen.history.buttons["correct"], Qt.MouseButton.LeftButton)
    assert wait_for_tasks(60_000)
    qtbot.mouseClick(screen.submit_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks(10_000)
    assert screen.history.model.rowCount() == 1


# ---- 设置 → 报表 and the thresholds -------------------------------------------------------------


@pytest.fixture
def settings_screen(main_window: MainWindow) -> SettingsScreen:
    screen = main_window.navigate("settings")
    assert isinstance(screen, SettingsScreen)
    return screen


def _row_of(screen: SettingsScreen, return_id: str) -> int:
    panel = screen.marks
    return next(r for r in range(panel.table.rowCount()) if panel.return_id_of(r) == return_id)


def test_legal_marks_are_edited_per_return_and_printed(
    qtbot: Any, main_window: MainWindow, settings_screen: SettingsScreen
) -> None:
    store = main_window.ctx.store
    with store.transaction() as session:
        builders.small_store(session)
    settings_screen.load()
    panel = settings_screen.marks
    assert settings_screen.tabs.tabText(1) == "报表"
    assert panel.table.rowCount() == len(BY_ID)
    row = _row_of(settings_screen, "double-breakthrough")
    assert panel.table.item(row, 1).text() == "科双01表"  # the default shows
    assert panel.table.item(row, 2).text() == "谯城区科学技术局"
    assert not settings_screen.view.save.isEnabled()
    panel.table.setItem(row, 1, QTableWidgetItem(""))
    panel.table.setItem(row, 4, QTableWidgetItem("安徽省统计局"))
    panel.table.setItem(row, 5, QTableWidgetItem("皖统制〔2025〕12号"))
    combo = panel.kinds["double-breakthrough"]
    combo.setCurrentIndex(combo.findData("备案机关"))
    assert settings_screen.view.save.isEnabled()
    assert panel.changes() == {
        "double-breakthrough": {
            "table_no": "",
            "approval_kind": "备案机关",
            "approval_authority": "安徽省统计局",
            "approval_no": "皖统制〔2025〕12号",
        }
    }
    qtbot.mouseClick(settings_screen.view.save, Qt.MouseButton.LeftButton)
    task = settings_screen.save_task
    assert task is not None and task.wait(10_000)
    assert settings_screen.last_save_ok
    with store.session() as session:
        stored = returns_marks.marks_of(session, "double-breakthrough")
        table = compute(
            BY_ID["double-breakthrough"], session, Period(2025), as_of=date(2025, 12, 31)
        )
    assert stored["table_no"] == "" and stored["approval_no"] == "皖统制〔2025〕12号"
    assert "authority" not in stored  # never touched: still follows the bureau's name
    assert table.legal_lines == [
        ("制表机关", "谯城区科学技术局"),
        ("备案机关", "安徽省统计局"),
        ("备案文号", "皖统制〔2025〕12号"),
    ]
    assert not settings_screen.view.save.isEnabled()
    assert panel.table.item(row, 1).text() == ""


def test_a_too_long_mark_is_refused_naming_the_return(
    qtbot: Any, main_window: MainWindow, settings_screen: SettingsScreen
) -> None:
    panel = settings_screen.marks
    row = _row_of(settings_screen, "carriers")
    panel.table.setItem(row, 1, QTableWidgetItem("号" * 70))
    qtbot.mouseClick(settings_screen.view.save, Qt.MouseButton.LeftButton)
    assert settings_screen.save_task is None or not settings_screen.last_save_ok
    assert not panel.error.isHidden()
    assert "孵化载体运行情况统计表" in panel.error.text() and "64" in panel.error.text()
    with main_window.ctx.store.session() as session:
        assert returns_marks.stored_marks(session) == {}


def test_candidate_thresholds_are_saved_with_the_form(
    qtbot: Any, main_window: MainWindow, settings_screen: SettingsScreen
) -> None:
    v = settings_screen.view
    v.candidate_min_years.setValue(2)
    v.candidate_rd_ratio_small.setValue(6.5)
    v.candidate_staff_ratio.setValue(12.0)
    assert v.candidate_rd_ratio_mid.maximum() == 100.0
    qtbot.mouseClick(v.save, Qt.MouseButton.LeftButton)
    task = settings_screen.save_task
    assert task is not None and task.wait(10_000)
    with main_window.ctx.store.session() as session:
        saved = get_settings(session)
    assert saved.candidate_min_years == 2
    assert saved.candidate_rd_ratio_small == 6.5
    assert saved.candidate_staff_ratio == 12.0
    assert saved.candidate_rd_ratio_large == 3.0
