"""What a figure of 首页 counts, and the enterprises behind it when it is clicked.

Each figure carries a small Selector naming what it counts; `ids_for(session, selector)` lists
exactly the enterprises the roster then shows. The conditions here are shared with the counts
of db/services/figures/dashboard.py (built on db/services/queries.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.orm import Session, aliased

from db.models import Enterprise, EnterpriseYear, Qualification
from db.services.figures.counts import high_tech_ids, tech_sme_ids
from db.services.queries import HIGH_TECH as HIGH_TECH_CODE
from db.services.queries import (
    dates_cover,
    ladder_stages,
    live_enterprise,
    not_revoked_on,
    type_id,
)

LIVE = "live"
HIGH_TECH = "high_tech"
TECH_SME = "tech_sme"
BOTH = "both"
EXPIRING = "expiring"
LAPSED = "lapsed"
RD_LIST_A = "rd_a"
RD_LIST_B = "rd_b"
LADDER = "ladder"
ONE = "one"


@dataclass(frozen=True)
class Selector:
    """What a figure counts; `ids_for` turns it into the ids of those enterprises.

    kind and its parameters: LIVE; HIGH_TECH (on); TECH_SME (year); BOTH (on, year); EXPIRING
    (on, days); LAPSED (on: lapsed in its year before it, not renewed); RD_LIST_A / RD_LIST_B (year, revenue threshold); LADDER (on, stage); ONE
    (enterprise_id). With by_town only the enterprises of town_id (None = without a town).
    """

    kind: str
    on: date | None = None
    year: int | None = None
    days: int | None = None
    stage: int | None = None
    revenue: float | None = None
    enterprise_id: int | None = None
    by_town: bool = False
    town_id: int | None = None

    def in_town(self, town_id: int | None) -> Selector:
        """The same figure restricted to one town (None = enterprises without a town)."""
        return replace(self, by_town=True, town_id=town_id)

    def district(self) -> Selector:
        """The same figure for the whole district."""
        return replace(self, by_town=False, town_id=None)


@dataclass(frozen=True)
class Figure:
    """A count of enterprises and the selector that lists them (ids_for)."""

    value: int
    selector: Selector


def one_enterprise(enterprise_id: int) -> Figure:
    """A figure of a single enterprise (a row of the expiring list)."""
    return Figure(1, Selector(ONE, enterprise_id=enterprise_id))


def district_total(figures: Iterable[Figure]) -> Figure:
    """The sum of the same figure over every town (each enterprise is in exactly one town)."""
    found = list(figures)
    if not found:
        return Figure(0, Selector(LIVE))
    return Figure(sum(f.value for f in found), found[0].selector.district())


# ----- conditions shared by the counts and the id lists -----


def of_live(enterprise_id: Any) -> ColumnElement[bool]:
    """The enterprise is not deleted (cheap: deleted ids are few and indexed)."""
    deleted = select(Enterprise.id).where(Enterprise.deleted_at.is_not(None))
    return enterprise_id.not_in(deleted)  # type: ignore[no-any-return]


def dates_valid(on: date) -> ColumnElement[bool]:
    """valid_on's dates and revocation (type and deletion are checked by the caller)."""
    return and_(dates_cover(on, covering=True), not_revoked_on(on))


def _high_tech_certificates() -> Select[Any]:
    """Live high-tech certificates of live enterprises (columns to add)."""
    return (
        select()
        .select_from(Qualification)
        .where(
            Qualification.type_id == type_id(HIGH_TECH_CODE),
            Qualification.deleted_at.is_(None),
            of_live(Qualification.enterprise_id),
        )
    )


def _renewed(end: date) -> Any:
    """The enterprise already holds a certificate (not revoked) ending after `end`."""
    later = aliased(Qualification)
    return (
        select(later.id)
        .where(
            later.enterprise_id == Qualification.enterprise_id,
            later.type_id == type_id(HIGH_TECH_CODE),
            later.deleted_at.is_(None),
            later.revoked_on.is_(None),
            later.valid_through > end,
        )
        .correlate(Qualification)
        .exists()
    )


def expiring_certificates(on: date, days: int) -> Select[Any]:
    """Certificates valid on `on`, not revoked, ending by on + days, of firms not yet renewed.

    An enterprise has one exactly when its latest valid certificate ends in the window: a later
    one would be a renewal.
    """
    end = on + timedelta(days=days)
    return _high_tech_certificates().where(
        Qualification.revoked_on.is_(None),
        dates_cover(on, covering=True),
        Qualification.valid_through.between(on, end),
        ~_renewed(end),
    )


