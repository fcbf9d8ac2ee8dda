"""Deterministic demo data for `bureau init --demo`: a fictional district up to 2025-12-31.

The same seed always gives the same store (names, codes, counts); nothing depends on today's date.
On 2025-12-31 about 100 enterprises hold a valid 高新技术企业 certificate and about 105 are
科技型中小企业, against targets of 100 and 100.
"""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Enterprise, Qualification, Town, TownAlias
from db.sequences import reset_sequences
from db.services import audit, settings, towns
from desktop.demo.carriers import create_carriers
from desktop.demo.certificates import create_qualifications
from desktop.demo.commissioners import create_commissioners
from desktop.demo.contracts import create_contracts
from desktop.demo.cultivation import create_cultivation
from desktop.demo.indicators import create_indicators
from desktop.demo.platforms import create_platforms
from desktop.demo.pools import TOWNS
from desktop.demo.roster import create_roster, create_years

SEED = 20251231
SETTINGS = {
    "bureau_name": "亳州市谯城区科学技术局",
    "province_code": "34",
    "district_code": "341602",
    "head_of_unit": "王建国",
    "head_of_statistics": "李芳",
    "preparer": "陈晓燕",
    "contact_phone": "0558-5512345",
}
ALIASES = {"汤陵街道": ("汤陵办事处",)}


def has_data(session: Session) -> bool:
    """True when the store already holds any enterprise (deleted ones included)."""
    return session.scalar(select(Enterprise.id).limit(1)) is not None


def _towns(session: Session, operator: str) -> dict[str, int]:
    towns.add_towns(session, TOWNS, operator)
    ids = {name: tid for tid, name in session.execute(select(Town.id, Town.name))}
    for town, aliases in ALIASES.items():
        known = set(session.scalars(select(TownAlias.alias).where(TownAlias.town_id == ids[town])))
        towns.set_aliases(session, ids[town], sorted(known | set(aliases)), operator)
    return {name: ids[name] for name in TOWNS}


def _audit_revocations(session: Session, operator: str) -> None:
    revoked = session.execute(
        select(Qualification.id, Qualification.revoked_on, Qualification.revoke_reason).where(
            Qualification.revoked_on.is_not(None)
        )
    ).all()
    for qid, on, reason in revoked:
        changes = {"revoked_on": (None, on), "revoke_reason": (None, reason)}
        audit.record(session, operator, "revoke", "qualification", qid, changes)


def fill(session: Session, operator: str) -> None:
    """Fill an empty store with the demo district (settings, towns, roster, all registers)."""
    rng = random.Random(SEED)
    settings.update_settings(session, dict(SETTINGS), operator)
    town_ids = _towns(session, operator)
    roster = create_roster(session, rng, town_ids, operator)
    qualified = create_qualifications(session, rng, roster, operator)
    _audit_revocations(session, operator)
    create_years(session, rng, roster, qualified)
    high_tech = _high_tech_ids(session)
    create_commissioners(session, rng, roster, town_ids, operator)
    create_carriers(session, rng, roster, high_tech, town_ids, operator)
    hosts = [e for e in roster if e.id in high_tech]
    create_platforms(session, rng, hosts, town_ids, operator)
    create_indicators(session, operator)
    create_contracts(session, random.Random(SEED + 14), roster, operator)
    create_cultivation(session, operator)
    session.flush()
    reset_sequences(session.connection())  # the demo writes its ids itself (PostgreSQL)


def _high_tech_ids(session: Session) -> set[int]:
    ht = select(Qualification.enterprise_id).where(Qualification.number.like("GR%"))
    return set(session.scalars(ht))


__all__ = ["SEED", "fill", "has_data"]
