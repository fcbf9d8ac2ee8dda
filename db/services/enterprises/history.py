"""An enterprise's history as its editor shows it: the audit entries of the enterprise and of its
qualifications, newest first, with the records they name by id (a qualification's type, an
enterprise, a town) and the type of each qualification."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Enterprise, Qualification, QualificationType, Town
from db.services import audit
from db.services.enterprises.crud import ENTITY
from db.services.enterprises.qualifications import ENTITY as QUALIFICATION_ENTITY

REFERENCES: dict[str, audit.Reference] = {
    "type_id": (QualificationType.id, QualificationType.name),
    "enterprise_id": (Enterprise.id, Enterprise.name),
    "town_id": (Town.id, Town.name),
}


@dataclass(frozen=True)
class History:
    """What the 历史 tab lists."""

    entries: list[audit.AuditView]
    # (reference field, id) → the referenced record's name ("type_id", 1) → 高新技术企业
    names: dict[tuple[str, int], str] = field(default_factory=dict)
    # qualification id → its type's name: whose entry a qualification's line is
    qualification_types: dict[int, str] = field(default_factory=dict)
    # type code → name, for an import's record of a new enterprise ("high_tech.number")
    type_names: dict[str, str] = field(default_factory=dict)

    def name_of(self, reference: str, record_id: int) -> str | None:
        """The name of the record a reference field holds, None when it is gone."""
        return self.names.get((reference, record_id))


def enterprise_history(session: Session, enterprise_id: int) -> History:
    """The audit trail of the enterprise and of every qualification it has had (those in the
    recycle bin too), newest first, with the names the entries refer to."""
    quals = session.execute(
        select(Qualification.id, QualificationType.name)
        .join(QualificationType, QualificationType.id == Qualification.type_id)
        .where(Qualification.enterprise_id == enterprise_id)
    ).all()
    entries = audit.history(session, ENTITY, enterprise_id)
    for qid, _type in quals:
        entries += audit.history(session, QUALIFICATION_ENTITY, qid)
    entries.sort(key=lambda e: (e.at, e.id), reverse=True)
    types = session.execute(select(QualificationType.code, QualificationType.name)).all()
    return History(
        entries,
        audit.referenced_names(session, entries, REFERENCES),
        {qid: name for qid, name in quals},
        {code: name for code, name in types},
    )
