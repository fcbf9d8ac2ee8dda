"""高新技术企业后备库（培育库）名单 (spec/plans.md Cultivation; thresholds are settings).

The candidates of the year (db/services/plans/cultivation.py): enterprises with figures for the
year and no 高新技术企业 certificate valid on 31 Dec of the next, founded long enough, and the
year's pipeline entries. 研发占比 is R&D ÷ revenue over the years held (up to three, the
national rule); 未达标项 names what each still lacks; 培育阶段 is blank outside the pipeline.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.rules.cultivation import ALL_PASSED, gap_text
from db.services.plans.cultivation import candidates
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
    """One row per candidate, by town then name; the stage counts in extra."""
    found = candidates(session, query.period.year, town=query.town)
    rows: list[dict[str, Value]] = []
    stages: dict[str, int] = {}
    for c in found.rows:
        rd, staff, _ = tests = found.tests(c)
        missing = gap_text(tests)
        rows.append(
            {
                "name": c.name,
                "town": c.town or "",
                "revenue": c.revenue,
                "rd_expense": c.rd_expense,
                "rd_ratio": rd.value,
                "staff_ratio": staff.value,
                "gaps": "" if missing == ALL_PASSED else missing,
                "stage": c.stage or "",
            }
        )
        if c.stage:
            stages[c.stage] = stages.get(c.stage, 0) + 1
    return SourceRows(rows, extra={"stages": stages})


def figures_present(session: Session, query: Query, rows: SourceRows) -> list[CheckResult]:
    """Warning: a candidate without a revenue or without employees (its tests cannot be made)."""
    found: list[CheckResult] = []
    for r in rows.rows:
        if r["rd_ratio"] is None or r["staff_ratio"] is None:
            what = "营业收入" if r["rd_ratio"] is None else "职工总数"
            message = f"{r['name']}缺少{query.period.year}年{what}，无法判断是否达标"
            found.append(CheckResult("warning", f"figures:{r['name']}", message))
    return found


CANDIDATES = ReturnDefinition(
    id="candidates",
    title="高新技术企业后备库（培育库）名单",
    period_kind="year",
    columns=(
        SEQ,
        Column("name", NAME.header, width=54),
        Column("town", TOWN.header, width=22, align="center"),
        Column("revenue", "营业收入", "decimal", 22, decimals=2),
        Column("rd_expense", "研发费用", "decimal", 20, decimals=2),
        Column("rd_ratio", "研发占比(%)", "percent", 20, decimals=2),
        Column("staff_ratio", "研发人员占比(%)", "percent", 22, decimals=2),
        Column("gaps", "未达标项", width=72),
        Column("stage", "培育阶段", width=18, align="center"),
    ),
    source=source,
    legal_marks=LegalMarks(table_no="科双06表"),
    unit="万元",
    numbered=True,
    checks=(figures_present,),
)
