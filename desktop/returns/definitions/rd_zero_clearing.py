"""规上工业企业研发活动“两清零”情况表 (domain.md; thresholds are settings).

Among 规上工业企业 with figures for the year: list A = revenue ≥ rd_list_a_revenue (万元) and no R&D
activity; list B = revenue ≥ rd_list_b_revenue and no R&D institution. An enterprise on both is one
row with 类别 A、B.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.services.figures import returns_data as data
from db.services.settings import get_settings
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


def _yes_no(value: bool | None) -> str:
    return "" if value is None else "有" if value else "无"


def _lists(row: data.RdRow, a: float, b: float) -> str:
    revenue = row.revenue or 0.0
    marks = []
    if revenue >= a and row.rd_activity is False:
        marks.append("A")
    if revenue >= b and row.rd_institution is False:
        marks.append("B")
    return "、".join(marks)


def source(session: Session, query: Query) -> SourceRows:
    """Enterprises on list A or B for the year, with the counts of each list in extra."""
    settings = get_settings(session)
    a, b = settings.rd_list_a_revenue, settings.rd_list_b_revenue
    candidates = data.above_scale_figures(session, query.period.year, query.town, min(a, b))
    rows: list[dict[str, Value]] = []
    unknown: list[str] = []
    for r in candidates:
        kind = _lists(r, a, b)
        if r.rd_activity is None and (r.revenue or 0) >= a:
            unknown.append(r.name)
        if not kind:
            continue
        rows.append(
            {
                "name": r.name,
                "town": r.town or "",
                "revenue": r.revenue,
                "rd_expense": r.rd_expense,
                "activity": _yes_no(r.rd_activity),
                "institution": _yes_no(r.rd_institution),
                "kind": kind,
            }
        )
    return SourceRows(rows, _total(rows), extra={"unknown": unknown})


def _total(rows: list[dict[str, Value]]) -> dict[str, Value]:
    """Sums of the money columns, and how many are on each list in the name cell."""
    a = sum(1 for r in rows if "A" in str(r["kind"]))
    b = sum(1 for r in rows if "B" in str(r["kind"]))
    total: dict[str, Value] = {"name": f"共{len(rows)}家（A类{a}家，B类{b}家）"}
    for key in ("revenue", "rd_expense"):
        values = [v for r in rows if isinstance(v := r[key], int | float)]
        total[key] = sum(values) if values else None
    return total


def figures_consistent(session: Session, query: Query, rows: SourceRows) -> list[CheckResult]:
    """Warnings: R&D expense reported without R&D activity; activity not reported at all."""
    found: list[CheckResult] = []
    for r in rows.rows:
        expense = r["rd_expense"]
        if r["activity"] == "无" and isinstance(expense, int | float) and expense > 0:
            message = f"{r['name']}填报研发费用{expense:.2f}万元，但“有无研发活动”为无"
            found.append(CheckResult("warning", f"expense:{r['name']}", message))
    unknown = rows.extra.get("unknown", [])
    if unknown:
        message = f"{len(unknown)}家规上工业企业未填“有无研发活动”：{'、'.join(unknown[:5])}"
        found.append(CheckResult("warning", "unknown-activity", message))
    return found


RD_ZERO_CLEARING = ReturnDefinition(
    id="rd-zero-clearing",
    title="规上工业企业研发活动“两清零”情况表",
    period_kind="year",
    columns=(
        SEQ,
        NAME,
        TOWN,
        Column("revenue", "营业收入", "decimal", 26, decimals=2),
        Column("rd_expense", "研发费用", "decimal", 24, decimals=2),
        Column("activity", "有无研发活动", width=20, align="center"),
        Column("institution", "有无研发机构", width=20, align="center"),
        Column("kind", "类别(A/B)", width=18, align="center"),
    ),
    source=source,
    legal_marks=LegalMarks(table_no="科双05表"),
    unit="万元",
    numbered=True,
    totals=True,
    total_label_key="seq",
    checks=(figures_consistent,),
)
