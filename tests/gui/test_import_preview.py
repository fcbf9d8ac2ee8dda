"""The preview a clerk can check: every parsed value, old → new, filters, town sources, mapping."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from db.services.imports.mappings import save_mappings
from db.services.towns import add_towns
from db.store import Store
from desktop.ui.imports.mapping import CHANGED, IGNORE, SAVED, UNMATCHED
from desktop.ui.imports.panel import FilePanel
from desktop.ui.imports.preview import ImportPreview
from desktop.ui.imports.preview_model import CHANGED_ROLE, OUTCOME_ROLE
from desktop.ui.imports.screen import ImportScreen
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.tasks import wait_for_tasks

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"
SHIJIULI = SAMPLES / "十九里镇-2025年科技型企业统计表.xlsx"
COMMISSIONERS = SAMPLES / "kinds" / "十九里镇-科技特派员名单.xlsx"
TOWNS = ["十九里镇", "五马镇", "牛集镇", "古井镇", "汤陵街道", "芍花路街道"]
FIRST = "谯城鑫源食品有限公司"  # row 4 of the sample


@pytest.fixture
def screen(qtbot: Any, store: Store, app_ctx: AppContext) -> Iterator[ImportScreen]:
    with store.transaction() as session:
        add_towns(session, TOWNS, "测试员")
    widget = ImportScreen(app_ctx)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    assert wait_for_tasks(10_000)
    yield widget
    wait_for_tasks(10_000)


def _add(screen: ImportScreen, path: Path) -> FilePanel:
    panels = screen.add_files([path])
    assert wait_for_tasks(20_000)
    panel = panels[0] if panels else screen.panels[-1]
    assert panel.plan is not None, panel.refusal
    return panel


def _replanned(qtbot: Any, panel: FilePanel) -> None:
    qtbot.waitUntil(lambda: not panel.busy, timeout=10_000)
    assert wait_for_tasks(10_000)


def _cell(preview: ImportPreview, first: str, title: str, role: int = 0) -> Any:
    """The data of the column `title` on the row whose first value column reads `first`."""
    model = preview.model
    name = model.column_of("企业名称") if model.column_of("企业名称") >= 0 else 3
    col = model.column_of(title)
    assert col >= 0, title
    for row in range(model.rowCount()):
        if first in (model.index(row, name).data() or ""):
            return model.index(row, col).data(role)
    raise AssertionError(f"no row {first}")


def _write_book(path: Path, header: list[str], rows: list[list[Any]], title: str = "") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_every_parsed_value_is_shown(screen: ImportScreen) -> None:
    preview = _add(screen, SHIJIULI).preview
    assert _cell(preview, FIRST, "行号") == "4"
    assert _cell(preview, FIRST, "结果") == "新增"
    assert _cell(preview, FIRST, "统一社会信用代码") == "91341602830166130N"  # NFKC'd
    assert _cell(preview, FIRST, "成立日期") == "1999-10-04"
    assert _cell(preview, FIRST, "营业收入(万元)") == "6,086.54"
    assert _cell(preview, FIRST, "研发费用(万元)") == "131.43"
    assert _cell(preview, FIRST, "从业人员数") == "71"
    assert _cell(preview, FIRST, "是否有研发活动") == "是"
    assert _cell(preview, FIRST, "高新技术企业证书编号") == "GR202234067877"
    assert _cell(preview, FIRST, "高企发证日期") == "2022-10-14"  # written 2022年10月14日
    assert _cell(preview, FIRST, "科技型中小企业入库编号") == "2025341602A0568138"
    assert _cell(preview, FIRST, "入库年度") == "2025"
    assert _cell(preview, FIRST, "所属镇街") == "十九里镇（指定）"
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    align = Qt.ItemDataRole.TextAlignmentRole
    assert _cell(preview, FIRST, "营业收入(万元)", align) == right
    assert _cell(preview, FIRST, "结果", OUTCOME_ROLE) == "created"
    tip = _cell(preview, FIRST, "企业名称", Qt.ItemDataRole.ToolTipRole)
    assert tip == FIRST  # long values elide in the view; the tooltip has them whole


def test_rejected_rows_show_every_problem_and_their_cells(screen: ImportScreen) -> None:
    preview = _add(screen, SHIJIULI).preview
    preview.set_outcome("rejected")
    model = preview.model
    assert model.rowCount() == 2
    assert [model.index(r, model.column_of("结果")).data() for r in range(2)] == ["拒绝"] * 2
    problems = model.index(0, model.column_of("问题")).data()
    assert "统一社会信用代码" in problems and "校验位" in problems
    assert "校验位" in model.index(0, model.column_of("结果")).data(Qt.ItemDataRole.ToolTipRole)
    # the cells as the town wrote them, not parsed: the amount keeps its plain form
    assert model.index(0, model.column_of("营业收入(万元)")).data() == "26142.78"
    header = preview.table.horizontalHeader()
    outcome, problem = model.column_of("结果"), model.column_of("问题")
    assert header.visualIndex(problem) == header.visualIndex(outcome) + 1
    preview.set_outcome("all")
    assert header.visualIndex(problem) == model.columnCount() - 1


def test_an_update_shows_old_and_new(qtbot: Any, screen: ImportScreen, tmp_path: Path) -> None:
    panel = _add(screen, SHIJIULI)
    qtbot.mouseClick(panel.commit_box.import_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks(20_000) and panel.batch_id is not None
    book = openpyxl.load_workbook(SHIJIULI)
    sheet = book.active
    assert sheet is not None
    sheet["E4"] = 6500.5
    sheet["J5"], sheet["K5"] = "GR202434000123", "2024年11月2日"
    changed = tmp_path / SHIJIULI.name
    book.save(changed)
    again = _add(screen, changed)
    preview = again.preview
    assert preview.button_text("updated") == "更新 2"
    assert preview.button_text("unchanged") == "无变化 21"
    assert preview.button_text("created") == "新增 0"
    assert not preview.filter_buttons["created"].isEnabled()
    assert _cell(preview, FIRST, "营业收入(万元)") == "6,086.54 → 6,500.50"
    tip = _cell(preview, FIRST, "营业收入(万元)", Qt.ItemDataRole.ToolTipRole)
    assert tip == "原值：6,086.54\n新值：6,500.50"
    assert _cell(preview, FIRST, "营业收入(万元)", CHANGED_ROLE) is True
    lines = _cell(preview, FIRST, "结果", Qt.ItemDataRole.ToolTipRole).splitlines()
    assert again.plan is not None
    assert lines == [f"{again.plan.year}年营业收入(万元)：6,086.54 → 6,500.50"]
    assert _cell(preview, FIRST, "研发费用(万元)") == "131.43"  # unchanged values plain
    assert _cell(preview, FIRST, "研发费用(万元)", CHANGED_ROLE) is False
    second = "皖北涡河电子科技有限公司"
    assert _cell(preview, second, "高新技术企业证书编号") == "（空） → GR202434000123"
    assert _cell(preview, second, "高企发证日期") == "（空） → 2024-11-02"
    assert "高企有效期止" in _cell(preview, second, "其他变更")
    preview.set_outcome("updated")
    assert preview.model.rowCount() == 2
    assert "2 / 27" in preview.shown_label.text()


def test_text_filter_and_counts(qtbot: Any, screen: ImportScreen) -> None:
    preview = _add(screen, SHIJIULI).preview
    texts = {k: preview.button_text(k) for k in preview.filter_buttons}
    assert texts == {
        "all": "全部 27",
        "created": "新增 23",
        "updated": "更新 0",
        "unchanged": "无变化 0",
        "rejected": "拒绝 2",
        "skipped": "跳过 2",
    }
    preview.filter_edit.setText("瑞丰")
    preview.apply_text_filter()
    model = preview.model
    names = {model.index(r, model.column_of("企业名称")).data() for r in range(model.rowCount())}
    assert len(names) == 4 and all("瑞丰" in n for n in names)
    assert "亳州瑞丰食品有限公司" in names
    preview.set_outcome("rejected")
    assert model.rowCount() == 1  # both filters at once
    preview.filter_edit.clear()
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=2_000)
    preview.set_outcome("skipped")
    reasons = [model.index(r, model.column_of("问题")).data() for r in range(model.rowCount())]
    assert any("非数据行" in r and "2 行" in r for r in reasons)


def test_town_from_the_row_or_the_chosen_town(
    qtbot: Any, screen: ImportScreen, tmp_path: Path
) -> None:
    path = _write_book(
        tmp_path / "汇总表.xlsx",
        ["企业名称", "统一社会信用代码", "所属镇街", "营业收入(千元)"],
        [
            ["甲公司", "91341602865797549D", "五马镇", 1500],
            ["乙公司", "91341602147104971C", None, 2500],
        ],
    )
    panel = _add(screen, path)
    preview = panel.preview
    assert panel.town() is None
    assert _cell(preview, "甲公司", "所属镇街") == "五马镇（本行）"
    assert _cell(preview, "乙公司", "所属镇街") == ""
    assert "未填写所属镇街" in _cell(preview, "乙公司", "问题")
    assert _cell(preview, "甲公司", "营业收入(万元)") == "150.00"  # 千元 → 万元
    panel.town_combo.setCurrentIndex(panel.town_combo.findData("十九里镇"))
    _replanned(qtbot, panel)
    assert _cell(preview, "甲公司", "所属镇街") == "五马镇（本行）"
    assert _cell(preview, "乙公司", "所属镇街") == "十九里镇（指定）"
    assert "镇街：十九里镇（指定）" in panel.info.text()


def test_several_sheets_are_summarised(screen: ImportScreen, tmp_path: Path) -> None:
    """Each row names its sheet; the town comes from the sheet's name; skipped sheets listed."""
    book = openpyxl.Workbook()
    guide = book.active
    assert guide is not None
    guide.title = "填表说明"
    guide.append(["请按模板填写"])
    header = ["企业名称", "统一社会信用代码", "所属镇街", "营业收入(万元)"]
    for name, rows in (
        ("五马镇", [["甲公司", "91341602865797549D", None, 100]]),
        ("牛集镇", [["乙公司", "91341602147104971C", None, 2.5], ["丙公司", "1234", None, 1]]),
    ):
        sheet = book.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    people = book.create_sheet("特派员")
    people.append(["姓名", "类型", "派出单位", "联系电话"])
    people.append(["果蔬专家团队", "团队", "亳州学院", "0558-5551234"])
    book.save(tmp_path / "汇总.xlsx")
    panel = _add(screen, tmp_path / "汇总.xlsx")
    preview = panel.preview
    model = preview.model
    assert model.headerData(0, Qt.Orientation.Horizontal) == "工作表"
    assert not preview.sheet_view.isHidden()
    summary = preview.sheet_model
    rows = {summary.index(r, 0).data(): r for r in range(summary.rowCount())}
    assert set(rows) == {"五马镇", "牛集镇", "特派员"}
    assert summary.index(rows["五马镇"], 3).data() == "五马镇（工作表名）"
    assert summary.index(rows["牛集镇"], 4).data() == "新增 1 更新 0 无变化 0 拒绝 1 跳过 0"
    assert summary.index(rows["特派员"], 1).data() == "科技特派员"
    assert "填表说明" in preview.skipped_sheets.text()
    assert _cell(preview, "甲公司", "所属镇街") == "五马镇（工作表名）"
    assert _cell(preview, "乙公司", "所属镇街") == "牛集镇（工作表名）"
    assert _cell(preview, "乙公司", "工作表") == "牛集镇"
    assert _cell(preview, "丙公司", "结果") == "拒绝"
    assert _cell(preview, "丙公司", "工作表") == "牛集镇"
    # a commissioners sheet in the same workbook: its own columns, filled for its rows only
    team = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "特派员")
    assert model.index(team, model.column_of("姓名")).data() == "果蔬专家团队"
    assert model.index(team, model.column_of("派出单位")).data() == "亳州学院"
    assert _cell(preview, "甲公司", "派出单位") == ""
    assert "共 3 个工作表" in panel.info.text()


