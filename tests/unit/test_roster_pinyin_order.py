"""The roster's name order is the stored pinyin's (search_text), the same on SQLite and
PostgreSQL: 安 an < 北 bei < 中 zhong, where code points put 中 (4E2D) before 北 (5317) and 安
(5B89); a Latin name takes its place among the letters."""

from __future__ import annotations

from sqlalchemy import insert

from db.models import Enterprise
from db.services import enterprises
from db.services.enterprises.roster import RosterFilter, RosterQuery
from db.services.enterprises.search_text import pinyin_initials, search_text
from db.store import Store
from tests.unit.test_roster_service import OP, make_uscc

NAMES = ("中兴科技有限公司", "北辰软件有限公司", "安泰机械有限公司", "Bosch电子有限公司")
BY_PINYIN = ["安泰机械有限公司", "北辰软件有限公司", "Bosch电子有限公司", "中兴科技有限公司"]


def names_in_order(store: Store, descending: bool = False) -> list[str]:
    with store.session() as s:
        ids = RosterQuery().ids(s, RosterFilter(), "name", descending)
        return [enterprises.get(s, i).name for i in ids]


def test_names_sort_by_pinyin(store: Store) -> None:
    with store.transaction() as s:
        for n, name in enumerate(NAMES, start=1):
            enterprises.create(s, {"name": name, "uscc": make_uscc(n)}, OP)
    assert names_in_order(store) == BY_PINYIN
    assert names_in_order(store, descending=True) == BY_PINYIN[::-1]


def test_homophones_by_code_and_rows_without_pinyin_still_sort(store: Store) -> None:
    rows = [
        # 华 and 化 are both "hua": the stored key goes on with the code (search_text's next piece)
        {"name": "华信有限公司", "uscc": make_uscc(1)},
        {"name": "化信有限公司", "uscc": make_uscc(2)},
        {"name": "华信有限公司", "uscc": make_uscc(3)},
    ]
    for r in rows:
        r["search_text"] = search_text(r["name"], r["uscc"])
        r["pinyin_initials"] = pinyin_initials(r["name"])
    # a row written without its search column (an old store): sorted first, by its name
    rows.append({"name": "旧数据", "uscc": make_uscc(4), "search_text": ""})
    with store.transaction() as s:
        s.execute(insert(Enterprise), rows)
    with store.session() as s:
        ids = RosterQuery().ids(s, RosterFilter(), "name")
    assert ids == [4, 1, 2, 3]  # the homophones in the order of their codes
