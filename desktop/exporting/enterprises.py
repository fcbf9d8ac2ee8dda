"""Export enterprises (a filtered roster view) to .xlsx or .csv, losslessly (spec/cli.md).

The workbook has three sheets, each in the canonical import columns of spec/import.md:
企业 (one row per enterprise: its own columns, the latest certificate and 科小 entry as of the date,
the figures of one data year), 资质 (every qualification, revoked ones included) and 年度数据 (one
row per enterprise and year). A CSV holds the 企业 sheet only. Codes are text, dates real dates,
flags 是/否; the data year is the latest year ≤ the as-of year that has figures, unless one is given.
The roster's renewal watch list (an expiring filter) also shows each certificate's last valid day.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Enterprise, EnterpriseYear, Qualification, QualificationType, Town
from db.services.enterprises.roster import RosterFilter, RosterQuery
from db.store import Store
from desktop.exporting.columns import FIGURES, QUALIFICATIONS, schema_fields
from desktop.exporting.sheets import Field, Sheet, is_csv, write_csv, write_xlsx
from desktop.progress import CancelToken, Progress

ENTERPRISE_FIELDS = schema_fields("enterprises")
HEADERS: tuple[str, ...] = tuple(f.header for f in ENTERPRISE_FIELDS)
EXPIRY = Field("hte_valid_through", "高企有效期至", "date", 14)
SHEET_TITLE = "企业"
QUALIFICATIONS_TITLE = "资质"
FIGURES_TITLE = "年度数据"
CSV_NOTE = "CSV 只含“企业”表；资质和年度数据请导出为 .xlsx"
BATCH = 1000
OWN = ("name", "uscc", "address", "founded_on", "industry", "legal_rep", "contact", "phone")
YEARLY = ("revenue", "rd_expense", "employees", "rd_staff", "rd_activity", "rd_institution")


def default_data_year(session: Session, as_of: date) -> int:
    """The latest data year ≤ the as-of year that has figures (the as-of year − 1 when none)."""
    found = session.scalar(
        select(func.max(EnterpriseYear.year)).where(EnterpriseYear.year <= as_of.year)
    )
    return int(found) if found is not None else as_of.year - 1


def chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    """The ids in slices small enough for one IN (…) query."""
    for start in range(0, len(ids), BATCH):
        yield list(ids[start : start + BATCH])


@dataclass(frozen=True)
class Certificate:
    """The certificate shown on the 企业 sheet."""

    number: str
    issued_on: date
    valid_through: date | None


def _quals(session: Session, ids: Sequence[int], code: str) -> Iterator[Qualification]:
    stmt = (
        select(Qualification)
        .join(QualificationType, QualificationType.id == Qualification.type_id)
        .where(
            QualificationType.code == code,
            Qualification.enterprise_id.in_(list(ids)),
            Qualification.deleted_at.is_(None),
            Qualification.revoked_on.is_(None),
        )
    )
    return iter(session.scalars(stmt))


def latest_high_tech(session: Session, ids: Sequence[int], as_of: date) -> dict[int, Certificate]:
    """Each enterprise's latest (not revoked) high-tech certificate issued by the as-of date."""
    best: dict[int, Qualification] = {}
    for q in _quals(session, ids, "high_tech"):
        if q.number is None or q.issued_on is None or q.issued_on > as_of:
            continue
        held = best.get(q.enterprise_id)
        if held is None or (held.issued_on or date.min, held.id) < (q.issued_on, q.id):
            best[q.enterprise_id] = q
    return {
        k: Certificate(q.number or "", q.issued_on or as_of, q.valid_through)
        for k, q in best.items()
    }


def latest_tech_sme(
    session: Session, ids: Sequence[int], as_of: date
) -> dict[int, tuple[str | None, int]]:
    """Each enterprise's latest (not revoked) tech-SME entry for a year ≤ the as-of year."""
    best: dict[int, Qualification] = {}
    for q in _quals(session, ids, "tech_sme"):
        year = q.evaluation_year
        if year is None or year > as_of.year:
            continue
        held = best.get(q.enterprise_id)
        if held is None or (held.evaluation_year or 0, held.id) < (year, q.id):
            best[q.enterprise_id] = q
    return {k: (q.number, q.evaluation_year or as_of.year) for k, q in best.items()}


def enterprise_rows(
    session: Session, ids: Sequence[int], as_of: date, data_year: int
) -> list[dict[str, Any]]:
    """One 企业 row per id (in the order given; ids no longer live are left out)."""
    stmt = (
        select(Enterprise, Town.name)
        .outerjoin(Town, Town.id == Enterprise.town_id)
        .where(Enterprise.id.in_(list(ids)), Enterprise.deleted_at.is_(None))
    )
    found = {e.id: (e, town) for e, town in session.execute(stmt)}
    years = {
        y.enterprise_id: y
        for y in session.scalars(
            select(EnterpriseYear).where(
                EnterpriseYear.enterprise_id.in_(list(ids)), EnterpriseYear.year == data_year
            )
        )
    }
    certs = latest_high_tech(session, ids, as_of)
    smes = latest_tech_sme(session, ids, as_of)
    rows: list[dict[str, Any]] = []
    for eid in ids:
        if eid not in found:
            continue
        e, town = found[eid]
        row: dict[str, Any] = {k: getattr(e, k) for k in OWN}
        row.update(town=town, above_scale=e.above_scale, note=e.note)
        if (y := years.get(eid)) is not None:
            row.update({k: getattr(y, k) for k in YEARLY})
        if (cert := certs.get(eid)) is not None:
            row.update(
                hte_number=cert.number,
                hte_issued_on=cert.issued_on,
                hte_valid_through=cert.valid_through,
            )
        if (sme := smes.get(eid)) is not None:
            row.update(sme_number=sme[0], sme_year=sme[1])
        rows.append(row)
    return rows


