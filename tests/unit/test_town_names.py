"""A town name that could never be matched is refused; the matcher ignores spaces (issue 11, item 10).

Chosen rule: names and aliases with a space inside or an alias separator (, ， 、 ; ；) are refused
at add, rename and alias time with a message saying why; TownMatcher compares written names with
every space removed, so a town stored before the rule with a space in it is still found.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from db.models import Town
from db.services import towns
from db.services.towns import TownError, TownMatcher, add_towns, rename_town, set_aliases
from db.store import Store
from desktop.importing.engine import ImportOptions, plan_import
from desktop.progress import drain

OP = "测试员"
BAD = {
    "古井 镇": "不能含有空格",
    "甲;乙镇": "不能含有“;”",
    "甲；乙镇": "不能含有“;”",  # full width: NFKC makes it ';'
    "五马、镇": "不能含有“、”",
    "十九里,镇": "不能含有“,”",
    "十九里，镇": "不能含有“,”",
}


@pytest.mark.parametrize("name", list(BAD))
def test_a_name_with_a_space_or_separator_is_refused_on_add(store: Store, name: str) -> None:
    with store.transaction() as s, pytest.raises(TownError, match=BAD[name]):
        add_towns(s, [name], OP)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Town)) == 0


def test_rename_and_alias_follow_the_same_rule(store: Store) -> None:
    with store.transaction() as s:
        add_towns(s, ["古井镇"], OP)
        town = towns.list_towns(s)[0]
        with pytest.raises(TownError, match="镇街名称“古井 街道”不能含有空格"):
            rename_town(s, town.id, "古井 街道", OP)
        with pytest.raises(TownError, match="镇街别名“古井;古井镇政府”不能含有“;”"):
            set_aliases(s, town.id, ["古井;古井镇政府"], OP)
        with pytest.raises(TownError, match="镇街别名不能超过64个字"):
            set_aliases(s, town.id, ["古" * 65], OP)
        with pytest.raises(TownError, match="镇街名称不能超过64个字"):
            add_towns(s, ["镇" * 65], OP)
        set_aliases(s, town.id, ["古井", "古井乡"], OP)
    with store.session() as s:
        assert towns.list_towns(s)[0].aliases == ("古井", "古井乡")


def test_a_name_that_is_added_is_matched_as_written(store: Store) -> None:
    with store.transaction() as s:
        add_towns(s, ["古井镇", "汤陵街道"], OP)
        set_aliases(s, towns.list_towns(s)[1].id, ["汤陵办事处"], OP)
    with store.session() as s:
        matcher = TownMatcher.from_session(s)
    for written in ("古井镇", " 古井 镇 ", "古井", "汤陵办事处", "汤陵 办事处"):
        assert matcher.match(written) is not None, written


def test_a_town_stored_with_a_space_before_the_rule_is_still_matched(store: Store) -> None:
    """The matcher and the store agree: the stored name is compared without its spaces."""
    with store.transaction() as s:
        s.execute(insert(Town).values(name="古井 镇", sort_order=1))
        assert add_towns(s, ["古井镇"], OP) == []  # the same town as far as matching goes
        town = towns.list_towns(s)[0]
        rename_town(s, town.id, "古井街道", OP)  # the old name becomes an alias …
        set_aliases(s, town.id, ["古井 镇", "古井"], OP)  # … and may be saved again as it is
    with store.session() as s:
        matcher = TownMatcher.from_session(s)
        found = matcher.match("古井 镇")
        assert found is not None and found.name == "古井街道"
        assert found.aliases == ("古井", "古井 镇")
        assert matcher.match("古井镇") == found


def test_an_import_finds_the_town_a_clerk_added(store: Store, tmp_path: Path) -> None:
    with store.transaction() as s:
        add_towns(s, ["古井镇"], OP)
    path = tmp_path / "e.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [
                ["企业名称", "统一社会信用代码", "所属镇街"],
                ["甲公司", "91341602031449193F", "古井 镇"],
            ]
        )
    plan = drain(plan_import(store, path, ImportOptions(year=2025)))
    assert plan.counts["created"] == 1 and not plan.errors
