"""Every computed source of plans.md against a count made by hand from the rows of plans_store."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import TechContract
from db.services.plans import indicators as ind
from db.store import Store
from tests.unit.plans_store import OP, T1, T2, District, build

_codes = itertools.count(1)


@pytest.fixture
def district(store: Store) -> Iterator[tuple[Store, District]]:
    with store.transaction() as s:
        d = build(s)
    yield store, d


def _add(s: Session, source: str, **values: object) -> str:
    code = f"x{next(_codes)}"
    ind.add_indicator(s, {"code": code, "name": code, "source": source, **values}, OP)
    return code


def _value(store: Store, source: str, year: int, **values: object) -> ind.IndicatorValue:
    as_of = values.pop("as_of", None)
    assert as_of is None or isinstance(as_of, date)
    with store.transaction() as s:
        code = _add(s, source, **values)
        return ind.indicator_value(s, code, year, as_of=as_of)


def _towns(v: ind.IndicatorValue) -> dict[str | None, float | None]:
    return {t.town: t.actual for t in v.by_town}


@pytest.mark.parametrize(
    ("source", "year", "as_of", "expected", "towns"),
    [
        # e1 (renewed 2025-03-01) and e2 (first 2025-06-01); e3's runs to 2025-12-30; e6 deleted
        ("high_tech", 2025, None, 2, {T1: 2, T2: 0}),
        ("high_tech", 2025, date(2025, 6, 30), 3, {T1: 2, T2: 1}),
        ("high_tech", 2024, None, 2, {T1: 1, T2: 1}),
        ("qualification:high_tech", 2025, None, 2, {T1: 2, T2: 0}),
        ("qualification:高新技术企业", 2024, None, 2, {T1: 1, T2: 1}),
        # first ever certificates: e2 in 2025 (e1's is a renewal); e1 and e3 in 2022
        ("high_tech_first", 2025, None, 1, {T1: 1, T2: 0}),
        ("high_tech_first", 2022, None, 2, {T1: 1, T2: 1}),
        # e4 (古井镇) and e5 (no town) in 2025, e4 alone in 2024
        ("tech_sme", 2025, None, 2, {T1: 0, T2: 1, None: 1}),
        ("tech_sme", 2024, None, 1, {T1: 0, T2: 1}),
        # live platforms recognised by the year (p5 deleted; p6 has no year and no town)
        ("platforms", 2025, None, 5, {T1: 2, T2: 2, None: 1}),
        ("platforms:*:省级+", 2025, None, 3, {T1: 1, T2: 2}),
        ("platforms:*:省级+", 2024, None, 2, {T1: 1, T2: 1}),
        ("platforms:*:省级+", 2020, None, 1, {T1: 1, T2: 0}),
        ("platforms:院士工作站", 2025, None, 2, {T1: 2, T2: 0}),
        ("platforms:院士工作站:省级+", 2025, None, 1, {T1: 1, T2: 0}),
        ("platforms:*:市级", 2025, None, 2, {T1: 1, T2: 0, None: 1}),
        ("platforms:工程技术研究中心:国家级+", 2025, None, 1, {T1: 0, T2: 1}),
        # carriers: c1 省级 2020 T1, c2 区级 2023 T2, c3 市级 2025 T2
        ("carriers", 2025, None, 3, {T1: 1, T2: 2}),
        ("carriers:*:市级+", 2025, None, 2, {T1: 1, T2: 1}),
        ("carriers:众创空间", 2024, None, 1, {T1: 0, T2: 1}),
        # incubating on 31 Dec: e4 at c1 and 团队乙 at c2; in 2024 e4 and 团队甲 at c1
        ("incubatees", 2025, None, 2, {T1: 1, T2: 1}),
        ("incubatees", 2024, None, 2, {T1: 2, T2: 0}),
        # contracts in 2025 with a district party: K1 (seller e1), K2 (buyer e3), K3 (e2 → e4),
        # K4 (buyer 区内, town 十九里镇); K5 has none, K6 is 2024, K7 deleted. K3's parties are of
        # two towns: once in each town, once in the district (the towns do not add up)
        ("contracts_count", 2025, None, 4, {T1: 3, T2: 2}),
        ("contracts_count", 2024, None, 1, {T1: 0, T2: 1}),
        # r1 (twice) and r2 transferred in 2025; a transfer's town is the taker's when local, else
        # the completer's: r1 → e3 (古井镇) and → 区外 (e1's 十九里镇), r2 → e2 (十九里镇)
        ("results_transferred", 2025, None, 2, {T1: 2, T2: 1}),
        ("results_transferred", 2023, None, 1, {T1: 0, T2: 0, None: 1}),
        # dispatches overlapping the year: 张 in 2025 (two towns, one person); 张 and 李 in 2024
        ("commissioners_dispatched", 2025, None, 1, {T1: 1, T2: 1}),
        ("commissioners_dispatched", 2024, None, 2, {T1: 1, T2: 1}),
        ("commissioners_dispatched", 2025, date(2025, 4, 30), 1, {T1: 1, T2: 0}),
    ],
)
def test_counts(
    district: tuple[Store, District],
    source: str,
    year: int,
    as_of: date | None,
    expected: int,
    towns: dict[str | None, float],
) -> None:
    store, _ = district
    v = _value(store, source, year, as_of=as_of)
    assert v.actual == expected
    assert v.computed
    assert _towns(v) == towns


def test_sums_in_the_indicators_unit(district: tuple[Store, District]) -> None:
    store, _ = district
    # 研发费用 2025: 120 + 60 + 180 + 40 (e6 deleted) = 400; 十九里镇 180, 古井镇 220
    rd = _value(store, "rd_expense_total", 2025, unit="万元", kind="amount")
    assert rd.actual == 400
    assert _towns(rd) == {T1: 180, T2: 220}
    # 吸纳 2025: K2 3000 + K3 2000 + K4 1000 万元 = 0.6 亿元 (K3's buyer e4 is in 古井镇)
    absorbed = _value(store, "contracts_absorbed", 2025, unit="亿元", kind="amount")
    assert absorbed.actual == pytest.approx(0.6)
    assert _towns(absorbed) == {T1: pytest.approx(0.1), T2: pytest.approx(0.5)}
    # 输出 2025: K1 5000 + K3 2000, both sellers in 十九里镇
    output = _value(store, "contracts_output", 2025, unit="万元", kind="amount")
    assert output.actual == 7000
    assert _towns(output) == {T1: 7000, T2: 0}
    # 2024: K6 700 万元 absorbed → year-on-year growth 0.6 / 0.07 − 1
    assert absorbed.yoy_growth == pytest.approx((0.6 / 0.07 - 1) * 100)


def test_rates_of_above_scale_enterprises(district: tuple[Store, District]) -> None:
    store, _ = district
    # 规上 with 2025 figures: e1 (有, 有), e2 (有, 无), e3 (无, 无); e6 deleted
    activity = _value(
        store,
        "rd_activity_rate",
        2025,
        unit="%",
        kind="rate",
    )
    assert activity.actual == pytest.approx(200 / 3)
    assert _towns(activity) == {T1: 100.0, T2: 0.0}
    institution = _value(store, "rd_institution_rate", 2025, unit="%", kind="rate")
    assert institution.actual == pytest.approx(100 / 3)
    assert institution.yoy_growth is None and institution.avg_growth is None
    # 2025 transfers of results completed in the district: r1's two, one taken up locally
    local = _value(store, "results_local_rate", 2025, unit="%", kind="rate")
    assert local.actual == 50.0


def test_cumulative_results_since_the_base_year(district: tuple[Store, District]) -> None:
    store, _ = district
    # since 2021: r1, r2 (2025-04-01; its 2020 transfer is the base year's), r3 (2021, 2023)
    since_2020 = _value(
        store, "results_transferred_cumulative", 2025, base_year=2020, kind="cumulative"
    )
    assert since_2020.actual == 3
    since_2023 = _value(
        store, "results_transferred_cumulative", 2025, base_year=2023, kind="cumulative"
    )
    assert since_2023.actual == 2
    assert [y for y, _ in since_2020.trend] == [2021, 2022, 2023, 2024, 2025]


def test_growth_across_years(district: tuple[Store, District]) -> None:
    store, _ = district
    values = {"unit": "%", "kind": "growth", "base_year": 2023, "base_value": 250}
    growth = _value(store, "rd_expense_total", 2025, **values)
    # 研发费用 2024: 100 + 50 + 150 + 20 = 320; 2025: 400
    assert growth.actual == pytest.approx(25.0)
    assert growth.yoy_growth == pytest.approx(25.0)
    assert growth.avg_growth == pytest.approx(((400 / 250) ** 0.5 - 1) * 100)
    assert growth.by_town == ()
    assert growth.trend[-1] == (2025, pytest.approx(25.0))
    # a growth naming another indicator's code as its series
    with store.transaction() as s:
        total = _add(
            s, "rd_expense_total", unit="万元", kind="amount", base_year=2023, base_value=250
        )
        code = _add(s, "manual", unit="%", kind="growth", series=total)
        assert ind.indicator_value(s, code, 2025).actual == pytest.approx(25.0)
        plain = ind.indicator_value(s, total, 2025)
    assert plain.yoy_growth == pytest.approx(25.0)
    assert plain.avg_growth == pytest.approx(((400 / 250) ** 0.5 - 1) * 100)


def test_records_behind(district: tuple[Store, District]) -> None:
    store, d = district
    with store.transaction() as s:
        ht = _add(s, "high_tech")
        level = _add(s, "platforms:*:省级+")
        absorbed = _add(s, "contracts_absorbed", unit="亿元", kind="amount")
        manual = _add(s, "manual")
        behind = ind.records_behind(s, ht, 2025)
        assert behind is not None
        assert behind.entity == "enterprise"
        assert set(behind.ids) == {d.e[1], d.e[2]}
        assert behind.label.endswith("2家")
        none_in_t2 = ind.records_behind(s, ht, 2025, town_id=d.towns[T2])
        assert none_in_t2 is not None and none_in_t2.ids == ()
        p = ind.records_behind(s, level, 2025)
        assert p is not None and p.entity == "platform"
        assert set(p.ids) == {d.platforms["p1"], d.platforms["p3"], d.platforms["p4"]}
        k = ind.records_behind(s, absorbed, 2025, town_id=d.towns[T2])
        assert k is not None and k.entity == "contract"
        assert set(k.ids) == {d.contracts["k2"], d.contracts["k3"]}
        assert ind.records_behind(s, manual, 2025) is None


def test_the_figures_pass_agrees_with_the_measures(district: tuple[Store, District]) -> None:
    """The one scan of the figures (used by the table) and the measures (used by records_behind)
    count the same rows."""
    from db.services.plans import sources

    store, _ = district
    with store.session() as s:
        shared = sources.figures_pass(s, range(2023, 2026))
        for source in sources.FIGURE_SOURCES:
            for year in (2023, 2024, 2025):
                ctx = sources.Context(year, date(year, 12, 31), "万元")
                m = sources.measure_of(source, ctx)
                assert shared.figure(source, year, "万元") == sources.figure(s, m, ctx), (
                    source,
                    year,
                )


# ----- the ledger's sources are parties.py's figures (one home of its rules) -----

LEDGER_SOURCES = (
    "contracts_absorbed",
    "contracts_output",
    "contracts_count",
    "results_transferred",
    "results_transferred_cumulative",
    "results_local_rate",
)


def _parties_figure(s: Session, source: str, year: int, town_id: int | None) -> float | None:
    """The same figure through db/services/contracts/parties.py (万元, %, counts)."""
    from db.services.contracts import parties

    start, end = date(year, 1, 1), date(year, 12, 31)
    if source == "contracts_absorbed":
        return parties.side_totals(s, parties.ABSORBED, start, end, town_id).amount
    if source == "contracts_output":
        return parties.side_totals(s, parties.OUTPUT, start, end, town_id).amount
    if source == "contracts_count":
        return parties.district_contract_count(s, start, end, town_id)
    if source == "results_transferred":
        return parties.results_transferred(s, start, end, town_id)
    if source == "results_transferred_cumulative":
        return parties.results_transferred(s, date(2021, 1, 1), end, town_id)
    return parties.local_rate(s, start, end, town_id)


def _extra_ledger(s: Session, d: District) -> None:
    """District parties without a roster town: the record's own 所属镇街 stands in (rule 3)."""
    from db.models import ResultTransfer, TechContract, TechResult

    e5 = d.e[5]  # a roster enterprise without a town
    s.add_all(
        [
            TechContract(
                reg_no="K8",
                name="合同K8",
                contract_type="技术服务",
                seller_name="测试企业5",
                seller_enterprise_id=e5,
                buyer_name="区外买方",
                buyer_local=False,
                amount=400,
                registered_on=date(2025, 4, 1),
                town_id=d.towns[T2],
            ),
            TechContract(
                reg_no="K9",
                name="合同K9",
                contract_type="技术服务",
                seller_name="区外卖方",
                seller_local=False,
                buyer_name="某合作社",
                buyer_local=True,  # 区内, no 所属镇街 either: no town
                amount=100,
                registered_on=date(2025, 4, 2),
            ),
        ]
    )
    r4 = TechResult(
        reg_no="R4",
        name="成果R4",
        completer_name="测试企业5",
        completer_enterprise_id=e5,
        registered_on=date(2024, 1, 1),
        town_id=d.towns[T1],
    )
    s.add(r4)
    s.flush()
    for taker in ({"taker_local": False}, {"taker_local": True}):
        s.add(
            ResultTransfer(
                result_id=r4.id,
                method="许可他人使用",
                taker_name="承接单位",
                transferred_on=date(2025, 5, 1),
                **taker,
            )
        )
    s.flush()


