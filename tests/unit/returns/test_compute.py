"""Returns computed from a small known store agree with db.services.figures.counts and domain rules."""

from __future__ import annotations

from datetime import date

import pytest

from db.models import ReturnLegalMarks
from db.services.figures import counts
from db.store import Store
from desktop.returns.compute import PeriodError, compute, orientation, parse_period
from desktop.returns.definitions import BY_ID, CATALOGUE
from desktop.returns.model import Period, column_codes
from tests.unit.returns import builders

AS_OF = date(2025, 12, 31)


@pytest.fixture
def known(store: Store) -> Store:
    with store.transaction() as session:
        builders.small_store(session)
    return store


def _rows_by_first(table: object) -> dict[object, list[object]]:
    return {row[0]: row for row in table.rows}  # type: ignore[attr-defined]


def test_double_breakthrough_towns_and_total_equal_counts(known: Store) -> None:
    definition = BY_ID["double-breakthrough"]
    with known.session() as session:
        table = compute(definition, session, Period(2025), as_of=AS_OF)
        result = counts.double_breakthrough(session, AS_OF)
    keys = [c.key for c in table.columns]
    rows = _rows_by_first(table)
    for town in result.by_town:
        row = rows[town.town or "（未填镇街）"]
        assert row[keys.index("ht")] == town.high_tech
        assert row[keys.index("sme")] == town.tech_sme
    total = table.total
    assert total is not None and total[0] == "合计"
    assert total[keys.index("ht")] == result.high_tech == 3  # 2025-12-30 has ended
    assert total[keys.index("sme")] == result.tech_sme == 3
    assert total[keys.index("ht_year_end")] == result.projection_high_tech
    assert total[keys.index("ht_new")] == 1  # issued 2025-03-15
    assert total[keys.index("ht_renewed")] == 0
    assert total[keys.index("ht_expiring")] == 0  # valid through 2025-12-31 is valid on 31 Dec
    assert total[keys.index("ht_target")] == 100
    assert total[keys.index("ht_rate")] == pytest.approx(3.0)
    assert rows["十九里镇"][keys.index("ht_target")] is None  # no town targets
    assert not table.errors
    assert {w.key for w in table.warnings} == {"no-town"}
    assert table.orientation == "landscape"
    assert table.header_rows == 2
    assert table.period_text == "2025年"


def test_double_breakthrough_year_end_drops_certificate_ending_dec_30(known: Store) -> None:
    with known.session() as session:
        table = compute(
            BY_ID["double-breakthrough"], session, Period(2025), as_of=date(2025, 6, 30)
        )
    keys = [c.key for c in table.columns]
    assert table.total is not None
    assert table.total[keys.index("ht")] == 4
    assert table.total[keys.index("ht_year_end")] == 3
    assert table.total[keys.index("ht_expiring")] == 1  # only the one ending on 30 Dec
    assert table.period_text == "2025年（截至2025年6月30日）"


def test_town_sum_check_reports_a_mismatch(known: Store) -> None:
    definition = BY_ID["double-breakthrough"]
    with known.session() as session:
        table = compute(definition, session, Period(2025), as_of=AS_OF)
        source = definition.source(session, _query(AS_OF))
        source.rows[0]["ht"] = 99
        found = definition.checks[0](session, _query(AS_OF), source)
    assert not table.errors
    assert [c.key for c in found] == ["sum:ht"]
    assert found[0].level == "error"


def _query(as_of: date) -> object:
    from desktop.returns.model import Query

    return Query(Period(as_of.year), None, as_of)


def test_expiring_list_on_boundary_dates(known: Store) -> None:
    with known.session() as session:
        table = compute(BY_ID["hte-expiring"], session, Period(2025), as_of=date(2025, 12, 1))
        table_2024 = compute(BY_ID["hte-expiring"], session, Period(2024), as_of=date(2024, 12, 1))
    keys = [c.key for c in table.columns]
    got = [(r[keys.index("issued_on")], r[keys.index("valid_through")]) for r in table.rows]
    assert got == [
        (date(2022, 12, 31), date(2025, 12, 30)),
        (date(2023, 1, 1), date(2025, 12, 31)),
    ]
    assert [r[keys.index("days")] for r in table.rows] == [29, 30]
    assert [r[0] for r in table.rows] == [1, 2]
    expired = [r for r in table_2024.rows]
    assert [r[keys.index("valid_through")] for r in expired] == [date(2024, 4, 30)]
    assert expired[0][keys.index("note")] == "已到期"


