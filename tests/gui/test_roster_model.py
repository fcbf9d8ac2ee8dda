"""RosterModel without a view: row count, lazily fetched rows, roles, sorting, filtering."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import insert

from db.models import Enterprise
from db.services.enterprises.roster import RosterFilter
from db.store import Store
from desktop.ui.enterprises.model import (
    COL_HTE,
    COL_NAME,
    COL_REVENUE,
    COL_TOWN,
    EXPIRING_BG,
    ID_ROLE,
    PAGE_SIZE,
    RosterModel,
)
from desktop.ui.shell.context import AppContext
from tests.unit.test_roster_service import build_known, make_uscc


def test_rows_and_roles(qtbot: Any, app_ctx: AppContext, store: Store) -> None:
    known = build_known(store)
    model = RosterModel(app_ctx)
    assert model.rowCount() == 4 and model.columnCount() == 9
    assert model.headerData(COL_NAME, Qt.Orientation.Horizontal) == "企业名称"
    row = model.row_of(known.huaxin)
    assert model.data(model.index(row, COL_NAME)) == "华信生物科技有限公司"
    assert model.data(model.index(row, COL_NAME), ID_ROLE) == known.huaxin
    assert model.data(model.index(row, COL_TOWN)) == "十九里镇"
    assert model.data(model.index(row, COL_REVENUE)) == "500.00"
    align = model.data(model.index(row, COL_REVENUE), Qt.ItemDataRole.TextAlignmentRole)
    assert align & int(Qt.AlignmentFlag.AlignRight)
    assert "有效期至" in model.data(model.index(row, COL_HTE))
    expiring = model.row_of(known.mingyuan)
    brush = model.data(model.index(expiring, COL_HTE), Qt.ItemDataRole.BackgroundRole)
    assert brush.color() == EXPIRING_BG
    assert model.data(model.index(row, COL_HTE), Qt.ItemDataRole.BackgroundRole) is None


def test_sort_and_filter(qtbot: Any, app_ctx: AppContext, store: Store) -> None:
    known = build_known(store)
    model = RosterModel(app_ctx)
    model.sort(COL_REVENUE, Qt.SortOrder.DescendingOrder)
    assert model.data(model.index(0, COL_NAME), ID_ROLE) == known.mingyuan
    model.sort(COL_REVENUE, Qt.SortOrder.AscendingOrder)
    assert model.id_at(0) == known.percent
    with qtbot.waitSignal(model.modelReset):
        model.set_filter(RosterFilter(text="hxsw"))
    assert model.ids() == [known.huaxin]
    model.update_filter(text="", town_id=known.town_b)
    assert model.ids() == [known.mingyuan]


def test_pages_are_fetched_lazily(qtbot: Any, app_ctx: AppContext, store: Store) -> None:
    rows = [
        {"name": f"企业{i:04d}", "uscc": make_uscc(1000 + i), "search_text": f"企业{i:04d}"}
        for i in range(PAGE_SIZE * 2 + 50)
    ]
    with store.transaction() as s:
        s.execute(insert(Enterprise), rows)
    model = RosterModel(app_ctx)
    assert model.rowCount() == len(rows)
    assert model.pages_fetched == 0
    assert model.data(model.index(0, COL_NAME)) == "企业0000"
    assert model.pages_fetched == 1
    assert model.data(model.index(PAGE_SIZE - 1, COL_NAME)) == f"企业{PAGE_SIZE - 1:04d}"
    assert model.pages_fetched == 1
    last = len(rows) - 1
    assert model.data(model.index(last, COL_NAME)) == f"企业{last:04d}"
    assert model.pages_fetched == 2
