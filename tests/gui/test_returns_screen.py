"""统计报表 screen: generate → real PDF preview, export, print, checks gate 报出, archive."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog
from sqlalchemy import update

from db.models import Qualification
from db.services import enterprises
from db.store import Store
from desktop.returns import archive
from desktop.ui.common import files
from desktop.ui.returns.screen import ReturnsScreen
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.tasks import wait_for_tasks
from tests.unit.returns import builders
from tests.unit.returns.texts import pdf_text, xlsx_text

TODAY = date(2025, 12, 31)


def _data(store: Store, extra_high_tech: int = 0) -> builders.Known:
    with store.transaction() as session:
        known = builders.small_store(session)
        builders.many_high_tech(session, known, extra_high_tech)
    return known


def _screen(qtbot: Any, ctx: AppContext) -> ReturnsScreen:
    screen = ReturnsScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1300, 850)
    screen.show()
    assert wait_for_tasks(10_000)
    return screen


def _generate(qtbot: Any, screen: ReturnsScreen, return_id: str, year: int = 2025) -> None:
    screen.picker.select_return(return_id)
    screen.picker.year_spin.setValue(year)
    qtbot.mouseClick(screen.generate_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks(60_000)
    assert screen.generated is not None


@pytest.fixture
def saved_to(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """Answer the save dialog with a file in tmp_path named like the suggested one."""
    suggested: list[str] = []

    def answer(_parent: Any, _caption: str, default: str, _filter: str = "", *a: Any) -> Any:
        suggested.append(default)
        return str(tmp_path / "out" / Path(default).name)

    (tmp_path / "out").mkdir()
    monkeypatch.setattr(files, "save_file_name", answer)
    return suggested


@pytest.fixture
def printed_to(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Answer the print dialog by choosing a PDF printer writing to a file."""
    target = tmp_path / "printed.pdf"

    def accept(dialog: QPrintDialog) -> int:
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    return target


