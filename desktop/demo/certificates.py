"""Demo qualifications: high-tech certificates with renewals, tech-SME entries and the ladder's top.

Validity windows are computed with db/rules/validity.py exactly as the qualifications service does.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from db.models import Qualification
from db.rules.validity import validity_window
from db.services.enterprises.qualifications import QualificationTypeView, list_types
from db.services.settings import get_settings
from desktop.demo import pools
from desktop.demo.bulk import Row, created_fields, insert_rows, next_id
from desktop.demo.roster import DemoEnterprise

# Certificates issued each year (Anhui issues them in October–December).
HIGH_TECH_BATCHES = {2019: 20, 2020: 25, 2021: 30, 2022: 32, 2023: 33, 2024: 33, 2025: 35}
RENEWAL_RATE = 0.72
# Tech-SME entries per evaluation year (2026 is still being registered).
TECH_SME_ENTRIES = {
    2019: 46,
    2020: 57,
    2021: 66,
    2022: 77,
    2023: 86,
    2024: 95,
    2025: 106,
    2026: 84,
}
TECH_SME_MAX_REVENUE = 20000.0  # 万元; larger enterprises are not SMEs
REVOKED = (
    (2023, date(2025, 4, 15), "复核认定不符合条件,取消高新技术企业资格"),
    (2024, date(2025, 8, 20), "发生重大安全事故,取消高新技术企业资格"),  # NFKC, as stored
)
# type code, level, issue dates (one enterprise each)
OTHER_TITLES: tuple[tuple[str, str | None, tuple[date, ...]], ...] = (
    (
        "innovative_sme",
        "省级",
        (date(2022, 9, 26),) * 3
        + (date(2023, 8, 30),) * 3
        + (date(2024, 9, 12),) * 3
        + (date(2025, 8, 28),) * 3,
    ),
    (
        "specialized_sme",
        "省级",
        (date(2021, 12, 20), date(2022, 12, 26), date(2023, 12, 18), date(2023, 12, 18))
        + (date(2024, 12, 10),) * 2
        + (date(2025, 11, 27),) * 2,
    ),
    ("little_giant", "国家级", (date(2023, 7, 14), date(2024, 8, 2), date(2025, 7, 25))),
    ("gazelle", "省级", (date(2025, 5, 20),)),
    ("gazelle", "市级", (date(2025, 9, 16),)),
    ("listed_high_tech", None, (date(2021, 6, 18),)),
    ("tech_leader", "省级", (date(2024, 11, 8),)),
)


@dataclass(frozen=True)
class Certificate:
    """One high-tech certificate of the demo (before insertion)."""

    enterprise: DemoEnterprise
    issued_on: date


class Qualifier:
    """Builds qualification rows with their validity computed from the catalogue's rules."""

    def __init__(self, session: Session, first_id: int) -> None:
        self.types = {t.code: t for t in list_types(session)}
        self.last_day_included = get_settings(session).hte_last_day_included
        self.rows: list[Row] = []
        self._next = first_id

    def add(
        self,
        code: str,
        e: DemoEnterprise,
        *,
        number: str | None = None,
        level: str | None = None,
        issued_on: date | None = None,
        year: int | None = None,
    ) -> Row:
        """A qualification row; valid_from/valid_through follow the type's validity rule."""
        t: QualificationTypeView = self.types[code]
        start, through = validity_window(t.rule, issued_on, year, self.last_day_included)
        row: Row = {
            "id": self._next,
            "enterprise_id": e.id,
            "type_id": t.id,
            "number": number,
            "level": level,
            "issued_on": issued_on,
            "evaluation_year": year,
            "valid_from": start,
            "valid_through": through,
            "revoked_on": None,
            "revoke_reason": None,
        }
        self._next += 1
        self.rows.append(row)
        return row


def _batch_dates(rng: random.Random, year: int) -> list[date]:
    months = (10, 11, 12)
    return sorted(date(year, m, rng.randrange(8, 29)) for m in rng.sample(months, 2))


def _high_tech_holders(
    rng: random.Random, roster: list[DemoEnterprise]
) -> dict[int, list[DemoEnterprise]]:
    """Holders of each year's batch: renewals of the batch three years before, then newcomers."""
    ranked = sorted((e for e in roster if e.score > 0), key=lambda e: -e.score)
    used: set[int] = set()
    holders: dict[int, list[DemoEnterprise]] = {}
    for year, size in HIGH_TECH_BATCHES.items():
        renewals = [e for e in holders.get(year - 3, []) if rng.random() < RENEWAL_RATE]
        fresh = [e for e in ranked if e.id not in used and e.founded.year < year]
        picked = renewals + _noisy_take(rng, fresh, size - len(renewals))
        used.update(e.id for e in picked)
        holders[year] = picked
    return holders