def _live(ids: Sequence[int]) -> Any:
    return (Enterprise.id.in_(list(ids)), Enterprise.deleted_at.is_(None))


def qualification_rows(session: Session, ids: Sequence[int]) -> list[dict[str, Any]]:
    """Every qualification of the ids (revoked ones included, deleted ones not), in id order."""
    stmt = (
        select(Qualification, QualificationType.name, Enterprise.uscc)
        .join(QualificationType, QualificationType.id == Qualification.type_id)
        .join(Enterprise, Enterprise.id == Qualification.enterprise_id)
        .where(*_live(ids), Qualification.deleted_at.is_(None))
        .order_by(
            QualificationType.sort_order,
            Qualification.issued_on,
            Qualification.evaluation_year,
            Qualification.number,
            Qualification.id,
        )
    )
    by_enterprise: dict[int, list[dict[str, Any]]] = {}
    for q, type_name, uscc in session.execute(stmt):
        by_enterprise.setdefault(q.enterprise_id, []).append(
            {
                "uscc": uscc,
                "type": type_name,
                "number": q.number,
                "issued_on": q.issued_on,
                "year": q.evaluation_year,
                "valid_through": q.valid_through,
                "revoked_on": q.revoked_on,
                "revoke_reason": q.revoke_reason,
                "level": q.level,
                "note": q.note,
            }
        )
    return [row for eid in ids for row in by_enterprise.get(eid, [])]


def figure_rows(session: Session, ids: Sequence[int]) -> list[dict[str, Any]]:
    """Every yearly entry of the ids, by enterprise (in id order) and year."""
    stmt = (
        select(EnterpriseYear, Enterprise.uscc)
        .join(Enterprise, Enterprise.id == EnterpriseYear.enterprise_id)
        .where(*_live(ids))
        .order_by(EnterpriseYear.year)
    )
    by_enterprise: dict[int, list[dict[str, Any]]] = {}
    for y, uscc in session.execute(stmt):
        row = {"uscc": uscc, "year": y.year, **{k: getattr(y, k) for k in YEARLY}}
        by_enterprise.setdefault(y.enterprise_id, []).append(row)
    return [row for eid in ids for row in by_enterprise.get(eid, [])]


def _count(session: Session, column: Any, ids: Sequence[int], *where: Any) -> int:
    total = 0
    for part in chunks(ids):
        stmt = select(func.count(column)).where(column.in_(part), *where)
        total += int(session.scalar(stmt) or 0)
    return total


def _live_ids(session: Session, ids: Sequence[int]) -> list[int]:
    live: set[int] = set()
    for part in chunks(ids):
        live.update(session.scalars(select(Enterprise.id).where(*_live(part))))
    return [i for i in ids if i in live]


def _sliced(
    ids: Sequence[int],
    read: Callable[[list[int]], list[dict[str, Any]]],
    cancel: CancelToken | None,
) -> Iterator[dict[str, Any]]:
    """The rows `read` gives for each slice of ids, read only when the writer gets to them."""
    for part in chunks(ids):
        if cancel is not None:
            cancel.raise_if_cancelled()
        yield from read(part)


def enterprise_sheets(
    session: Session,
    ids: Sequence[int],
    as_of: date,
    data_year: int | None = None,
    *,
    expiry: bool = False,
    cancel: CancelToken | None = None,
) -> list[Sheet]:
    """The three sheets of an enterprise export (rows read in slices as they are written)."""
    ids = _live_ids(session, ids)
    year = data_year if data_year is not None else default_data_year(session, as_of)

    def each(read: Callable[[list[int]], list[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
        return _sliced(ids, read, cancel)

    fields = ENTERPRISE_FIELDS
    if expiry:
        at = HEADERS.index("高企发证日期") + 1
        fields = (*fields[:at], EXPIRY, *fields[at:])
    no_deleted = Qualification.deleted_at.is_(None)
    return [
        Sheet(
            SHEET_TITLE, fields, each(lambda p: enterprise_rows(session, p, as_of, year)), len(ids)
        ),
        Sheet(
            QUALIFICATIONS_TITLE,
            QUALIFICATIONS,
            each(lambda p: qualification_rows(session, p)),
            _count(session, Qualification.enterprise_id, ids, no_deleted),
        ),
        Sheet(
            FIGURES_TITLE,
            FIGURES,
            each(lambda p: figure_rows(session, p)),
            _count(session, EnterpriseYear.enterprise_id, ids),
        ),
    ]


def export_enterprises(
    store: Store,
    path: Path,
    f: RosterFilter,
    as_of: date,
    cancel: CancelToken | None = None,
    *,
    order: Sequence[int] | None = None,
    data_year: int | None = None,
) -> Generator[Progress, None, Path]:
    """Write the enterprises matching `f` (in `order` when given) to .xlsx (3 sheets) or .csv."""
    with store.session() as s:
        ids = list(order) if order is not None else RosterQuery(as_of).ids(s, f)
        expiry = f.expiring_within_days is not None
        sheets = enterprise_sheets(s, ids, as_of, data_year, expiry=expiry, cancel=cancel)
        if is_csv(path):
            yield from write_csv(path, sheets[0], cancel)
        else:
            yield from write_xlsx(path, sheets, cancel)
    return path