def test_a_mapping_changed_by_hand_is_marked_and_then_saved(
    qtbot: Any, screen: ImportScreen, app_ctx: AppContext, tmp_path: Path
) -> None:
    path = _write_book(
        tmp_path / "十九里镇-名单.xlsx",
        ["企业名称", "统一社会信用代码", "产值", "备注"],
        [["甲公司", "91341602865797549D", 1234.5, "无"]],
    )
    panel = _add(screen, path)
    assert panel.mapping.how_for("产值") == UNMATCHED
    assert panel.mapping.how_for("企业名称") == "自动识别"
    assert panel.preview.model.column_of("营业收入(万元)") == -1
    combo = panel.mapping.combo_for("产值")
    assert combo is not None
    combo.setCurrentIndex(combo.findData("revenue"))
    _replanned(qtbot, panel)
    assert panel.mapping.how_for("产值") == CHANGED
    assert _cell(panel.preview, "甲公司", "营业收入(万元)") == "1,234.50"
    again = ImportScreen(app_ctx)
    qtbot.addWidget(again)
    later = _add(again, path)
    assert later.mapping.how_for("产值") == SAVED
    shown = later.mapping.combo_for("产值")
    assert shown is not None and shown.currentData() == "revenue"
    assert _cell(later.preview, "甲公司", "营业收入(万元)") == "1,234.50"


