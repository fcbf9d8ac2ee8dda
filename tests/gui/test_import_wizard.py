"""The 导入 screen: choose files, check columns, preview, import, error workbook, undo, history."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from db.models import Enterprise, ImportBatch
from db.services.towns import add_towns
from db.store import Store
from desktop.ui.common import files
from desktop.ui.imports.mapping import IGNORE
from desktop.ui.imports.panel import FilePanel, guess_town
from desktop.ui.imports.screen import ImportScreen
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.tasks import wait_for_tasks

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"
SHIJIULI = SAMPLES / "十九里镇-2025年科技型企业统计表.xlsx"
BROKEN = SAMPLES / "损坏的文件.xlsx"
TOWNS = ["十九里镇", "五马镇", "牛集镇", "古井镇", "汤陵街道", "芍花路街道"]


@pytest.fixture
def screen(qtbot: Any, store: Store, app_ctx: AppContext) -> Iterator[ImportScreen]:
    """The import screen on a store with the sample towns configured."""
    with store.transaction() as session:
        add_towns(session, TOWNS, "测试员")
    widget = ImportScreen(app_ctx)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    assert wait_for_tasks(10_000)
    yield widget
    wait_for_tasks(10_000)


def _add(screen: ImportScreen, path: Path) -> FilePanel:
    panels = screen.add_files([path])
    assert wait_for_tasks(20_000)
    return panels[0] if panels else screen.panels[-1]


def _enterprises(store: Store) -> int:
    with store.session() as session:
        stmt = select(func.count()).select_from(Enterprise).where(Enterprise.deleted_at.is_(None))
        return int(session.scalar(stmt) or 0)


def _imported(qtbot: Any, screen: ImportScreen) -> FilePanel:
    panel = _add(screen, SHIJIULI)
    qtbot.mouseClick(panel.commit_box.import_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks(20_000)
    assert panel.batch_id is not None
    return panel


def test_preview_shows_counts_and_error_rows(screen: ImportScreen) -> None:
    panel = _add(screen, SHIJIULI)
    assert panel.refusal == ""
    assert panel.town() == "十九里镇"  # guessed from the file name
    preview = panel.preview
    assert preview.button_text("created") == "新增 23"
    assert preview.button_text("rejected") == "拒绝 2"
    assert preview.button_text("skipped") == "跳过 2"
    preview.set_outcome("rejected")
    model = preview.model
    rows = {model.index(r, model.column_of("行号")).data() for r in range(model.rowCount())}
    assert rows == {"8", "21"}
    assert "校验位" in model.index(0, model.column_of("问题")).data()
    preview.set_outcome("created")
    assert model.rowCount() == 23
    assert model.index(0, model.column_of("所属镇街")).data() == "十九里镇（指定）"
    assert "序号" in panel.ignored_label.text()
    assert "表头在第 3 行" in panel.info.text()
    assert "待导入" in screen.file_list.item(0).text()


def test_import_writes_the_enterprises_and_lists_the_batch(
    qtbot: Any, screen: ImportScreen, store: Store
) -> None:
    panel = _imported(qtbot, screen)
    assert _enterprises(store) == 23
    assert (
        "已导入" in panel.commit_box.summary.text() and "新增 23" in panel.commit_box.summary.text()
    )
    assert not panel.commit_box.import_button.isEnabled()
    assert panel.commit_box.undo_button.isVisibleTo(panel)
    batches = screen.history.batches()
    assert [b.id for b in batches] == [panel.batch_id]
    assert batches[0].file_name == SHIJIULI.name
    assert screen.history.model.index(0, 4).data() == "十九里镇"
    assert "新增23" in screen.history.model.index(0, 8).data()


def test_export_error_workbook(
    qtbot: Any, screen: ImportScreen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = _imported(qtbot, screen)
    asked: list[str] = []
    (tmp_path / "out").mkdir()  # a save dialog only ever offers an existing folder

    def save_name(_parent: Any, _title: str, default: str, _filter: str) -> str:
        asked.append(default)
        return str(tmp_path / "out" / "错误.xlsx")

    monkeypatch.setattr(files, "save_file_name", save_name)
    qtbot.mouseClick(panel.commit_box.export_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks(10_000)
    assert asked[0].endswith("十九里镇-2025年科技型企业统计表-错误说明.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "out" / "错误.xlsx").active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[-1] == "错误说明"
    assert sheet.max_row == 3
    assert "错误表已保存" in panel.commit_box.summary.text()
    # the one notice after every export, with 打开所在文件夹
    assert panel.notice.isVisible()
    assert panel.notice.folder_button.text() == "打开所在文件夹"
    assert str(tmp_path / "out" / "错误.xlsx") in panel.notice.text()
    panel.notice.close()


def test_undo_this_batch(
    qtbot: Any, screen: ImportScreen, store: Store, message_boxes: Any
) -> None:
    panel = _imported(qtbot, screen)
    qtbot.mouseClick(panel.commit_box.undo_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks(20_000)
    assert message_boxes.shown[0][0] == "question"
    assert _enterprises(store) == 0
    with store.session() as session:
        batch = session.get(ImportBatch, panel.batch_id)
        assert batch is not None and batch.undone_at is not None
    assert panel.status_text() == "已撤销"
    assert not panel.commit_box.undo_button.isEnabled()
    assert "已撤销" in screen.history.model.index(0, 7).data()


def test_history_refuses_a_second_undo_politely(
    qtbot: Any, screen: ImportScreen, message_boxes: Any
) -> None:
    panel = _imported(qtbot, screen)
    screen.history.select_batch(panel.batch_id or 0)
    qtbot.mouseClick(screen.history.undo_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks(20_000)
    assert panel.status_text() == "已撤销"  # the open panel follows the history
    screen.history.select_batch(panel.batch_id or 0)
    qtbot.mouseClick(screen.history.undo_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks(10_000)
    assert "不需要再撤销" in message_boxes.texts[-1]
    assert [kind for kind, _t, _x in message_boxes.shown].count("question") == 1


def test_truncated_file_shows_a_message_and_writes_nothing(
    screen: ImportScreen, store: Store, message_boxes: Any
) -> None:
    panel = _add(screen, BROKEN)
    assert "损坏" in panel.refusal
    assert panel.message.isVisibleTo(panel)
    assert "Traceback" not in panel.message.text()
    assert not panel.body.isVisibleTo(panel)
    assert panel.status_text() == "无法导入"
    assert message_boxes.shown == []
    panel.start_import()
    assert wait_for_tasks(5_000)
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0
    assert _enterprises(store) == 0


def test_changing_town_and_year_plans_again(qtbot: Any, screen: ImportScreen) -> None:
    panel = _add(screen, SHIJIULI)
    assert panel.plan is not None and panel.plan.year == panel.today.year - 1
    panel.year_spin.setValue(2024)
    qtbot.waitUntil(lambda: panel.plan is not None and panel.plan.year == 2024, timeout=10_000)
    assert wait_for_tasks(10_000)
    panel.town_combo.setCurrentIndex(panel.town_combo.findData("五马镇"))
    qtbot.waitUntil(lambda: panel.plan is not None and panel.plan.town == "五马镇", timeout=10_000)
    assert wait_for_tasks(10_000)
    model = panel.preview.model
    assert model.index(0, model.column_of("所属镇街")).data() == "五马镇（指定）"


def test_ignoring_a_column_removes_its_field(qtbot: Any, screen: ImportScreen) -> None:
    panel = _add(screen, SHIJIULI)
    assert panel.plan is not None
    assert any("rd_expense" in p.incoming.figures for p in panel.plan.plans)
    combo = panel.mapping.combo_for("研发费用(万元)")
    assert combo is not None and combo.isEnabled()
    combo.setCurrentIndex(combo.findData(IGNORE))
    qtbot.waitUntil(lambda: not panel.busy, timeout=10_000)
    assert wait_for_tasks(10_000)
    assert not any("rd_expense" in p.incoming.figures for p in panel.plan.plans)
    assert "研发费用(万元)" in panel.ignored_label.text()


def test_duplicate_file_asks_before_importing(
    qtbot: Any, screen: ImportScreen, app_ctx: AppContext, store: Store, message_boxes: Any
) -> None:
    _imported(qtbot, screen)
    again = ImportScreen(app_ctx)
    qtbot.addWidget(again)
    panel = _add(again, SHIJIULI)
    assert panel.plan is not None and panel.plan.duplicate_of_batch is not None
    assert panel.duplicate_label.isVisibleTo(panel)
    message_boxes.answer = message_boxes.answer.No
    qtbot.mouseClick(panel.commit_box.import_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks(10_000)
    assert message_boxes.shown[-1][0] == "question"
    assert panel.batch_id is None
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 1


def test_choose_files_remembers_the_folder(
    screen: ImportScreen, app_ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    def open_names(_parent: Any, _title: str, folder: str, filters: str) -> list[str]:
        assert "*.xlsx" in filters and "*.csv" in filters and "*.ods" in filters
        return [str(SHIJIULI), str(SAMPLES / "汤陵街道.csv")]

    monkeypatch.setattr(files, "open_file_names", open_names)
    screen.choose_files()
    assert wait_for_tasks(20_000)
    assert app_ctx.prefs.last_folder == str(SAMPLES)
    assert [p.path.name for p in screen.panels] == [SHIJIULI.name, "汤陵街道.csv"]
    assert screen.panels[1].preview.button_text("created") == "新增 10"
    assert screen.file_list.count() == 2


def test_dropping_files_adds_them(screen: ImportScreen) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(SHIJIULI)), QUrl.fromLocalFile(str(SAMPLES))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    screen.dropEvent(event)
    assert wait_for_tasks(20_000)
    assert [p.path for p in screen.panels] == [SHIJIULI]


def test_a_unicode_text_file_can_be_dropped_and_previewed(screen: ImportScreen) -> None:
    """Excel's and WPS's “Unicode 文本” is a .txt (UTF-16, tab-separated): the screen takes it."""
    text = SAMPLES / "layouts" / "Unicode文本.txt"
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(text))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    screen.dropEvent(event)
    assert wait_for_tasks(20_000)
    (panel,) = screen.panels
    assert panel.plan is not None and panel.plan.counts["created"] == 5


def test_guess_town_from_the_file_name() -> None:
    assert guess_town("十九里镇-2025年科技型企业统计表.xlsx", TOWNS) == "十九里镇"
    assert guess_town("牛集镇古井镇-汇总.xls", TOWNS) is None
    assert guess_town("汇总.xls", TOWNS) is None


def test_the_main_window_opens_the_import_screen(main_window: Any) -> None:
    widget = main_window.navigate("imports")
    assert isinstance(widget, ImportScreen)
    assert wait_for_tasks(10_000)


def test_a_changed_mapping_is_remembered_for_the_town(
    qtbot: Any, screen: ImportScreen, app_ctx: AppContext
) -> None:
    panel = _add(screen, SHIJIULI)
    combo = panel.mapping.combo_for("研发费用(万元)")
    assert combo is not None
    combo.setCurrentIndex(combo.findData(IGNORE))
    qtbot.waitUntil(lambda: not panel.busy, timeout=10_000)
    assert wait_for_tasks(10_000)
    again = ImportScreen(app_ctx)
    qtbot.addWidget(again)
    later = _add(again, SHIJIULI)
    assert later.plan is not None
    assert not any("rd_expense" in p.incoming.figures for p in later.plan.plans)
    shown = later.mapping.combo_for("研发费用(万元)")
    assert shown is not None and shown.currentData() == IGNORE


def test_a_header_only_file_offers_no_import(screen: ImportScreen, tmp_path: Path) -> None:
    """A file with a header and no data rows: nothing to import, so 导入 stays disabled."""
    path = tmp_path / "十九里镇-空表.csv"
    path.write_text("企业名称,统一社会信用代码,所属镇街\n", encoding="utf-8")
    panel = _add(screen, path)
    assert panel.plan is not None and panel.plan.is_empty
    assert not panel.commit_box.import_button.isEnabled()
    assert "没有数据行" in panel.commit_box.summary.text()


def test_the_open_store_is_never_read_as_an_import(
    screen: ImportScreen, store: Store, message_boxes: Any
) -> None:
    """A dropped store file would be opened and closed (dropping its locks): refused by name."""
    store_file = Path(store.engine.url.database or "")
    files.protect_store(store_file)
    try:
        assert screen.add_files([store_file]) == []
        assert not screen.panels
        assert "正在使用的数据文件" in message_boxes.texts[-1]
    finally:
        files.protect_store(None)


def test_a_write_after_the_preview_refuses_the_import_and_previews_again(
    qtbot: Any, screen: ImportScreen, store: Store, message_boxes: Any
) -> None:
    """Issue 11: the window's import checks the preview is still current, as the CLI does."""
    from db.services.enterprises import crud

    panel = _add(screen, SHIJIULI)
    first = panel.plan
    with store.transaction() as session:  # another screen (or desk) writes after the preview
        crud.create(session, {"name": "别处新建的企业", "uscc": "91341602000000019D"}, "另一位")
    qtbot.mouseClick(panel.commit_box.import_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks(20_000)
    assert panel.batch_id is None and _enterprises(store) == 1
    assert any("预览之后已被修改" in text for _kind, _title, text in message_boxes.shown)
    assert panel.plan is not None and panel.plan is not first  # planned again on the store as it is
    qtbot.mouseClick(panel.commit_box.import_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks(20_000)
    assert panel.batch_id is not None and _enterprises(store) == 24


def test_a_namesake_under_another_code_can_be_opened_from_the_preview(
    qtbot: Any, screen: ImportScreen, store: Store, tmp_path: Path
) -> None:
    """import.md: a created enterprise named like a stored one is warned, and the preview opens
    the stored one to compare (the editor of the roster)."""
    from db.services.enterprises import crud

    with store.transaction() as session:
        other = crud.create(
            session, {"name": "亳州市瑞丰中药饮片有限公司", "uscc": "91341602000000019D"}, "另一位"
        )
    path = tmp_path / "同名.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["企业名称", "统一社会信用代码", "所属镇街"])
    sheet.append(["甲科技有限公司", "913416020000000278", "十九里镇"])
    sheet.append(["亳州市 瑞丰中药饮片（有限公司）", "913416020000000353", "十九里镇"])
    book.save(path)
    panel = _add(screen, path)
    assert panel.plan is not None and list(panel.plan.namesakes.values()) == [other]
    preview = panel.preview
    model = preview.model
    rows = {model.item_at(r).incoming.row: r for r in range(model.rowCount())}
    preview.table.setCurrentIndex(model.index(rows[2], 0))
    assert preview.namesake_button.isHidden()
    preview.table.setCurrentIndex(model.index(rows[3], 0))
    assert not preview.namesake_button.isHidden()
    with qtbot.waitSignal(preview.open_enterprise) as opened:
        qtbot.mouseClick(preview.namesake_button, Qt.MouseButton.LeftButton)
    assert opened.args == [other]
    wait_for_tasks(10_000)
    editors = [w for w in panel.findChildren(QDialog) if w.isVisible()]
    assert editors, "the roster's editor opens on the stored namesake"
    for dialog in editors:
        dialog.reject()
