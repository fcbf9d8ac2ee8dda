"""Named operations on enterprises that span several service calls (run on the write worker)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from db.services.enterprises import crud, qualifications


@dataclass(frozen=True)
class QualificationEdit:
    """One qualification change to save: a new one (`id` None), edited values, and/or a revocation."""

    id: int | None
    values: Mapping[str, Any] = field(default_factory=dict)
    edited: bool = False
    revoke: tuple[date, str] | None = None


def save_enterprise(
    session: Session,
    enterprise_id: int | None,
    fields: Mapping[str, Any],
    qualification_edits: Sequence[QualificationEdit],
    year_edits: Mapping[int, Mapping[str, Any]],
    operator: str,
) -> int:
    """Create (`enterprise_id` None) or update an enterprise with its qualifications and years.

    `fields` are all basic fields for a new enterprise, the changed ones for an existing one;
    `year_edits` maps a data year to its figures. Returns the enterprise's id.
    """
    if enterprise_id is None:
        eid = crud.create(session, fields, operator)
    else:
        eid = enterprise_id
        crud.update(session, eid, fields, operator)
    for q in qualification_edits:
        _save_qualification(session, eid, q, operator)
    for year, values in year_edits.items():
        crud.set_year(session, eid, year, values, operator)
    return eid


def _save_qualification(
    session: Session, enterprise_id: int, q: QualificationEdit, operator: str
) -> None:
    if q.id is None:
        qid = qualifications.add(session, enterprise_id, q.values, operator)
    else:
        qid = q.id
        if q.edited:
            qualifications.edit(session, qid, q.values, operator)
    if q.revoke is not None:
        qualifications.revoke(session, qid, q.revoke[0], q.revoke[1], operator)
