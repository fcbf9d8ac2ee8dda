"""高新技术企业证书到期预警表: certificates whose last valid day falls in the year.

剩余天数 = valid_through − as-of date (negative once expired, noted 已到期); 备注 says 已重新认定 when
the enterprise already holds a certificate issued after the expiring one.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.services.figures import returns_data as data
from desktop.returns.definitions.rosters import NAME, SEQ, TOWN
from desktop.returns.model import (
    CheckResult,
    Column,
    LegalMarks,
    Query,
    ReturnDefinition,
    SourceRows,
    Value,
)


def source(session: Session, query: Query) -> SourceRows:
    """Expiring certificates in order of their last day."""
    found = data.high_tech_expiring(session, query.period.year, query.town)
    renewed = data.renewed_certificates(session, [(r.enterprise_id, r.issued_on) for r in found])
    rows: list[dict[str, Value]] = []
    for r in found:
        assert r.valid_through is not None
        days = (r.valid_through - query.as_of).days
        note = "已重新认定" if (r.enterprise_id, r.issued_on) in renewed else ""
        note = note or ("已到期" if days < 0 else "")
        rows.append(
            {
                "name": r.name,
                "number": r.number,
                "issued_on": r.issued_on,
                "valid_through": r.valid_through,
                "days": days,
                "town": r.town or "",
                "note": note,
            }
        )
    return SourceRows(rows)


def not_renewed(session: Session, query: Query, rows: SourceRows) -> list[CheckResult]:
    """Warning: certificates already expired on the as-of date and not renewed."""
    expired = [r for r in rows.rows if r["note"] == "已到期"]
    if not expired:
        return []
    message = f"{len(expired)}家企业证书已到期且未重新认定"
    return [CheckResult("warning", "expired", message)]


HTE_EXPIRING = ReturnDefinition(
    id="hte-expiring",
    title="高新技术企业证书到期预警表",
    period_kind="year",
    columns=(
        SEQ,
        NAME,
        Column("number", "证书编号", width=34, align="center"),
        Column("issued_on", "发证日期", "date", 24),
        Column("valid_through", "有效期至", "date", 24),
        Column("days", "剩余天数", "int", 18),
        TOWN,
        Column("note", "备注", width=26, align="center"),
    ),
    source=source,
    legal_marks=LegalMarks(table_no="科双04表"),
    numbered=True,
    checks=(not_renewed,),
    uses_as_of=True,
)
