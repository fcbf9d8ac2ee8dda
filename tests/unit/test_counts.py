"""The double-breakthrough counts on the boundary dates of domain.md, by town, with projection."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from db.rules.identifiers import uscc_check_char
from db.rules.validity import hte_valid_through, is_valid_on
from db.services import enterprises
from db.services import settings as bureau_settings
from db.services.enterprises import qualifications
from db.services.figures import counts
from db.services.towns import add_towns, list_towns
from db.store import Store

OP = "测试员"


def _uscc(n: int) -> str:
    body = f"91341602{n:09d}"
    return body + uscc_check_char(body)


def _enterprise(s: Session, n: int, town_id: int | None = None) -> int:
    return enterprises.create(s, {"name": f"企业{n}", "uscc": _uscc(n), "town_id": town_id}, OP)


def _hte(s: Session, eid: int, issued: date, n: int) -> int:
    tid = qualifications.type_id(s, "high_tech")
    number = f"GR{issued.year}34{n:06d}"
    return qualifications.add(s, eid, {"type_id": tid, "number": number, "issued_on": issued}, OP)


def _sme(s: Session, eid: int, year: int, n: int) -> int:
    tid = qualifications.type_id(s, "tech_sme")
    return qualifications.add(s, eid, {"type_id": tid, "number": f"{year}341602A{n:07d}"}, OP)


def test_boundary_dates_of_domain_md(store: Store) -> None:
    with store.transaction() as s:
        a = _enterprise(s, 1)
        b = _enterprise(s, 2)
        _hte(s, a, date(2023, 1, 1), 1)  # valid through 2025-12-31
        _hte(s, b, date(2022, 12, 31), 2)  # valid through 2025-12-30
    with store.session() as s:
        assert counts.count_high_tech(s, date(2025, 12, 30)) == 2
        assert counts.count_high_tech(s, date(2025, 12, 31)) == 1
        assert counts.count_high_tech(s, date(2026, 1, 1)) == 0
        assert counts.count_high_tech(s, date(2022, 12, 30)) == 0
        assert counts.double_breakthrough(s, date(2025, 6, 30)).projection_high_tech == 1


def test_revocation_deletion_and_tech_sme_year(store: Store) -> None:
    with store.transaction() as s:
        a, b, c = (_enterprise(s, n) for n in (1, 2, 3))
        qa = _hte(s, a, date(2024, 3, 1), 1)
        _hte(s, b, date(2024, 3, 1), 2)
        qualifications.revoke(s, qa, date(2025, 5, 1), "取消资格", OP)
        _sme(s, b, 2025, 1)
        _sme(s, c, 2025, 2)
        _sme(s, c, 2024, 3)
        enterprises.soft_delete(s, c, OP)
    with store.session() as s:
        assert counts.count_high_tech(s, date(2025, 4, 30)) == 2
        assert counts.count_high_tech(s, date(2025, 5, 1)) == 1
        assert counts.count_tech_sme(s, 2025) == 1
        assert counts.count_tech_sme(s, 2024) == 0
        result = counts.double_breakthrough(s, date(2025, 6, 1))
        assert (result.enterprises, result.high_tech, result.tech_sme, result.both) == (2, 1, 1, 1)


def test_targets_gap_completion_and_by_town(store: Store) -> None:
    with store.transaction() as s:
        add_towns(s, ["十九里镇", "古井镇"], OP)
        t = {x.name: x.id for x in list_towns(s)}
        for n in range(1, 4):
            _hte(s, _enterprise(s, n, t["十九里镇"]), date(2024, 1, 1), n)
        _sme(s, _enterprise(s, 10, t["古井镇"]), 2025, 10)
        _enterprise(s, 11)
        bureau_settings.set_count_target(s, "high_tech", 2025, 4, OP)
    with store.session() as s:
        r = counts.double_breakthrough(s, date(2025, 12, 31))
        assert (r.target_high_tech, r.target_tech_sme) == (4, None)
        assert r.gap("high_tech") == 1 and r.completion("high_tech") == 0.75
        assert r.gap("tech_sme") is None
        rows = [(x.town, x.enterprises, x.high_tech, x.tech_sme) for x in r.by_town]
        assert rows == [("十九里镇", 3, 3, 0), ("古井镇", 1, 0, 1), (None, 1, 0, 0)]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    issues=st.lists(
        st.tuples(
            st.dates(date(2019, 1, 1), date(2025, 12, 31)),
            st.one_of(st.none(), st.integers(0, 1200)),
        ),
        min_size=1,
        max_size=8,
    ),
    on=st.dates(date(2019, 1, 1), date(2028, 12, 31)),
)
def test_sql_count_equals_the_rule_applied_row_by_row(
    store: Store, issues: list[tuple[date, int | None]], on: date
) -> None:
    with store.transaction() as s:
        expected = 0
        for n, (issued, revoked_after) in enumerate(issues):
            eid = _enterprise(s, 10_000 + n)
            qid = _hte(s, eid, issued, 100 + n)
            revoked = None if revoked_after is None else issued + timedelta(days=revoked_after)
            if revoked is not None:
                qualifications.revoke(s, qid, revoked, "", OP)
            expected += is_valid_on(on, issued, hte_valid_through(issued), revoked)
        assert counts.count_high_tech(s, on) == expected
        s.rollback()
