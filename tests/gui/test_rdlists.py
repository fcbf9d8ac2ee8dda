"""两清零一提升 screen: lists A and B of a known store, thresholds from settings, export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from db.services import enterprises
from db.services.settings import update_settings
from desktop.ui.common import files
from desktop.ui.enterprises.screen import RosterScreen
from desktop.ui.rdlists.screen import RdListsScreen
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.shell.tasks import wait_for_tasks
from tests.unit.test_dashboard import OP, fill, make_uscc


def open_lists(qtbot: Any, window: MainWindow, year: int = 2024) -> RdListsScreen:
    """The screen showing `year`."""
    screen = window.navigate("rdlists", year=year)
    assert isinstance(screen, RdListsScreen)
    wait_for_tasks()
    qtbot.waitUntil(lambda: screen.lists is not None and screen.lists.year == year, timeout=5000)
    return screen


def names(screen: RdListsScreen) -> tuple[list[str], list[str]]:
    """Names shown in lists A and B."""
    return (
        [screen.model_a.index(r, 0).data() for r in range(screen.model_a.rowCount())],
        [screen.model_b.index(r, 0).data() for r in range(screen.model_b.rowCount())],
    )


def test_lists_a_and_b(qtbot: Any, main_window: MainWindow) -> None:
    fill(main_window.ctx.store)
    screen = open_lists(qtbot, main_window)
    assert names(screen) == (["丁公司", "乙公司"], ["丁公司"])
    assert screen.panel_a.title.text() == "A类：营业收入 ≥ 1亿元且无研发活动"
    assert screen.panel_b.title.text() == "B类：营业收入 ≥ 5亿元且无研发机构"
    assert screen.panel_a.note.text() == "共 2 家"
    row = [screen.model_b.index(0, c).data() for c in range(7)]
    assert row == ["丁公司", make_uscc(4), "古井镇", "60,000.00", "", "无", "无"]


def test_thresholds_from_settings_change_the_lists(qtbot: Any, main_window: MainWindow) -> None:
    fill(main_window.ctx.store)
    with main_window.ctx.store.transaction() as s:
        update_settings(s, {"rd_list_a_revenue": 30000.0, "rd_list_b_revenue": 400.0}, OP)
    screen = open_lists(qtbot, main_window)
    assert names(screen) == (["丁公司"], ["丁公司"])
    assert "3亿元" in screen.panel_a.title.text()
    with main_window.ctx.store.transaction() as s:
        update_settings(s, {"rd_list_a_revenue": 400.0}, OP)
    screen.refresh()
    wait_for_tasks()
    assert names(screen)[0] == ["丁公司", "乙公司", "己公司"]


def test_double_click_opens_the_enterprise(qtbot: Any, main_window: MainWindow) -> None:
    k = fill(main_window.ctx.store)
    screen = open_lists(qtbot, main_window)
    index = screen.model_a.index(1, 0)
    screen.table_a.doubleClicked.emit(index)
    roster = main_window.stack.currentWidget()
    assert isinstance(roster, RosterScreen)
    wait_for_tasks()
    qtbot.waitUntil(lambda: roster.model.ids() == [k.b], timeout=5000)


def test_export_reads_back(
    qtbot: Any, main_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    k = fill(main_window.ctx.store)
    with main_window.ctx.store.transaction() as s:
        enterprises.update(s, k.b, {"name": "=乙公司"}, OP)
    screen = open_lists(qtbot, main_window)
    target = tmp_path / "两清零"
    monkeypatch.setattr(files, "save_file_name", lambda *a, **kw: str(target))
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    wait_for_tasks()
    wb = load_workbook(tmp_path / "两清零.xlsx")
    assert wb.sheetnames == ["A类", "B类"]
    a = wb["A类"]
    assert a.freeze_panes == "A3"
    assert [c.value for c in a[2]][:3] == ["序号", "企业名称", "统一社会信用代码"]
    assert a["C3"].value == make_uscc(4) and a["C3"].data_type == "s"
    assert a["B4"].value == "=乙公司" and a["B4"].data_type == "s"
    assert a.page_setup.orientation == "landscape"
    assert "共2家" in str(a["A1"].value)
    assert wb["B类"].max_row == 3


def test_the_lists_start_on_the_latest_year_with_figures(
    qtbot: Any, main_window: MainWindow
) -> None:
    """Issue 16: not the current year (no figures until next spring) nor simply last year."""
    fill(main_window.ctx.store)  # figures of 2024 only
    screen = main_window.navigate("rdlists")
    assert isinstance(screen, RdListsScreen)
    wait_for_tasks()
    qtbot.waitUntil(lambda: screen.lists is not None, timeout=5000)
    assert screen.lists is not None and screen.lists.year == 2024
    assert screen.year.value() == 2024
    assert screen.panel_a.note.text() == "共 2 家"
    hint = screen.minimumSizeHint()
    assert hint.width() <= 1080 and hint.height() <= 560
    screen.year.setValue(2023)  # the clerk's choice stands from then on
    wait_for_tasks()
    screen.refresh()
    wait_for_tasks()
    qtbot.waitUntil(lambda: screen.lists is not None and screen.lists.year == 2023, timeout=5000)
    assert screen.year.value() == 2023


def test_short_cells_show_whole_and_a_long_name_elides_with_a_tooltip(
    qtbot: Any, main_window: MainWindow
) -> None:
    from desktop.ui.common.cells import TipDelegate, cell_fits

    k = fill(main_window.ctx.store)
    long_name = "亳州市谯城区睿达中药饮片有限责任公司" * 3
    with main_window.ctx.store.transaction() as s:
        enterprises.update(s, k.d, {"name": long_name}, OP)
    main_window.resize(1080, 560)
    screen = open_lists(qtbot, main_window)
    qtbot.wait(20)
    for table in (screen.table_a, screen.table_b):
        model = table.model()
        assert isinstance(table.itemDelegate(), TipDelegate)  # what is elided has a tooltip
        for row in range(model.rowCount()):
            for col in range(1, model.columnCount()):  # code, town, money, 有/无: whole
                assert cell_fits(table, row, col), model.index(row, col).data()
        shown = [model.index(r, 0).data() for r in range(model.rowCount())]
        assert all(cell_fits(table, r, 0) for r, name in enumerate(shown) if name != long_name)


def test_an_export_ends_with_the_notice_that_opens_its_folder(
    qtbot: Any, main_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    opened: list[QUrl] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True)
    )
    fill(main_window.ctx.store)
    screen = open_lists(qtbot, main_window)
    monkeypatch.setattr(files, "save_file_name", lambda *a, **kw: str(tmp_path / "名单.xlsx"))
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    wait_for_tasks()
    notice = screen.notice
    assert notice is not None and notice.isVisible() and "名单.xlsx" in notice.text()
    notice.folder_button.click()  # type: ignore[attr-defined]
    assert [u.toLocalFile() for u in opened] == [str(tmp_path)]
