"""科技成果登记与转化情况表: the transfers of S&T results in the period, one row each.

Rules (spec/plans.md): a transfer is local (是否本地转化 = 是) when its 承接单位 is in the district
(db/services/contracts/parties.py); with a town, the transfers of that town (the taker's when
local, else the completer's). 合计 sums 合同金额 and counts the distinct results transferred.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ResultTransfer, TechResult, Town
from db.services.contracts.parties import transfer_select, transferred_between
from desktop.returns.model import (
    CheckResult,
    Column,
    LegalMarks,
    Query,
    ReturnDefinition,
    SourceRows,
    Value,
)

COLUMNS = (
    Column("seq", "序号", width=10, align="center"),
    Column("name", "成果名称", width=42),
    Column("reg_no", "登记号", width=26, align="center"),
    Column("completer", "完成单位", width=51),
    Column("method", "转化方式", width=30, align="center"),
    Column("taker", "承接单位", width=51),
    Column("local", "是否本地转化", width=22, align="center"),
    Column("amount", "合同金额(万元)", "decimal", 26, decimals=2),
    Column("on", "转化日期", "date", 22),
)


def source(session: Session, query: Query) -> SourceRows:
    """One row per transfer in the period (of the town), oldest first; 合计 of 合同金额."""
    stmt = transfer_select(
        TechResult.name,
        TechResult.reg_no,
        TechResult.completer_name,
        ResultTransfer.method,
        ResultTransfer.taker_name,
        ResultTransfer.amount,
        ResultTransfer.transferred_on,
        ResultTransfer.result_id,
    ).where(transferred_between(query.period.start, query.period.end))
    sub = stmt.order_by(ResultTransfer.transferred_on, ResultTransfer.id).subquery()
    wanted = select(sub)
    if query.town:
        town_id = session.scalar(select(Town.id).where(Town.name == query.town)) or -1
        wanted = wanted.where(sub.c.town_id == town_id)
    rows: list[dict[str, Value]] = []
    results: set[int] = set()
    for r in session.execute(wanted):
        results.add(r.result_id)
        rows.append(
            {
                "name": r.name,
                "reg_no": r.reg_no,
                "completer": r.completer_name,
                "method": r.method,
                "taker": r.taker_name,
                "local": "是" if r.local else "否",
                "amount": r.amount,
                "on": r.transferred_on,
            }
        )
    amounts = [float(v) for r in rows if isinstance(v := r["amount"], int | float)]
    total: dict[str, Value] = {
        "name": f"共{len(rows)}项转化，涉及成果{len(results)}项" if rows else None,
        "amount": round(sum(amounts), 4) if amounts else None,
    }
    return SourceRows(rows, total, {"results": len(results)})


def amounts_not_negative(session: Session, query: Query, rows: SourceRows) -> list[CheckResult]:
    """Error: a transfer with a negative 合同金额; warning: transfers without an amount."""
    found: list[CheckResult] = []
    if any(isinstance(v := r["amount"], int | float) and v < 0 for r in rows.rows):
        found.append(CheckResult("error", "negative", "有转化记录的合同金额为负数"))
    missing = sum(1 for r in rows.rows if r["amount"] is None)
    if missing:
        found.append(CheckResult("warning", "no-amount", f"{missing}项转化未填合同金额"))
    return found


RESULTS = ReturnDefinition(
    id="results",
    title="科技成果登记与转化情况表",
    period_kind="month",
    columns=COLUMNS,
    source=source,
    legal_marks=LegalMarks(table_no="科技成01表"),
    unit="项、万元",
    numbered=True,
    totals=True,
    total_label_key="seq",
    checks=(amounts_not_negative,),
    orientation="landscape",
)
