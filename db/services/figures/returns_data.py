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
    Indicator,
    IndicatorTownTarget,
    Qualification,
    SubmittedReturn,
    Town,
)
from db.services import audit
from db.services.figures.counts import (
    high_tech_expiring_ids,
    high_tech_first_ids,
    high_tech_ids,
    high_tech_renewed_ids,
    high_tech_year_end_ids,
    tech_sme_ids,
)
from db.services.queries import high_tech_valid_on, tech_sme_in_year, type_id
from db.services.settings import HIGH_TECH_INDICATOR, TECH_SME_INDICATOR

NO_TOWN = "（未填镇街）"


def _town_filter(town: str | None) -> ColumnElement[bool]:
    if town is None:
        return and_(True)
    return Town.name == town


def town_names(session: Session) -> list[str]:
    """All towns in display order."""
    return list(session.scalars(select(Town.name).order_by(Town.sort_order, Town.id)))


def _count_by_town(session: Session, ids: Select[Any]) -> dict[str | None, int]:
    """Per town, how many of a select of enterprise ids (its first column)."""
    sub = ids.subquery()
    stmt = (
        select(Town.name, func.count())
        .select_from(sub)
        .join(Enterprise, Enterprise.id == next(iter(sub.c)))
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


def _within(ids: Select[Any], on: date) -> Select[Any]:
    """Those of `ids` counted as high-tech on a date (其中: a part of 有效数)."""
    sub = ids.subquery()
    column = next(iter(sub.c))
    return select(column).where(column.in_(high_tech_ids(on)))


def first_high_tech_by_town(session: Session, on: date) -> dict[str | None, int]:
    """Of the high-tech enterprises valid on a date, those whose first-ever certificate was issued
    in that date's year (其中本年新认定; counts.high_tech_first_ids)."""
    return _count_by_town(session, _within(high_tech_first_ids(on.year), on))


def renewed_high_tech_by_town(session: Session, on: date) -> dict[str | None, int]:
    """Of the high-tech enterprises valid on a date, those re-certified in its year by that date
    (其中重新认定)."""
    return _count_by_town(session, _within(high_tech_renewed_ids(on.year, until=on), on))


def expiring_high_tech_by_town(session: Session, on: date) -> dict[str | None, int]:
    """年内到期 per town (counts.high_tech_expiring_ids)."""
    return _count_by_town(session, high_tech_expiring_ids(on))


def year_end_high_tech_by_town(session: Session, on: date) -> dict[str | None, int]:
    """年末预计 per town: valid on the date and not 年内到期 (counts.high_tech_year_end_ids)."""
    return _count_by_town(session, high_tech_year_end_ids(on))


def count_town_targets(session: Session, year: int) -> dict[str, dict[str, int]]:
    """The towns' targets of the 双突破 counts for a year: 'high_tech' / 'tech_sme' → town → target
    (only those set; none is invented)."""
    codes = {HIGH_TECH_INDICATOR: "high_tech", TECH_SME_INDICATOR: "tech_sme"}
    stmt = (
        select(Indicator.code, Town.name, IndicatorTownTarget.target)
        .join(Indicator, Indicator.id == IndicatorTownTarget.indicator_id)
        .join(Town, Town.id == IndicatorTownTarget.town_id)
        .where(Indicator.code.in_(list(codes)), IndicatorTownTarget.year == year)
    )
    out: dict[str, dict[str, int]] = {"high_tech": {}, "tech_sme": {}}
    for code, town, target in session.execute(stmt):
        out[codes[code]][town] = int(target)
    return out


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
    version: int = 1
    corrects_id: int | None = None
    correction_reason: str | None = None

    @property
    def version_text(self) -> str:
        """第1版, 第2版（更正）…"""
        return f"第{self.version}版" + ("（更正）" if self.corrects_id else "")


@dataclass(frozen=True)
class SubmittedFiles:
    summary: SubmittedSummary
    pdf: bytes
    xlsx: bytes
    data: str
    checks: str


class CorrectionRefused(ValueError):
    """A correction that cannot be stored; the message is for the clerk."""


def _corrected_version(session: Session, values: dict[str, Any], corrects_id: int) -> int:
    """The version a correction of `corrects_id` gets; refused unless it corrects the latest
    version of the same return, period and town."""
    old = session.get(SubmittedReturn, corrects_id)
    if old is None:
        raise CorrectionRefused(f"找不到要更正的报表（编号 {corrects_id}）")
    same = (old.return_id, old.period, old.town) == (
        values["return_id"],
        values["period"],
        values.get("town"),
    )
    if not same:
        raise CorrectionRefused(f"更正须是同一报表、同一报告期和镇街：{old.title} {old.period}")
    newer = session.scalar(
        select(SubmittedReturn.version).where(SubmittedReturn.corrects_id == corrects_id)
    )
    if newer is not None:
        raise CorrectionRefused(f"第{old.version}版已被第{newer}版更正，请更正最新的一版")
    return old.version + 1


def store_submitted(
    session: Session,
    values: dict[str, Any],
    operator: str,
    corrects_id: int | None = None,
    reason: str | None = None,
) -> int:
    """Insert one submitted return (PDF, XLSX, data and checks as JSON); audited. A correction
    (更正) names the version it corrects and why; both stay in the history."""
    version = 1
    if corrects_id is not None:
        if not (reason or "").strip():
            raise CorrectionRefused("更正须填写更正原因")
        version = _corrected_version(session, values, corrects_id)
    note = reason.strip() if corrects_id is not None and reason else None
    extra: dict[str, Any] = {"version": version, "corrects_id": corrects_id}
    extra["correction_reason"] = note
    result = session.execute(
        insert(SubmittedReturn)
        .values(operator=operator, **values, **extra)
        .returning(SubmittedReturn.id)
    )
    new_id = int(result.scalar_one())
    keys = ("return_id", "period", "town")
    changes: dict[str, tuple[object, object]] = {
        k: (None, values[k]) for k in keys if values.get(k)
    }
    if corrects_id is not None:
        changes |= {"version": (version - 1, version), "correction_reason": (None, note)}
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
    SubmittedReturn.version,
    SubmittedReturn.corrects_id,
    SubmittedReturn.correction_reason,
)
_SUMMARY_LEN = len(_SUMMARY)


