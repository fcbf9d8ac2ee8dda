"""首页: the cards and the by-town table show what db.services.counts computes."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt

from db.services import enterprises, qualifications
from db.services.counts import double_breakthrough
from db.services.settings import set_count_target
from db.services.towns import add_towns, list_towns
from db.store import Store
from desktop.ui.home.model import TownCountsModel
from desktop.ui.home.screen import HomeScreen
from desktop.ui.main_window import MainWindow

AS_OF = date(2025, 6, 30)


def fill(store: Store) -> None:
    """Three enterprises: two towns and one without, with known certificates."""
    with store.transaction() as s:
        add_towns(s, ["古井镇", "五马镇"], "测试员")
        town = {t.name: t.id for t in list_towns(s)}
        ht, sme = qualifications.type_id(s, "high_tech"), qualifications.type_id(s, "tech_sme")
        a = enterprises.create(
            s, {"name": "甲公司", "uscc": "91110000600037341L", "town_id": town["古井镇"]}, "测试员"
        )
        b = enterprises.create(
            s, {"name": "乙公司", "uscc": "91110108551385082Q", "town_id": town["五马镇"]}, "测试员"
        )
        c = enterprises.create(s, {"name": "丙公司", "uscc": "9144030071526726XG"}, "测试员")
        # a: valid through 2025-12-31 → counted now and at year end
        qualifications.add(
            s,
            a,
            {"type_id": ht, "number": "GR202334000001", "issued_on": date(2023, 1, 1)},
            "测试员",
        )
        # b: expired 2025-02-28 → not counted; tech-SME of 2025
        qualifications.add(
            s,
            b,
            {"type_id": ht, "number": "GR202234000002", "issued_on": date(2022, 3, 1)},
            "测试员",
        )
        qualifications.add(s, b, {"type_id": sme, "evaluation_year": 2025}, "测试员")
        # c: valid through 2025-12-30 → counted now, not at year end; tech-SME of 2025
        qualifications.add(
            s,
            c,
            {"type_id": ht, "number": "GR202234000003", "issued_on": date(2022, 12, 31)},
            "测试员",
        )
        qualifications.add(s, c, {"type_id": sme, "evaluation_year": 2025}, "测试员")
        set_count_target(s, "high_tech", 2025, 4, "测试员")


def test_home_shows_the_counts_of_the_store(qtbot: Any, main_window: MainWindow) -> None:
    fill(main_window.ctx.store)
    home = main_window.navigate("home")
    assert isinstance(home, HomeScreen)
    with qtbot.waitSignal(home.counts_changed):
        home.as_of.setDate(QDate(2025, 6, 30))
    with main_window.ctx.store.session() as session:
        expected = double_breakthrough(session, AS_OF)
    assert (expected.high_tech, expected.tech_sme, expected.projection_high_tech) == (2, 2, 1)

    assert home.result == expected
    assert home.high_tech_card.value.text() == "2"
    assert home.high_tech_card.target.text() == "年度目标：4"
    assert home.high_tech_card.gap.text() == "差额：2"
    assert home.high_tech_card.completion.text() == "完成率：50.0%"
    assert "1 家" in home.high_tech_card.extra.text()
    assert home.tech_sme_card.value.text() == "2"
    assert home.tech_sme_card.target.text() == "年度目标：未设"
    assert home.tech_sme_card.completion.text() == "完成率：—"

    model = home.model
    rows = [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]
    assert rows == [
        ["古井镇", 1, 1, 0],
        ["五马镇", 1, 0, 1],
        ["（未填镇街）", 1, 1, 1],
        ["合计", 3, 2, 2],
    ]


def test_refresh_after_data_changed(qtbot: Any, main_window: MainWindow) -> None:
    home = main_window.navigate("home")
    assert isinstance(home, HomeScreen)
    home.as_of.setDate(QDate(2025, 6, 30))
    assert home.high_tech_card.value.text() == "0"
    assert home.model.rowCount() == 0
    fill(main_window.ctx.store)
    qtbot.mouseClick(home.refresh_button, Qt.MouseButton.LeftButton)
    assert home.high_tech_card.value.text() == "2"
    assert home.model.rowCount() == 4


def test_town_double_click_emits_the_town(qtbot: Any, main_window: MainWindow) -> None:
    fill(main_window.ctx.store)
    home = main_window.navigate("home")
    assert isinstance(home, HomeScreen)
    home.as_of.setDate(QDate(2025, 6, 30))
    rect = home.table.visualRect(home.model.index(1, 0))
    with qtbot.waitSignal(home.town_activated) as blocker:
        qtbot.mouseClick(home.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(home.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["五马镇"]


def test_model_without_view() -> None:
    model = TownCountsModel()
    assert model.rowCount() == 0
    model.set_rows([])
    assert model.rowCount() == 0
    assert model.headerData(0, Qt.Orientation.Horizontal) == "镇街"
