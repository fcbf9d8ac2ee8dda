"""科技创新平台情况表: per platform indicator (or kind), the base, the year's target, the actual
count and the average growth since the base year (db.rules.validity.average_growth).

Rows: every indicator whose source is `platforms:KIND[:LEVEL+]` — read through the plans' indicators
(db.services.platforms.targets → db.services.plans.indicators), so `:省级+` counts 省级 and above —
then each kind without an indicator that has at least one platform. The actual is the number of live
platforms recognised in or before the year. District-wide (no town filter).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.services import platforms
from desktop.returns.model import CheckResult, Column, Query, ReturnDefinition, SourceRows, Value


def _row(t: platforms.PlatformTarget) -> dict[str, Value]:
    growth = t.growth
    return {
        "no": None,
        "indicator": t.indicator or t.kind,
        "unit": t.unit,
        "base": t.base_value,
        "target": t.target,
        "actual": t.actual,
        "growth": None if growth is None else round(growth * 100, 1),
        "department": t.department or "",
    }


def source(session: Session, query: Query) -> SourceRows:
    """One row per platform kind with an indicator or a platform."""
    rows = [
        _row(t)
        for t in platforms.targets(session, query.period.year)
        if t.indicator is not None or t.actual
    ]
    return SourceRows(rows)


def below_target(session: Session, query: Query, rows: SourceRows) -> list[CheckResult]:
    """Warning: kinds whose count has not reached the year's target."""
    short = [
        f"{r['indicator']}（差{float(r['target']) - float(r['actual']):g}）"
        for r in rows.rows
        if isinstance(r["target"], float)
        and isinstance(r["actual"], int)
        and r["actual"] < r["target"]
    ]
    if not short:
        return []
    return [CheckResult("warning", "below_target", "未完成年度目标：" + "、".join(short))]


PLATFORMS = ReturnDefinition(
    id="platforms",
    title="科技创新平台情况表",
    period_kind="year",
    columns=(
        Column("no", "序号", "int", 12),
        Column("indicator", "主要指标", width=50),
        Column("unit", "单位", width=12, align="center"),
        Column("base", "基期值", "decimal", 18),
        Column("target", "年度目标", "decimal", 18),
        Column("actual", "实际完成", "int", 18),
        Column("growth", "年均增速(%)", "percent", 20, decimals=1),
        Column("department", "责任部门", width=32),
    ),
    source=source,
    numbered=True,
    checks=(below_target,),
    town_filter=False,
)
