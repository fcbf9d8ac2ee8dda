"""The roster query on a small known store: search, each filter, each sort key, rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from db.rules.identifiers import org_code_check_char, uscc_check_char
from db.rules.validity import add_years
from db.services import enterprises, towns
from db.services.enterprises import qualifications
from db.services.enterprises.roster import (
    PROBLEM_NO_FIGURES,
    PROBLEM_NO_TOWN,
    SORT_KEYS,
    RosterFilter,
    RosterQuery,
)
from db.services.enterprises.search_text import search_text
from db.store import Store

OP = "测试员"


def make_uscc(n: int) -> str:
    """A valid 统一社会信用代码 numbered n (org-code check digit correct too)."""
    body = f"MA{n:06d}"
    first17 = "91340100" + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


@dataclass(frozen=True)
class Known:
    huaxin: int
    mingyuan: int
    xinghe: int
    percent: int
    deleted: int
    town_a: int
    town_b: int
    today: date


def build_known(store: Store) -> Known:
    """Five enterprises whose every roster column is known."""
    today = date.today()
    last = today.year - 1
    with store.transaction() as s:
        towns.add_towns(s, ["十九里镇", "城关街道"], OP)
        listed = {t.name: t.id for t in towns.list_towns(s)}
        a, b = listed["十九里镇"], listed["城关街道"]
        ht = qualifications.type_id(s, "high_tech")
        sme = qualifications.type_id(s, "tech_sme")

        def new(n: int, name: str, town: int | None, above: bool = False) -> int:
            values = {"name": name, "uscc": make_uscc(n), "town_id": town, "above_scale": above}
            return enterprises.create(s, values, OP)

        huaxin = new(1, "华信生物科技有限公司", a, above=True)
        issued = add_years(today, -2)
        number = f"GR{issued.year}34{1:06d}"
        qualifications.add(s, huaxin, {"type_id": ht, "number": number, "issued_on": issued}, OP)
        qualifications.add(s, huaxin, {"type_id": sme, "evaluation_year": today.year}, OP)
        enterprises.set_year(s, huaxin, last, {"revenue": 500.0, "rd_expense": 40.0}, OP)

        mingyuan = new(2, "安徽明远机械有限公司", b)
        issued = add_years(today, -3) + timedelta(days=31)
        number = f"GR{issued.year}34{2:06d}"
        qualifications.add(s, mingyuan, {"type_id": ht, "number": number, "issued_on": issued}, OP)
        enterprises.set_year(s, mingyuan, last, {"revenue": 12000.0, "rd_expense": 10.0}, OP)

        xinghe = new(3, "星河软件有限公司", None)

        percent = new(4, "绿源100%_农业有限公司", a)
        enterprises.set_year(s, percent, last, {"revenue": 80.0, "rd_expense": 1.5}, OP)
        enterprises.set_year(s, percent, last - 1, {"revenue": 70.0}, OP)

        deleted = new(5, "华信已删除有限公司", a)
        enterprises.soft_delete(s, deleted, OP)
    return Known(huaxin, mingyuan, xinghe, percent, deleted, a, b, today)


@pytest.fixture
def known(store: Store) -> Known:
    return build_known(store)


def ids_of(store: Store, f: RosterFilter, key: str = "name", desc: bool = False) -> list[int]:
    with store.session() as s:
        return RosterQuery().ids(s, f, key, desc)


def test_search_by_name_code_and_pinyin(store: Store, known: Known) -> None:
    assert ids_of(store, RosterFilter(text="华信")) == [known.huaxin]
    assert ids_of(store, RosterFilter(text="hxsw")) == [known.huaxin]
    assert ids_of(store, RosterFilter(text="HXSW")) == [known.huaxin]
    assert ids_of(store, RosterFilter(text="mingyuan")) == [known.mingyuan]
    assert ids_of(store, RosterFilter(text=make_uscc(3)[-6:].lower())) == [known.xinghe]
    assert ids_of(store, RosterFilter(text="不存在的企业")) == []


def test_search_escapes_like_wildcards(store: Store, known: Known) -> None:
    assert ids_of(store, RosterFilter(text="%")) == [known.percent]
    assert ids_of(store, RosterFilter(text="_")) == [known.percent]
    assert ids_of(store, RosterFilter(text="0%_")) == [known.percent]


def test_deleted_excluded_and_recycle_bin(store: Store, known: Known) -> None:
    live = ids_of(store, RosterFilter())
    assert known.deleted not in live
    assert len(live) == 4
    assert ids_of(store, RosterFilter(deleted=True)) == [known.deleted]
    with store.session() as s:
        assert RosterQuery().count(s, RosterFilter()) == 4


def test_filters(store: Store, known: Known) -> None:
    assert set(ids_of(store, RosterFilter(town_id=known.town_a))) == {known.huaxin, known.percent}
    assert set(ids_of(store, RosterFilter(qualification_code="high_tech"))) == {
        known.mingyuan,
        known.huaxin,
    }
    long_ago = known.today - timedelta(days=3650)
    assert ids_of(store, RosterFilter(qualification_code="high_tech", held_on=long_ago)) == []
    assert ids_of(store, RosterFilter(qualification_code="tech_sme")) == [known.huaxin]
    assert set(ids_of(store, RosterFilter(ladder_stage=2))) == {known.mingyuan, known.huaxin}
    assert set(ids_of(store, RosterFilter(ladder_stage=0))) == {known.xinghe, known.percent}
    assert ids_of(store, RosterFilter(above_scale=True)) == [known.huaxin]
    assert known.huaxin not in ids_of(store, RosterFilter(above_scale=False))
    assert ids_of(store, RosterFilter(expiring_within_days=60)) == [known.mingyuan]
    assert ids_of(store, RosterFilter(expiring_within_days=10)) == []
    assert ids_of(store, RosterFilter(has_problems=True)) == [known.xinghe]
    assert ids_of(store, RosterFilter(ids=(known.percent, known.deleted))) == [known.percent]


@pytest.mark.parametrize("key", SORT_KEYS)
def test_every_sort_key_orders_and_reverses(store: Store, known: Known, key: str) -> None:
    up = ids_of(store, RosterFilter(), key)
    down = ids_of(store, RosterFilter(), key, desc=True)
    assert sorted(up) == sorted(down) and len(up) == 4
    with store.session() as s:
        rows = {r.id: r for r in RosterQuery().rows(s, up)}
    attr = {
        "ladder": "ladder_stage",
        "hte_valid_through": "hte_valid_through",
        "town": "town",
    }.get(key, key)
    values = [getattr(rows[i], attr) for i in up if getattr(rows[i], attr) is not None]
    if key == "town":
        order = {"十九里镇": 1, "城关街道": 2}
        values = [order[v] for v in values]
    # names sort by their stored pinyin (search_text.py), not by code point
    by = (lambda v: search_text(v).split("|")[1]) if key == "name" else None
    assert values == sorted(values, key=by)
    desc_values = [getattr(rows[i], attr) for i in down if getattr(rows[i], attr) is not None]
    if key != "town":
        assert desc_values == sorted(desc_values, key=by, reverse=True)


def test_sort_by_revenue_puts_blanks_last(store: Store, known: Known) -> None:
    assert ids_of(store, RosterFilter(), "revenue") == [
        known.percent,
        known.huaxin,
        known.mingyuan,
        known.xinghe,
    ]
    assert ids_of(store, RosterFilter(), "revenue", desc=True)[0] == known.mingyuan


def test_rows_carry_every_column(store: Store, known: Known) -> None:
    with store.session() as s:
        rows = RosterQuery().rows(s, [known.xinghe, known.huaxin, known.mingyuan, 99999])
    xinghe, huaxin, mingyuan = rows
    assert [r.id for r in rows] == [known.xinghe, known.huaxin, known.mingyuan]
    assert huaxin.town == "十九里镇" and huaxin.ladder_stage == 2 and huaxin.above_scale
    assert huaxin.hte_number and huaxin.hte_number.startswith("GR")
    assert huaxin.hte_status == "有效" and huaxin.sme_year == known.today.year
    assert (huaxin.revenue, huaxin.rd_expense, huaxin.figures_year) == (
        500.0,
        40.0,
        known.today.year - 1,
    )
    assert mingyuan.hte_status == "即将到期"
    assert xinghe.problems == (PROBLEM_NO_TOWN, PROBLEM_NO_FIGURES)
    assert huaxin.problems == ()


def test_latest_year_figures_chosen(store: Store, known: Known) -> None:
    with store.session() as s:
        (row,) = RosterQuery().rows(s, [known.percent])
    assert row.revenue == 80.0 and row.figures_year == known.today.year - 1
