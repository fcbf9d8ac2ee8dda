"""Demo indicators of the district's plans: the seeded indicators with a 2020 base and targets for
2021–2026, and the platform kinds by level. Every actual is computed from the demo's records (the
contract and result ledgers come from desktop/demo/contracts.py, filled after this).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.services.plans import indicators as ind
from db.services.plans.indicators_seeds import seed_indicators
from db.services.settings import set_count_target

BASE_YEAR = 2020
YEARS = range(2021, 2027)
COUNT_TARGETS = {2021: 60, 2022: 70, 2023: 80, 2024: 90, 2025: 100, 2026: 110}

# seeded code → department and targets 2021–2026
TARGETS: dict[str, tuple[str, tuple[float, ...]]] = {
    "rd_growth": ("区科技局、区统计局", (15, 15, 15, 15, 15, 15)),
    "rd_activity_rate": ("区科技局、区经信局", (60, 65, 70, 80, 90, 90)),
    "rd_institution_rate": ("区科技局、区经信局", (40, 50, 60, 70, 80, 80)),
    "platforms_provincial": ("区科技局", (10, 11, 13, 14, 16, 18)),
    "tech_contracts": ("区科技局", (6, 9, 12, 16, 20, 22)),
    "transferred_results": ("区科技局", (20, 40, 60, 80, 100, 110)),
}
# the ledgers' indicators: no contract before 2021 is in the demo, so the base is typed in
LEDGER_BASES: dict[str, float | None] = {"tech_contracts": 4.6, "transferred_results": None}
# code, name, source, department, targets 2021–2026
PLATFORM_KINDS: tuple[tuple[str, str, str, str, tuple[float, ...]], ...] = (
    (
        "platform_academician",
        "省级及以上院士工作站",
        "platforms:院士工作站:省级+",
        "区科协",
        (4, 5, 5, 5, 6, 6),
    ),
    (
        "platform_engineering",
        "省级及以上工程技术研究中心",
        "platforms:工程技术研究中心:省级+",
        "区科技局",
        (2, 2, 3, 3, 3, 4),
    ),
    (
        "platform_enterprise_tech",
        "省级及以上企业技术中心",
        "platforms:企业技术中心:省级+",
        "区经信局",
        (2, 2, 3, 3, 3, 4),
    ),
    ("platform_postdoc", "博士后工作站", "platforms:博士后工作站", "区人社局", (1, 1, 1, 2, 2, 2)),
)


def _targets(session: Session, code: str, goals: tuple[float, ...], operator: str) -> None:
    for year, goal in zip(YEARS, goals, strict=True):
        ind.set_target(session, code, year, goal, operator)


def _computed_base(session: Session, code: str, operator: str) -> None:
    """The base value of a computed indicator is its value on 31 Dec of the base year."""
    ind.update_indicator(session, code, {"base_year": BASE_YEAR}, operator)
    base = ind.indicator_value(session, code, BASE_YEAR).actual
    ind.update_indicator(session, code, {"base_value": base}, operator)


def _rd_base(session: Session, operator: str) -> None:
    """Figures start in 2023: the 2020 base is set as if 研发费用 had grown 15% a year since."""
    first = ind.indicator_value(session, "rd_expense", 2023).actual or 0.0
    base = round(first / 1.15**3, 1) or None
    for code in ("rd_expense", "rd_growth"):
        ind.update_indicator(session, code, {"base_year": BASE_YEAR, "base_value": base}, operator)


def _ledgers(session: Session, operator: str) -> None:
    for code, base in LEDGER_BASES.items():
        changes = {"base_year": BASE_YEAR, "base_value": base}
        ind.update_indicator(session, code, changes, operator)


def create_indicators(session: Session, operator: str) -> None:
    """The seeded indicators with bases and targets, the count targets, the platform kinds."""
    seed_indicators(session, operator)
    for year, target in COUNT_TARGETS.items():
        for key in ("high_tech", "tech_sme"):
            set_count_target(session, key, year, target, operator)
    for code in ("high_tech_count", "tech_sme_count", "platforms_provincial"):
        _computed_base(session, code, operator)
    _rd_base(session, operator)
    _ledgers(session, operator)
    for code, (department, goals) in TARGETS.items():
        ind.update_indicator(session, code, {"department": department}, operator)
        _targets(session, code, goals, operator)
    for code, name, source, department, goals in PLATFORM_KINDS:
        values = {"code": code, "name": name, "unit": "个", "source": source}
        ind.add_indicator(session, values | {"department": department}, operator)
        _computed_base(session, code, operator)
        _targets(session, code, goals, operator)
