"""科技创新平台情况表: base, target, actual and average growth equal the records and indicators."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from db.models import Indicator, IndicatorTarget
from db.rules.validity import average_growth
from db.services import platforms
from db.store import Store
from desktop.returns.compute import compute
from desktop.returns.definitions.platforms import PLATFORMS
from desktop.returns.model import Period

OP = "测试员"


def _seed(store: Store) -> None:
    with store.transaction() as s:
        specs = [
            ("院士工作站", 2018),
            ("院士工作站", 2021),
            ("院士工作站", 2024),
            ("院士工作站", None),
            ("重点实验室", 2022),
        ]
        for n, (kind, year) in enumerate(specs):
            values = {"name": f"平台{n}", "kind": kind, "level": "省级", "host_name": "亳州学院"}
            platforms.create_platform(s, values | {"recognized_year": year}, OP)
        ind = s.scalar(
            insert(Indicator)
            .values(
                code="platform_academician",
                name="院士工作站",
                unit="个",
                base_year=2020,
                base_value=2.0,
                department="区科协",
                source="platforms:院士工作站",
            )
            .returning(Indicator.id)
        )
        s.execute(insert(IndicatorTarget), [{"indicator_id": ind, "year": 2025, "target": 5.0}])
        s.execute(
            insert(Indicator).values(
                code="platform_postdoc",
                name="博士后工作站",
                unit="个",
                source="platforms:博士后工作站",
            )
        )


def test_figures_equal_the_records(store: Store) -> None:
    _seed(store)
    with store.session() as s:
        table = compute(PLATFORMS, s, Period(2025))
        counts = platforms.count_by_kind(s, 2025)
    keys = [c.key for c in table.columns]
    rows = {str(r[1]): dict(zip(keys, r, strict=True)) for r in table.rows}
    assert list(rows) == ["院士工作站", "重点实验室", "博士后工作站"]
    station = rows["院士工作站"]
    # a platform without a recognition year counts as existing
    assert station["actual"] == counts["院士工作站"] == 4
    assert (station["no"], station["unit"], station["base"], station["target"]) == (
        1,
        "个",
        2.0,
        5.0,
    )
    assert station["growth"] == pytest.approx(round(average_growth(2.0, 4, 2020, 2025) * 100, 1))
    assert station["department"] == "区科协"
    assert (rows["重点实验室"]["target"], rows["重点实验室"]["growth"]) == (None, None)
    assert rows["博士后工作站"]["actual"] == 0
    assert table.total is None
    assert [c.key for c in table.warnings] == ["below_target"]
    assert "院士工作站（差1）" in table.warnings[0].message


def test_no_platforms_and_no_indicators(store: Store) -> None:
    with store.session() as s:
        table = compute(PLATFORMS, s, Period(2025))
    assert table.rows == [] and table.checks == []