def test_high_tech_roster_as_of_and_town_filter(known: Store) -> None:
    definition = BY_ID["high-tech-roster"]
    with known.session() as session:
        table = compute(definition, session, Period(2025), as_of=date(2025, 12, 31))
        town = compute(definition, session, Period(2025), town="十九里镇", as_of=date(2025, 12, 30))
        expected = counts.count_high_tech(session, date(2025, 12, 31))
    assert len(table.rows) == expected == 3
    assert table.period_text == "截至2025年12月31日"
    assert {r[1] for r in town.rows} == {"亳州濉河科技有限公司", "埇桥谯城新材料股份有限公司"}
    assert town.title.endswith("（十九里镇）")
    assert not table.errors


def test_roster_certificate_without_issue_date_is_an_error(known: Store) -> None:
    from sqlalchemy import update

    from db.models import Qualification

    with known.transaction() as session:
        session.execute(
            update(Qualification).where(Qualification.number.like("GR2025%")).values(issued_on=None)
        )
    with known.session() as session:
        table = compute(BY_ID["high-tech-roster"], session, Period(2025), as_of=AS_OF)
    assert any(e.key.startswith("no-issue-date") for e in table.errors)


def test_tech_sme_roster_lists_the_year(known: Store) -> None:
    with known.session() as session:
        table = compute(BY_ID["tech-sme-roster"], session, Period(2025))
        table_2024 = compute(BY_ID["tech-sme-roster"], session, Period(2024))
    assert len(table.rows) == 3
    assert len(table_2024.rows) == 1
    assert table.orientation == "portrait"
    assert not table.checks


def test_rd_zero_clearing_lists_a_and_b(known: Store) -> None:
    with known.session() as session:
        table = compute(BY_ID["rd-zero-clearing"], session, Period(2025))
    keys = [c.key for c in table.columns]
    kinds = {r[keys.index("name")]: r[keys.index("kind")] for r in table.rows}
    assert kinds == {
        "规上无研发工业有限公司": "A、B",
        "规上小型工业有限公司": "A",
    }
    assert table.total is not None
    assert table.total[keys.index("revenue")] == pytest.approx(72000.0)
    assert table.total[0] == "合计"
    assert table.unit == "万元"


def test_legal_marks_overrides_and_blank_lines_omitted(known: Store) -> None:
    with known.transaction() as session:
        session.add(
            ReturnLegalMarks(
                return_id="double-breakthrough",
                table_no="皖科统01表",
                approval_kind="备案机关",
                approval_authority="亳州市统计局",
                approval_no="",
                valid_until="2027年12月",
            )
        )
    with known.session() as session:
        table = compute(BY_ID["double-breakthrough"], session, Period(2025), as_of=AS_OF)
    assert table.legal_lines == [
        ("表　　号", "皖科统01表"),
        ("制表机关", "谯城区科学技术局"),
        ("备案机关", "亳州市统计局"),
        ("有效期至", "2027年12月"),
    ]


def test_parse_period_forms_and_refusals() -> None:
    roster = BY_ID["high-tech-roster"]
    assert parse_period("2025Q3", roster).end == date(2025, 9, 30)
    assert parse_period("2025-02", roster).end == date(2025, 2, 28)
    assert parse_period("2025Q3").text == "2025年第三季度"
    with pytest.raises(PeriodError):
        parse_period("2025Q3", BY_ID["double-breakthrough"])
    with pytest.raises(PeriodError):
        parse_period("25")
    with pytest.raises(PeriodError):
        parse_period("2025-13")


def test_codes_and_orientation_of_catalogue() -> None:
    assert column_codes(BY_ID["double-breakthrough"].columns) == ["甲", *map(str, range(1, 11))]
    first_five = [orientation(d) for d in CATALOGUE[:5]]
    assert first_five == ["landscape", "landscape", "portrait", "landscape", "landscape"]
    assert {d.id for d in CATALOGUE} >= {"commissioners", "carriers", "platforms"}


def test_expiring_notes_a_renewed_certificate(known: Store) -> None:
    from db.services.enterprises import find_by_uscc

    with known.transaction() as session:
        eid = find_by_uscc(session, builders.uscc(2))  # 埇桥谯城新材料, through 2025-12-30
        assert eid is not None
        builders.high_tech(session, eid, date(2025, 11, 20))
    with known.session() as session:
        table = compute(BY_ID["hte-expiring"], session, Period(2025), as_of=date(2025, 12, 31))
    keys = [c.key for c in table.columns]
    notes = {r[keys.index("name")]: r[keys.index("note")] for r in table.rows}
    assert notes == {"埇桥谯城新材料股份有限公司": "已重新认定", "亳州濉河科技有限公司": ""}
    assert [w.key for w in table.warnings] == []
