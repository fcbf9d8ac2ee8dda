"""技术合同 screen: filters and totals agree with the service, the editor (a refused 技术交易额),
delete and restore, export of the filtered list, the chip of a click-through, SQL sorting."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt

from db.services.contracts import queries
from desktop.ui.common import files
from desktop.ui.contracts.model import COLUMNS
from desktop.ui.contracts.screen import ContractsScreen
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.screens import screen_spec
from tests.gui.conftest import MessageBoxes
from tests.gui.ledger_district import LAST, T1, T2, YEAR, Ledger, build, uscc


@pytest.fixture
def ledger(app_ctx: AppContext) -> Ledger:
    return build(app_ctx.store)


@pytest.fixture
def screen(qtbot: Any, app_ctx: AppContext, ledger: Ledger) -> ContractsScreen:
    w = ContractsScreen(app_ctx)
    qtbot.addWidget(w)
    w.resize(1300, 800)
    w.show()
    return w


def _choose(box: Any, data: object) -> None:
    box.setCurrentIndex(box.findData(data))


def _service(ctx: AppContext, f: queries.ContractFilter) -> tuple[list[int], Any]:
    with ctx.session() as s:
        return queries.contract_ids(s, f), queries.contract_totals(s, f)


def _agrees(qtbot: Any, screen: ContractsScreen, ctx: AppContext) -> list[int]:
    """The list and the totals bar show what the service gives for the bar's filter."""
    ids, totals = _service(ctx, screen.current_filter())
    assert screen.model.ids() == ids
    qtbot.waitUntil(lambda: getattr(screen, "last_totals", None) == totals)
    assert f"<b>{totals.count:,}</b> 件" in screen.totals.text()
    return ids


def test_registered_after_cultivation(screen: ContractsScreen) -> None:
    assert screen_spec("contracts").factory.endswith(":ContractsScreen")
    assert screen_spec("results").factory.endswith(":ResultsScreen")


def test_filters_and_totals_follow_the_service(
    qtbot: Any, screen: ContractsScreen, app_ctx: AppContext, ledger: Ledger
) -> None:
    k = ledger.contracts
    assert set(_agrees(qtbot, screen, app_ctx)) == set(k.values())
    assert "2,070.00" in screen.totals.text()  # 500 + 300 + 200 + 100 + 900 + 70
    assert not screen.quarter.isEnabled()
    _choose(screen.year, YEAR)
    assert screen.quarter.isEnabled()
    assert len(_agrees(qtbot, screen, app_ctx)) == 5
    _choose(screen.quarter, 2)  # April – June: K3, K4, K5
    assert set(_agrees(qtbot, screen, app_ctx)) == {k["K3"], k["K4"], k["K5"]}
    _choose(screen.month, 5)  # a month clears the quarter
    assert screen.quarter.currentIndex() == 0
    assert _agrees(qtbot, screen, app_ctx) == [k["K4"]]
    _choose(screen.month, -1)
    screen.month.setCurrentIndex(0)
    _choose(screen.side, "吸纳")  # K2, K3 (a roster buyer), K4 (区内)
    assert set(_agrees(qtbot, screen, app_ctx)) == {k["K2"], k["K3"], k["K4"]}
    _choose(screen.town, ledger.towns[T2])  # the buyer's town: K2, K3
    assert set(_agrees(qtbot, screen, app_ctx)) == {k["K2"], k["K3"]}
    _choose(screen.side, "输出")  # K1, K3 sold from 十九里镇: none in 古井镇
    assert _agrees(qtbot, screen, app_ctx) == []
    _choose(screen.town, ledger.towns[T1])
    assert set(_agrees(qtbot, screen, app_ctx)) == {k["K1"], k["K3"]}
    assert screen.model.index(screen.model.row_of(k["K3"]), 9).data() == T1
    _choose(screen.kind, "技术转让")
    assert _agrees(qtbot, screen, app_ctx) == [k["K1"]]


