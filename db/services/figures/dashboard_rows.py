"""The certificate lists of 首页: the soonest-expiring 高企 and those lapsed, a few rows each.

One pass grouped per firm over the certificates (in the covering index's order, the firms
counted with a window); names, numbers and latest ends are read for the listed firms only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session, aliased

from db.models import Enterprise, Qualification, Town
from db.services.figures.selectors import expiring_certificates, lapsed_certificates
from db.services.queries import HIGH_TECH as HIGH_TECH_CODE
from db.services.queries import type_id


@dataclass(frozen=True)
class ExpiringRow:
    enterprise_id: int
    name: str
    town: str | None
    number: str | None
    valid_through: date
    days_left: int


def _ht_of_firm(firm: Any) -> Any:
    """Another alias of the qualifications: the live high-tech certificates of a firm."""
    other = aliased(Qualification)
    return other, and_(
        other.enterprise_id == firm,
        other.type_id == type_id(HIGH_TECH_CODE),
        other.deleted_at.is_(None),
        other.revoked_on.is_(None),
    )


def _firm_rows(
    session: Session, certs: Select[Any], on: date, limit: int, *, soonest: bool
) -> tuple[list[tuple[ExpiringRow, date]], int]:
    """The `limit` firms of some certificates with the soonest (or latest) end, each with its
    name, town, the number of that certificate and the end of the firm's latest certificate not
    revoked; and how many firms there are in all.

    One pass grouped per firm (in the covering index's order, counted with a window); the names,
    numbers and latest ends are read for the listed firms only.
    """
    end = func.max(Qualification.valid_through)
    order = end if soonest else end.desc()
    firms = (
        certs.add_columns(
            Qualification.enterprise_id.label("enterprise_id"),
            end.label("through"),
            func.count().over().label("firms"),
        )
        .group_by(Qualification.enterprise_id)
        .order_by(order, Qualification.enterprise_id)
        .limit(limit)
        .subquery()
    )
    cert, of_firm = _ht_of_firm(firms.c.enterprise_id)
    number = (
        select(cert.number)
        .where(of_firm, cert.valid_through == firms.c.through)
        .order_by(cert.id.desc())
        .limit(1)
        .correlate(firms)
        .scalar_subquery()
    )
    cert, of_firm = _ht_of_firm(firms.c.enterprise_id)
    latest = select(func.max(cert.valid_through)).where(of_firm).correlate(firms).scalar_subquery()
    stmt = (
        select(
            firms.c.enterprise_id,
            Enterprise.name,
            Town.name,
            number,
            firms.c.through,
            latest,
            firms.c.firms,
        )
        .select_from(firms)
        .join(Enterprise, Enterprise.id == firms.c.enterprise_id)
        .outerjoin(Town, Town.id == Enterprise.town_id)
    )
    found, total = [], 0
    for eid, name, town, no, through, last, n in session.execute(stmt):
        found.append((ExpiringRow(int(eid), name, town, no, through, (through - on).days), last))
        total = int(n)
    found.sort(key=lambda f: (f[0].valid_through if soonest else -f[0].days_left, f[0].name))
    return found, total


def expiring_with_latest(
    session: Session, on: date, days: int, limit: int
) -> list[tuple[ExpiringRow, date]]:
    """expiring_rows, each with the end of the enterprise's latest certificate not revoked."""
    return _firm_rows(session, expiring_certificates(on, days), on, limit, soonest=True)[0]


def expiring_rows(session: Session, on: date, days: int, limit: int) -> list[ExpiringRow]:
    """The `limit` soonest 高企 on `on` whose latest certificate ends by on + days (inclusive)."""
    return [row for row, _latest in expiring_with_latest(session, on, days, limit)]


def lapsed_rows(session: Session, on: date, limit: int) -> tuple[list[ExpiringRow], int]:
    """The `limit` most recently lapsed of selectors.lapsed_certificates(on), and how many firms
    lapsed in all."""
    found, n = _firm_rows(session, lapsed_certificates(on), on, limit, soonest=False)
    return [row for row, _latest in found], n
