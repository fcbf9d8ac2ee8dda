"""高新技术企业名册 (as-of date) and 科技型中小企业入库名单 (year): one row per enterprise."""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.services.figures import counts
from db.services.figures import returns_data as data
from desktop.returns.model import (
    CheckResult,
    Column,
    LegalMarks,
    Query,
    ReturnDefinition,
    SourceRows,
    Value,
)

SEQ = Column("seq", "序号", width=12, align="center")
NAME = Column("name", "企业名称", width=66)
USCC = Column("uscc", "统一社会信用代码", width=42, align="center")
TOWN = Column("town", "所属镇街", width=26, align="center")


def _town(name: str | None) -> str:
    return name or ""


def high_tech_source(session: Session, query: Query) -> SourceRows:
    """Enterprises holding a certificate valid on the as-of date, by town then name."""
    rows: list[dict[str, Value]] = [
        {
            "name": r.name,
            "uscc": r.uscc,
            "town": _town(r.town),
            "number": r.number,
            "issued_on": r.issued_on,
            "valid_through": r.valid_through,
            "industry": r.industry,
        }
        for r in data.high_tech_roster(session, query.as_of, query.town)
    ]
    return SourceRows(rows)


def issue_dates_present(session: Session, query: Query, rows: SourceRows) -> list[CheckResult]:
    """Error: a high-tech certificate with no issue date (its validity cannot be known)."""
    return [
        CheckResult(
            "error",
            f"no-issue-date:{r.enterprise_id}:{r.number}",
            f"{r.name}的高新技术企业证书（{r.number or '无编号'}）缺少发证日期",
        )
        for r in data.high_tech_without_issue_date(session, query.town)
    ]


def roster_matches_count(session: Session, query: Query, rows: SourceRows) -> list[CheckResult]:
    """Error: the roster of the whole district differs from the high-tech count."""
    if query.town is not None:
        return []
    expected = counts.count_high_tech(session, query.as_of)
    if expected == len(rows.rows):
        return []
    message = f"名册 {len(rows.rows)} 家与高新技术企业数 {expected} 家不一致"
    return [CheckResult("error", "count", message)]


HIGH_TECH_ROSTER = ReturnDefinition(
    id="high-tech-roster",
    title="高新技术企业名册",
    period_kind="as_of",
    columns=(
        SEQ,
        NAME,
        USCC,
        TOWN,
        Column("number", "证书编号", width=34, align="center"),
        Column("issued_on", "发证日期", "date", 24),
        Column("valid_through", "有效期至", "date", 24),
        Column("industry", "行业类别", width=36),
    ),
    source=high_tech_source,
    legal_marks=LegalMarks(table_no="科双02表"),
    numbered=True,
    checks=(issue_dates_present, roster_matches_count),
)


def tech_sme_source(session: Session, query: Query) -> SourceRows:
    """Enterprises with a tech-SME entry for the year, by town then name."""
    year = query.period.year
    rows: list[dict[str, Value]] = [
        {
            "name": r.name,
            "uscc": r.uscc,
            "town": _town(r.town),
            "number": r.number,
            "year": str(r.evaluation_year or year),
        }
        for r in data.tech_sme_roster(session, year, query.town)
    ]
    return SourceRows(rows)


def numbers_present(session: Session, query: Query, rows: SourceRows) -> list[CheckResult]:
    """Warning: an entry without a registration number; error: a number of another year."""
    found: list[CheckResult] = []
    for r in rows.rows:
        number = str(r["number"] or "")
        if not number:
            message = f"{r['name']}缺少入库登记编号"
            found.append(CheckResult("warning", f"no-number:{r['uscc']}", message))
        elif number[:4] != r["year"]:
            message = f"{r['name']}的入库登记编号{number}与年度{r['year']}不符"
            found.append(CheckResult("error", f"year:{r['uscc']}", message))
    return found


TECH_SME_ROSTER = ReturnDefinition(
    id="tech-sme-roster",
    title="科技型中小企业入库名单",
    period_kind="year",
    columns=(
        SEQ,
        NAME,
        USCC,
        TOWN,
        Column("number", "入库登记编号", width=40, align="center"),
        Column("year", "年度", width=14, align="center"),
    ),
    source=tech_sme_source,
    legal_marks=LegalMarks(table_no="科双03表"),
    orientation="portrait",
    numbered=True,
    checks=(numbers_present,),
)