def test_search_is_debounced_and_finds_a_party_by_name_or_code(
    qtbot: Any, screen: ContractsScreen, app_ctx: AppContext, ledger: Ledger
) -> None:
    screen.search.setText("华佗")
    assert screen.model.rowCount() == 6  # typing waits for a pause
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2)  # K2, K6
    assert set(_agrees(qtbot, screen, app_ctx)) == {ledger.contracts["K2"], ledger.contracts["K6"]}
    screen.search.setText(uscc(3).lower())
    screen.apply_filter()
    assert _agrees(qtbot, screen, app_ctx) == [ledger.contracts["K3"]]


def test_sort_by_amount_in_sql(screen: ContractsScreen, ledger: Ledger) -> None:
    amount = next(n for n, c in enumerate(COLUMNS) if c.sort == "amount")
    screen.table.sortByColumn(amount, Qt.SortOrder.DescendingOrder)
    assert screen.model.id_at(0) == ledger.contracts["K5"]  # 900
    sides = next(n for n, c in enumerate(COLUMNS) if c.sort is None)
    screen.table.sortByColumn(sides, Qt.SortOrder.AscendingOrder)  # not sortable: kept
    assert screen.model.id_at(0) == ledger.contracts["K5"]
    assert screen.table.horizontalHeader().sortIndicatorSection() == amount


def _save(qtbot: Any, dialog: Any) -> None:
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.save_task is not None and dialog.save_task.wait()


def test_editor_refuses_a_tech_amount_above_the_amount(
    qtbot: Any, screen: ContractsScreen, app_ctx: AppContext, ledger: Ledger
) -> None:
    dialog = screen.new_contract()
    assert not dialog.save_button.isEnabled()
    assert dialog.general.message.text().startswith("尚需填写：")
    qtbot.keyClicks(dialog.widget("reg_no"), "2025341602000777")
    dialog.widget("registered_on").set_value(date(YEAR, 7, 1))
    dialog.widget("name").setText("中药材溯源平台开发")
    _choose(dialog.widget("contract_type"), "技术开发")
    dialog.widget("seller_name").setText("亳州神农药业有限公司")
    qtbot.keyClicks(dialog.widget("seller_uscc"), uscc(1))
    assert "名录中的企业" in dialog.party_hints["seller"].text()
    dialog.widget("buyer_name").setText("南京某公司")
    _choose(dialog.widget("buyer_local"), 0)  # 区外
    qtbot.keyClicks(dialog.widget("amount"), "120")
    qtbot.keyClicks(dialog.widget("tech_amount"), "150")
    message = dialog.boxes["tech_amount"].message.text()
    assert message == "技术交易额（150万元）不能大于合同成交额（120万元）"
    assert not dialog.save_button.isEnabled()
    dialog.widget("tech_amount").setText("100")
    assert dialog.boxes["tech_amount"].message.text() == ""
    assert dialog.save_button.isEnabled()
    _save(qtbot, dialog)
    assert not dialog.isVisible()
    with app_ctx.session() as s:
        cid = queries.contract_ids(s, queries.ContractFilter(text="2025341602000777"))[0]
        c = queries.get_contract(s, cid)
    assert c is not None and c.seller_enterprise_id == ledger.e[1] and c.sides == ("输出",)
    assert (c.amount, c.tech_amount, c.buyer_local) == (120.0, 100.0, False)
    assert screen.selected_contract_id() == cid