def _noisy_take(rng: random.Random, ranked: list[DemoEnterprise], n: int) -> list[DemoEnterprise]:
    """Mostly the best ranked, sometimes skipping one, so the lists look less mechanical."""
    out: list[DemoEnterprise] = []
    for e in ranked:
        if len(out) >= n:
            break
        if rng.random() < 0.8:
            out.append(e)
    return out


def _numbers(rng: random.Random, count: int, low: int, high: int) -> list[int]:
    return sorted(rng.sample(range(low, high), count))


def add_high_tech(rng: random.Random, q: Qualifier, roster: list[DemoEnterprise]) -> set[int]:
    """高新技术企业 certificates 2019–2025 with renewals; returns the ids of every holder."""
    holders = _high_tech_holders(rng, roster)
    for year, batch in holders.items():
        dates = _batch_dates(rng, year)
        numbers = _numbers(rng, len(batch), 1, 3000)
        for i, e in enumerate(batch):
            issued = dates[0] if i < len(batch) * 0.6 else dates[1]
            number = f"GR{year}34{numbers[i]:06d}"
            q.add("high_tech", e, number=number, level="国家级", issued_on=issued)
    _revoke(rng, q)
    return {e.id for batch in holders.values() for e in batch}


def _revoke(rng: random.Random, q: Qualifier) -> None:
    for year, on, reason in REVOKED:
        batch = [
            r
            for r in q.rows
            if r["number"] and str(r["number"]).startswith(f"GR{year}") and not r["revoked_on"]
        ]
        row = rng.choice(batch)
        row["revoked_on"], row["revoke_reason"] = on, reason


def add_tech_sme(
    rng: random.Random, q: Qualifier, roster: list[DemoEnterprise], high_tech: set[int]
) -> None:
    """科技型中小企业 entries per evaluation year: most stay from year to year, others join."""
    eligible = sorted(
        (e for e in roster if e.score > 0 and e.revenue <= TECH_SME_MAX_REVENUE),
        key=lambda e: -(e.score + (0.3 if e.id in high_tech else 0.0)),
    )
    previous: list[DemoEnterprise] = []
    for year, size in TECH_SME_ENTRIES.items():
        kept = [e for e in previous if rng.random() < 0.86][:size]
        kept_ids = {e.id for e in kept}
        fresh = [e for e in eligible if e.id not in kept_ids and e.founded.year < year]
        entries = sorted(kept + _noisy_take(rng, fresh, size - len(kept)), key=lambda e: e.id)
        numbers = _numbers(rng, len(entries), 1000000, 9999999)
        for e, n in zip(entries, numbers, strict=True):
            registered = pools.day_between(rng, date(year, 3, 1), date(year, 6, 30))
            number = f"{year}341602A{n:07d}"
            q.add("tech_sme", e, number=number, level="省级", issued_on=registered, year=year)
        previous = entries


def add_titles(rng: random.Random, q: Qualifier, roster: list[DemoEnterprise]) -> None:
    """The ladder's upper stages: innovative / specialised SMEs, little giants, gazelles, leaders."""
    by_id = {e.id: e for e in roster}
    holders = sorted({int(r["enterprise_id"]) for r in q.rows if r["number"]})
    ranked = sorted((by_id[i] for i in holders), key=lambda e: -(e.score + e.revenue / 80000))
    total = sum(len(d) for _c, _l, d in OTHER_TITLES)
    # Weaker enterprises first, so the last titles of the catalogue go to the strongest.
    order = list(reversed(ranked[:total])) + ranked[total:]
    used: set[int] = set()
    for code, level, dates in OTHER_TITLES:
        for issued in dates:
            e = _listed(ranked, used) if code == "listed_high_tech" else None
            e = e or next(x for x in order if x.id not in used)
            used.add(e.id)
            q.add(code, e, level=level, issued_on=issued)


def _listed(ranked: list[DemoEnterprise], used: set[int]) -> DemoEnterprise | None:
    """A listed company is a joint-stock company (股份有限公司)."""
    return next((e for e in ranked if e.id not in used and e.name.endswith("股份有限公司")), None)


def create_qualifications(
    session: Session, rng: random.Random, roster: list[DemoEnterprise], operator: str
) -> set[int]:
    """Insert every demo qualification; returns the ids of enterprises that ever held one."""
    q = Qualifier(session, next_id(session, Qualification))
    high_tech = add_high_tech(rng, q, roster)
    add_tech_sme(rng, q, roster, high_tech)
    add_titles(rng, q, roster)
    insert_rows(session, Qualification, q.rows)
    fields = ("enterprise_id", "type_id", "number", "level", "issued_on", "evaluation_year")
    created_fields(session, operator, "qualification", q.rows, fields)
    return {int(r["enterprise_id"]) for r in q.rows}
