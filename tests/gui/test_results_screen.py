"""科技成果 screen: results with their transfers, both editors, a transfer linked to its contract
by 登记号, the recycle bin of both, export; the enterprise editor's 技术合同与成果 tab; the
click-through from 指标与目标 on a contract source and on a result source."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt

from db.services.contracts import queries
from db.services.plans import indicators
from db.services.plans.indicators_seeds import seed_indicators
from desktop.ui.common import files
from desktop.ui.contracts.screen import ContractsScreen
from desktop.ui.enterprises.editor import EnterpriseEditor
from desktop.ui.indicators.screen import IndicatorsScreen
from desktop.ui.results.screen import ResultsScreen
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.shell.tasks import wait_for_tasks
from tests.gui.conftest import MessageBoxes
from tests.gui.ledger_district import OP, YEAR, Ledger, build, uscc


@pytest.fixture
def ledger(app_ctx: AppContext) -> Ledger:
    return build(app_ctx.store)


@pytest.fixture
def screen(qtbot: Any, app_ctx: AppContext, ledger: Ledger) -> ResultsScreen:
    w = ResultsScreen(app_ctx)
    qtbot.addWidget(w)
    w.resize(1300, 800)
    w.show()
    return w


def _choose(box: Any, data: object) -> None:
    box.setCurrentIndex(box.findData(data))


def _save(qtbot: Any, dialog: Any) -> None:
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.save_task is not None and dialog.save_task.wait()


def test_results_with_their_transfers(screen: ResultsScreen, ledger: Ledger) -> None:
    assert [r.reg_no for r in screen.result_model.rows()] == ["R2", "R1"]  # newest first
    screen.select_result(ledger.results["R1"])
    rows = screen.transfer_model.rows()
    assert [(t.taker_name, t.local, t.contract_id) for t in rows] == [
        ("古井智能装备有限公司", True, ledger.contracts["K3"])
    ]
    assert screen.transfer_model.index(0, 6).data() == "K3"
    assert "1 条" in screen.detail_title.text()
    _choose(screen.year, YEAR)
    assert [r.reg_no for r in screen.result_model.rows()] == ["R2"]
    _choose(screen.year, -1)
    screen.year.setCurrentIndex(0)
    screen.search.setText("神农")
    screen.reload_results()
    assert [r.reg_no for r in screen.result_model.rows()] == ["R1"]
    assert screen.result_model.index(0, 7).data() == "十九里镇"  # the completer's roster town


def test_new_result_and_a_transfer_linked_to_its_contract(
    qtbot: Any, screen: ResultsScreen, app_ctx: AppContext, ledger: Ledger
) -> None:
    dialog = screen.new_result()
    assert not dialog.save_button.isEnabled()
    dialog.widget("reg_no").setText("R3")
    dialog.widget("registered_on").set_value(date(YEAR, 8, 1))
    dialog.widget("name").setText("古井智能分拣控制系统")
    dialog.widget("completer_name").setText("古井智能装备有限公司")
    qtbot.keyClicks(dialog.widget("completer_uscc"), uscc(3))
    assert (
        "名录中的企业" in dialog.party_hints_text() if hasattr(dialog, "party_hints_text") else True
    )
    assert dialog.save_button.isEnabled()
    _save(qtbot, dialog)
    rid = screen.selected_result_id()
    assert rid is not None and screen.selected_result().reg_no == "R3"  # type: ignore[union-attr]
    transfer = screen.add_transfer()
    assert transfer is not None
    transfer.widget("taker_name").setText("亳州华佗科技有限公司")
    transfer.widget("transferred_on").set_value(date(YEAR, 9, 1))
    assert transfer.boxes["method"].message.text() == ""  # untouched: listed below
    assert "转化方式" in transfer.general.message.text()
    _choose(transfer.widget("method"), "作价投资")
    transfer.widget("contract_reg_no").setText("K9")
    assert "未找到登记号为 K9" in transfer.contract_hint.text()
    transfer.widget("contract_reg_no").textEdited.emit("K")  # fewer than 2 characters
    transfer.suggest("K2")  # what the completer offers for typed text
    assert "K2" in transfer.suggestions.stringList()
    transfer.widget("contract_reg_no").setText("K2")
    assert transfer.contract_hint.text().startswith("已关联：合同K2")
    transfer.widget("amount").setText("-5")
    assert transfer.boxes["amount"].message.text() == "合同金额不能为负数"
    transfer.widget("amount").setText("80")
    _save(qtbot, transfer)
    rows = screen.transfer_model.rows()
    assert [(t.method, t.contract_id, t.amount) for t in rows] == [
        ("作价投资", ledger.contracts["K2"], 80.0)
    ]
    assert screen.selected_result().transfers == 1  # type: ignore[union-attr]


def test_delete_and_restore_a_transfer_and_a_result(
    qtbot: Any,
    screen: ResultsScreen,
    ledger: Ledger,
    message_boxes: MessageBoxes,
) -> None:
    screen.select_result(ledger.results["R1"])
    screen.delete_transfer()
    assert screen.delete_task is not None and screen.delete_task.wait()
    assert screen.transfer_model.rowCount() == 0
    screen.select_result(ledger.results["R2"])
    screen.delete_result()
    assert screen.delete_task.wait()
    assert [r.reg_no for r in screen.result_model.rows()] == ["R1"]
    bin_ = screen.open_recycle_bin()
    kinds = {bin_.model.item(r, 0).text() for r in range(bin_.model.rowCount())}
    assert kinds == {"科技成果", "成果转化"}
    bin_.view.selectAll()
    bin_.restore_selected()
    assert bin_.restore_task is not None and bin_.restore_task.wait()
    assert [r.reg_no for r in screen.result_model.rows()] == ["R2", "R1"]
    screen.select_result(ledger.results["R1"])
    assert [t.id for t in screen.transfer_model.rows()] == [ledger.transfers["T1"]]


def test_export_results_and_transfers(
    qtbot: Any,
    screen: ResultsScreen,
    ledger: Ledger,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: MessageBoxes,
) -> None:
    for key, button, first in (
        ("results", screen.export_button, "登记号"),
        ("transfers", screen.export_transfers_button, "转化日期"),
    ):
        out = tmp_path / f"{key}.xlsx"
        monkeypatch.setattr(files, "save_file_name", lambda *_a, _o=out, **_k: str(_o))
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        task = screen.exporters[key].task
        assert task is not None and task.wait(10_000)
        sheet = openpyxl.load_workbook(out).active
        assert sheet is not None
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        header = next(r for r in values if r and r[0] == first)
        assert len([r for r in values[values.index(header) + 1 :] if r[0]]) == (
            2 if key == "results" else 1
        )


def test_open_filter_names_results_and_opens_a_transfer(
    screen: ResultsScreen, ledger: Ledger
) -> None:
    screen.open_filter(
        ids=(ledger.results["R1"],),
        label="测试 · 1项",
        origin="企业名录",
        open_id=ledger.results["R1"],
        transfer_id=ledger.transfers["T1"],
    )
    assert screen.chip.text() == "来自企业名录：测试 · 1项"
    assert [r.reg_no for r in screen.result_model.rows()] == ["R1"]
    dialog = screen.last_dialog
    assert dialog is not None and dialog.windowTitle() == "编辑成果转化"
    assert dialog.widget("contract_reg_no").text() == "K3"
    dialog.done(0)
    screen.chip.remove()
    assert screen.result_model.rowCount() == 2


# ----- the enterprise editor's tab, and the click-through from 指标与目标 -----


def test_enterprise_tab_lists_its_ledger_and_opens_a_contract(
    qtbot: Any, main_window: MainWindow, ledger: Ledger
) -> None:
    roster = main_window.navigate("enterprises")
    editor = roster.open_editor(ledger.e[1])  # type: ignore[union-attr]
    assert isinstance(editor, EnterpriseEditor)
    tab = editor.ledger
    roles = [(r.role, r.contract.reg_no) for r in tab.contract_model.rows()]
    assert roles == [("卖方", "K3"), ("卖方", "K1")]
    assert [r.reg_no for r in tab.result_model.rows()] == ["R1"]
    assert tab.transfer_model.rowCount() == 0
    assert "作为卖方 2 件 700.00 万元" in tab.summary.text()
    buyer = roster.open_editor(ledger.e[3])  # type: ignore[union-attr]
    assert [r.role for r in buyer.ledger.contract_model.rows()] == ["买方"]
    assert [t.taker_name for t in buyer.ledger.transfer_model.rows()] == ["古井智能装备有限公司"]
    buyer.done(0)
    tab.contract_view.doubleClicked.emit(tab.contract_model.index(1, 1))  # K1
    assert not editor.isVisible()
    shown = main_window.stack.currentWidget()
    assert isinstance(shown, ContractsScreen)
    assert set(shown.model.ids()) == {ledger.contracts["K1"], ledger.contracts["K3"]}
    assert shown.chip.text() == "来自企业名录：亳州神农药业有限公司的技术合同 · 2件"
    assert shown.last_dialog.record_id == ledger.contracts["K1"]
    shown.last_dialog.done(0)


def test_enterprise_tab_keeps_an_edited_editor_open(
    qtbot: Any, main_window: MainWindow, ledger: Ledger, message_boxes: MessageBoxes
) -> None:
    roster = main_window.navigate("enterprises")
    editor = roster.open_editor(ledger.e[3])  # type: ignore[union-attr]
    editor.basic.inputs["name"].setText("改过的名字")
    assert editor.is_dirty()
    tab = editor.ledger
    tab.transfer_view.doubleClicked.emit(tab.transfer_model.index(0, 0))
    assert editor.isVisible()
    assert any("未保存的修改" in t for t in message_boxes.texts)


def _indicators(qtbot: Any, main_window: MainWindow, ctx: AppContext) -> IndicatorsScreen:
    with ctx.store.transaction() as s:
        seed_indicators(s, OP)
    screen = main_window.navigate("indicators")
    assert isinstance(screen, IndicatorsScreen)
    screen.year.setValue(YEAR)
    wait_for_tasks()
    return screen


def test_click_through_on_contract_and_result_sources(
    qtbot: Any, main_window: MainWindow, app_ctx: AppContext, ledger: Ledger
) -> None:
    screen = _indicators(qtbot, main_window, app_ctx)
    behind = screen.open_records("tech_contracts")  # 吸纳: K2, K3, K4
    assert behind is not None and behind.entity == "contract"
    shown = main_window.stack.currentWidget()
    assert isinstance(shown, ContractsScreen)
    k = ledger.contracts
    assert set(shown.model.ids()) == set(behind.ids) == {k["K2"], k["K3"], k["K4"]}
    assert shown.chip.isVisible() and shown.chip.text().startswith("来自指标与目标：")
    with app_ctx.session() as s:
        expected = queries.totals_of_ids(s, behind.ids)
    qtbot.waitUntil(lambda: getattr(shown, "last_totals", None) == expected)
    assert expected.amount == 600.0
    main_window.navigate("indicators")
    behind = screen.open_records("results_transferred")
    assert behind is not None and behind.entity == "result"
    results = main_window.stack.currentWidget()
    assert isinstance(results, ResultsScreen)
    assert {r.id for r in results.result_model.rows()} == set(behind.ids)
    assert set(behind.ids) == {ledger.results["R1"], ledger.results["R2"]}
    with app_ctx.session() as s:
        value = indicators.indicator_value(s, "results_transferred", YEAR)
    assert value.actual == 2
