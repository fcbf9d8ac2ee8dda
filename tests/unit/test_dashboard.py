"""Dashboard figures equal db.services.figures.counts and the rules; each figure's ids are the roster's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from db.models import Qualification, Town
from db.rules.identifiers import uscc_check_char
from db.services import enterprises
from db.services.enterprises import qualifications
from db.services.enterprises.roster import RosterFilter, RosterQuery
from db.services.figures import dashboard as dashboard_service
from db.services.figures.counts import count_high_tech, count_tech_sme, double_breakthrough
from db.services.figures.dashboard import dashboard
from db.services.figures.rd_lists import rd_list_details
from db.services.figures.selectors import Figure, ids_for, one_enterprise
from db.services.plans.indicators import set_target
from db.services.settings import set_count_target, update_settings
from db.services.towns import add_towns, list_towns
from db.store import Store

AS_OF = date(2025, 6, 30)
OP = "测试员"


def make_uscc(i: int) -> str:
    """A valid code for test enterprise i."""
    first17 = f"91341600{i:09d}"
    return first17 + uscc_check_char(first17)


@dataclass(frozen=True)
class Known:
    a: int  # 古井镇, HTE valid through 2025-12-31
    b: int  # 五马镇, HTE expired 2025-02-28; tech-SME 2025; list A (rev 20000, no activity)
    c: int  # no town, HTE through 2025-09-27 (day 89) ; tech-SME 2025
    d: int  # 古井镇, HTE through 2025-09-28 (exactly day 90); list A and B
    e: int  # 五马镇, HTE through 2025-12-26 (day 179), renewed (new cert through 2028)
    f: int  # 五马镇, nothing; above scale but revenue below thresholds


def fill(store: Store) -> Known:
    """Six enterprises with known certificates, figures of 2024 and targets of 2025."""
    with store.transaction() as s:
        add_towns(s, ["古井镇", "五马镇"], OP)
        town = {t.name: t.id for t in list_towns(s)}
        ht, sme = qualifications.type_id(s, "high_tech"), qualifications.type_id(s, "tech_sme")

        def firm(i: int, name: str, town_name: str | None, above: bool = False) -> int:
            values = {"name": name, "uscc": make_uscc(i), "above_scale": above}
            if town_name:
                values["town_id"] = town[town_name]
            return enterprises.create(s, values, OP)

        def cert(eid: int, n: int, issued: date) -> None:
            number = f"GR{issued.year}34{n:06d}"
            qualifications.add(s, eid, {"type_id": ht, "number": number, "issued_on": issued}, OP)

        a = firm(1, "甲公司", "古井镇")
        b = firm(2, "乙公司", "五马镇", above=True)
        c = firm(3, "丙公司", None)
        d = firm(4, "丁公司", "古井镇", above=True)
        e = firm(5, "戊公司", "五马镇")
        f = firm(6, "己公司", "五马镇", above=True)
        cert(a, 1, date(2023, 1, 1))
        cert(b, 2, date(2022, 3, 1))
        cert(c, 3, date(2022, 9, 28))  # through 2025-09-27
        cert(d, 4, date(2022, 9, 29))  # through 2025-09-28 = AS_OF + 90 days
        cert(e, 5, date(2022, 12, 27))  # through 2025-12-26
        cert(e, 6, date(2025, 6, 1))  # renewed
        qualifications.add(s, b, {"type_id": sme, "evaluation_year": 2025}, OP)
        qualifications.add(s, c, {"type_id": sme, "evaluation_year": 2025}, OP)
        qualifications.add(s, c, {"type_id": sme, "evaluation_year": 2024}, OP)
        enterprises.set_year(s, b, 2024, {"revenue": 20000, "rd_activity": False}, OP)
        enterprises.set_year(
            s, d, 2024, {"revenue": 60000, "rd_activity": False, "rd_institution": False}, OP
        )
        enterprises.set_year(s, f, 2024, {"revenue": 500, "rd_activity": False}, OP)
        set_count_target(s, "high_tech", 2025, 8, OP)
        set_count_target(s, "tech_sme", 2025, 4, OP)
    return Known(a, b, c, d, e, f)


def ids_of(store: Store, found: Figure) -> set[int]:
    """The enterprises a click on a figure lists (their number is the figure's value)."""
    with store.session() as s:
        listed = ids_for(s, found.selector)
    assert len(listed) == found.value
    return set(listed)


def roster_ids(store: Store, f: RosterFilter, today: date = AS_OF) -> set[int]:
    """What the roster shows for a filter."""
    with store.session() as s:
        return set(RosterQuery(today).ids(s, f))


def test_counts_equal_db_services_counts(store: Store) -> None:
    k = fill(store)
    with store.session() as s:
        r = dashboard(s, AS_OF)
        ref = double_breakthrough(s, AS_OF)
        assert r.high_tech.count.value == ref.high_tech == count_high_tech(s, AS_OF) == 4
        assert r.tech_sme.count.value == ref.tech_sme == count_tech_sme(s, 2025) == 2
        assert r.projection_high_tech.value == ref.projection_high_tech == 2
    assert ids_of(store, r.high_tech.count) == {k.a, k.c, k.d, k.e}
    assert ids_of(store, r.projection_high_tech) == {k.a, k.e}
    assert ids_of(store, r.tech_sme.count) == {k.b, k.c}
    assert ids_of(store, r.both) == {k.c}
    assert (r.high_tech.target, r.high_tech.gap, r.high_tech.completion) == (8, 4, 0.5)
    assert (r.tech_sme.target, r.tech_sme.gap, r.tech_sme.completion) == (4, 2, 0.5)


def test_by_town_and_town_targets(store: Store) -> None:
    k = fill(store)
    with store.session() as s:
        r = dashboard(s, AS_OF)
    towns = {t.town: t for t in r.towns}
    assert list(towns) == ["古井镇", "五马镇", None]
    assert ids_of(store, towns["古井镇"].high_tech) == {k.a, k.d}
    assert ids_of(store, towns["五马镇"].high_tech) == {k.e}
    assert ids_of(store, towns[None].tech_sme) == {k.c}
    assert towns["古井镇"].high_tech_share == 0.5
    # no town target is invented from the district's (plans.md): none set, none shown
    assert all(t.high_tech_target is None and t.tech_sme_target is None for t in r.towns)
    with store.transaction() as s:
        gj = s.scalar(select(Town.id).where(Town.name == "古井镇"))
        set_target(s, "high_tech_count", AS_OF.year, 3, "测试员", town_id=gj)
    with store.session() as s:
        towns = {t.town: t for t in dashboard(s, AS_OF).towns}
    assert towns["古井镇"].high_tech_target == 3
    assert towns["五马镇"].high_tech_target is None and towns["古井镇"].tech_sme_target is None


def test_trend_since_2019(store: Store) -> None:
    k = fill(store)
    with store.session() as s:
        r = dashboard(s, AS_OF)
        assert [p.year for p in r.trend] == list(range(2019, 2026))
        for p in r.trend:
            assert p.high_tech.value == count_high_tech(s, p.high_tech_on)
            assert p.tech_sme.value == count_tech_sme(s, p.year)
    assert r.trend[-1].high_tech_on == AS_OF
    assert r.trend[-2].high_tech_on == date(2024, 12, 31)
    assert ids_of(store, r.trend[-2].tech_sme) == {k.c}


def test_expiring_windows_include_the_last_day(store: Store) -> None:
    k = fill(store)
    with store.session() as s:
        r = dashboard(s, AS_OF)
    e90, e180 = r.expiring_within(90), r.expiring_within(180)
    assert ids_of(store, e90.figure) == {k.c, k.d}  # d ends exactly on day 90
    assert [row.days_left for row in e90.rows] == [89, 90]
    assert ids_of(store, e180.figure) == {k.c, k.d}  # e renewed: not at risk
    roster = roster_ids(store, RosterFilter(expiring_within_days=90))
    held = roster_ids(store, RosterFilter(qualification_code="high_tech", held_on=AS_OF))
    assert ids_of(store, e90.figure) == roster & held - {k.e}


def test_rd_lists_follow_the_settings(store: Store) -> None:
    k = fill(store)
    with store.session() as s:
        r = dashboard(s, AS_OF)
        assert r.rd_year == 2024
        assert ids_of(store, r.rd_list_a) == {k.b, k.d}
        assert ids_of(store, r.rd_list_b) == {k.d}
        lists = rd_list_details(s, 2024)
        assert [row.name for row in lists.list_a] == ["丁公司", "乙公司"]
        assert lists.list_b[0].uscc == make_uscc(4)
    with store.transaction() as s:
        update_settings(s, {"rd_list_a_revenue": 400.0, "rd_list_b_revenue": 70000.0}, OP)
    with store.session() as s:
        r = dashboard(s, AS_OF)
    assert ids_of(store, r.rd_list_a) == {k.b, k.d, k.f}
    assert ids_of(store, r.rd_list_b) == set()
    assert (r.rd_list_a_revenue, r.rd_list_b_revenue) == (400.0, 70000.0)


def test_ladder_distribution_equals_the_roster(store: Store) -> None:
    k = fill(store)
    with store.session() as s:
        r = dashboard(s, AS_OF)
    stages = {bar.stage: ids_of(store, bar.figure) for bar in r.ladder}
    assert stages[2] == {k.a, k.c, k.d, k.e}
    assert stages[1] == {k.b}
    assert stages[0] == {k.f}
    assert sum(bar.figure.value for bar in r.ladder) == r.enterprises.value == 6
    for stage, ids in stages.items():
        assert ids == roster_ids(store, RosterFilter(ladder_stage=stage))


def test_each_figure_is_what_the_roster_shows(store: Store) -> None:
    k = fill(store)
    with store.session() as s:
        r = dashboard(s, AS_OF)
        towns = {t.name: t.id for t in list_towns(s)}
    held = roster_ids(store, RosterFilter(qualification_code="high_tech", held_on=AS_OF))
    assert ids_of(store, r.high_tech.count) == held
    for t in r.towns:
        if t.town_id is not None:
            in_town = roster_ids(store, RosterFilter(town_id=towns[t.town or ""]))
            assert ids_of(store, t.enterprises) == in_town
            assert ids_of(store, t.high_tech) == in_town & held
    figures = [r.high_tech.count, r.tech_sme.count, r.projection_high_tech, r.rd_list_a, r.both]
    for found in figures:
        listed = ids_of(store, found)
        assert roster_ids(store, RosterFilter(ids=tuple(listed))) == listed
    assert ids_of(store, one_enterprise(k.d)) == {k.d}  # a row of the expiring list


def test_deleted_enterprises_never_count(store: Store) -> None:
    k = fill(store)
    with store.transaction() as s:
        enterprises.soft_delete(s, k.a, OP)
    with store.session() as s:
        r = dashboard(s, AS_OF)
    assert k.a not in ids_of(store, r.high_tech.count)
    assert all(k.a not in ids_of(store, bar.figure) for bar in r.ladder)
    assert all(k.a not in ids_of(store, t.enterprises) for t in r.towns)
    assert r.enterprises.value == 5


def test_narrow_window_rows_when_the_wide_list_is_cut(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    k = fill(store)
    with store.transaction() as s:
        g = enterprises.create(s, {"name": "庚公司", "uscc": make_uscc(7)}, OP)
        ht = qualifications.type_id(s, "high_tech")
        first = {"type_id": ht, "number": "GR202234000007", "issued_on": date(2022, 7, 30)}
        qualifications.add(s, g, first, OP)
        second = {"type_id": ht, "number": "GR202534000008", "issued_on": date(2025, 6, 2)}
        later = qualifications.add(s, g, second, OP)
        s.execute(  # g: one certificate ends on day 30, a later one (not yet valid) on day 120
            update(Qualification)
            .where(Qualification.enterprise_id == g, Qualification.id != later)
            .values(valid_from=date(2022, 7, 30), valid_through=AS_OF + timedelta(days=30))
        )
        s.execute(
            update(Qualification)
            .where(Qualification.id == later)
            .values(valid_from=AS_OF + timedelta(days=60), valid_through=AS_OF + timedelta(120))
        )
    monkeypatch.setattr(dashboard_service, "EXPIRING_ROWS", 1)
    with store.session() as s:
        r = dashboard(s, AS_OF)
    e90, e180 = r.expiring_within(90), r.expiring_within(180)
    assert ids_of(store, e180.figure) == {g, k.c, k.d}  # renewed only after day 180
    assert ids_of(store, e90.figure) == {k.c, k.d}  # renewed after day 90
    assert [row.enterprise_id for row in e180.rows] == [g]
    assert [row.enterprise_id for row in e90.rows] == [k.c]
