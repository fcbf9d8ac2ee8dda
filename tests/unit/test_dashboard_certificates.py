"""首页's certificate warnings agree with the returns: 已过期未重新认定 = the 到期预警 return's
已到期 rows, 年内到期 = the 双突破 return's (有效数 − 年末预计); all on the stat date."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.services.enterprises import qualifications
from db.services.figures.counts import count_high_tech, high_tech_expiring_ids
from db.services.figures.dashboard import dashboard
from db.services.figures.selectors import ids_for
from db.store import Store
from desktop import demo
from desktop.returns.definitions.hte_expiring import source
from desktop.returns.model import Period, Query
from tests.unit.test_dashboard import AS_OF, OP, fill


def lapsed_in_return(session: Session, on: date) -> set[str]:
    """The names the 到期预警 return of `on`'s year marks 已到期 (lapsed, not re-certified)."""
    rows = source(session, Query(Period(on.year), None, on)).rows
    return {str(r["name"]) for r in rows if r["note"] == "已到期"}


def names(session: Session, ids: list[int]) -> set[str]:
    from db.models import Enterprise

    return set(session.scalars(select(Enterprise.name).where(Enterprise.id.in_(ids))))


def test_lapsed_is_the_returns_expired_rows(store: Store) -> None:
    k = fill(store)
    with store.session() as s:
        r = dashboard(s, AS_OF)
        listed = ids_for(s, r.lapsed.figure.selector)
        assert listed == [k.b]  # ended 2025-02-28; e ended too late, and is renewed anyway
        assert r.lapsed.figure.value == 1
        assert names(s, listed) == lapsed_in_return(s, AS_OF) == {"乙公司"}
    (row,) = r.lapsed.rows
    assert (row.enterprise_id, row.valid_through) == (k.b, date(2025, 2, 28))
    assert row.days_left == (date(2025, 2, 28) - AS_OF).days < 0
    assert r.lapsed.since == date(2025, 1, 1)


def test_lapsed_follows_the_stat_date_and_renewals(store: Store) -> None:
    k = fill(store)
    with store.session() as s:  # before b's certificate ended, and in the next year
        assert dashboard(s, date(2025, 2, 28)).lapsed.figure.value == 0
        r = dashboard(s, date(2025, 12, 31))
        # c and d ended in September; e's end is covered by its renewal; a still valid
        assert set(ids_for(s, r.lapsed.figure.selector)) == {k.b, k.c, k.d}
        assert names(s, ids_for(s, r.lapsed.figure.selector)) == lapsed_in_return(
            s, date(2025, 12, 31)
        )
        assert dashboard(s, date(2026, 3, 1)).lapsed.figure.value == 0  # a new year
    with store.transaction() as s:
        ht = qualifications.type_id(s, "high_tech")
        new = {"type_id": ht, "number": "GR202534000009", "issued_on": date(2025, 11, 1)}
        qualifications.add(s, k.c, new, OP)  # c re-certified after its lapse
    with store.session() as s:
        r = dashboard(s, date(2025, 12, 31))
        assert set(ids_for(s, r.lapsed.figure.selector)) == {k.b, k.d}
        assert len(lapsed_in_return(s, date(2025, 12, 31))) == 2


def test_due_this_year_is_the_year_end_loss(store: Store) -> None:
    k = fill(store)
    with store.session() as s:
        r = dashboard(s, AS_OF)
        due = ids_for(s, r.due_this_year.selector)
        assert set(due) == {k.c, k.d}  # a is valid on 31 December, e renewed
        assert set(due) == set(s.scalars(high_tech_expiring_ids(AS_OF)))
        year_end = count_high_tech(s, date(AS_OF.year, 12, 31))
        assert r.high_tech.count.value - r.due_this_year.value == year_end
        assert dashboard(s, date(2025, 12, 31)).due_this_year.value == 0


@pytest.mark.parametrize(
    "on", [date(2025, 12, 31), date(2026, 6, 30), date(2026, 11, 20), date(2026, 12, 1)]
)
def test_card_and_return_agree_on_the_demo(store: Store, on: date) -> None:
    with store.transaction() as s:
        demo.fill(s, "演示员")
    with store.session() as s:
        r = dashboard(s, on)
        lapsed = ids_for(s, r.lapsed.figure.selector)
        assert len(lapsed) == r.lapsed.figure.value
        assert names(s, lapsed) == lapsed_in_return(s, on)
        due = ids_for(s, r.due_this_year.selector)
        assert len(due) == r.due_this_year.value
        assert set(due) == set(s.scalars(high_tech_expiring_ids(on)))
        assert all(row.days_left < 0 and row.valid_through < on for row in r.lapsed.rows)
    if on == date(2026, 12, 1):
        assert r.lapsed.figure.value > 0  # what 首页 said was 0 while the return listed them
