"""科技特派员选派及服务情况统计表: each commissioner of the year with services, figures and grade.

Rows: live commissioners with a dispatch overlapping the year, a service in it, or a grade for it
(with a town: those dispatched to that town). No personal ID numbers appear on this return.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Commissioner, Town
from db.services.commissioners.assessments import assessment_rows
from db.services.commissioners.dispatches import targets_in_year
from desktop.returns.model import CheckResult, Column, Query, ReturnDefinition, SourceRows, Value


def _town_id(session: Session, town: str | None) -> int | None:
    if not town:
        return None
    return session.scalar(select(Town.id).where(Town.name == town))


def source(session: Session, query: Query) -> SourceRows:
    """One row per commissioner of the year; the 合计 is summed by the engine."""
    year = query.period.year
    town_id = _town_id(session, query.town)
    targets = targets_in_year(session, year, town_id)
    levels = {cid: lv for cid, lv in session.execute(select(Commissioner.id, Commissioner.level))}
    rows: list[dict[str, Value]] = []
    for r in assessment_rows(session, year):
        if query.town and r.commissioner_id not in targets:
            continue
        rows.append(
            {
                "name": r.name,
                "kind": r.kind,
                "level": levels.get(r.commissioner_id) or "",
                "unit": r.unit or "",
                "targets": "、".join(targets.get(r.commissioner_id, [])),
                "services": r.summary.services,
                "trained": r.summary.trained,
                "technologies": r.summary.technologies,
                "benefit": r.summary.benefit,
                "grade": r.grade or "",
            }
        )
    return SourceRows(rows)


def ungraded(session: Session, query: Query, rows: SourceRows) -> list[CheckResult]:
    """Warning: commissioners of the year without an assessment grade."""
    missing = [str(r["name"]) for r in rows.rows if not r["grade"]]
    if not missing:
        return []
    return [CheckResult("warning", "ungraded", f"{len(missing)}名特派员尚未评定考核等次")]


def idle(session: Session, query: Query, rows: SourceRows) -> list[CheckResult]:
    """Warning: commissioners dispatched in the year without any service record."""
    count = sum(1 for r in rows.rows if r["targets"] and not r["services"])
    if not count:
        return []
    return [CheckResult("warning", "idle", f"{count}名特派员本年度有派遣但无服务记录")]


COMMISSIONERS = ReturnDefinition(
    id="commissioners",
    title="科技特派员选派及服务情况统计表",
    period_kind="year",
    columns=(
        Column("name", "姓名", width=24),
        Column("kind", "类型", width=14, align="center"),
        Column("level", "级别", width=14, align="center"),
        Column("unit", "派出单位", width=44),
        Column("targets", "服务对象", width=60),
        Column("services", "服务次数", "int", 16),
        Column("trained", "培训人数", "int", 16),
        Column("technologies", "引进新技术新品种", "int", 22),
        Column("benefit", "经济效益(万元)", "decimal", 22, decimals=2),
        Column("grade", "考核等次", width=16, align="center"),
    ),
    source=source,
    totals=True,
    checks=(ungraded, idle),
    orientation="landscape",
)