def test_editor_edits_and_shows_a_duplicate_key(
    qtbot: Any, screen: ContractsScreen, app_ctx: AppContext, ledger: Ledger
) -> None:
    screen.select_contract(ledger.contracts["K5"])
    dialog = screen.edit_contract()
    assert dialog is not None and dialog.widget("reg_no").text() == "K5"
    dialog.widget("amount").setText("950")
    _save(qtbot, dialog)
    with app_ctx.session() as s:
        assert queries.get_contract(s, ledger.contracts["K5"]).amount == 950.0  # type: ignore[union-attr]
    dialog = screen.edit_contract()
    assert dialog is not None
    dialog.widget("reg_no").setText("K1")
    _save(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.boxes["reg_no"].message.text() == "已有登记号为K1的技术合同"


def test_delete_to_the_recycle_bin_and_restore(
    qtbot: Any,
    screen: ContractsScreen,
    app_ctx: AppContext,
    ledger: Ledger,
    message_boxes: MessageBoxes,
) -> None:
    cid = ledger.contracts["K1"]
    screen.select_contract(cid)
    screen.delete_contract()
    assert screen.delete_task is not None and screen.delete_task.wait()
    assert screen.model.row_of(cid) == -1
    assert "件" in screen.count_label.text() and screen.model.rowCount() == 5
    dialog = screen.open_recycle_bin()
    row = dialog.row_of(cid)
    assert row >= 0 and dialog.model.item(row, 0).text() == "K1"
    assert dialog.model.item(row, 5).text() == "测试员"
    dialog.view.selectRow(row)
    dialog.restore_selected()
    assert dialog.restore_task is not None and dialog.restore_task.wait()
    assert screen.model.row_of(cid) >= 0
    assert screen.selected_contract_id() == cid


def test_export_writes_the_filtered_list(
    qtbot: Any,
    screen: ContractsScreen,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: MessageBoxes,
) -> None:
    _choose(screen.year, LAST)  # K6 only
    out = tmp_path / "合同.xlsx"
    monkeypatch.setattr(files, "save_file_name", lambda *_a, **_k: str(out))
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    task = screen.exporter.task
    assert task is not None and task.wait(10_000)
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    rows = [[c.value for c in row] for row in sheet.iter_rows(values_only=False)]
    header = next(r for r in rows if r and r[0] == "登记号")
    body = rows[rows.index(header) + 1 :]
    assert [r[0] for r in body if r[0]] == ["K6"]
    assert "成交额(万元)" in header


def test_a_click_through_shows_its_ids_as_a_chip(
    qtbot: Any, screen: ContractsScreen, app_ctx: AppContext, ledger: Ledger
) -> None:
    _choose(screen.kind, "技术服务")
    named = (ledger.contracts["K1"], ledger.contracts["K5"])
    screen.open_filter(ids=named, label="2025年吸纳技术合同 · 2项", origin="指标与目标")
    assert screen.chip.isVisible()
    assert screen.chip.text() == "来自指标与目标：2025年吸纳技术合同 · 2项"
    assert screen.kind.currentIndex() == 0  # the other filters cleared
    assert set(screen.model.ids()) == set(named)
    qtbot.waitUntil(lambda: getattr(screen, "last_totals", None) is not None)
    qtbot.waitUntil(lambda: screen.last_totals.count == 2)
    assert screen.last_totals.amount == 1400.0
    _choose(screen.year, YEAR)  # the bar narrows the named ones further
    assert set(screen.model.ids()) == set(named)
    screen.chip.remove()
    assert not screen.chip.isVisible()
    assert screen.model.rowCount() == 5  # the year still chosen


def test_the_model_reads_rows_a_page_at_a_time(app_ctx: AppContext, ledger: Ledger) -> None:
    from desktop.ui.contracts.model import ContractTableModel

    model = ContractTableModel(app_ctx)
    model.set_filter(queries.ContractFilter(), only=None)
    assert model.rowCount() == 6 and model.pages_fetched == 0
    assert model.index(0, 0).data() == "K5"  # newest registration first
    assert model.pages_fetched == 1
    assert model.index(5, 0).data() == "K6"
    assert model.pages_fetched == 1
    model.set_filter(queries.ContractFilter(side="输出"), only=[ledger.contracts["K3"], 999])
    assert model.ids() == [ledger.contracts["K3"]]
    assert model.totals().amount == 200.0
