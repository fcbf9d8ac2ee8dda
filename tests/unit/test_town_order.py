"""Towns are removed only while unused, and put in the order the clerk chooses (issue 16, item 10).

Both name the version the clerk saw, like a rename: a change another desk made meanwhile refuses
them (StaleEdit) and nothing is written.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from db.errors import StaleEdit
from db.models import AuditEntry, TownAlias
from db.services import enterprises, towns
from db.services.commissioners import dispatches, roster
from db.services.towns import USE_LABELS, TownError
from db.store import Store
from tests.unit.returns.builders import uscc

ME, OTHER = "张敏", "王磊"


def _towns(store: Store, *names: str) -> dict[str, towns.TownView]:
    with store.transaction() as s:
        towns.add_towns(s, names, ME)
    with store.session() as s:
        return {t.name: t for t in towns.list_towns(s)}


def _names(store: Store) -> list[str]:
    with store.session() as s:
        return [t.name for t in towns.list_towns(s)]


def _versions(store: Store) -> dict[int, int]:
    with store.session() as s:
        return {t.id: t.version for t in towns.list_towns(s)}


def test_every_table_referring_to_a_town_is_named_for_the_clerk() -> None:
    referring = {table.name for table, _column in towns.referring_columns()}
    assert {"enterprises", "dispatches", "carriers", "collection_round_towns"} <= referring
    assert referring - set(USE_LABELS) == set()


def test_an_unused_town_is_removed_with_its_aliases_and_audited(store: Store) -> None:
    shown = _towns(store, "古井镇", "五马镇")
    with store.transaction() as s:
        towns.set_aliases(s, shown["古井镇"].id, ["古井"], ME)
    with store.session() as s:
        version = towns.list_towns(s)[0].version
    with store.transaction() as s:
        assert towns.remove_town(s, shown["古井镇"].id, ME, expected_version=version) == "古井镇"
    assert _names(store) == ["五马镇"]
    with store.session() as s:
        assert s.scalars(select(TownAlias.alias)).all() == []
        row = s.execute(
            select(AuditEntry.action, AuditEntry.field, AuditEntry.old_value)
            .where(AuditEntry.entity == "town", AuditEntry.entity_id == shown["古井镇"].id)
            .order_by(AuditEntry.id.desc())
        ).first()
    assert row is not None and row.action == "delete"


def test_a_town_in_use_is_not_removed_and_the_message_says_by_what(store: Store) -> None:
    shown = _towns(store, "古井镇", "五马镇")
    tid = shown["古井镇"].id
    with store.transaction() as s:
        kept = enterprises.create(s, {"name": "甲公司", "uscc": uscc(1), "town_id": tid}, ME)
        gone = enterprises.create(s, {"name": "乙公司", "uscc": uscc(2), "town_id": tid}, ME)
        enterprises.soft_delete(s, gone, ME)
        cid = roster.create(s, {"name": "机械团队", "kind": "团队", "unit": "亳州学院"}, ME)
        dispatches.dispatch(s, cid, "张庄村", tid, date(2025, 1, 2), operator=ME)
    with pytest.raises(TownError) as refused, store.transaction() as s:
        towns.remove_town(s, tid, ME, expected_version=shown["古井镇"].version)
    message = str(refused.value)
    assert "“古井镇”仍被使用" in message
    assert "企业 2 家（其中回收站中 1 家）" in message
    assert "特派员派驻 1 条" in message
    assert _names(store) == ["古井镇", "五马镇"]
    with store.transaction() as s:  # moved to another town, the first can go
        enterprises.update(s, kept, {"town_id": shown["五马镇"].id}, ME)
    with store.session() as s:
        assert [u.table for u in towns.town_uses(s, tid)] == ["enterprises", "dispatches"]


def test_a_removal_over_another_desks_change_is_refused(store: Store) -> None:
    shown = _towns(store, "古井镇")["古井镇"]
    with store.transaction() as s:
        towns.rename_town(s, shown.id, "古井镇一", OTHER, expected_version=shown.version)
    with pytest.raises(StaleEdit, match="已被"), store.transaction() as s:
        towns.remove_town(s, shown.id, ME, expected_version=shown.version)
    assert _names(store) == ["古井镇一"]


def test_towns_are_moved_up_and_down_and_every_list_follows(store: Store) -> None:
    shown = _towns(store, "古井镇", "五马镇", "牛集镇")
    with store.transaction() as s:
        towns.move_town(s, shown["牛集镇"].id, -1, ME, _versions(store))
    assert _names(store) == ["古井镇", "牛集镇", "五马镇"]
    with store.transaction() as s:
        towns.move_town(s, shown["古井镇"].id, 1, ME, _versions(store))
        towns.move_town(s, shown["五马镇"].id, 1, ME)  # the last stays last
    assert _names(store) == ["牛集镇", "古井镇", "五马镇"]
    from db.services.figures.returns_data import town_names

    with store.session() as s:
        assert town_names(s) == ["牛集镇", "古井镇", "五马镇"]
        moved = s.scalars(
            select(AuditEntry.entity_id).where(
                AuditEntry.entity == "town", AuditEntry.field == "sort_order"
            )
        ).all()
    assert set(moved) == {shown["牛集镇"].id, shown["五马镇"].id, shown["古井镇"].id}


def test_an_order_based_on_a_stale_list_is_refused(store: Store) -> None:
    shown = _towns(store, "古井镇", "五马镇")
    seen = _versions(store)
    with store.transaction() as s:  # another desk moves them meanwhile
        towns.move_town(s, shown["五马镇"].id, -1, OTHER, seen)
    with pytest.raises(StaleEdit), store.transaction() as s:
        towns.move_town(s, shown["古井镇"].id, -1, ME, seen)
    assert _names(store) == ["五马镇", "古井镇"]
    seen = _versions(store)
    _towns(store, "牛集镇")  # another desk adds one: the order shown no longer names every town
    with pytest.raises(TownError, match="请刷新后重新排序"), store.transaction() as s:
        towns.reorder_towns(s, [shown["古井镇"].id, shown["五马镇"].id], ME, seen)
    assert _names(store) == ["五马镇", "古井镇", "牛集镇"]