@pytest.mark.parametrize("extra", [False, True])
def test_the_ledger_sources_are_the_parties_figures(
    district: tuple[Store, District], extra: bool
) -> None:
    """Every ledger source, for the district and each town, equals parties.py's figure."""
    store, d = district
    if extra:
        with store.transaction() as s:
            _extra_ledger(s, d)
    for source in LEDGER_SOURCES:
        for year in (2024, 2025):
            values: dict[str, object] = {"unit": "万元", "base_year": 2020}
            if source == "results_local_rate":
                values |= {"unit": "%", "kind": "rate"}
            v = _value(store, source, year, **values)
            with store.session() as s:
                district_figure = _parties_figure(s, source, year, None)
                assert v.actual == pytest.approx(district_figure, abs=0.05), (source, year)
                for town in v.by_town:
                    if town.town_id is None:
                        continue
                    mine = _parties_figure(s, source, year, town.town_id)
                    expected = 0.0 if mine is None and source != "results_local_rate" else mine
                    assert town.actual == pytest.approx(expected, abs=0.05), (source, year, town)


def test_a_district_party_without_a_town_takes_the_records_town(
    district: tuple[Store, District],
) -> None:
    store, d = district
    with store.transaction() as s:
        _extra_ledger(s, d)
    # 输出 2025: K1 5000 + K3 2000 (十九里镇) + K8 400 (e5 has no town: the contract's 古井镇)
    output = _value(store, "contracts_output", 2025, unit="万元", kind="amount")
    assert output.actual == 7400
    assert _towns(output) == {T1: 7000, T2: 400}
    # 吸纳 2025 gains K9: 区内 without a 所属镇街 stays without a town
    absorbed = _value(store, "contracts_absorbed", 2025, unit="万元", kind="amount")
    assert _towns(absorbed) == {T1: 1000, T2: 5000, None: 100}
    # r4 (completer e5, no roster town; the result's 十九里镇): to 区外 and to a 区内 taker, both 十九里镇
    moved = _value(store, "results_transferred", 2025)
    assert moved.actual == 3
    assert _towns(moved) == {T1: 3, T2: 1}
    with store.session() as s:
        from db.services.contracts import parties, queries

        start, end = date(2025, 1, 1), date(2025, 12, 31)
        by_town = parties.side_by(s, parties.OUTPUT, start, end, "town_id")
        assert by_town[d.towns[T2]].amount == 400
        listed = queries.contract_ids(s, queries.ContractFilter(year=2025, town_id=d.towns[T2]))
        k8 = s.scalar(select(TechContract.id).where(TechContract.reg_no == "K8"))
        assert k8 in listed  # the ledger's list filters by the same town


def test_contract_count_by_town_is_not_the_district_figure(
    district: tuple[Store, District],
) -> None:
    store, d = district
    with store.transaction() as s:
        code = _add(s, "contracts_count")
        v = ind.indicator_value(s, code, 2025)
        t2 = ind.records_behind(s, code, 2025, town_id=d.towns[T2])
        whole = ind.records_behind(s, code, 2025)
    # K3 (e2 of 十九里镇 → e4 of 古井镇) counts in both towns, once in the district
    assert v.actual == 4
    assert sum(t.actual or 0 for t in v.by_town) == 5
    assert t2 is not None and set(t2.ids) == {d.contracts["k2"], d.contracts["k3"]}
    assert whole is not None and len(whole.ids) == 4 and whole.label.endswith("4项")
    with store.session() as s:
        narrowed = ind.indicator_table(s, 2025, town=T2, codes={code})
    assert [x.actual for x in narrowed] == [2]
