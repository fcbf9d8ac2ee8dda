"""Read-only row sources of the statistical returns, their legal-mark overrides and the archive.

The counting conditions are those of db/services/figures/counts.py, so a return always agrees with the
dashboard and `bureau stats`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, insert, select
from sqlalchemy.orm import Session, aliased

from db.models import (
    Enterprise,
    EnterpriseYear,
    Qualification,
    ReturnLegalMarks,
    SubmittedReturn,
    Town,
)
from db.services import audit
from db.services.figures.counts import high_tech_ids, tech_sme_ids
from db.services.queries import high_tech_valid_on, tech_sme_in_year, type_id

NO_TOWN = "（未填镇街）"
LEGAL_FIELDS = (
    "table_no",
    "authority",
    "approval_kind",
    "approval_authority",
    "approval_no",
    "valid_until",
)


def _town_filter(town: str | None) -> ColumnElement[bool]:
    if town is None:
        return and_(True)
    return Town.name == town


def town_names(session: Session) -> list[str]:
    """All towns in display order."""
    return list(session.scalars(select(Town.name).order_by(Town.sort_order, Town.id)))


def _count_by_town(session: Session, ids: Select[Any]) -> dict[str | None, int]:
    sub = ids.subquery()
    stmt = (
        select(Town.name, func.count())
        .select_from(sub)
        .join(Enterprise, Enterprise.id == sub.c.enterprise_id)
        .outerjoin(Town, Town.id == Enterprise.town_id)
        .group_by(Town.name)
    )
    return {name: int(n) for name, n in session.execute(stmt)}


def high_tech_by_town(session: Session, on: date) -> dict[str | None, int]:
    """Enterprises holding a high-tech certificate valid on a date, per town (None = no town)."""
    return _count_by_town(session, high_tech_ids(on))


def tech_sme_by_town(session: Session, year: int) -> dict[str | None, int]:
    """Tech-SMEs of a year per town (None = no town)."""
    return _count_by_town(session, tech_sme_ids(year))


def _high_tech_with(on: date, extra: ColumnElement[bool]) -> Any:
    return (
        select(Qualification.enterprise_id)
        .join(Enterprise, Enterprise.id == Qualification.enterprise_id)
        .where(high_tech_valid_on(on), Enterprise.deleted_at.is_(None), extra)
        .distinct()
    )


def new_high_tech_by_town(session: Session, on: date) -> dict[str | None, int]:
    """Of the high-tech enterprises valid on a date, those certified in that date's year."""
    extra = Qualification.issued_on >= date(on.year, 1, 1)
    return _count_by_town(session, _high_tech_with(on, extra))


def expiring_high_tech_by_town(session: Session, on: date) -> dict[str | None, int]:
    """Of the high-tech enterprises valid on a date, those whose certificate ends in its year."""
    extra = Qualification.valid_through <= date(on.year, 12, 31)
    return _count_by_town(session, _high_tech_with(on, extra))


@dataclass(frozen=True)
class CertificateRow:
    enterprise_id: int
    name: str
    uscc: str
    town: str | None
    industry: str | None
    number: str | None
    issued_on: date | None
    valid_through: date | None
    evaluation_year: int | None = None


def _cert_select() -> Any:
    return (
        select(
            Enterprise.id,
            Enterprise.name,
            Enterprise.uscc,
            Town.name,
            Enterprise.industry,
            Qualification.number,
            Qualification.issued_on,
            Qualification.valid_through,
            Qualification.evaluation_year,
        )
        .join(Enterprise, Enterprise.id == Qualification.enterprise_id)
        .outerjoin(Town, Town.id == Enterprise.town_id)
        .where(Enterprise.deleted_at.is_(None), Qualification.deleted_at.is_(None))
    )


def _order() -> tuple[Any, ...]:
    return (Town.sort_order.is_(None), Town.sort_order, Town.id, Enterprise.name, Enterprise.id)


def high_tech_roster(session: Session, on: date, town: str | None) -> list[CertificateRow]:
    """One row per enterprise valid on `on`: its latest-issued valid certificate."""
    stmt = _cert_select().where(high_tech_valid_on(on), _town_filter(town))
    stmt = stmt.order_by(*_order(), Qualification.issued_on.desc())
    rows: list[CertificateRow] = []
    seen: set[int] = set()
    for values in session.execute(stmt):
        if values[0] not in seen:
            seen.add(values[0])
            rows.append(CertificateRow(*values))
    return rows


def high_tech_without_issue_date(session: Session, town: str | None) -> list[CertificateRow]:
    """High-tech certificates of live enterprises that have no issue date (an error on a return)."""
    stmt = _cert_select().where(
        Qualification.type_id == type_id("high_tech"),
        Qualification.issued_on.is_(None),
        _town_filter(town),
    )
    return [CertificateRow(*values) for values in session.execute(stmt.order_by(*_order()))]


def tech_sme_roster(session: Session, year: int, town: str | None) -> list[CertificateRow]:
    """One row per enterprise with a tech-SME entry for the year (not revoked)."""
    stmt = _cert_select().where(tech_sme_in_year(year), _town_filter(town))
    rows: list[CertificateRow] = []
    seen: set[int] = set()
    for values in session.execute(stmt.order_by(*_order(), Qualification.id)):
        if values[0] not in seen:
            seen.add(values[0])
            rows.append(CertificateRow(*values))
    return rows


