"""Named operations on enterprises that span several service calls (run on the write worker)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from db.services.enterprises import crud, qualifications
from db.services.versions import NOT_STORED


@dataclass(frozen=True)
class QualificationEdit:
    """One qualification change to save: a new one (`id` None), edited values, and/or a revocation.

    `version` is the one the editor opened (None: not checked)."""

    id: int | None
    values: Mapping[str, Any] = field(default_factory=dict)
    edited: bool = False
    revoke: tuple[date, str] | None = None
    version: int | None = None


def save_enterprise(
    session: Session,
    enterprise_id: int | None,
    fields: Mapping[str, Any],
    qualification_edits: Sequence[QualificationEdit],
    year_edits: Mapping[int, Mapping[str, Any]],
    operator: str,
    expected_version: int | None = None,
    year_versions: Mapping[int, int] | None = None,
) -> int:
    """Create (`enterprise_id` None) or update an enterprise with its qualifications and years.

    `fields` are all basic fields for a new enterprise, the changed ones for an existing one;
    `year_edits` maps a data year to its figures. Returns the enterprise's id.
    `expected_version` (the enterprise's), `year_versions` (a year's, NOT_STORED for a new one)
    and each edit's `version` are those the editor opened: when another desk changed any of
    them since, nothing is saved (StaleEdit).
    """
    if enterprise_id is None:
        eid = crud.create(session, fields, operator)
    else:
        eid = enterprise_id
        crud.update(session, eid, fields, operator, expected_version=expected_version)
    for q in qualification_edits:
        _save_qualification(session, eid, q, operator)
    for year, values in year_edits.items():
        expected = None if year_versions is None else year_versions.get(year, NOT_STORED)
        crud.set_year(session, eid, year, values, operator, expected_version=expected)
    return eid


def _save_qualification(
    session: Session, enterprise_id: int, q: QualificationEdit, operator: str
) -> None:
    if q.id is None:
        qid = qualifications.add(session, enterprise_id, q.values, operator)
    else:
        qid = q.id
        if q.edited:
            qualifications.edit(session, qid, q.values, operator, expected_version=q.version)
    if q.revoke is not None:
        expected = None if q.edited else q.version  # an edit above checked (and bumped) it
        on, reason = q.revoke
        qualifications.revoke(session, qid, on, reason, operator, expected_version=expected)