def lapsed_certificates(on: date) -> Select[Any]:
    """Certificates (not revoked) that ended in `on`'s year before `on`, of firms not re-certified.

    The 到期预警 return's 已到期 rows (returns_data.high_tech_expiring, renewed_certificates): its
    year is `on`'s, and an enterprise is re-certified when it holds a certificate (not revoked)
    issued after the lapsed one.
    """
    later = aliased(Qualification)
    renewed = (
        select(later.id)
        .where(
            later.type_id == type_id(HIGH_TECH_CODE),
            later.enterprise_id == Qualification.enterprise_id,
            later.id != Qualification.id,  # from the index: most firms have no other one
            later.deleted_at.is_(None),
            later.revoked_on.is_(None),
            later.issued_on > Qualification.issued_on,
        )
        .correlate(Qualification)
        .exists()
    )
    return _high_tech_certificates().where(
        Qualification.revoked_on.is_(None),
        Qualification.valid_through >= date(on.year, 1, 1),
        Qualification.valid_through < on,
        ~renewed,
    )


def rd_figures(year: int) -> Select[Any]:
    """Figures of a year of live 规上工业企业 (the row source of the 两清零 return)."""
    return (
        select()
        .select_from(EnterpriseYear)
        .join(Enterprise, Enterprise.id == EnterpriseYear.enterprise_id)
        .where(EnterpriseYear.year == year, Enterprise.above_scale.is_(True), live_enterprise())
    )


def rd_condition(kind: str, revenue: float) -> ColumnElement[bool]:
    flag = EnterpriseYear.rd_activity if kind == RD_LIST_A else EnterpriseYear.rd_institution
    return and_(EnterpriseYear.revenue >= revenue, flag.is_(False))


# ----- id lists (on click) -----


def _selected(s: Selector) -> Select[Any]:
    """A SELECT of the enterprise ids of a selector (before the town restriction)."""
    if s.kind == LIVE:
        return select(Enterprise.id).where(live_enterprise())
    if s.kind == HIGH_TECH and s.on is not None:
        return high_tech_ids(s.on)
    if s.kind == TECH_SME and s.year is not None:
        return tech_sme_ids(s.year)
    if s.kind == BOTH and s.on is not None and s.year is not None:
        return high_tech_ids(s.on).intersect(tech_sme_ids(s.year))  # type: ignore[return-value]
    if s.kind == EXPIRING and s.on is not None and s.days is not None:
        return expiring_certificates(s.on, s.days).add_columns(Qualification.enterprise_id)
    if s.kind == LAPSED and s.on is not None:
        return lapsed_certificates(s.on).add_columns(Qualification.enterprise_id)
    if s.kind in (RD_LIST_A, RD_LIST_B) and s.year is not None and s.revenue is not None:
        cond = rd_condition(s.kind, s.revenue)
        return rd_figures(s.year).add_columns(EnterpriseYear.enterprise_id).where(cond)
    if s.kind == LADDER and s.on is not None and s.stage is not None:
        return _ladder_ids(s.on, s.stage)
    if s.kind == ONE and s.enterprise_id is not None:
        return select(Enterprise.id).where(Enterprise.id == s.enterprise_id)
    raise ValueError(f"incomplete selector {s!r}")


def _ladder_ids(on: date, stage: int) -> Select[Any]:
    stages = ladder_stages(on, extra=of_live(Qualification.enterprise_id))
    if stage:
        return select(stages.c.enterprise_id).where(stages.c.stage == stage)
    ranked = select(stages.c.enterprise_id).where(stages.c.stage != 0)
    return select(Enterprise.id).where(live_enterprise(), Enterprise.id.not_in(ranked))


def ids_for(session: Session, selector: Selector) -> list[int]:
    """The ids (ascending) of the enterprises behind a figure: what a click shows in the roster."""
    sub = _selected(selector).subquery()
    eid = sub.c[0]
    stmt = select(eid).distinct().join(Enterprise, Enterprise.id == eid).order_by(eid)
    if selector.by_town:
        town = selector.town_id
        stmt = stmt.where(
            Enterprise.town_id.is_(None) if town is None else Enterprise.town_id == town
        )
    return [int(i) for i in session.scalars(stmt)]
