"""The demo roster: ~800 fictional enterprises of the district and their 2023–2025 figures."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from db.models import Enterprise, EnterpriseYear
from db.services.enterprises.search_text import pinyin_initials, search_text
from desktop.demo import pools
from desktop.demo.bulk import Row, created_fields, insert_rows, next_id

ENTERPRISES = 800
ABOVE_SCALE_SHARE = 0.25
YEARS = (2023, 2024, 2025)
GIANTS = 8  # above-scale enterprises with revenue ≥ 5亿
LARGE = 26  # above-scale enterprises with revenue 1亿–5亿
# Enterprises without R&D activity (list A) / institution (list B), per year: fewer each year.
LIST_A = {2023: 11, 2024: 8, 2025: 5}
LIST_B = {2023: 6, 2024: 4, 2025: 3}
AUDITED = ("name", "uscc", "town_id", "address", "founded_on", "industry", "legal_rep", "phone")


@dataclass
class DemoEnterprise:
    """What the later steps need to know about one generated enterprise."""

    id: int
    name: str
    town_id: int
    industry: str
    founded: date
    above_scale: bool
    revenue: float  # 2025, 万元
    score: float  # propensity to innovate; qualifications go to the highest
    laggard_from: dict[str, int] = field(default_factory=dict)  # list -> first year off the list

    def on_list(self, which: str, year: int) -> bool:
        """Whether the enterprise is on list A or B of 两清零 in a year."""
        until = self.laggard_from.get(which)
        return until is not None and year < until

    @property
    def short(self) -> str:
        """The name without its legal form, for platforms and places."""
        for suffix in ("股份有限公司", "有限责任公司", "有限公司"):
            if self.name.endswith(suffix):
                return self.name[: -len(suffix)]
        return self.name


def _name(rng: random.Random, word: str, above: bool, used: set[str]) -> str:
    while True:
        prefix = rng.choices(pools.NAME_PREFIXES, pools.PREFIX_WEIGHTS)[0]
        core = prefix + rng.choice(pools.NAME_WORDS) + word
        if core not in used:
            used.add(core)
            break
    roll = rng.random()
    if above and roll < 0.2:
        return core + "股份有限公司"
    return core + ("有限责任公司" if roll > 0.85 else "有限公司")


def _founded(rng: random.Random) -> date:
    year = rng.choices(range(1998, 2025), [1 + (y - 1998) // 3 for y in range(1998, 2025)])[0]
    return pools.day_between(rng, date(year, 1, 1), date(year, 12, 28))


def _revenue(rng: random.Random, above: bool, rank: int) -> float:
    if not above:
        return round(min(max(math.exp(rng.gauss(math.log(500), 0.7)), 200.0), 1990.0), 1)
    if rank < GIANTS:
        return round(rng.uniform(50000, 80000), 1)
    if rank < GIANTS + LARGE:
        return round(rng.uniform(10000, 48000), 1)
    return round(min(max(math.exp(rng.gauss(math.log(4500), 0.5)), 2000.0), 9800.0), 1)


def _address(rng: random.Random, town: str) -> str:
    if rng.random() < 0.35:
        return f"安徽省亳州市谯城区{town}工业园区{rng.randrange(1, 60)}号"
    return f"安徽省亳州市谯城区{town}{rng.choice(pools.ROADS)}{rng.randrange(1, 999)}号"


def _enterprise_row(
    rng: random.Random, eid: int, town_ids: dict[str, int], used: set[str], above_rank: int
) -> tuple[Row, DemoEnterprise]:
    word, industry, _w, bias, industrial = rng.choices(
        pools.INDUSTRIES, [i[2] for i in pools.INDUSTRIES]
    )[0]
    above = industrial and above_rank >= 0
    founded = _founded(rng)
    if above and founded.year > 2021:
        founded = founded.replace(year=rng.randrange(2003, 2020))
    town = rng.choices(pools.TOWNS, pools.TOWN_WEIGHTS)[0]
    name = _name(rng, word, above, used)
    rep_male = rng.random() < 0.78
    legal_rep = pools.person_name(rng, rep_male)
    contact = legal_rep if rng.random() < 0.5 else pools.person_name(rng, rng.random() < 0.5)
    row: Row = {
        "id": eid,
        "name": name,
        "town_id": town_ids[town],
        "address": _address(rng, town),
        "founded_on": founded,
        "industry": industry,
        "legal_rep": legal_rep,
        "contact": contact,
        "phone": pools.mobile(rng) if rng.random() < 0.8 else pools.landline(rng),
        "above_scale": above,
        "note": None,
    }
    revenue = _revenue(rng, above, above_rank)
    score = bias * rng.random() + (0.15 if above else 0.0)
    demo = DemoEnterprise(eid, name, town_ids[town], industry, founded, above, revenue, score)
    return row, demo


def _codes(rng: random.Random, rows: list[Row]) -> None:
    seen: set[str] = set()
    for row in rows:
        region = "341602" if rng.random() < 0.85 else "341600"
        code = pools.uscc(rng, row["founded_on"], region)
        while code in seen:
            code = pools.uscc(rng, row["founded_on"], region)
        seen.add(code)
        row["uscc"] = code
        row["search_text"] = search_text(row["name"], code)
        row["pinyin_initials"] = pinyin_initials(row["name"])


def _mark_laggards(rng: random.Random, roster: list[DemoEnterprise]) -> None:
    """Choose the enterprises of lists A and B; they hold no qualification."""
    big = [e for e in roster if e.above_scale and e.revenue >= 10000]
    giants = [e for e in big if e.revenue >= 50000]
    for which, sizes, pool in (("B", LIST_B, giants), ("A", LIST_A, big)):
        chosen = rng.sample([e for e in pool if not e.laggard_from], sizes[2023])
        for i, e in enumerate(chosen):
            e.laggard_from[which] = next((y + 1 for y in (2023, 2024) if i >= sizes[y + 1]), 2026)
            e.score = -1.0


def create_roster(
    session: Session, rng: random.Random, town_ids: dict[str, int], operator: str
) -> list[DemoEnterprise]:
    """Insert the enterprises (with search columns) and one audit trail per enterprise."""
    first = next_id(session, Enterprise)
    used: set[str] = set()
    rows: list[Row] = []
    roster: list[DemoEnterprise] = []
    above_seen = 0
    for i in range(ENTERPRISES):
        above_rank = above_seen if rng.random() < ABOVE_SCALE_SHARE / 0.8 else -1
        row, demo = _enterprise_row(rng, first + i, town_ids, used, above_rank)
        above_seen += int(demo.above_scale)
        rows.append(row)
        roster.append(demo)
    _codes(rng, rows)
    _mark_laggards(rng, roster)
    insert_rows(session, Enterprise, rows)
    created_fields(session, operator, "enterprise", rows, AUDITED)
    return roster


def _flags(
    rng: random.Random, e: DemoEnterprise, year: int, revenue: float, qualified: bool
) -> tuple[bool, bool]:
    if e.on_list("A", year):
        return False, False
    if e.on_list("B", year):
        return True, False
    if revenue >= 50000 and e.above_scale:
        return True, True
    if qualified or e.laggard_from or (e.above_scale and revenue >= 10000):
        return True, rng.random() < 0.55
    activity = rng.random() < (0.7 if e.above_scale else 0.3)
    return activity, activity and rng.random() < 0.4


def _year_row(
    rng: random.Random, e: DemoEnterprise, year: int, revenue: float, qualified: bool
) -> Row:
    activity, institution = _flags(rng, e, year, revenue, qualified)
    per_head = rng.uniform(60, 150) if e.above_scale else rng.uniform(25, 80)
    employees = max(int(revenue / per_head), 20 if e.above_scale else 3)
    share = rng.uniform(0.031, 0.06) if qualified else rng.uniform(0.005, 0.03)
    return {
        "enterprise_id": e.id,
        "year": year,
        "revenue": round(revenue, 1),
        "rd_expense": round(revenue * share, 1) if activity else 0.0,
        "employees": employees,
        "rd_staff": max(1, int(employees * rng.uniform(0.06, 0.2))) if activity else 0,
        "rd_activity": activity,
        "rd_institution": institution,
    }


def create_years(
    session: Session, rng: random.Random, roster: list[DemoEnterprise], qualified: set[int]
) -> None:
    """Insert 2023–2025 figures; revenue grows towards its 2025 value (万元)."""
    rows: list[Row] = []
    for e in roster:
        revenue = e.revenue
        for year in sorted(YEARS, reverse=True):
            if e.founded.year >= year:
                break
            rows.append(_year_row(rng, e, year, revenue, e.id in qualified))
            revenue = revenue / (1 + rng.gauss(0.08, 0.1))
            if e.above_scale and e.revenue >= 10000:
                revenue = max(revenue, 10000.0 if e.revenue < 50000 else 50000.0)
    rows.sort(key=lambda r: (r["enterprise_id"], r["year"]))
    insert_rows(session, EnterpriseYear, rows)
