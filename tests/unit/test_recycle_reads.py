"""The recycle-bin reads: only deleted rows, with who and when, most recently deleted first."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update

from db.models import Carrier, Commissioner, Demand, Platform
from db.services import carriers, platforms
from db.services.commissioners import demands, roster
from db.store import Store

OP = "测试员"


def _who(store: Store, name: str = OP) -> str:
    """The name a deletion records: a server records its login instead (migration 0009)."""
    return store.login or name


def _backdate(store: Store, model: type, row_id: int, at: datetime) -> None:
    """Pretend a row was deleted at `at` (deletion times have second resolution)."""
    with store.transaction() as s:
        s.execute(update(model).where(model.id == row_id).values(deleted_at=at))  # type: ignore[attr-defined]


def test_deleted_commissioners_newest_first(store: Store) -> None:
    with store.transaction() as s:
        a = roster.create(s, {"name": "甲团队", "kind": "团队", "unit": "亳州学院"}, OP)
        b = roster.create(s, {"name": "乙团队", "kind": "团队", "unit": "安徽农大"}, OP)
        roster.create(s, {"name": "丙团队", "kind": "团队", "unit": "合肥工大"}, OP)
        roster.soft_delete(s, a, OP)
        roster.soft_delete(s, b, "另一人")
    _backdate(store, Commissioner, a, datetime(2025, 1, 2, 9, 30))
    _backdate(store, Commissioner, b, datetime(2025, 1, 1, 8, 0))
    with store.session() as s:
        rows = roster.deleted_commissioners(s)
    assert [(r.id, r.name, r.kind, r.unit, r.deleted_by) for r in rows] == [
        (a, "甲团队", "团队", "亳州学院", _who(store)),
        (b, "乙团队", "团队", "安徽农大", _who(store, "另一人")),
    ]
    assert rows[0].deleted_at == datetime(2025, 1, 2, 9, 30)
    with store.transaction() as s:
        roster.restore(s, a, OP)
    with store.session() as s:
        assert [r.id for r in roster.deleted_commissioners(s)] == [b]


def test_deleted_demands(store: Store) -> None:
    with store.transaction() as s:
        keep = demands.create(
            s, {"requester": "甲厂", "problem": "废水", "raised_on": date(2025, 3, 1)}, OP
        )
        gone = demands.create(
            s, {"requester": "乙社", "problem": "病虫害", "raised_on": date(2025, 4, 1)}, OP
        )
        older = demands.create(
            s, {"requester": "丙村", "problem": "灌溉", "raised_on": date(2025, 5, 1)}, OP
        )
        demands.soft_delete(s, gone, OP)
        demands.soft_delete(s, older, OP)
    _backdate(store, Demand, older, datetime(2024, 12, 31, 23, 59))
    with store.session() as s:
        rows = demands.deleted_demands(s)
        live = [d.id for d in demands.list_demands(s)]
    assert [(r.id, r.requester, r.problem, r.raised_on) for r in rows] == [
        (gone, "乙社", "病虫害", date(2025, 4, 1)),
        (older, "丙村", "灌溉", date(2025, 5, 1)),
    ]
    assert all(r.deleted_by == _who(store) for r in rows)
    assert live == [keep]


def test_deleted_carriers_and_platforms(store: Store) -> None:
    with store.transaction() as s:
        c1 = carriers.create_carrier(s, {"name": "众创一号", "kind": "众创空间"}, OP)
        c2 = carriers.create_carrier(s, {"name": "甲孵化器", "kind": "加速器"}, OP)
        p1 = platforms.create_platform(
            s,
            {"name": "学院工作站", "kind": "专家工作站", "level": "市级", "host_name": "亳州学院"},
            OP,
        )
        carriers.delete_carrier(s, c1, OP)
        carriers.delete_carrier(s, c2, OP)
        platforms.delete_platform(s, p1, OP)
    _backdate(store, Carrier, c1, datetime(2025, 6, 1, 10, 0))
    _backdate(store, Carrier, c2, datetime(2025, 6, 2, 10, 0))
    _backdate(store, Platform, p1, datetime(2025, 6, 3, 10, 0))
    with store.session() as s:
        cs = carriers.deleted_carriers(s)
        ps = platforms.deleted_platforms(s)
    assert [(c.id, c.name, c.kind, c.deleted_by) for c in cs] == [
        (c2, "甲孵化器", "加速器", _who(store)),
        (c1, "众创一号", "众创空间", _who(store)),
    ]
    assert [(p.id, p.name, p.kind, p.host_name, p.deleted_at) for p in ps] == [
        (p1, "学院工作站", "专家工作站", "亳州学院", datetime(2025, 6, 3, 10, 0))
    ]
    with store.transaction() as s:
        carriers.restore_carrier(s, c2, OP)
        platforms.restore_platform(s, p1, OP)
    with store.session() as s:
        assert [c.id for c in carriers.deleted_carriers(s)] == [c1]
        assert platforms.deleted_platforms(s) == []
