"""The indicator table: targets, town targets, completion and status, manual actuals, the town filter,
definitions and their refusals (db/services/plans/indicators.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select

from db.models import AuditEntry, IndicatorActual
from db.services.plans import indicators as ind
from db.store import Store
from tests.unit.plans_store import OP, T1, T2, District, build


@pytest.fixture
def district(store: Store) -> Iterator[tuple[Store, District]]:
    with store.transaction() as s:
        d = build(s)
        ind.add_indicator(
            s, {"code": "ht", "name": "高企数", "unit": "家", "source": "high_tech"}, OP
        )
        rate = {"code": "rda", "name": "研发活动开展率", "unit": "%", "kind": "rate"}
        ind.add_indicator(s, rate | {"source": "rd_activity_rate"}, OP)
        manual = {"code": "gdp", "name": "高新技术产业增加值", "unit": "亿元", "kind": "amount"}
        ind.add_indicator(s, manual | {"base_year": 2020, "base_value": 10.0}, OP)
    yield store, d


def test_completion_and_status_against_the_time_of_year(district: tuple[Store, District]) -> None:
    store, _ = district
    with store.transaction() as s:
        ind.set_target(s, "ht", 2025, 4, OP)
        ind.set_target(s, "rda", 2025, 90, OP)
        mid = ind.indicator_value(s, "ht", 2025, as_of=date(2025, 6, 30))
        end = ind.indicator_value(s, "ht", 2025, as_of=date(2025, 12, 31))
        rate = ind.indicator_value(s, "rda", 2025)
        ind.set_target(s, "ht", 2025, 2, OP)
        done = ind.indicator_value(s, "ht", 2025, as_of=date(2025, 12, 31))
        ind.set_target(s, "ht", 2025, None, OP)
        none = ind.indicator_value(s, "ht", 2025, as_of=date(2025, 12, 31))
    # 3 of 4 on 30 June (half the year gone) → on schedule; 2 of 4 at the year's end → behind
    assert (mid.actual, mid.completion, mid.status) == (3, 75.0, ind.ON_SCHEDULE)
    assert (end.actual, end.completion, end.status) == (2, 50.0, ind.BEHIND)
    assert (done.completion, done.status) == (100.0, ind.DONE)
    assert (none.target, none.completion, none.status) == (None, None, ind.NO_TARGET)
    assert rate.completion == pytest.approx(200 / 3 - 90)
    assert rate.status == ind.BEHIND


def test_town_targets_are_never_invented(district: tuple[Store, District]) -> None:
    store, d = district
    with store.transaction() as s:
        ind.set_target(s, "ht", 2025, 4, OP)
        ind.set_target(s, "ht", 2025, 2, OP, town_id=d.towns[T1])
        v = ind.indicator_value(s, "ht", 2025)
        narrowed = {x.code: x for x in ind.indicator_table(s, 2025, town=T1)}
        in_t2 = {x.code: x for x in ind.indicator_table(s, 2025, town=T2)}
    towns = {t.town: t for t in v.by_town}
    assert (towns[T1].target, towns[T1].actual, towns[T1].completion) == (2, 2, 100.0)
    assert (towns[T2].target, towns[T2].actual, towns[T2].completion) == (None, 0, None)
    # the town filter keeps indicators with a town split, with the town's figures
    assert set(narrowed) == {"ht", "rda"}
    assert (narrowed["ht"].actual, narrowed["ht"].target, narrowed["ht"].status) == (2, 2, ind.DONE)
    assert (in_t2["ht"].actual, in_t2["ht"].target, in_t2["ht"].status) == (0, None, ind.NO_TARGET)
    assert in_t2["rda"].actual == 0.0


def test_manual_actuals_keep_who_and_when(district: tuple[Store, District]) -> None:
    store, _ = district
    with store.transaction() as s:
        ind.set_actual(s, "gdp", 2024, 11.0, "王五")
        ind.set_actual(s, "gdp", 2025, 12.1, "张三", note="统计快报")
        ind.set_target(s, "gdp", 2025, 12.0, OP)
        v = ind.indicator_value(s, "gdp", 2025)
        empty = ind.indicator_value(s, "gdp", 2023)
        with pytest.raises(ind.IndicatorError, match="自动计算"):
            ind.set_actual(s, "ht", 2025, 5, OP)
        audited = s.scalars(select(AuditEntry.field).where(AuditEntry.entity == "indicator")).all()
        ind.set_actual(s, "gdp", 2025, None, OP)
        left = s.scalars(select(IndicatorActual.year)).all()
    who = store.login or "张三"  # a server records its login (migration 0009)
    assert (v.actual, v.entered_by, v.note, v.computed) == (12.1, who, "统计快报", False)
    assert v.entered_at is not None
    assert v.completion == pytest.approx(12.1 / 12 * 100)
    assert v.status == ind.DONE
    assert v.yoy_growth == pytest.approx(10.0)
    assert v.avg_growth == pytest.approx(((12.1 / 10) ** 0.2 - 1) * 100)
    assert v.trend == (
        (2021, None),
        (2022, None),
        (2023, None),
        (2024, 11.0),
        (2025, 12.1),
    )
    assert empty.actual is None and empty.by_town == ()
    assert {"actual_2025", "target_2025"} <= set(audited)
    assert left == [2024]


def test_table_order_and_as_of(district: tuple[Store, District]) -> None:
    store, _ = district
    with store.session() as s:
        table = ind.indicator_table(s, 2025, as_of=date(2025, 9, 30))
        with pytest.raises(ind.IndicatorError, match="不在2025年内"):
            ind.indicator_table(s, 2025, as_of=date(2024, 9, 30))
        with pytest.raises(ind.IndicatorError, match="镇街"):
            ind.indicator_table(s, 2025, town="不存在镇")
        with pytest.raises(ind.IndicatorError, match="没有代码"):
            ind.indicator_value(s, "nope", 2025)
    assert [v.code for v in table] == ["ht", "rda", "gdp"]
    assert {v.as_of for v in table} == {date(2025, 9, 30)}
    assert ind.resolve_as_of(2025, today=date(2026, 3, 1)) == date(2025, 12, 31)
    assert ind.resolve_as_of(2026, today=date(2026, 3, 1)) == date(2026, 3, 1)
    assert ind.resolve_as_of(2027, today=date(2026, 3, 1)) == date(2027, 1, 1)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"code": "ht", "name": "重复"}, "已有代码"),
        ({"code": "1bad", "name": "x"}, "指标代码"),
        ({"code": "ok", "name": ""}, "名称"),
        ({"code": "ok", "name": "x", "kind": "ratio"}, "指标类别"),
        ({"code": "ok", "name": "x", "source": "unknown"}, "未知的数据来源"),
        ({"code": "ok", "name": "x", "source": "platforms:卫星站"}, "类型应为"),
        ({"code": "ok", "name": "x", "source": "qualification:nope"}, "资质类型目录"),
        ({"code": "ok", "name": "x", "source": "high_tech:省级"}, "不带类型"),
        ({"code": "ok", "name": "x", "base_value": "abc"}, "基期值"),
        ({"code": "ok", "name": "x", "base_year": "1800"}, "年度应在"),
    ],
)
def test_definitions_refused_in_words(
    district: tuple[Store, District], values: dict[str, object], message: str
) -> None:
    store, _ = district
    with store.transaction() as s, pytest.raises(ind.IndicatorError, match=message):
        ind.add_indicator(s, values, OP)


def test_update_indicator_and_catalogue(district: tuple[Store, District]) -> None:
    store, _ = district
    with store.transaction() as s:
        changed = ind.update_indicator(s, "gdp", {"department": "区统计局", "base_value": 9}, OP)
        with pytest.raises(ind.IndicatorError, match="不小于0"):
            ind.set_target(s, "ht", 2025, -1, OP)
        assert ind.check_source(s, "platforms:*:省级及以上") == "platforms:*:省级+"
        definitions = ind.list_indicators(s)
    assert changed == {"department": (None, "区统计局"), "base_value": (10.0, 9.0)}
    assert [d.code for d in definitions] == ["ht", "rda", "gdp"]
    assert (
        ind.source_label("platforms:院士工作站:省级+") == "科技创新平台数（院士工作站，省级及以上）"
    )
    assert {s.name for s in ind.CATALOGUE} >= {"high_tech", "contracts_absorbed", "manual"}