def test_a_saved_mapping_is_applied_and_shown(
    screen: ImportScreen, store: Store, app_ctx: AppContext
) -> None:
    with store.transaction() as session:
        save_mappings(session, "十九里镇", "enterprises", {"研发费用(万元)": IGNORE})
    panel = _add(screen, SHIJIULI)
    assert panel.mapping.how_for("研发费用(万元)") == SAVED  # headers are shown NFKC'd
    assert panel.mapping.how_for("营业收入(万元)") == "自动识别"
    assert panel.preview.model.column_of("研发费用(万元)") == -1
    assert "研发费用(万元)" in panel.ignored_label.text()


def test_other_kinds_show_their_values_with_id_numbers_masked(screen: ImportScreen) -> None:
    preview = _add(screen, COMMISSIONERS).preview
    model = preview.model
    name = model.column_of("姓名")
    row = next(r for r in range(model.rowCount()) if model.index(r, name).data() == "张三")
    value = {
        model.headerData(c, Qt.Orientation.Horizontal): model.index(row, c).data()
        for c in range(model.columnCount())
    }
    assert value["姓名"] == "张三"
    assert value["身份证号码"] == "3416**********0018"
    assert value["联系电话"] == "13800000001"
    assert value["首次选派年度"] == "2023"
    assert value["派出单位"] == "安徽农业大学"
    assert value["结果"] == "新增"


def test_keyboard_reaches_the_filters_and_the_table(qtbot: Any, screen: ImportScreen) -> None:
    panel = _add(screen, SHIJIULI)
    preview = panel.preview
    screen.activateWindow()
    preview.table.setFocus()
    qtbot.keyClick(preview.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is preview.filter_edit, timeout=2_000)
    qtbot.keyClick(preview.filter_edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is preview.table
    assert preview.filter_buttons["rejected"].focusPolicy() & Qt.FocusPolicy.TabFocus
    preview.filter_buttons["rejected"].setFocus()
    qtbot.keyClick(preview.filter_buttons["rejected"], Qt.Key.Key_Space)
    assert preview.model.outcome == "rejected"
    assert preview.model.rowCount() == 2
