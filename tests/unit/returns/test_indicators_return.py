"""科技创新主要指标完成情况表 and the 科技创新平台情况表 by level, from a store built through the
services (tests/unit/plans_store.py): every cell equals the indicator service and the hand counts."""

from __future__ import annotations

from datetime import date

import pytest

from db.services import platforms
from db.services.plans import indicators as ind
from db.store import Store
from desktop.returns.compute import compute
from desktop.returns.definitions import get_definition
from desktop.returns.definitions.indicators import INDICATORS
from desktop.returns.definitions.platforms import PLATFORMS
from desktop.returns.model import Period
from tests.unit.plans_store import OP, T1, build


def _fill(store: Store) -> None:
    with store.transaction() as s:
        build(s)
        for code, name, unit, kind, source in (
            ("ht", "高新技术企业数", "家", "count", "high_tech"),
            ("rda", "规上工业企业研发活动开展率", "%", "rate", "rd_activity_rate"),
            ("rdg", "研发支出年均增长", "%", "growth", "rd_expense_total"),
            ("plat", "省级及以上科技创新平台", "个", "count", "platforms:*:省级+"),
            ("acad", "省级及以上院士工作站", "个", "count", "platforms:院士工作站:省级+"),
            ("gdp", "高新技术产业增加值", "亿元", "amount", "manual"),
        ):
            values = {"code": code, "name": name, "unit": unit, "kind": kind, "source": source}
            ind.add_indicator(s, values | {"department": "区科技局"}, OP)
        ind.update_indicator(s, "plat", {"base_year": 2020, "base_value": 1}, OP)
        ind.update_indicator(s, "rdg", {"base_year": 2023, "base_value": 250}, OP)
        ind.set_target(s, "ht", 2025, 4, OP)
        ind.set_target(s, "rda", 2025, 90, OP)
        ind.set_target(s, "rdg", 2025, 15, OP)
        ind.set_target(s, "plat", 2025, 3, OP)
        ind.set_target(s, "acad", 2025, 2, OP)
        ind.set_target(s, "ht", 2025, 2, OP, town_id=ind.town_id(s, T1))


def test_indicators_return_equals_the_service(store: Store) -> None:
    _fill(store)
    assert get_definition("indicators") is INDICATORS
    with store.session() as s:
        table = compute(INDICATORS, s, Period(2025), as_of=date(2025, 12, 31))
        values = ind.indicator_table(s, 2025, as_of=date(2025, 12, 31))
    headers = [c.header for c in table.columns]
    assert headers == [
        "序号",
        "指标",
        "单位",
        "基期值",
        "目标",
        "完成",
        "完成率(%)",
        "同比增长(%)",
        "年均增长(%)",
        "进度",
        "责任单位",
    ]
    keys = [c.key for c in table.columns]
    rows = {str(r[1]): dict(zip(keys, r, strict=True)) for r in table.rows}
    assert list(rows) == [v.name for v in values]
    ht = rows["高新技术企业数"]
    assert (ht["no"], ht["target"], ht["actual"], ht["completion"], ht["status"]) == (
        1,
        4,
        2,
        50.0,
        "滞后",
    )
    rate = rows["规上工业企业研发活动开展率"]
    assert rate["actual"] == pytest.approx(66.67)
    assert rate["completion"] == pytest.approx(round(200 / 3 - 90, 1))
    growth = rows["研发支出年均增长"]
    assert (growth["actual"], growth["yoy"], growth["base"]) == (25.0, 25.0, None)
    assert growth["avg"] == pytest.approx(round(((400 / 250) ** 0.5 - 1) * 100, 1))
    plat = rows["省级及以上科技创新平台"]  # p1, p3, p4 (p2 is 市级, p5 deleted)
    assert (plat["base"], plat["target"], plat["actual"], plat["status"]) == (1, 3, 3, "已完成")
    assert plat["avg"] == pytest.approx(round((3 ** (1 / 5) - 1) * 100, 1))
    manual = rows["高新技术产业增加值"]
    assert manual["actual"] is None and manual["status"] == "无目标"
    keys_found = {c.key for c in table.checks}
    assert {"no-target", "no-actual", "behind"} <= keys_found


def test_indicators_return_for_one_town(store: Store) -> None:
    _fill(store)
    with store.session() as s:
        table = compute(INDICATORS, s, Period(2025), town=T1, as_of=date(2025, 12, 31))
    names = [r[1] for r in table.rows]
    assert "高新技术产业增加值" not in names and "研发支出年均增长" not in names
    ht = table.rows[names.index("高新技术企业数")]
    assert ht[4:7] == [2, 2, 100.0]


def test_platform_counts_by_level(store: Store) -> None:
    _fill(store)
    with store.session() as s:
        rows = platforms.targets(s, 2025)
        table = compute(PLATFORMS, s, Period(2025))
    by_label = {r.label: r for r in rows}
    # every kind at 省级+: p1 (省级院士), p3 (国家级工程), p4 (省级企业技术中心)
    overall = by_label["科技创新平台（省级及以上）"]
    assert (overall.actual, overall.target, overall.gap) == (3, 3, 0.0)
    assert overall.growth == pytest.approx(3 ** (1 / 5) - 1)
    station = by_label["院士工作站（省级及以上）"]
    assert (station.actual, station.target, station.gap) == (1, 2, 1.0)
    assert by_label["企业技术中心"].actual == 1 and by_label["企业技术中心"].indicator is None
    assert rows[0] is overall
    printed = {str(r[1]): r for r in table.rows}
    assert printed["省级及以上院士工作站"][5] == 1
    assert printed["省级及以上科技创新平台"][5] == 3
    assert "省级及以上院士工作站（差1）" in table.checks[0].message
