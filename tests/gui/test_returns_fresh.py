"""统计报表 (issue 16, item 9 and the Ctrl+P hook of item 11): 生成 keeps its place; a stale preview
is neither printed nor saved; 两清零 starts on the latest year with figures; exports end with the
notice that opens the folder."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QDesktopServices

from db.store import Store
from desktop.returns.definitions import CATALOGUE
from desktop.ui.returns.screen import ReturnsScreen
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.tasks import wait_for_tasks
from tests.gui.conftest import MessageBoxes
from tests.gui.test_returns_screen import _data, _generate, _screen, printed_to, saved_to
from tests.unit.returns import builders

__all__ = ["printed_to", "saved_to"]  # fixtures


def _where(screen: ReturnsScreen) -> QPoint:
    button = screen.generate_button
    return button.mapTo(screen, QPoint(0, 0))


def test_the_generate_button_keeps_its_place_whatever_return_is_picked(
    qtbot: Any, store: Store, app_ctx: AppContext
) -> None:
    screen = _screen(qtbot, app_ctx)
    places = set()
    for definition in CATALOGUE:
        screen.picker.select_return(definition.id)
        qtbot.wait(1)
        places.add((_where(screen).x(), _where(screen).y()))
    assert len(places) == 1, places
    hint = screen.minimumSizeHint()  # fits 1366×768 and 1920×1080 at 150% beside the navigation
    assert hint.width() <= 1080 and hint.height() <= 560
    screen.picker.select_return("high-tech-roster")
    assert screen.picker.as_of_edit.isVisibleTo(screen)
    screen.picker.select_return("tech-sme-roster")
    assert not screen.picker.as_of_edit.isVisibleTo(screen)


def test_a_preview_of_another_choice_is_neither_printed_nor_saved(
    qtbot: Any,
    store: Store,
    app_ctx: AppContext,
    message_boxes: MessageBoxes,
    saved_to: list[str],
    printed_to: Path,
) -> None:
    _data(store)
    screen = _screen(qtbot, app_ctx)
    _generate(qtbot, screen, "tech-sme-roster")
    assert screen.pdf_button.isEnabled() and screen.print_button.isEnabled()
    screen.picker.year_spin.setValue(2024)
    for button in (screen.print_button, screen.pdf_button, screen.xlsx_button):
        assert not button.isEnabled()
        assert "请点击“生成 / 刷新”重新生成" in button.toolTip()
    assert screen.print_current() is False  # 文件 → 打印… says why
    assert "预览与所选不符" in message_boxes.texts[-1]
    screen.export_pdf()
    assert saved_to == [] and not printed_to.exists()
    _generate(qtbot, screen, "tech-sme-roster", year=2024)
    assert screen.pdf_button.isEnabled()
    assert screen.print_current() is True
    assert printed_to.exists()


def test_a_preview_made_before_the_data_changed_is_not_saved(
    qtbot: Any,
    store: Store,
    app_ctx: AppContext,
    message_boxes: MessageBoxes,
    saved_to: list[str],
) -> None:
    known = _data(store)
    screen = _screen(qtbot, app_ctx)
    _generate(qtbot, screen, "high-tech-roster")
    with store.transaction() as session:  # another screen or desk writes meanwhile
        builders.enterprise(session, known, "新来的科技有限公司", "十九里镇")
    qtbot.mouseClick(screen.pdf_button, Qt.MouseButton.LeftButton)
    assert saved_to == []
    assert "数据已更改" in message_boxes.texts[-1]
    assert not screen.pdf_button.isEnabled() and not screen.submit_button.isEnabled()
    assert "数据已更改，请重新生成" in screen.document_label.text()
    _generate(qtbot, screen, "high-tech-roster")
    assert screen.pdf_button.isEnabled()


def test_the_data_changing_while_away_is_seen_when_the_screen_shows_again(
    qtbot: Any, store: Store, app_ctx: AppContext
) -> None:
    known = _data(store)
    screen = _screen(qtbot, app_ctx)
    _generate(qtbot, screen, "high-tech-roster")
    screen.refresh()  # shown again, nothing written: the preview stands
    assert wait_for_tasks(10_000)
    assert screen.print_button.isEnabled()
    with store.transaction() as session:
        builders.enterprise(session, known, "另一家科技有限公司", None)
    screen.refresh()
    assert wait_for_tasks(10_000)
    assert not screen.print_button.isEnabled()
    assert "数据已更改" in screen.print_button.toolTip()


def test_print_current_with_nothing_generated_says_so(
    qtbot: Any, store: Store, app_ctx: AppContext, message_boxes: MessageBoxes
) -> None:
    screen = _screen(qtbot, app_ctx)
    assert screen.print_current() is False
    assert "还没有生成报表" in message_boxes.texts[-1]


def test_zero_clearing_starts_on_the_latest_year_with_figures(
    qtbot: Any, store: Store, app_ctx: AppContext
) -> None:
    _data(store)  # figures of 2025 only
    screen = _screen(qtbot, app_ctx)
    this_year = date.today().year
    assert screen.picker.year_spin.value() == this_year  # the first return counts this year
    screen.picker.select_return("rd-zero-clearing")
    assert screen.picker.year_spin.value() == 2025
    qtbot.mouseClick(screen.generate_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks(60_000) and screen.generated is not None
    assert screen.generated.table.rows  # not 共0家
    screen.picker.select_return("double-breakthrough")
    assert screen.picker.year_spin.value() == this_year
    screen.picker.year_spin.setValue(2024)  # the clerk's own choice is kept from then on
    screen.picker.select_return("rd-zero-clearing")
    assert screen.picker.year_spin.value() == 2024


def test_an_export_ends_with_the_notice_that_opens_its_folder(
    qtbot: Any,
    store: Store,
    app_ctx: AppContext,
    saved_to: list[str],
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True)
    )
    _data(store)
    screen = _screen(qtbot, app_ctx)
    _generate(qtbot, screen, "high-tech-roster")
    qtbot.mouseClick(screen.xlsx_button, Qt.MouseButton.LeftButton)
    notice = screen.notice
    assert notice is not None and notice.isVisible()
    assert "高新技术企业名册-2025.xlsx" in notice.text()
    notice.folder_button.click()  # type: ignore[attr-defined]
    assert [u.toLocalFile() for u in opened] == [str(tmp_path / "out")]


def test_submitted_returns_are_listed_with_their_whole_title(
    qtbot: Any, store: Store, app_ctx: AppContext, message_boxes: MessageBoxes
) -> None:
    """Issue 16, item 3: 已报出 showed “高新…”."""
    from desktop.ui.common.cells import cell_fits

    _data(store)
    screen = _screen(qtbot, app_ctx)
    _generate(qtbot, screen, "double-breakthrough")
    for edit in screen.checks.explanation_edits.values():
        edit.insert("已核实")
    qtbot.mouseClick(screen.submit_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks(10_000)
    screen.tabs.setCurrentIndex(1)
    table = screen.history.table
    qtbot.waitUntil(lambda: table.model().rowCount() == 1, timeout=5000)
    qtbot.wait(10)
    assert "双突破" in table.model().index(0, 0).data()
    for col in range(table.model().columnCount()):
        assert cell_fits(table, 0, col), table.model().index(0, col).data()
