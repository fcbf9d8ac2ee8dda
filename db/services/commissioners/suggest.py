"""推荐特派员: rank commissioners for a demand by field match, town served and current load.

Score = field (exact 100, partial 50) + town (active there in the year 30, served there before 15)
− 10 per active dispatch. Ties: lower load, then name, then id — always the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Commissioner, Demand, Dispatch, Town
from db.rules.text import normalize_text
from db.services.commissioners.common import fetch, year_bounds
from db.services.commissioners.dispatches import active_loads, in_year_condition

EXACT_FIELD = 100
PARTIAL_FIELD = 50
TOWN_THIS_YEAR = 30
TOWN_BEFORE = 15
LOAD_PENALTY = 10
LIMIT = 10


@dataclass(frozen=True)
class Suggestion:
    commissioner_id: int
    name: str
    unit: str | None
    field: str | None
    score: int
    load: int
    reasons: tuple[str, ...]


def field_match(specialty: str | None, wanted: str | None) -> int:
    """2 = same field, 1 = partial (one contains the other or they share two characters), 0 = none."""
    a, b = normalize_text(specialty or ""), normalize_text(wanted or "")
    if not a or not b:
        return 0
    if a == b:
        return 2
    if a in b or b in a:
        return 1
    pairs = {a[i : i + 2] for i in range(len(a) - 1)}
    return 1 if any(b[i : i + 2] in pairs for i in range(len(b) - 1)) else 0


def _towns(session: Session, town_id: int | None, year: int) -> tuple[set[int], set[int]]:
    """Commissioners active in the town during the year, and those who served it before."""
    if town_id is None:
        return set(), set()
    here = Dispatch.town_id == town_id
    this_year = set(
        session.scalars(select(Dispatch.commissioner_id).where(here, in_year_condition(year)))
    )
    first, _last = year_bounds(year)
    before = set(
        session.scalars(
            select(Dispatch.commissioner_id).where(
                here, Dispatch.deleted_at.is_(None), Dispatch.start_on < first
            )
        )
    )
    return this_year, before - this_year


def _field_part(level: int, specialty: str | None) -> tuple[int, list[str]]:
    if level == 2:
        return EXACT_FIELD, [f"专业领域一致（{specialty}）"]
    if level == 1:
        return PARTIAL_FIELD, [f"专业领域相近（{specialty}）"]
    return 0, []


def _town_part(cid: int, this_year: set[int], before: set[int], town: str) -> tuple[int, list[str]]:
    if cid in this_year:
        return TOWN_THIS_YEAR, [f"本年度已在{town}服务"]
    if cid in before:
        return TOWN_BEFORE, [f"曾在{town}服务"]
    return 0, []


def _load_part(load: int) -> tuple[int, list[str]]:
    if load == 0:
        return 0, ["当前无在服对象"]
    return -LOAD_PENALTY * load, [f"当前在服对象{load}个"]


def suggest(
    session: Session, demand_id: int, year: int, today: date | None = None, limit: int = LIMIT
) -> list[Suggestion]:
    """The best commissioners (在岗, not deleted) for a demand, with the reasons in Chinese."""
    demand = fetch(session, Demand, demand_id, "需求不存在")
    today = today or date.today()
    loads = active_loads(session, today)
    this_year, before = _towns(session, demand.town_id, year)
    town_row = session.get(Town, demand.town_id) if demand.town_id else None
    town = town_row.name if town_row is not None else "本镇"
    out: list[Suggestion] = []
    stmt = select(Commissioner).where(
        Commissioner.deleted_at.is_(None), Commissioner.status == "在岗"
    )
    for c in session.scalars(stmt):
        load = loads.get(c.id, 0)
        parts = (
            _field_part(field_match(c.field, demand.field), c.field),
            _town_part(c.id, this_year, before, town),
            _load_part(load),
        )
        score = sum(p[0] for p in parts)
        reasons = tuple(r for p in parts for r in p[1])
        out.append(Suggestion(c.id, c.name, c.unit, c.field, score, load, reasons))
    out.sort(key=lambda s: (-s.score, s.load, s.name, s.commissioner_id))
    return out[:limit]
