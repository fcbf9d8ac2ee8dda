"""Demo 培育库 entries (spec/plans.md Cultivation), so that the screen and the counts are not empty.

Picked from the demo's own candidates, nothing random: for 2025 the candidates that pass every test
are 已申报 or 培育中, a few that nearly pass are 培育中; for 2024 some enterprises whose first
certificate came in 2025 (closed as 已认定 by close_recognised) and one 未通过; a 科小 batch for 2025.
Dated inside the demo's world (up to 2025-12-31).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from db.services.figures.counts import high_tech_first_ids
from db.services.plans import cultivation
from db.services.plans import cultivation_pipeline as pipeline

DEMO_TODAY = date(2025, 12, 31)
YEAR = 2025


def _ranked(session: Session, year: int) -> list[tuple[int, bool]]:
    """(enterprise id, passes every test) of the eligible candidates, the closest first."""
    found = cultivation.candidates(session, year)

    def shortfall(c: cultivation.Candidate) -> float:
        rd, staff, _ = found.tests(c)
        return (rd.gap or 0.0) + (staff.gap or 0.0) * 10 + (1e6 if rd.gap is None else 0.0)

    rows = sorted((c for c in found.rows if c.eligible), key=lambda c: (shortfall(c), c.name))
    return [(c.enterprise_id, found.passes_all(c)) for c in rows]


def create_cultivation(session: Session, operator: str) -> None:
    """A few pipeline entries of 2024 and 2025 on both tracks (audited like the clerk's)."""
    ranked = _ranked(session, YEAR)
    passing = [eid for eid, ok in ranked if ok]
    close = [eid for eid, ok in ranked if not ok]
    for n, eid in enumerate(passing[:6]):
        stage = "已申报" if n < 3 else "培育中"
        pipeline.add_entry(
            session,
            eid,
            YEAR,
            operator,
            stage=stage,
            on=date(2025, 4 + n, 10),
            note="达标，拟于2026年申报" if stage == "培育中" else "已提交2026年度认定申请",
            today=DEMO_TODAY,
        )
    for n, eid in enumerate(close[:6]):
        pipeline.add_entry(
            session,
            eid,
            YEAR,
            operator,
            on=date(2025, 6, 1 + n),
            note="研发投入不足，镇街跟踪辅导",
            today=DEMO_TODAY,
        )
    first_2025 = sorted(session.scalars(high_tech_first_ids(YEAR)))[:3]
    for eid in first_2025:  # cultivated in 2024, recognised in 2025
        pipeline.add_entry(
            session, eid, YEAR - 1, operator, stage="已申报", on=date(2024, 9, 1), today=DEMO_TODAY
        )
    failed = close[6:7]
    for eid in failed:
        entry = pipeline.add_entry(
            session, eid, YEAR - 1, operator, stage="已申报", on=date(2024, 8, 20), today=DEMO_TODAY
        )
        pipeline.set_stage(
            session,
            entry,
            "未通过",
            operator,
            on=date(2024, 12, 5),
            note="研发费用归集不规范",
            today=DEMO_TODAY,
        )
    for n, eid in enumerate(close[:4]):  # 科小 evaluation batch of 2025
        pipeline.add_entry(
            session,
            eid,
            YEAR,
            operator,
            track="tech_sme",
            on=date(2025, 3, 1 + n),
            today=DEMO_TODAY,
        )
    pipeline.close_recognised(session, operator)
