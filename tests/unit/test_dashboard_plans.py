"""首页's counts read the certificates the cheap way (SQLite's query plans, not seconds).

* 科小 of each year: one range of the (type, evaluation year, enterprise) index per year, in
  enterprise order — no temporary B-tree to make the pairs distinct or to group the years.
* 高企 on each date / expiring: certificates counted without grouping; only the enterprises
  holding several certificates are grouped, each looked up by the index (type, enterprise).
The figures themselves are checked in test_dashboard.py (firm e holds two certificates).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from db.services.figures import dashboard
from db.store import Store
from tests.unit.test_dashboard import AS_OF, fill

pytestmark = pytest.mark.sqlite_only


def plans(store: Store, run: Callable[[Session], Any]) -> list[str]:
    """The query-plan lines of every SELECT `run` executes."""
    statements: list[tuple[str, Any]] = []

    def seen(_conn: Any, _cur: Any, sql: str, params: Any, _ctx: Any, _many: bool) -> None:
        if sql.lstrip().upper().startswith("SELECT"):
            statements.append((sql, params))

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        with store.session() as s:
            run(s)
            raw = s.connection().connection.driver_connection
            assert raw is not None
            return [
                str(row[3])
                for sql, params in statements
                for row in raw.execute("EXPLAIN QUERY PLAN " + sql, params)
            ]
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)


def test_tech_sme_years_are_index_ranges_without_a_sort(store: Store) -> None:
    fill(store)
    lines = plans(store, lambda s: dashboard._tech_sme_counts(s, 2019, AS_OF.year))
    year_range = "ix_qualifications_type_year_enterprise (type_id=? AND evaluation_year=?)"
    assert sum(year_range in line for line in lines) == AS_OF.year - 2019 + 1
    assert not [line for line in lines if "TEMP B-TREE" in line]


def test_high_tech_counts_group_only_firms_with_several_certificates(store: Store) -> None:
    fill(store)
    p = dashboard.plan(AS_OF)
    days = sorted({p.year_end, *(on for _, on in p.points)})

    def count(s: Session) -> None:
        dashboard._high_tech_counts(s, days, AS_OF, {90, 180, p.this_year})

    lines = plans(store, count)
    assert not [line for line in lines if "TEMP B-TREE" in line]
    # the per-enterprise pass looks up the listed enterprises' certificates, one seek each
    per_firm = "ix_qualifications_type_enterprise (type_id=? AND enterprise_id=?)"
    assert any(per_firm in line for line in lines)