def test_generate_previews_the_real_pdf_with_page_navigation(
    qtbot: Any, store: Store, app_ctx: AppContext
) -> None:
    _data(store, extra_high_tech=60)
    screen = _screen(qtbot, app_ctx)
    _generate(qtbot, screen, "high-tech-roster")
    preview = screen.preview
    assert preview.document.pageCount() >= 2
    assert preview.document.pageCount() == screen.generated.pages  # type: ignore[union-attr]
    assert preview.current_page == 0
    assert not preview.previous_button.isEnabled()
    qtbot.mouseClick(preview.next_button, Qt.MouseButton.LeftButton)
    assert preview.current_page == 1
    assert preview.page_label.text() == f"第 2 / {preview.page_count} 页"
    qtbot.mouseClick(preview.previous_button, Qt.MouseButton.LeftButton)
    assert preview.current_page == 0
    before = preview.zoom
    qtbot.mouseClick(preview.zoom_in_button, Qt.MouseButton.LeftButton)
    assert preview.zoom == pytest.approx(before * 1.25)
    assert not preview.fit_button.isChecked()
    qtbot.mouseClick(preview.zoom_out_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(preview.zoom_out_button, Qt.MouseButton.LeftButton)
    assert preview.zoom < before
    qtbot.mouseClick(preview.fit_button, Qt.MouseButton.LeftButton)
    assert preview.fit_button.isChecked()
    assert "高新技术企业名册" in screen.document_label.text()


def test_export_pdf_and_excel_with_default_names(
    qtbot: Any, store: Store, app_ctx: AppContext, saved_to: list[str], tmp_path: Path
) -> None:
    _data(store)
    screen = _screen(qtbot, app_ctx)
    _generate(qtbot, screen, "high-tech-roster")
    qtbot.mouseClick(screen.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.xlsx_button, Qt.MouseButton.LeftButton)
    assert Path(saved_to[0]).name == "高新技术企业名册-2025.pdf"
    assert Path(saved_to[1]).name == "高新技术企业名册-2025.xlsx"
    assert Path(saved_to[1]).parent == tmp_path / "out"  # the folder is remembered
    pdf = (tmp_path / "out" / "高新技术企业名册-2025.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert "高新技术企业名册" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    book = openpyxl.load_workbook(tmp_path / "out" / "高新技术企业名册-2025.xlsx")
    cells = [c.value for row in book.active.iter_rows() for c in row if c.value]
    assert "高新技术企业名册" in cells
    assert app_ctx.prefs.last_folder == str(tmp_path / "out")


def test_an_error_check_blocks_submission(qtbot: Any, store: Store, app_ctx: AppContext) -> None:
    known = _data(store)
    with store.transaction() as session:  # legacy data from before issue dates were required
        eid = builders.enterprise(session, known, "无发证日期科技有限公司", "十九里镇")
        cert = builders.high_tech(session, eid, date(2025, 2, 1))
        session.execute(
            update(Qualification).where(Qualification.id == cert).values(issued_on=None)
        )
    screen = _screen(qtbot, app_ctx)
    _generate(qtbot, screen, "high-tech-roster")
    assert screen.checks.errors() >= 1
    assert "错误" in screen.checks.summary.text()
    assert not screen.submit_button.isEnabled()
    assert screen.print_button.isEnabled()  # a return with errors can still be printed


def test_a_warning_needs_an_explanation_before_submission(
    qtbot: Any, store: Store, app_ctx: AppContext
) -> None:
    _data(store)
    screen = _screen(qtbot, app_ctx)
    _generate(qtbot, screen, "double-breakthrough")
    assert screen.checks.errors() == 0
    assert "no-town" in screen.checks.explanation_edits
    assert not screen.submit_button.isEnabled()
    for edit in screen.checks.explanation_edits.values():
        edit.insert("已核实")  # keyClicks only types ASCII
    assert screen.submit_button.isEnabled()
    screen.checks.explanation_edits["no-town"].clear()
    assert not screen.submit_button.isEnabled()


def test_submit_archives_the_previewed_return_dated_and_shows_what_was_stored(
    qtbot: Any, store: Store, app_ctx: AppContext, message_boxes: Any
) -> None:
    _data(store)
    screen = _screen(qtbot, app_ctx)
    _generate(qtbot, screen, "double-breakthrough")
    previewed = screen.generated
    assert previewed is not None
    for edit in screen.checks.explanation_edits.values():
        edit.insert("该企业已迁出，待核实")
    qtbot.mouseClick(screen.submit_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks(10_000)
    assert any("已报出" in text for text in message_boxes.texts)
    assert not screen.submit_button.isEnabled()  # not twice
    assert screen.history.model.rowCount() == 1
    summary = screen.history.model.item(0)
    assert summary.operator == "测试员"
    assert screen.tabs.tabText(1) == "已报出（1）"
    with store.session() as session:
        stored = archive.get_submitted(session, summary.id)
    assert stored is not None
    today = date.today()
    dated = f"报出日期：{today.year}年{today.month}月{today.day}日"
    assert dated in pdf_text(stored.pdf) and dated in xlsx_text(stored.xlsx)
    assert dated not in pdf_text(previewed.pdf)
    assert pdf_text(stored.pdf).replace(dated, "") == pdf_text(previewed.pdf).replace(
        "报出日期：　　年　　月　　日", ""
    )
    assert screen.archived is not None and screen.archived.pdf == stored.pdf  # shown as sent
    screen.history.table.selectRow(0)
    qtbot.mouseClick(screen.history.buttons["preview"], Qt.MouseButton.LeftButton)
    assert wait_for_tasks(10_000)
    assert screen.archived is not None and screen.archived.pdf == stored.pdf
    assert screen.preview.page_count == previewed.pages
    assert not screen.submit_button.isVisible()
    assert "已报出" in screen.document_label.text()


def test_archived_return_is_reprinted_as_submitted_after_data_changed(
    qtbot: Any,
    store: Store,
    app_ctx: AppContext,
    message_boxes: Any,
    saved_to: list[str],
    tmp_path: Path,
) -> None:
    known = _data(store)
    screen = _screen(qtbot, app_ctx)
    _generate(qtbot, screen, "high-tech-roster")
    qtbot.mouseClick(screen.submit_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks(10_000)
    assert screen.archived is not None
    submitted_pdf = screen.archived.pdf
    with store.transaction() as session:
        builders.many_high_tech(session, known, 30)
        enterprises.create(session, {"name": "新企业有限公司", "uscc": builders.uscc(999)}, "x")
    _generate(qtbot, screen, "high-tech-roster")
    assert screen.generated.pdf != submitted_pdf  # type: ignore[union-attr]
    screen.history.table.selectRow(0)
    qtbot.mouseClick(screen.history.buttons["pdf"], Qt.MouseButton.LeftButton)
    assert wait_for_tasks(10_000)
    qtbot.mouseClick(screen.history.buttons["xlsx"], Qt.MouseButton.LeftButton)
    assert wait_for_tasks(10_000)
    assert (tmp_path / "out" / Path(saved_to[0]).name).read_bytes() == submitted_pdf
    assert Path(saved_to[1]).suffix == ".xlsx"


def test_printing_renders_the_pdf_pages_to_the_printer(
    qtbot: Any, store: Store, app_ctx: AppContext, printed_to: Path
) -> None:
    _data(store, extra_high_tech=60)
    screen = _screen(qtbot, app_ctx)
    _generate(qtbot, screen, "high-tech-roster")
    qtbot.mouseClick(screen.print_button, Qt.MouseButton.LeftButton)
    printed = PdfReader(printed_to)
    assert len(printed.pages) == screen.preview.page_count >= 2
    source = PdfReader(io.BytesIO(screen.generated.pdf)).pages[0].mediabox  # type: ignore[union-attr]
    paper = printed.pages[0].mediabox
    assert (paper.width > paper.height) == (source.width > source.height)  # same orientation


def test_period_pickers_follow_the_return(qtbot: Any, store: Store, app_ctx: AppContext) -> None:
    screen = _screen(qtbot, app_ctx)
    picker = screen.picker
    picker.select_return("tech-sme-roster")
    assert not picker.kind_combo.isVisibleTo(screen)
    assert not picker.as_of_edit.isVisibleTo(screen)
    picker.select_return("high-tech-roster")
    assert picker.as_of_edit.isVisibleTo(screen)
    picker.kind_combo.setCurrentIndex(picker.kind_combo.findData("quarter"))
    picker.year_spin.setValue(2024)
    picker.quarter_combo.setCurrentIndex(2)
    assert picker.period().code == "2024Q3"
    assert picker.request().as_of == date(2024, 9, 30)
    picker.select_return("double-breakthrough")
    assert not picker.town_combo.isEnabled()


def test_archived_return_prints_and_a_changed_choice_needs_regenerating(
    qtbot: Any, store: Store, app_ctx: AppContext, message_boxes: Any, printed_to: Path
) -> None:
    _data(store)
    screen = _screen(qtbot, app_ctx)
    _generate(qtbot, screen, "tech-sme-roster")
    assert screen.submit_button.isEnabled()
    screen.picker.year_spin.setValue(2024)  # the preview no longer matches the choice
    assert not screen.submit_button.isEnabled()
    assert "重新生成" in screen.document_label.text()
    screen.picker.year_spin.setValue(2025)
    _generate(qtbot, screen, "tech-sme-roster")
    qtbot.mouseClick(screen.submit_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks(10_000)
    screen.history.table.selectRow(0)
    qtbot.mouseClick(screen.history.buttons["print"], Qt.MouseButton.LeftButton)
    assert wait_for_tasks(10_000)
    assert len(PdfReader(printed_to).pages) == screen.generated.pages  # type: ignore[union-attr]