def list_submitted(session: Session, return_id: str | None = None) -> list[SubmittedSummary]:
    """The history of submitted returns, newest first (every version of a corrected one)."""
    newest = (SubmittedReturn.submitted_at.desc(), SubmittedReturn.id.desc())
    stmt = select(*_SUMMARY).order_by(*newest)
    if return_id is not None:
        stmt = stmt.where(SubmittedReturn.return_id == return_id)
    return [SubmittedSummary(*values) for values in session.execute(stmt)]


def latest_version_ids(session: Session) -> set[int]:
    """Ids of the submitted returns no later version corrects (the ones a 更正 may start from)."""
    corrected = select(SubmittedReturn.corrects_id).where(SubmittedReturn.corrects_id.is_not(None))
    stmt = select(SubmittedReturn.id).where(SubmittedReturn.id.not_in(corrected))
    return set(session.scalars(stmt))


def get_submitted(session: Session, submitted_id: int) -> SubmittedFiles | None:
    """One submitted return with its files exactly as stored (None when unknown)."""
    stmt = select(
        *_SUMMARY,
        SubmittedReturn.pdf,
        SubmittedReturn.xlsx,
        SubmittedReturn.data,
        SubmittedReturn.checks,
    ).where(SubmittedReturn.id == submitted_id)
    values: Any = session.execute(stmt).one_or_none()
    if values is None:
        return None
    n = _SUMMARY_LEN
    summary = SubmittedSummary(*values[:n])
    pdf, xlsx, data, checks = values[n:]
    return SubmittedFiles(summary, bytes(pdf), bytes(xlsx), data, checks)
