"""The 科技特派员选派及服务情况统计表 return: figures equal the records; no ID number appears."""

from __future__ import annotations

import io
import json
from datetime import date

from openpyxl import load_workbook

from db.rules.identifiers import resident_id_check_char
from db.services.commissioners import assessments, dispatches, records, roster
from db.services.towns import add_towns, list_towns
from db.store import Store
from desktop.returns.compute import compute
from desktop.returns.definitions.commissioners import COMMISSIONERS
from desktop.returns.model import Period
from desktop.returns.xlsx import xlsx_bytes

OP = "测试员"
BODY = "34160219800101001"
ID_NUMBER = BODY + resident_id_check_char(BODY)
TODAY = date(2025, 6, 30)


def _seed(store: Store) -> None:
    with store.transaction() as s:
        add_towns(s, ["十九里镇", "古井镇"], OP)
        town = {t.name: t.id for t in list_towns(s)}
        a = roster.create(
            s, {"name": "王建国", "id_number": ID_NUMBER, "level": "市级", "unit": "亳州学院"}, OP
        )
        b = roster.create(s, {"name": "机械团队", "kind": "团队", "unit": "安徽科技学院"}, OP)
        d1 = dispatches.dispatch(s, a, "张庄村", town["十九里镇"], date(2025, 1, 1), operator=OP)
        d2 = dispatches.dispatch(s, b, "李楼村", town["古井镇"], date(2025, 3, 1), operator=OP)
        for d, day, trained, tech, benefit in (
            (d1, date(2025, 2, 1), 10, 1, 2.5),
            (d1, date(2025, 4, 1), 20, 0, 1.0),
            (d2, date(2025, 5, 1), 5, 2, 0.25),
            (d2, date(2024, 12, 1), 99, 9, 99.0),  # another year: not counted
        ):
            records.add(
                s,
                d,
                {"served_on": day, "trained": trained, "technologies": tech, "benefit": benefit},
                OP,
                today=TODAY,
            )
        assessments.set_grade(s, a, 2025, "优秀", OP)


def test_return_figures_equal_the_records(store: Store) -> None:
    _seed(store)
    with store.session() as s:
        table = compute(COMMISSIONERS, s, Period(2025))
    keys = [c.key for c in table.columns]
    rows = {r[0]: dict(zip(keys, r, strict=True)) for r in table.rows}
    assert rows["王建国"]["services"] == 2 and rows["王建国"]["trained"] == 30
    assert rows["王建国"]["benefit"] == 3.5 and rows["王建国"]["grade"] == "优秀"
    assert rows["王建国"]["targets"] == "张庄村" and rows["王建国"]["level"] == "市级"
    assert rows["机械团队"]["technologies"] == 2 and rows["机械团队"]["grade"] == ""
    assert table.total is not None
    total = dict(zip(keys, table.total, strict=True))
    assert (total["name"], total["services"], total["trained"]) == ("合计", 3, 35)
    assert total["technologies"] == 3 and total["benefit"] == 3.75
    assert [c.key for c in table.warnings] == ["ungraded"]


def test_return_town_filter(store: Store) -> None:
    _seed(store)
    with store.session() as s:
        table = compute(COMMISSIONERS, s, Period(2025), town="古井镇")
    assert [r[0] for r in table.rows] == ["机械团队"]


def test_no_id_number_appears_in_the_return(store: Store) -> None:
    _seed(store)
    with store.session() as s:
        table = compute(COMMISSIONERS, s, Period(2025))
    assert ID_NUMBER not in json.dumps(table.to_json(), ensure_ascii=False)
    book = load_workbook(io.BytesIO(xlsx_bytes(table)))
    cells = [str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value]
    assert cells and not any(ID_NUMBER in text or BODY[:10] in text for text in cells)
