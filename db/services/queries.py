"""The SQL forms of the rules in db/rules/validity.py — the one home of every count's conditions.

The counts (`bureau stats`, returns), 首页, the roster and the carriers' graduation check all build
their queries from these, so that a qualification counts the same everywhere:

* valid on D (validity.is_valid_on): not deleted; no start or start ≤ D; no end or end ≥ D; not
  revoked on or before D — and an evaluation-year entry (科技型中小企业) not revoked at all;
* 高新技术企业 on D: a 高新技术企业 qualification valid on D;
* 科技型中小企业 in Y: an entry for evaluation year Y, not revoked;
* ladder stage on D (validity.ladder_stage): the highest rank among qualifications valid on D.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnClause

from db.models import Enterprise, Qualification, QualificationType

HIGH_TECH = "high_tech"
TECH_SME = "tech_sme"
EVALUATION_YEAR = "evaluation_year"


def type_id(code: str) -> Any:
    """Scalar subquery: the catalogue id of a qualification type code."""
    return select(QualificationType.id).where(QualificationType.code == code).scalar_subquery()


def live_enterprise() -> ColumnElement[bool]:
    """The enterprise is not in the recycle bin."""
    return Enterprise.deleted_at.is_(None)


class _Unindexed(ColumnElement[Any]):
    """A column SQLite's planner must not use an index for (see `unindexed`)."""

    inherit_cache = True

    def __init__(self, column: ColumnClause[Any]) -> None:
        self.column = column
        self.type = column.type


@compiles(_Unindexed)
def _unindexed_default(element: _Unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column, **kw)


@compiles(_Unindexed, "sqlite")
def _unindexed_sqlite(element: _Unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(element.column, **kw)


def unindexed(column: Any) -> Any:
    """`+column` on SQLite: the same value, but its planner will not pick an index on it.

    Used where the covering (type, enterprise, dates) index serves better than a dates index
    that looks more selective but costs a table read per row. Other engines plan on their own
    statistics and get the bare column (PostgreSQL has no unary + for dates or text).
    """
    return _Unindexed(column)


def dates_cover(on: date, *, covering: bool = False) -> ColumnElement[bool]:
    """The validity window of a qualification contains `on` (no start or no end: open)."""
    start = unindexed(Qualification.valid_from) if covering else Qualification.valid_from
    return and_(
        or_(Qualification.valid_from.is_(None), start <= on),
        or_(Qualification.valid_through.is_(None), Qualification.valid_through >= on),
    )


def not_revoked_on(on: date) -> ColumnElement[bool]:
    """Not revoked on or before `on` (a revocation stops a qualification from its own date on)."""
    return or_(Qualification.revoked_on.is_(None), Qualification.revoked_on > on)


def valid_on(on: date, *, covering: bool = False) -> ColumnElement[bool]:
    """A qualification of a type whose revocation runs from its date on, valid on `on`.

    For every type but the evaluation-year one; `held_on` adds that one's rule.
    """
    return and_(
        Qualification.deleted_at.is_(None), dates_cover(on, covering=covering), not_revoked_on(on)
    )


def held_on(on: date, *, covering: bool = False) -> ColumnElement[bool]:
    """A qualification of any type counted on `on` (validity.is_valid_on).

    For rows joined to their QualificationType: valid_on, and a revoked evaluation-year entry never
    counts (科技型中小企业 are counted when “not revoked”).
    """
    return and_(
        valid_on(on, covering=covering),
        or_(Qualification.revoked_on.is_(None), QualificationType.validity_kind != EVALUATION_YEAR),
    )


def high_tech_valid_on(on: date, *, covering: bool = False) -> ColumnElement[bool]:
    """Condition on Qualification rows: a 高新技术企业 certificate valid on `on`."""
    return and_(Qualification.type_id == type_id(HIGH_TECH), valid_on(on, covering=covering))


def tech_sme_in_year(year: int) -> ColumnElement[bool]:
    """Condition on Qualification rows: a non-revoked 科技型中小企业 entry for evaluation year `year`."""
    return and_(
        Qualification.type_id == type_id(TECH_SME),
        Qualification.deleted_at.is_(None),
        Qualification.evaluation_year == year,
        Qualification.revoked_on.is_(None),
    )


def ladder_stages(on: date, *, extra: ColumnElement[bool] | None = None) -> Any:
    """Subquery (enterprise_id, stage) of the enterprises holding a qualification valid on `on`.

    Enterprises without one are absent (stage 0). `extra` narrows the qualifications read (e.g.
    to live enterprises). One pass over the qualifications instead of a lookup per enterprise.
    """
    stmt = (
        select(
            Qualification.enterprise_id.label("enterprise_id"),
            func.max(QualificationType.ladder_rank).label("stage"),
        )
        .join(QualificationType, QualificationType.id == Qualification.type_id)
        .where(held_on(on, covering=True))
    )
    if extra is not None:
        stmt = stmt.where(extra)
    # unindexed: one scan of the covering index then a sort, not a table read per row
    return stmt.group_by(unindexed(Qualification.enterprise_id)).subquery("ladder_stages")


def ladder_stage_of_enterprise(on: date) -> Any:
    """Correlated scalar: the ladder stage of the outer query's Enterprise on `on` (0 when none)."""
    rank = (
        select(func.max(QualificationType.ladder_rank))
        .join(Qualification, Qualification.type_id == QualificationType.id)
        .where(Qualification.enterprise_id == Enterprise.id, held_on(on))
        .scalar_subquery()
    )
    return func.coalesce(rank, 0)
