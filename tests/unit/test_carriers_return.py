"""孵化载体运行情况统计表: figures equal the records, the 合计 row, checks, town filter, rendering."""

from __future__ import annotations

from datetime import date

from db.services import carriers
from db.services.towns import add_towns, list_towns
from db.store import Store
from desktop.returns.compute import compute
from desktop.returns.definitions.carriers import CARRIERS
from desktop.returns.model import Period
from desktop.returns.xlsx import xlsx_bytes

OP = "测试员"


def _seed(store: Store) -> None:
    with store.transaction() as s:
        add_towns(s, ["十九里镇", "古井镇"], OP)
        town = {t.name: t.id for t in list_towns(s)}
        a = carriers.create_carrier(
            s,
            {
                "name": "甲孵化器",
                "kind": "科技企业孵化器",
                "level": "省级",
                "area": 12000,
                "town_id": town["十九里镇"],
            },
            OP,
        )
        b = carriers.create_carrier(
            s,
            {"name": "乙空间", "kind": "众创空间", "level": "市级", "town_id": town["古井镇"]},
            OP,
        )
        add = carriers.add_incubatee
        add(s, a, {"team_name": "t1", "entered_on": date(2024, 3, 1)}, OP)
        add(s, a, {"team_name": "t2", "entered_on": date(2025, 2, 1)}, OP)
        add(
            s,
            a,
            {
                "team_name": "t3",
                "entered_on": date(2023, 1, 1),
                "exited_on": date(2025, 6, 1),
                "exit_kind": "毕业",
            },
            OP,
        )
        add(
            s,
            a,
            {
                "team_name": "t4",
                "entered_on": date(2025, 1, 1),
                "exited_on": date(2025, 12, 31),
                "exit_kind": "迁出",
            },
            OP,
        )  # left on 31 Dec: not incubating at year end
        add(s, b, {"team_name": "t5", "entered_on": date(2025, 5, 1)}, OP)
        carriers.set_carrier_year(
            s,
            a,
            2025,
            {
                "incubatees_reported": 2,
                "graduates_reported": 1,
                "jobs": 30,
                "financing": 5000,
                "grade": "A",
            },
            OP,
            financing_unit="千元",
        )
        carriers.set_carrier_year(
            s, b, 2025, {"incubatees_reported": 1, "graduates_reported": 3, "jobs": 5}, OP
        )


def _rows(table: object) -> dict[str, dict[str, object]]:
    keys = [c.key for c in table.columns]  # type: ignore[attr-defined]
    return {str(r[0]): dict(zip(keys, r, strict=True)) for r in table.rows}  # type: ignore[attr-defined]


def test_figures_equal_the_records(store: Store) -> None:
    _seed(store)
    with store.session() as s:
        table = compute(CARRIERS, s, Period(2025))
        expected = carriers.count_incubating(s, date(2025, 12, 31))
    rows = _rows(table)
    a = rows["甲孵化器"]
    assert (a["incubatees"], a["new"], a["graduates"]) == (2, 2, 1)
    assert (a["jobs"], a["financing"], a["grade"]) == (30, 500.0, "优秀")
    assert a["area"] == 12000.0 and a["level"] == "省级"
    assert (rows["乙空间"]["incubatees"], rows["乙空间"]["financing"]) == (1, None)
    keys = [c.key for c in table.columns]
    assert table.total is not None
    total = dict(zip(keys, table.total, strict=True))
    assert (total["name"], total["incubatees"], total["graduates"], total["jobs"]) == (
        "合计",
        3,
        1,
        35,
    )
    assert total["incubatees"] == expected
    assert [c.key for c in table.errors] == ["graduates_above_incubatees"]
    assert "乙空间" in table.errors[0].message
    assert any(w.key == "differs:乙空间" for w in table.warnings)


def test_town_filter_and_xlsx(store: Store) -> None:
    _seed(store)
    with store.session() as s:
        table = compute(CARRIERS, s, Period(2025), town="古井镇")
        assert list(_rows(table)) == ["乙空间"]
        assert compute(CARRIERS, s, Period(2025), town="无此镇").rows == []
    assert xlsx_bytes(table)[:2] == b"PK"
