"""Issue 17 item 4: the first-run wizard on a store without a bureau — offered, 完成, 取消, 跳过,
towns typed, pasted or read from a roster file, the demo district, re-opened from 帮助."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from sqlalchemy import func, select

from db.models import AuditEntry, Enterprise
from db.services import settings, setup, towns
from db.store import Store, open_store
from desktop.ui.common import files
from desktop.ui.firstrun import FirstRunWizard, demo, maybe_offer_first_run
from desktop.ui.shell import reopen
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.shell.tasks import wait_for_tasks

YEAR = date.today().year


def _offered(window: MainWindow, ctx: AppContext) -> FirstRunWizard:
    wizard = maybe_offer_first_run(window, ctx)
    assert isinstance(wizard, FirstRunWizard)
    assert wizard.isVisible()
    assert wizard.windowModality() == Qt.WindowModality.WindowModal  # open(): no nested loop
    return wizard


def _click(qtbot: Any, wizard: FirstRunWizard, which: QWizard.WizardButton) -> None:
    button = wizard.button(which)
    assert button.isVisible() and button.isEnabled(), which
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _fill(qtbot: Any, wizard: FirstRunWizard) -> None:
    """Every page filled, the last page shown."""
    wizard.bureau_page.bureau.setText("亳州市谯城区科学技术局")
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is wizard.towns_page
    wizard.towns_page.text.setPlainText("古井镇\n十八里镇、汤陵街道")
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    edits = wizard.signatories_page.edits
    edits["head_of_unit"].setText("王建国")
    edits["head_of_statistics"].setText("李芳")
    edits["preparer"].setText("陈晓燕")
    edits["contact_phone"].setText("0558-5512345")
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    wizard.targets_page.high_tech.setValue(120)
    wizard.targets_page.tech_sme.setValue(150)
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is wizard.import_page


def _audit_rows(store: Store) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count(AuditEntry.id))) or 0)


def test_offered_on_an_empty_store_and_finish_writes_everything(
    qtbot: Any, main_window: MainWindow, app_ctx: AppContext, store: Store
) -> None:
    wizard = _offered(main_window, app_ctx)
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()  # a name first
    _fill(qtbot, wizard)
    _click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert wait_for_tasks(10_000)
    assert not wizard.isVisible() and wizard.finished_ok
    with store.session() as session:
        saved = settings.get_settings(session)
        assert saved.bureau_name == "亳州市谯城区科学技术局"
        assert (saved.head_of_unit, saved.head_of_statistics, saved.preparer) == (
            "王建国",
            "李芳",
            "陈晓燕",
        )
        assert saved.contact_phone == "0558-5512345"
        assert [t.name for t in towns.list_towns(session)] == ["古井镇", "十八里镇", "汤陵街道"]
        assert settings.get_count_targets(session, YEAR) == {"high_tech": 120, "tech_sme": 150}
        entities = set(session.scalars(select(AuditEntry.entity).distinct()))
        assert {"settings", "town", "indicator", setup.ENTITY} <= entities
        operators = set(session.scalars(select(AuditEntry.operator).distinct()))
        assert operators == {"测试员"}
        assert not setup.needs_setup(session)
    assert main_window.windowTitle() == "科创台账 — 亳州市谯城区科学技术局"
    assert maybe_offer_first_run(main_window, app_ctx) is None  # the store has a bureau now


def test_cancel_writes_nothing_and_the_wizard_is_offered_again(
    qtbot: Any, main_window: MainWindow, app_ctx: AppContext, store: Store
) -> None:
    before = _audit_rows(store)
    wizard = _offered(main_window, app_ctx)
    _fill(qtbot, wizard)
    _click(qtbot, wizard, QWizard.WizardButton.CancelButton)
    assert wait_for_tasks(5000)
    assert not wizard.isVisible() and not wizard.finished_ok
    assert _audit_rows(store) == before
    with store.session() as session:
        assert settings.get_settings(session).bureau_name == ""
        assert towns.list_towns(session) == []
    assert isinstance(maybe_offer_first_run(main_window, app_ctx), FirstRunWizard)


def test_skip_remembers_not_to_ask_again_on_this_store(
    qtbot: Any, main_window: MainWindow, app_ctx: AppContext, store: Store
) -> None:
    wizard = _offered(main_window, app_ctx)
    assert wizard.button(QWizard.WizardButton.CustomButton1).text() == "跳过，不再提示(&K)"
    _click(qtbot, wizard, QWizard.WizardButton.CustomButton1)
    assert wait_for_tasks(5000)
    assert not wizard.isVisible()
    assert maybe_offer_first_run(main_window, app_ctx) is None
    with store.session() as session:
        assert settings.get_settings(session).bureau_name == ""  # only the choice is kept
        [row] = session.scalars(select(AuditEntry).where(AuditEntry.entity == setup.ENTITY))
        assert (row.action, row.operator) == (setup.SKIPPED, "测试员")
    # another desk on the same store is not asked either
    other = open_store(store.url)
    try:
        with other.session() as session:
            assert not setup.needs_setup(session)
    finally:
        other.close()


def test_not_offered_on_a_filled_store_nor_to_a_desk_that_may_not_write(
    qtbot: Any, main_window: MainWindow, app_ctx: AppContext, store: Store
) -> None:
    assert isinstance(maybe_offer_first_run(main_window, app_ctx), FirstRunWizard)
    main_window.findChild(FirstRunWizard).reject()
    store.read_only = True
    assert maybe_offer_first_run(main_window, app_ctx) is None
    store.read_only = False
    with store.transaction() as session:
        towns.add_towns(session, ["古井镇"], "测试员")
    assert maybe_offer_first_run(main_window, app_ctx) is None


def test_not_offered_when_the_store_holds_enterprises(store: Store) -> None:
    with store.transaction() as session:
        assert setup.needs_setup(session)
        session.add(Enterprise(name="亳州市测试科技有限公司", uscc="91341602MA2T000001"))
    with store.session() as session:
        assert not setup.needs_setup(session)


def test_pasted_towns_split_with_repeats_and_blanks_left_out(
    qtbot: Any, main_window: MainWindow, app_ctx: AppContext
) -> None:
    wizard = _offered(main_window, app_ctx)
    page = wizard.towns_page
    page.text.setPlainText(
        "古井镇\n十八里镇、 汤陵街道，古井镇\n\n   \n魏岗镇,十八里镇;\t古井 镇\r\n"
    )
    assert page.names() == ["古井镇", "十八里镇", "汤陵街道", "魏岗镇"]
    assert "将添加 4 个镇街" in page.summary.text()
    assert page.isComplete()
    page.text.setPlainText("古井镇\n" + "长" * 70)  # too long for a town's name
    assert not page.isComplete() and page.summary.objectName() == "fieldError"


def _roster(path: Path, header: str = "所属镇街") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2025年企业名单"])
    sheet.append([])
    sheet.append(["序号", "企业名称", header, "统一社会信用代码"])
    for n, town in enumerate(["古井镇", "十八里镇", "古井镇", None, " 汤陵街道 ", "十八里镇"], 1):
        sheet.append([n, f"企业{n}", town, ""])
    book.save(path)
    return path


@pytest.mark.parametrize("header", ["所属镇街", "镇街", "乡镇"])
def test_towns_are_read_from_a_roster_files_town_column(
    qtbot: Any,
    main_window: MainWindow,
    app_ctx: AppContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    header: str,
) -> None:
    roster = _roster(tmp_path / "名单.xlsx", header)
    monkeypatch.setattr(files, "open_file_name", lambda *_a, **_k: str(roster))
    wizard = _offered(main_window, app_ctx)
    wizard.towns_page.text.setPlainText("魏岗镇")
    qtbot.mouseClick(wizard.towns_page.from_file, Qt.MouseButton.LeftButton)
    assert wizard.towns_page.names() == ["魏岗镇", "古井镇", "十八里镇", "汤陵街道"]


def test_a_file_without_a_town_column_is_explained(
    qtbot: Any,
    main_window: MainWindow,
    app_ctx: AppContext,
    message_boxes: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    roster = _roster(tmp_path / "名单.xlsx", "所在地区")
    monkeypatch.setattr(files, "open_file_name", lambda *_a, **_k: str(roster))
    wizard = _offered(main_window, app_ctx)
    qtbot.mouseClick(wizard.towns_page.from_file, Qt.MouseButton.LeftButton)
    assert wizard.towns_page.names() == []
    assert any("没有“所属镇街”列" in text for text in message_boxes.texts)


def test_the_chosen_first_import_opens_in_the_import_screen(
    qtbot: Any,
    main_window: MainWindow,
    app_ctx: AppContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    roster = _roster(tmp_path / "企业名单.xlsx")
    monkeypatch.setattr(files, "open_file_name", lambda *_a, **_k: str(roster))
    wizard = _offered(main_window, app_ctx)
    _fill(qtbot, wizard)
    qtbot.mouseClick(wizard.import_page.choose, Qt.MouseButton.LeftButton)
    assert "企业名单.xlsx" in wizard.import_page.chosen.text()
    _click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert wait_for_tasks(20_000)
    assert main_window.current_key() == "imports"
    screen = main_window.current_screen()
    assert screen is not None and screen.panel_for(roster) is not None  # type: ignore[attr-defined]


def test_the_demo_district_is_made_in_its_own_file_and_the_window_reopens_on_it(
    qtbot: Any,
    main_window: MainWindow,
    app_ctx: AppContext,
    store: Store,
    message_boxes: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "data" / demo.DEMO_FILE
    monkeypatch.setattr(demo, "demo_store_path", lambda: target)
    before = _audit_rows(store)
    wizard = _offered(main_window, app_ctx)
    wizard.bureau_page.bureau.setText("不会保存")
    qtbot.mouseClick(wizard.bureau_page.demo_button, Qt.MouseButton.LeftButton)
    assert wait_for_tasks(60_000)
    try:
        pending = reopen.take()
        assert pending is not None and pending.target == str(target)
    finally:
        reopen.take()
    assert not main_window.isVisible() and not wizard.isVisible()
    assert _audit_rows(store) == before  # the clerk's own store is untouched
    demo_store = open_store(target)
    try:
        with demo_store.session() as session:
            assert settings.get_settings(session).bureau_name == "亳州市谯城区科学技术局"
            assert session.scalar(select(func.count(Enterprise.id))) > 50
            assert not setup.needs_setup(session)
    finally:
        demo_store.close()


def test_help_reopens_the_wizard_filled_with_what_the_store_holds(
    qtbot: Any, main_window: MainWindow, app_ctx: AppContext, store: Store
) -> None:
    with store.transaction() as session:
        settings.update_settings(session, {"bureau_name": "某区科技局", "preparer": "陈晓燕"}, "x")
        towns.add_towns(session, ["古井镇"], "x")
        settings.set_count_target(session, "high_tech", YEAR, 88, "x")
    assert maybe_offer_first_run(main_window, app_ctx) is None
    action = main_window.menus.actions["first_run"]
    assert action.text() == "首次设置向导…" and action.isEnabled()
    action.trigger()
    wizard = main_window.findChild(FirstRunWizard)
    assert wizard is not None and wizard.isVisible()
    assert wizard.bureau_page.bureau.text() == "某区科技局"
    assert wizard.signatories_page.edits["preparer"].text() == "陈晓燕"
    assert wizard.targets_page.high_tech.value() == 88
    assert "已有 1 个镇街：古井镇" in " ".join(
        label.text() for label in wizard.towns_page.findChildren(type(wizard.towns_page.summary))
    )
    action.trigger()  # a second time: the same wizard brought forward
    assert main_window.findChildren(FirstRunWizard) == [wizard]
    wizard.reject()


def test_setup_service_refuses_bad_answers_before_writing(store: Store) -> None:
    bad = setup.Setup(bureau_name="某区科技局", year=YEAR, towns=("古井镇", "十八里镇、汤陵"))
    with pytest.raises(settings.SettingsError), store.transaction() as session:
        setup.apply_setup(session, bad, "测试员")
    with pytest.raises(settings.SettingsError), store.transaction() as session:
        setup.apply_setup(session, setup.Setup(bureau_name=" ", year=YEAR), "测试员")
    assert _audit_rows(store) == 0


def test_the_wizard_is_usable_from_the_keyboard(
    qtbot: Any, main_window: MainWindow, app_ctx: AppContext
) -> None:
    wizard = _offered(main_window, app_ctx)
    wizard.activateWindow()
    name = wizard.bureau_page.bureau
    name.setFocus()
    name.insert("某区科技局")  # as an input method types it (QTest types ASCII only)
    qtbot.keyClick(name, Qt.Key.Key_Return)  # Enter: 下一步
    assert wizard.currentPage() is wizard.towns_page
    labels = [w.text() for w in wizard.findChildren(type(wizard.towns_page.summary))]
    buttons = [wizard.button(b).text() for b in (QWizard.WizardButton.NextButton,)]
    assert "镇街(&T)：" in labels and buttons == ["下一步(&N) >"]
    text = wizard.towns_page.text
    assert text.tabChangesFocus()  # Tab leaves the box instead of typing a tab
    wizard.reject()
