"""科技创新主要指标完成情况表: one row per indicator of the plans, evaluated for the year as of the
as-of date (db.services.plans.indicators — the one home of every figure on it).

完成率(%) is actual ÷ target for counts, amounts and cumulative totals, and actual − target in
percentage points for rates and growths (spec/plans.md); 进度 is 已完成 / 序时进度内 / 滞后 / 无目标
against the share of the year gone by. With a town, only the indicators with a town split are shown,
with that town's actual against its own target (none is invented).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.services.plans.indicators import IndicatorValue, indicator_table
from desktop.returns.model import CheckResult, Column, Query, ReturnDefinition, SourceRows, Value

STATUS_KEY = "status"


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _row(v: IndicatorValue) -> dict[str, Value]:
    return {
        "no": None,
        "name": v.name,
        "unit": v.unit,
        # a growth's base value is its series' (万元 …), not a percentage: not printed under %
        "base": None if v.kind == "growth" else _round(v.base_value, 2),
        "target": _round(v.target, 2),
        "actual": _round(v.actual, 2),
        "completion": _round(v.completion, 1),
        "yoy": _round(v.yoy_growth, 1),
        "avg": _round(v.avg_growth, 1),
        STATUS_KEY: v.status,
        "department": v.department or "",
    }


def source(session: Session, query: Query) -> SourceRows:
    """One row per indicator, in the indicators' sort order."""
    values = indicator_table(
        session, query.period.year, as_of=query.as_of, town=query.town, trend=False
    )
    missing = [v.name for v in values if v.actual is None and not v.computed]
    no_target = [v.name for v in values if v.target is None]
    return SourceRows([_row(v) for v in values], extra={"missing": missing, "no_target": no_target})


def targets_and_actuals(session: Session, query: Query, rows: SourceRows) -> list[CheckResult]:
    """Warnings: indicators without a target for the year; manual indicators not yet filled in."""
    found: list[CheckResult] = []
    no_target = rows.extra.get("no_target") or []
    if no_target:
        message = f"{query.period.year}年未设目标：" + "、".join(no_target)
        found.append(CheckResult("warning", "no-target", message))
    missing = rows.extra.get("missing") or []
    if missing:
        found.append(
            CheckResult("warning", "no-actual", "手工填报指标尚无完成值：" + "、".join(missing))
        )
    return found


def behind_schedule(session: Session, query: Query, rows: SourceRows) -> list[CheckResult]:
    """Warning: indicators behind the time of year (滞后), to be explained when the return is sent."""
    late = [str(r["name"]) for r in rows.rows if r[STATUS_KEY] == "滞后"]
    if not late:
        return []
    return [CheckResult("warning", "behind", "进度滞后：" + "、".join(late))]


INDICATORS = ReturnDefinition(
    id="indicators",
    title="科技创新主要指标完成情况表",
    period_kind="year",
    columns=(
        Column("no", "序号", "int", 12),
        Column("name", "指标", width=56),
        Column("unit", "单位", width=14, align="center"),
        Column("base", "基期值", "decimal", 20, decimals=2),
        Column("target", "目标", "decimal", 20, decimals=2),
        Column("actual", "完成", "decimal", 20, decimals=2),
        Column("completion", "完成率(%)", "percent", 20, decimals=1),
        Column("yoy", "同比增长(%)", "percent", 20, decimals=1),
        Column("avg", "年均增长(%)", "percent", 20, decimals=1),
        Column(STATUS_KEY, "进度", width=22, align="center"),
        Column("department", "责任单位", width=36),
    ),
    source=source,
    numbered=True,
    checks=(targets_and_actuals, behind_schedule),
    uses_as_of=True,
)