def high_tech_expiring(session: Session, year: int, town: str | None) -> list[CertificateRow]:
    """High-tech certificates (not revoked) whose last valid day falls in the year."""
    stmt = _cert_select().where(
        Qualification.type_id == type_id("high_tech"),
        Qualification.revoked_on.is_(None),
        Qualification.valid_through >= date(year, 1, 1),
        Qualification.valid_through <= date(year, 12, 31),
        _town_filter(town),
    )
    stmt = stmt.order_by(Qualification.valid_through, *_order())
    return [CertificateRow(*values) for values in session.execute(stmt)]


def renewed_certificates(
    session: Session, certificates: list[tuple[int, date | None]]
) -> set[tuple[int, date | None]]:
    """Of (enterprise id, issue date) pairs, those whose enterprise holds a later certificate."""
    ids = [eid for eid, _issued in certificates]
    if not ids:
        return set()
    stmt = (
        select(Qualification.enterprise_id, func.max(Qualification.issued_on))
        .where(
            Qualification.type_id == type_id("high_tech"),
            Qualification.deleted_at.is_(None),
            Qualification.revoked_on.is_(None),
            Qualification.enterprise_id.in_(ids),
        )
        .group_by(Qualification.enterprise_id)
    )
    latest: dict[int, date] = {eid: day for eid, day in session.execute(stmt) if day is not None}
    return {
        (eid, issued)
        for eid, issued in certificates
        if issued is not None and eid in latest and latest[eid] > issued
    }


@dataclass(frozen=True)
class RdRow:
    enterprise_id: int
    name: str
    town: str | None
    revenue: float | None
    rd_expense: float | None
    rd_activity: bool | None
    rd_institution: bool | None


def above_scale_figures(
    session: Session, year: int, town: str | None, min_revenue: float
) -> list[RdRow]:
    """规上工业企业 with figures for the year and revenue at least `min_revenue` (万元)."""
    year_row = aliased(EnterpriseYear)
    stmt = (
        select(
            Enterprise.id,
            Enterprise.name,
            Town.name,
            year_row.revenue,
            year_row.rd_expense,
            year_row.rd_activity,
            year_row.rd_institution,
        )
        .join(year_row, and_(year_row.enterprise_id == Enterprise.id, year_row.year == year))
        .outerjoin(Town, Town.id == Enterprise.town_id)
        .where(
            Enterprise.deleted_at.is_(None),
            Enterprise.above_scale.is_(True),
            year_row.revenue >= min_revenue,
            _town_filter(town),
        )
        .order_by(*_order())
    )
    return [RdRow(*values) for values in session.execute(stmt)]


def legal_mark_overrides(session: Session, return_id: str) -> dict[str, str]:
    """The non-blank legal-mark overrides stored for a return."""
    row = session.get(ReturnLegalMarks, return_id)
    if row is None:
        return {}
    values = {name: getattr(row, name) for name in LEGAL_FIELDS}
    return {k: v.strip() for k, v in values.items() if v and v.strip()}


@dataclass(frozen=True)
class SubmittedSummary:
    id: int
    return_id: str
    title: str
    period: str
    town: str | None
    as_of: date | None
    operator: str
    submitted_at: datetime


@dataclass(frozen=True)
class SubmittedFiles:
    summary: SubmittedSummary
    pdf: bytes
    xlsx: bytes
    data: str
    checks: str


def store_submitted(session: Session, values: dict[str, Any], operator: str) -> int:
    """Insert one submitted return (PDF, XLSX, data and checks as JSON); audited."""
    result = session.execute(
        insert(SubmittedReturn).values(operator=operator, **values).returning(SubmittedReturn.id)
    )
    new_id = int(result.scalar_one())
    changes = {k: (None, values[k]) for k in ("return_id", "period", "town") if values.get(k)}
    audit.record(session, operator, "submit", "submitted_return", new_id, changes)
    return new_id


_SUMMARY = (
    SubmittedReturn.id,
    SubmittedReturn.return_id,
    SubmittedReturn.title,
    SubmittedReturn.period,
    SubmittedReturn.town,
    SubmittedReturn.as_of,
    SubmittedReturn.operator,
    SubmittedReturn.submitted_at,
)


def list_submitted(session: Session, return_id: str | None = None) -> list[SubmittedSummary]:
    """The history of submitted returns, newest first."""
    newest = (SubmittedReturn.submitted_at.desc(), SubmittedReturn.id.desc())
    stmt = select(*_SUMMARY).order_by(*newest)
    if return_id is not None:
        stmt = stmt.where(SubmittedReturn.return_id == return_id)
    return [SubmittedSummary(*values) for values in session.execute(stmt)]


def get_submitted(session: Session, submitted_id: int) -> SubmittedFiles | None:
    """One submitted return with its files exactly as stored (None when unknown)."""
    stmt = select(
        *_SUMMARY,
        SubmittedReturn.pdf,
        SubmittedReturn.xlsx,
        SubmittedReturn.data,
        SubmittedReturn.checks,
    ).where(SubmittedReturn.id == submitted_id)
    values = session.execute(stmt).one_or_none()
    if values is None:
        return None
    summary = SubmittedSummary(*values[:8])
    return SubmittedFiles(summary, bytes(values[8]), bytes(values[9]), values[10], values[11])
