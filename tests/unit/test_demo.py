"""The demo data of `bureau init --demo`: deterministic, valid identifiers, realistic counts."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    Assessment,
    AuditEntry,
    Carrier,
    CarrierYear,
    Commissioner,
    Demand,
    Dispatch,
    Enterprise,
    EnterpriseYear,
    Incubatee,
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    Platform,
    Qualification,
    QualificationType,
    ServiceRecord,
    Town,
)
from db.rules.identifiers import (
    validate_hte_number,
    validate_phone,
    validate_resident_id,
    validate_sme_number,
    validate_uscc,
)
from db.rules.validity import HeldQualification, ladder_stage
from db.services.enterprises import qualifications
from db.services.figures.counts import double_breakthrough
from db.services.settings import get_settings
from db.services.towns import TownMatcher
from db.store import Store, open_store
from desktop import demo

DAY = date(2025, 12, 31)
TABLES = (
    Enterprise,
    EnterpriseYear,
    Qualification,
    Commissioner,
    Demand,
    Dispatch,
    ServiceRecord,
    Assessment,
    Carrier,
    Incubatee,
    CarrierYear,
    Platform,
    Indicator,
    IndicatorTarget,
    IndicatorActual,
    Town,
)


@pytest.fixture
def filled(store: Store) -> Iterator[Session]:
    """The test store filled with the demo data, and a session on it."""
    with store.transaction() as session:
        demo.fill(session, "演示员")
    with store.session() as session:
        yield session


def _size(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _snapshot(session: Session) -> tuple[object, ...]:
    names = session.execute(select(Enterprise.name, Enterprise.uscc).order_by(Enterprise.id)).all()
    numbers = session.scalars(select(Qualification.number).order_by(Qualification.id)).all()
    people = session.scalars(select(Commissioner.id_number).order_by(Commissioner.id)).all()
    sizes = tuple(_size(session, m) for m in TABLES)
    return tuple(names), tuple(numbers), tuple(people), sizes


def test_fill_is_deterministic(filled: Session, template_store: Path, tmp_path: Path) -> None:
    other_path = tmp_path / "other.sqlite"
    shutil.copyfile(template_store, other_path)
    other = open_store(other_path)
    try:
        with other.transaction() as session:
            demo.fill(session, "另一人")
        with other.session() as session:
            assert _snapshot(session) == _snapshot(filled)
    finally:
        other.close()


def test_has_data_only_after_fill(store: Store) -> None:
    with store.session() as session:
        assert not demo.has_data(session)
    with store.transaction() as session:
        demo.fill(session, "演示员")
    with store.session() as session:
        assert demo.has_data(session)


def test_settings_and_towns(filled: Session) -> None:
    s = get_settings(filled)
    assert s.bureau_name == "亳州市谯城区科学技术局"
    assert (s.province_code, s.district_code, s.contact_phone) == ("34", "341602", "0558-5512345")
    assert s.head_of_unit and s.head_of_statistics and s.preparer
    matcher = TownMatcher.from_session(filled)
    town = matcher.match("汤陵办事处")
    assert town is not None and town.name == "汤陵街道"
    assert _size(filled, Town) == 7


def test_every_enterprise_code_is_clean(filled: Session) -> None:
    rows = filled.execute(select(Enterprise.uscc, Enterprise.name, Enterprise.phone)).all()
    assert len(rows) == 800
    assert len({r.uscc for r in rows}) == len({r.name for r in rows}) == 800
    for code, _name, phone in rows:
        checked = validate_uscc(code)
        assert checked.ok and not checked.warnings, (code, checked)
        assert validate_phone(phone).value == phone


def test_every_certificate_number_is_clean(filled: Session) -> None:
    stmt = (
        select(QualificationType.code, Qualification.number, Qualification)
        .join(QualificationType, QualificationType.id == Qualification.type_id)
        .where(Qualification.number.is_not(None))
    )
    seen = Counter[str]()
    for code, number, q in filled.execute(stmt):
        seen[code] += 1
        if code == "high_tech":
            checked = validate_hte_number(number, q.issued_on, "34")
            assert q.issued_on.month >= 10
        else:
            assert code == "tech_sme"
            checked = validate_sme_number(number, q.evaluation_year)
            assert number[4:10] == "341602"
        assert checked.ok and not checked.warnings, (number, checked)
    assert seen["high_tech"] > 150 and seen["tech_sme"] > 500


def test_every_resident_id_is_clean(filled: Session) -> None:
    ids = filled.scalars(select(Commissioner.id_number).where(Commissioner.kind == "个人")).all()
    assert len(ids) >= 30
    for value in ids:
        checked = validate_resident_id(value, DAY)
        assert checked.ok and not checked.warnings, (value, checked)


def test_validity_matches_the_qualification_service(filled: Session) -> None:
    rows = filled.scalars(
        select(Qualification).where(Qualification.issued_on <= DAY).order_by(Qualification.id)
    ).all()
    for q in rows:
        values = {
            "type_id": q.type_id,
            "number": q.number,
            "issued_on": q.issued_on,
            "evaluation_year": q.evaluation_year,
        }
        checked = qualifications.validate(filled, values)
        assert (checked.valid_from, checked.valid_through) == (q.valid_from, q.valid_through)
        assert not checked.warnings


def test_double_breakthrough_meets_the_targets_around_2025(filled: Session) -> None:
    result = double_breakthrough(filled, DAY)
    assert 90 <= result.high_tech <= 110
    assert 90 <= result.tech_sme <= 110
    assert (result.target_high_tech, result.target_tech_sme) == (100, 100)
    assert double_breakthrough(filled, date(2024, 12, 31)).target_high_tech == 90
    assert double_breakthrough(filled, date(2026, 6, 30)).target_tech_sme == 110
    assert len([t for t in result.by_town if t.high_tech]) == 7


def test_certificates_expire_and_two_are_revoked(filled: Session) -> None:
    ht = qualifications.type_id(filled, "high_tech")
    expiring = filled.scalar(
        select(func.count())
        .select_from(Qualification)
        .where(
            Qualification.type_id == ht,
            Qualification.valid_through.between(date(2025, 1, 1), DAY),
        )
    )
    assert 25 <= (expiring or 0) <= 40
    revoked = filled.scalars(select(Qualification.revoked_on).where(Qualification.type_id == ht))
    assert len([r for r in revoked if r is not None]) == 2


def _rd_list(session: Session, year: int, revenue: float, flag: object) -> list[str]:
    stmt = (
        select(Enterprise.name)
        .join(EnterpriseYear, EnterpriseYear.enterprise_id == Enterprise.id)
        .where(
            Enterprise.above_scale.is_(True),
            EnterpriseYear.year == year,
            EnterpriseYear.revenue >= revenue,
            flag == False,  # noqa: E712 - SQL comparison
        )
    )
    return list(session.scalars(stmt))


def test_rd_lists_a_and_b_are_not_empty_in_2025(filled: Session) -> None:
    s = get_settings(filled)
    list_a = _rd_list(filled, 2025, s.rd_list_a_revenue, EnterpriseYear.rd_activity)
    list_b = _rd_list(filled, 2025, s.rd_list_b_revenue, EnterpriseYear.rd_institution)
    assert 1 <= len(list_a) <= 10 and 1 <= len(list_b) <= 5
    earlier = _rd_list(filled, 2023, s.rd_list_a_revenue, EnterpriseYear.rd_activity)
    assert len(earlier) > len(list_a)


def test_ladder_has_several_stages(filled: Session) -> None:
    stmt = select(
        Qualification.enterprise_id,
        QualificationType.ladder_rank,
        Qualification.valid_from,
        Qualification.valid_through,
        Qualification.revoked_on,
    ).join(QualificationType, QualificationType.id == Qualification.type_id)
    held: dict[int, list[HeldQualification]] = {}
    for eid, rank, frm, through, revoked in filled.execute(stmt):
        held.setdefault(eid, []).append(HeldQualification(rank, frm, through, revoked))
    stages = Counter(ladder_stage(h, DAY) for h in held.values())
    assert {1, 2, 3, 4} <= set(stages)
    assert stages[4] == 1


def test_registers_have_the_expected_sizes(filled: Session) -> None:
    assert _size(filled, Commissioner) == 40
    assert 55 <= _size(filled, Demand) <= 65
    assert 45 <= _size(filled, Dispatch) <= 60
    assert _size(filled, ServiceRecord) == 300
    assert _size(filled, Carrier) == 10
    assert 75 <= _size(filled, Incubatee) <= 90
    assert _size(filled, CarrierYear) == 30
    assert 20 <= _size(filled, Platform) <= 26
    assert _size(filled, Indicator) == 21
    years = set(filled.scalars(select(Assessment.year)))
    assert years == {2024, 2025}
    codes = set(filled.scalars(select(Indicator.code)))
    assert {"high_tech_count", "tech_sme_count", "tech_contracts"} <= codes
    kinds = Counter(filled.scalars(select(Commissioner.kind)))
    assert set(kinds) == {"个人", "法人", "团队", "工作站"}


def test_every_enterprise_has_a_create_audit_row(filled: Session, store: Store) -> None:
    audited = filled.scalar(
        select(func.count(func.distinct(AuditEntry.entity_id))).where(
            AuditEntry.entity == "enterprise",
            AuditEntry.action == "create",
            AuditEntry.operator == (store.login or "演示员"),  # a server: its login (0009)
        )
    )
    assert audited == 800


def test_every_demo_text_is_stored_as_the_services_store_it(filled: Session) -> None:
    """The demo writes in bulk past the services: its text must already be normalised (NFKC,
    trimmed) as the services and the import store text, or an export → import of the demo would
    not find a demand again ((GAP) where （GAP） was stored) or see every revocation as changed."""
    from sqlalchemy import String, Text

    from db.models import Base
    from db.rules.text import normalize_text

    bad: list[tuple[str, str, str]] = []
    for table in Base.metadata.sorted_tables:
        if table.name in ("audit_log", "import_batches", "settings"):
            continue
        for column in table.c:
            if not isinstance(column.type, String | Text):
                continue
            for (value,) in filled.execute(select(column).where(column.is_not(None))):
                if isinstance(value, str) and "\n" not in value and value != normalize_text(value):
                    bad.append((table.name, column.name, value))
    assert not bad, bad[:5]
