"""Annual assessment (年度考核): a grade per commissioner and year, beside the year's figures."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from db.models import Assessment, Commissioner, Dispatch, ServiceRecord
from db.services import audit
from db.services.commissioners.common import fetch, year_bounds
from db.services.commissioners.dispatches import in_year_condition
from db.services.errors import InputError
from db.services.settings import get_settings
from db.services.versions import NOT_STORED, claim

ENTITY = "commissioner"


@dataclass(frozen=True)
class YearSummary:
    """A commissioner's services in one year."""

    services: int = 0
    trained: int = 0
    technologies: int = 0
    benefit: float = 0.0


@dataclass(frozen=True)
class AssessmentRow:
    commissioner_id: int
    name: str
    kind: str
    unit: str | None
    summary: YearSummary
    grade: str | None
    version: int = NOT_STORED  # the grade's version (NOT_STORED: not assessed yet)


def set_grade(
    session: Session,
    commissioner_id: int,
    year: int,
    grade: str | None,
    operator: str,
    expected_version: int | None = None,
) -> None:
    """Set (or clear with None/"") a commissioner's grade for a year; it must be a configured grade.

    `expected_version` is the grade's version shown (NOT_STORED: none was given): a save over
    another desk's grade of that year is refused (StaleEdit)."""
    row = session.scalar(
        select(Assessment).where(
            Assessment.commissioner_id == commissioner_id, Assessment.year == year
        )
    )
    row_id = None if row is None else row.id
    claim(session, Assessment, row_id, expected_version, (ENTITY, commissioner_id))
    fetch(session, Commissioner, commissioner_id, "科技特派员不存在")
    grades = get_settings(session).grades
    if grade and grade not in grades:
        raise InputError("考核等次应为：" + "、".join(grades), "grade")
    old = row.grade if row is not None else None
    new = grade or None
    if old == new:
        return
    if new is None and row is not None:
        session.execute(delete(Assessment).where(Assessment.id == row.id))
    elif row is None and new is not None:
        session.add(Assessment(commissioner_id=commissioner_id, year=year, grade=new))
    elif row is not None and new is not None:
        row.grade = new
    audit.record(
        session, operator, "update", ENTITY, commissioner_id, {f"{year}.grade": (old, new)}
    )
    session.flush()


def get_grade(session: Session, commissioner_id: int, year: int) -> str | None:
    """The grade of a commissioner in a year, None when not assessed."""
    return session.scalar(
        select(Assessment.grade).where(
            Assessment.commissioner_id == commissioner_id, Assessment.year == year
        )
    )


def _summaries(session: Session, year: int, commissioner_id: int | None) -> dict[int, YearSummary]:
    first, last = year_bounds(year)
    stmt = (
        select(
            Dispatch.commissioner_id,
            func.count(ServiceRecord.id),
            func.coalesce(func.sum(ServiceRecord.trained), 0),
            func.coalesce(func.sum(ServiceRecord.technologies), 0),
            func.coalesce(func.sum(ServiceRecord.benefit), 0.0),
        )
        .join(Dispatch, Dispatch.id == ServiceRecord.dispatch_id)
        .where(
            ServiceRecord.deleted_at.is_(None),
            Dispatch.deleted_at.is_(None),
            ServiceRecord.served_on.between(first, last),
        )
        .group_by(Dispatch.commissioner_id)
    )
    if commissioner_id is not None:
        stmt = stmt.where(Dispatch.commissioner_id == commissioner_id)
    return {
        cid: YearSummary(int(n), int(trained or 0), int(tech or 0), round(float(benefit or 0), 4))
        for cid, n, trained, tech, benefit in session.execute(stmt)
    }


def year_summary(session: Session, commissioner_id: int, year: int) -> YearSummary:
    """Services, people trained, technologies and benefit (万元) recorded in the year."""
    return _summaries(session, year, commissioner_id).get(commissioner_id, YearSummary())


def assessment_rows(session: Session, year: int) -> list[AssessmentRow]:
    """Commissioners to grade for a year: live ones with a dispatch in the year, a service, or a grade."""
    summaries = _summaries(session, year, None)
    graded = select(Assessment.commissioner_id, Assessment.grade, Assessment.version).where(
        Assessment.year == year
    )
    grades = {cid: (grade, version) for cid, grade, version in session.execute(graded)}
    dispatched = set(
        session.scalars(select(Dispatch.commissioner_id).where(in_year_condition(year)))
    )
    wanted = dispatched | set(summaries) | set(grades)
    stmt = (
        select(Commissioner)
        .where(Commissioner.deleted_at.is_(None), Commissioner.id.in_(wanted))
        .order_by(Commissioner.name, Commissioner.id)
    )
    return [
        AssessmentRow(
            c.id,
            c.name,
            c.kind,
            c.unit,
            summaries.get(c.id, YearSummary()),
            *grades.get(c.id, (None, NOT_STORED)),
        )
        for c in session.scalars(stmt)
    ]
