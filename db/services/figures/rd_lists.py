"""The 两清零一提升 lists (thresholds are settings): list A = 规上工业企业 with revenue ≥ A and R&D
activity reported as none; list B = revenue ≥ B and R&D institution reported as none (as in the
两清零 return; unreported is not listed)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Enterprise, EnterpriseYear
from db.services.figures.returns_data import RdRow, above_scale_figures
from db.services.settings import get_settings


def rd_lists(
    session: Session, year: int, a_revenue: float, b_revenue: float
) -> tuple[list[RdRow], list[RdRow]]:
    """两清零 lists A and B of a year's figures (the row source of the 两清零 return)."""
    rows = above_scale_figures(session, year, None, min(a_revenue, b_revenue))
    list_a = [r for r in rows if (r.revenue or 0.0) >= a_revenue and r.rd_activity is False]
    list_b = [r for r in rows if (r.revenue or 0.0) >= b_revenue and r.rd_institution is False]
    return list_a, list_b


def latest_figures_year(session: Session, until: int | None = None) -> int | None:
    """The latest year (≤ `until`) with figures of a 规上工业企业: where the lists start (the
    current year has no figures until they are reported the next spring). None when none."""
    stmt = (
        select(func.max(EnterpriseYear.year))
        .join(Enterprise, Enterprise.id == EnterpriseYear.enterprise_id)
        .where(Enterprise.deleted_at.is_(None), Enterprise.above_scale.is_(True))
    )
    if until is not None:
        stmt = stmt.where(EnterpriseYear.year <= until)
    found = session.scalar(stmt)
    return None if found is None else int(found)


# ----- the 两清零一提升 lists in full -----


@dataclass(frozen=True)
class RdListRow:
    enterprise_id: int
    name: str
    uscc: str
    town: str | None
    revenue: float | None
    rd_expense: float | None
    rd_activity: bool | None
    rd_institution: bool | None


@dataclass(frozen=True)
class RdLists:
    year: int
    a_revenue: float
    b_revenue: float
    list_a: tuple[RdListRow, ...]
    list_b: tuple[RdListRow, ...]


def _usccs(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    stmt = select(Enterprise.id, Enterprise.uscc).where(Enterprise.id.in_(ids))
    return {int(eid): uscc for eid, uscc in session.execute(stmt)}


def rd_list_details(session: Session, year: int) -> RdLists:
    """Lists A and B of a year's figures with the thresholds of the settings (for the screen)."""
    settings = get_settings(session)
    a, b = settings.rd_list_a_revenue, settings.rd_list_b_revenue
    list_a, list_b = rd_lists(session, year, a, b)
    codes = _usccs(session, {r.enterprise_id for r in list_a + list_b})

    def rows(found: list[RdRow]) -> tuple[RdListRow, ...]:
        return tuple(
            RdListRow(
                r.enterprise_id,
                r.name,
                codes.get(r.enterprise_id, ""),
                r.town,
                r.revenue,
                r.rd_expense,
                r.rd_activity,
                r.rd_institution,
            )
            for r in found
        )

    return RdLists(year, a, b, rows(list_a), rows(list_b))
