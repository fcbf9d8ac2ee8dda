"""The lists a batch creates, so that its other sheets' rows may name them (import.md).

A workbook may hold a list and its records: 孵化载体 with 在孵企业, 科技特派员 with 服务记录. The
records are planned after the list (desktop/importing/pipeline.plan_order) but before anything
is written, so a record naming a carrier or commissioner the same batch creates is planned
against this index and linked when it is written, after the list (which is written first).

Keys: a carrier's name; a commissioner's ID number and, for one without a number, its name.
The index lives in the session's `info` and is started afresh by the list kind's `start` hook.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Carrier, Commissioner
from db.services.commissioners import roster
from db.services.errors import NotFound
from db.services.imports.other import KindPlan

_INDEX = "imports.batch_lists"
CARRIERS = "carriers"
COMMISSIONERS = "commissioners"
COMMISSIONER_NAMES = "commissioner_names"


def _index(session: Session) -> dict[str, dict[str, int]]:
    index: dict[str, dict[str, int]] = session.info.setdefault(_INDEX, {})
    return index


def start(session: Session, *lists: str) -> None:
    """A new batch's planning of these lists: nothing of them is planned yet."""
    index = _index(session)
    for name in lists:
        index[name] = {}


def start_carriers(session: Session, records: Sequence[Any], today: date) -> None:
    """The carriers' `start` hook."""
    del records, today
    start(session, CARRIERS)


def start_commissioners(session: Session, records: Sequence[Any], today: date) -> None:
    """The commissioners' `start` hook."""
    del records, today
    start(session, COMMISSIONERS, COMMISSIONER_NAMES)


def note(session: Session, name: str, key: object) -> None:
    """The batch creates the record `key` of list `name` (counted: a name twice is ambiguous)."""
    if key is None or key == "":
        return
    entries = _index(session).setdefault(name, {})
    entries[str(key)] = entries.get(str(key), 0) + 1


def creates(session: Session, name: str, key: object) -> int:
    """How many records of list `name` the batch creates under `key` (0: none)."""
    if key is None or key == "":
        return 0
    return _index(session).get(name, {}).get(str(key), 0)


# ---------------------------------------------------------------- linked when written


def batch_commissioner(plan: KindPlan) -> bool:
    """Whether a service's commissioner is one the batch creates."""
    return any(k in plan.resolved for k in ("commissioner_number", "commissioner_name"))


def written_commissioner(session: Session, plan: KindPlan) -> int:
    """The service's commissioner: found when planned, or created by the batch since."""
    if "commissioner_id" in plan.resolved:
        return int(plan.resolved["commissioner_id"])
    number = plan.resolved.get("commissioner_number")
    if number:
        found = roster.find_by_id_number(session, str(number))
    else:
        name = plan.resolved.get("commissioner_name")
        found = session.scalar(
            select(Commissioner.id).where(
                Commissioner.name == name, Commissioner.deleted_at.is_(None)
            )
        )
    if found is None:
        raise NotFound("该服务记录的特派员未能写入")
    return int(found)


def written_carrier(session: Session, name: str) -> int:
    """The id of a carrier the batch created (written before its incubatees)."""
    found = session.scalar(
        select(Carrier.id).where(Carrier.name == name, Carrier.deleted_at.is_(None))
    )
    if found is None:
        raise NotFound(f"载体“{name}”未能写入")
    return int(found)
