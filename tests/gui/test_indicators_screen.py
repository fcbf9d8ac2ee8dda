"""指标与目标: the table shows the service's values; targets, manual actuals and town targets are
edited inline through the write worker; a bad number is refused; click-through, export, import."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, QModelIndex, QRectF, Qt

from db.services import platforms
from db.services.plans import indicators
from db.store import Store
from desktop.ui.common import files
from desktop.ui.indicators.delegates import sparkline_points
from desktop.ui.indicators.display import STATUS_COLOURS, NumberProblem, parse_number
from desktop.ui.indicators.model import (
    COL_ACTUAL,
    COL_COMPLETION,
    COL_NAME,
    COL_STATUS,
    COL_TARGET,
    COL_TREND,
    TOWN_ACTUAL,
    TOWN_NAME,
    TOWN_TARGET,
)
from desktop.ui.indicators.screen import IndicatorsScreen
from desktop.ui.platforms.screen import PlatformsScreen
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.shell.tasks import wait_for_tasks
from tests.gui.conftest import MessageBoxes
from tests.gui.test_home import roster_shows
from tests.unit.test_dashboard import AS_OF, OP, Known, fill

YEAR = AS_OF.year


def plan(store: Store) -> dict[str, int]:
    """Beside fill(): a manual amount with a target and an actual, two platforms with a target."""
    with store.transaction() as s:
        indicators.add_indicator(
            s,
            {
                "code": "contracts_amount",
                "name": "技术合同成交额",
                "unit": "亿元",
                "kind": "amount",
                "base_year": 2020,
                "base_value": 4.6,
                "department": "区科技局",
            },
            OP,
        )
        indicators.set_target(s, "contracts_amount", YEAR, 20.0, OP)
        indicators.set_actual(s, "contracts_amount", YEAR, 9.5, OP)
        indicators.add_indicator(
            s,
            {
                "code": "stations",
                "name": "院士工作站",
                "unit": "个",
                "source": "platforms:院士工作站",
                "base_year": 2020,
                "base_value": 1,
            },
            OP,
        )
        indicators.set_target(s, "stations", YEAR, 3.0, OP)
        ids = {}
        for n, name in enumerate(("一号工作站", "二号工作站"), start=1):
            ids[name] = platforms.create_platform(
                s,
                {
                    "name": name,
                    "kind": "院士工作站",
                    "level": "省级",
                    "host_name": f"研究院{n}",
                    "recognized_year": 2022 + n,
                },
                OP,
            )
    return ids


def show(qtbot: Any, screen: IndicatorsScreen, code: str | None = None) -> IndicatorsScreen:
    """The screen on YEAR as of AS_OF, loaded, `code` selected."""
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.open_filter(year=YEAR, as_of=AS_OF, code=code)
    wait_for_tasks()
    return screen


@pytest.fixture
def known(app_ctx: AppContext) -> Known:
    k = fill(app_ctx.store)
    plan(app_ctx.store)
    return k


@pytest.fixture
def screen(qtbot: Any, app_ctx: AppContext, known: Known) -> IndicatorsScreen:
    w = IndicatorsScreen(app_ctx)
    qtbot.addWidget(w)
    w.resize(1300, 800)
    w.show()
    wait_for_tasks()
    return show(qtbot, w)


def cell(screen: IndicatorsScreen, code: str, column: int) -> QModelIndex:
    """The view's index of an indicator's cell."""
    row = screen.model.row_of(code)
    assert row >= 0, code
    return screen.proxy.mapFromSource(screen.model.index(row, column))


def text(screen: IndicatorsScreen, code: str, column: int) -> str:
    return str(cell(screen, code, column).data())


def service(store: Store, code: str) -> indicators.IndicatorValue:
    with store.session() as s:
        return indicators.indicator_value(s, code, YEAR, as_of=AS_OF)


def edit(qtbot: Any, screen: IndicatorsScreen, index: QModelIndex, typed: str) -> None:
    """Select a cell, Enter opens the editor, type, Enter commits; wait for the write."""
    view = screen.table if index.model() is screen.proxy else screen.towns.table
    view.setFocus()
    view.setCurrentIndex(index)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    editor = view.focusWidget()
    assert editor is not view and editor is not None  # the line editor is open
    editor.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    if typed.isascii():
        qtbot.keyClicks(editor, typed)
    else:  # QTest types Latin-1 only
        editor.setText(typed)  # type: ignore[attr-defined]
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    wait_for_tasks()
    qtbot.wait(20)


def test_table_shows_the_service_values(screen: IndicatorsScreen, app_ctx: AppContext) -> None:
    with app_ctx.session() as s:
        expected = indicators.indicator_table(s, YEAR, as_of=AS_OF)
    assert screen.model.rows() == expected
    assert text(screen, "high_tech_count", COL_TARGET) == "8"
    assert text(screen, "high_tech_count", COL_ACTUAL) == "4"
    assert text(screen, "high_tech_count", COL_COMPLETION) == "50.0%"
    money = service(app_ctx.store, "contracts_amount")
    assert text(screen, "contracts_amount", COL_ACTUAL) == "9.5"
    assert text(screen, "contracts_amount", COL_STATUS) == money.status
    colour = cell(screen, "contracts_amount", COL_STATUS).data(Qt.ItemDataRole.ForegroundRole)
    assert colour.color().name() == STATUS_COLOURS[money.status][0]
    assert text(screen, "stations", COL_ACTUAL) == "2"
    assert "2024 2" in text(screen, "stations", COL_TREND)
    tip = screen.model.headerData(
        COL_STATUS, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert "序时进度" in tip and AS_OF.isoformat() in tip
    assert "共 " in screen.summary.text()
    screen.table.grab()  # the sparkline and status delegates paint without error


def test_edit_a_target_inline(qtbot: Any, screen: IndicatorsScreen, app_ctx: AppContext) -> None:
    with qtbot.waitSignal(screen.written, timeout=5000):
        edit(qtbot, screen, cell(screen, "stations", COL_TARGET), "4")
    assert service(app_ctx.store, "stations").target == 4.0
    qtbot.waitUntil(lambda: text(screen, "stations", COL_TARGET) == "4")
    assert screen.current_value() is not None and screen.current_value().code == "stations"  # type: ignore[union-attr]
    # cleared: no target any more
    with qtbot.waitSignal(screen.written, timeout=5000):
        edit(qtbot, screen, cell(screen, "stations", COL_TARGET), "")
    assert service(app_ctx.store, "stations").target is None


def test_manual_actual_and_a_bad_number(
    qtbot: Any, screen: IndicatorsScreen, app_ctx: AppContext, message_boxes: MessageBoxes
) -> None:
    index = cell(screen, "contracts_amount", COL_ACTUAL)
    assert index.flags() & Qt.ItemFlag.ItemIsEditable
    assert not cell(screen, "stations", COL_ACTUAL).flags() & Qt.ItemFlag.ItemIsEditable
    edit(qtbot, screen, index, "十二亿")
    qtbot.waitUntil(lambda: bool(message_boxes.texts))
    assert "技术合同成交额" in message_boxes.texts[-1]
    assert "完成" in message_boxes.texts[-1] and "不是数字" in message_boxes.texts[-1]
    assert service(app_ctx.store, "contracts_amount").actual == 9.5  # unchanged
    with qtbot.waitSignal(screen.written, timeout=5000):
        edit(qtbot, screen, cell(screen, "contracts_amount", COL_ACTUAL), "12.5")
    saved = service(app_ctx.store, "contracts_amount")
    assert (saved.actual, saved.entered_by) == (12.5, "测试员")
    qtbot.waitUntil(lambda: text(screen, "contracts_amount", COL_ACTUAL) == "12.5")


def test_town_breakdown_and_town_target(
    qtbot: Any, screen: IndicatorsScreen, app_ctx: AppContext
) -> None:
    screen.table.setCurrentIndex(cell(screen, "high_tech_count", COL_NAME))
    towns = screen.town_model
    rows = [
        (towns.index(r, TOWN_NAME).data(), towns.index(r, TOWN_ACTUAL).data())
        for r in range(towns.rowCount())
    ]
    value = service(app_ctx.store, "high_tech_count")
    assert rows == [(t.town or "（未填镇街）", f"{t.actual:g}") for t in value.by_town]
    assert ("古井镇", "2") in rows
    row = next(r for r, (name, _n) in enumerate(rows) if name == "古井镇")
    with qtbot.waitSignal(screen.written, timeout=5000):
        edit(qtbot, screen, towns.index(row, TOWN_TARGET), "4")
    town = next(t for t in service(app_ctx.store, "high_tech_count").by_town if t.town == "古井镇")
    assert town.target == 4.0
    qtbot.waitUntil(lambda: towns.rowCount() > row and towns.index(row, TOWN_TARGET).data() == "4")
    assert towns.index(row, 3).data() == "50.0%"


def test_manual_indicator_has_no_towns(screen: IndicatorsScreen) -> None:
    screen.table.setCurrentIndex(cell(screen, "contracts_amount", COL_NAME))
    assert screen.town_model.rowCount() == 0
    assert "没有分镇街" in screen.towns.empty.text()
    assert not screen.detail.records_button.isEnabled()
    assert screen.detail.fields["entered"].text().startswith("测试员")


def test_click_through_opens_the_records(qtbot: Any, main_window: MainWindow, known: Known) -> None:
    screen = main_window.navigate("indicators")
    assert isinstance(screen, IndicatorsScreen)
    wait_for_tasks()
    show(qtbot, screen, "high_tech_count")
    with qtbot.waitSignal(screen.records_opened) as opened:
        screen.table.activated.emit(cell(screen, "high_tech_count", COL_ACTUAL))
    assert opened.args[0].entity == "enterprise"
    roster_shows(qtbot, main_window, {known.a, known.c, known.d, known.e})
    # the platforms behind 院士工作站
    main_window.navigate("indicators")
    wait_for_tasks()
    screen.table.setCurrentIndex(cell(screen, "stations", COL_NAME))
    with qtbot.waitSignal(screen.records_opened):
        qtbot.mouseClick(screen.detail.records_button, Qt.MouseButton.LeftButton)
    shown = main_window.stack.currentWidget()
    assert isinstance(shown, PlatformsScreen)
    assert {p.name for p in shown.platform_model.rows()} == {"一号工作站", "二号工作站"}
    assert shown.show_all_button.isVisible()


def test_click_through_of_one_town(qtbot: Any, main_window: MainWindow, known: Known) -> None:
    screen = main_window.navigate("indicators")
    assert isinstance(screen, IndicatorsScreen)
    wait_for_tasks()
    show(qtbot, screen, "high_tech_count")
    towns = screen.town_model
    row = next(r for r in range(towns.rowCount()) if towns.index(r, 0).data() == "古井镇")
    screen.towns.table.activated.emit(towns.index(row, TOWN_ACTUAL))
    roster_shows(qtbot, main_window, {known.a, known.d})


def test_export_writes_the_table(
    qtbot: Any,
    screen: IndicatorsScreen,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: MessageBoxes,
) -> None:
    target = tmp_path / "指标.xlsx"
    monkeypatch.setattr(files, "save_file_name", lambda *_a, **_k: str(target))
    task = screen.export_button.exporter.export()  # type: ignore[attr-defined]
    assert task is not None and task.wait()
    wait_for_tasks()
    sheet = load_workbook(target).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in values if "指标" in r)
    assert {"目标", "完成", "完成率", "状态", "趋势"} <= set(header)
    names = {r[header.index("指标")] for r in values}
    assert {"技术合同成交额", "院士工作站"} <= names


def test_import_annex_hands_the_file_to_imports(
    qtbot: Any,
    main_window: MainWindow,
    known: Known,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    annex = tmp_path / "附表.csv"
    annex.write_text(
        "指标名称,单位,基期年度,基期值,2026年,责任单位\n院士工作站,个,2020,1,4,区科协\n"
    )
    monkeypatch.setattr(files, "open_file_name", lambda *_a, **_k: str(annex))
    screen = main_window.navigate("indicators")
    assert isinstance(screen, IndicatorsScreen)
    imports = screen.import_annex()
    assert imports is main_window.stack.currentWidget()
    assert main_window.current_key() == "imports"
    assert imports.panel_for(annex) is not None  # type: ignore[union-attr]
    wait_for_tasks()


def test_year_and_date_controls(qtbot: Any, screen: IndicatorsScreen) -> None:
    assert screen.as_of_date() == AS_OF
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.year.setValue(2024)
    assert screen.as_of_date() == date(2024, 12, 31)
    assert {v.year for v in screen.model.rows()} == {2024}
    assert screen.as_of.minimumDate() == QDate(2024, 1, 1)


def test_search_and_ctrl_f(qtbot: Any, screen: IndicatorsScreen) -> None:
    screen.focus_search()
    assert screen.search.hasFocus() or not screen.isActiveWindow()
    screen.search.setText("工作站")
    assert screen.proxy.rowCount() == 1
    screen.search.clear()
    assert screen.proxy.rowCount() == screen.model.rowCount()


def test_typed_numbers() -> None:
    assert parse_number("１２０") == 120.0
    assert parse_number(" 1,234.5 ") == 1234.5
    assert parse_number("15%") == 15.0
    assert parse_number("") is None
    assert parse_number("-3", negative=True) == -3.0
    for bad, why in (("十二", "不是数字"), ("-3", "负数"), ("nan", "有效")):
        with pytest.raises(NumberProblem, match=why):
            parse_number(bad)


def test_sparkline_points() -> None:
    rect = QRectF(0, 0, 100, 20)
    points = sparkline_points(((2022, 1.0), (2023, None), (2024, 3.0)), rect)
    assert points[1] is None
    assert (points[0].x(), points[0].y()) == (0, 20)  # type: ignore[union-attr]
    assert (points[2].x(), points[2].y()) == (100, 0)  # type: ignore[union-attr]
    assert sparkline_points(((2024, None),), rect) == []
