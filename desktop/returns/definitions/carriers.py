"""孵化载体运行情况统计表: each live carrier with its year's figures; a 合计 row.

在孵企业 is counted from the incubatee records on 31 Dec (entry ≤ D < exit), 当年新增 and 当年毕业
from the entry and graduation dates in the year; 从业人员, 投融资 (万元) and the grade come from the
carrier's reported operation data of the year. With a town: the carriers of that town.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Town
from db.services import carriers
from desktop.returns.model import CheckResult, Column, Query, ReturnDefinition, SourceRows, Value


def _town_id(session: Session, town: str | None) -> int | None:
    if not town:
        return None
    return session.scalar(select(Town.id).where(Town.name == town)) or -1


def _row(session: Session, c: carriers.CarrierView, year: int) -> dict[str, Value]:
    y = carriers.carrier_year(session, c.id, year)
    return {
        "name": c.name,
        "kind": c.kind,
        "level": c.level or "",
        "area": c.area,
        "incubatees": y.incubatees_computed,
        "new": y.new_computed,
        "graduates": y.graduates_computed,
        "jobs": y.jobs,
        "financing": y.financing,
        "grade": y.grade_name or "",
        "_reported_incubatees": y.incubatees_reported,
        "_reported_graduates": y.graduates_reported,
        "_differences": "；".join(y.differences),
    }


def source(session: Session, query: Query) -> SourceRows:
    """One row per live carrier (of the town); the 合计 is summed by the engine."""
    year = query.period.year
    f = carriers.CarrierFilter(town_id=_town_id(session, query.town))
    rows = [_row(session, c, year) for c in carriers.list_carriers(session, f)]
    return SourceRows(rows)


def graduates_above_incubatees(
    session: Session, query: Query, rows: SourceRows
) -> list[CheckResult]:
    """Error (Torch style): a carrier reports fewer incubatees than graduates."""
    bad = [
        str(r["name"])
        for r in rows.rows
        if isinstance(r["_reported_incubatees"], int)
        and isinstance(r["_reported_graduates"], int)
        and r["_reported_incubatees"] < r["_reported_graduates"]
    ]
    if not bad:
        return []
    return [
        CheckResult(
            "error",
            "graduates_above_incubatees",
            f"填报的在孵企业数少于毕业企业数：{'、'.join(bad)}",
        )
    ]


def reported_differs(session: Session, query: Query, rows: SourceRows) -> list[CheckResult]:
    """Warning: reported figures disagree with the incubatee records."""
    return [
        CheckResult("warning", f"differs:{r['name']}", f"{r['name']}：{r['_differences']}")
        for r in rows.rows
        if r["_differences"]
    ]


def missing_year_data(session: Session, query: Query, rows: SourceRows) -> list[CheckResult]:
    """Warning: carriers without reported operation data (jobs, financing) for the year."""
    missing = [str(r["name"]) for r in rows.rows if r["jobs"] is None and r["financing"] is None]
    if not missing:
        return []
    return [
        CheckResult(
            "warning",
            "missing_year_data",
            f"{len(missing)}个载体未填报本年度运营数据：{'、'.join(missing)}",
        )
    ]


CARRIERS = ReturnDefinition(
    id="carriers",
    title="孵化载体运行情况统计表",
    period_kind="year",
    columns=(
        Column("name", "载体名称", width=52),
        Column("kind", "类型", width=26, align="center"),
        Column("level", "级别", width=14, align="center"),
        Column("area", "面积(m²)", "decimal", 20),
        Column("incubatees", "在孵企业", "int", 16),
        Column("new", "当年新增", "int", 16),
        Column("graduates", "当年毕业", "int", 16),
        Column("jobs", "从业人员", "int", 16),
        Column("financing", "获得投融资(万元)", "decimal", 24, decimals=2),
        Column("grade", "评价等次", width=16, align="center"),
    ),
    source=source,
    unit="家、人、万元",
    totals=True,
    checks=(graduates_above_incubatees, reported_differs, missing_year_data),
    orientation="landscape",
)
