"""The 高企后备库 (培育库) of spec/plans.md: the candidates of a year with their tests and gaps.

Candidates for year Y (db/rules/cultivation.py holds the arithmetic): live enterprises with figures
for Y, founded `candidate_min_years` (setting) by 31 Dec Y or with no founding date on record, and
no 高新技术企业 certificate valid on 31 Dec Y+1 (queries.high_tech_valid_on) — so those expiring
are candidates again. An enterprise in the year's pipeline (cultivation_entries) is listed too when
it no longer qualifies (e.g. recognised since), with `eligible` False.

The stage is read in the same query: an open entry (培育中 / 已申报) whose enterprise has since got
what the track leads to — a 高新技术企业 certificate issued on or after 1 Jan of the entry's year, or
a 科技型中小企业 entry for the entry's year — reads 已认定 (cultivation_pipeline.close_recognised also
writes it). One statement for the whole list: no query per enterprise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import (
    Boolean,
    ColumnElement,
    and_,
    case,
    extract,
    func,
    join,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session, aliased

from db.models import CultivationEntry, Enterprise, EnterpriseYear, Qualification, Town
from db.rules import cultivation as rules
from db.rules.cultivation import CandidateTest, Thresholds
from db.services.queries import (
    HIGH_TECH,
    TECH_SME,
    high_tech_valid_on,
    tech_sme_in_year,
    type_id,
    unindexed,
)
from db.services.settings import get_settings
from db.services.versions import NOT_STORED


class Candidate(NamedTuple):
    """One row of the 后备库: the enterprise, its figures of Y (and Y−1, Y−2), its pipeline entry.

    A NamedTuple made straight from the query's row (the list may hold 100,000 of them); `tests`
    computes the tests on demand from the thresholds of the list.
    """

    enterprise_id: int
    uscc: str
    name: str
    town: str | None
    revenue: float | None  # 万元, year Y
    rd_expense: float | None
    employees: int | None
    rd_staff: int | None
    revenue_1: float | None  # Y−1
    rd_expense_1: float | None
    revenue_2: float | None  # Y−2
    rd_expense_2: float | None
    eligible: bool  # meets the candidate rule (False: only listed for its pipeline entry)
    entry_id: int | None
    stage: str | None  # 培育中 / 已申报 / 已认定 / 未通过 (derived), None outside the pipeline
    year: int
    tech_sme: bool  # a 科技型中小企业 entry for Y (from a set read beside the query)
    entered_on: date | None = None
    declared_on: date | None = None
    decided_on: date | None = None
    note: str | None = None
    entry_version: int = NOT_STORED  # what a stage change names (db/services/versions.py)

    @property
    def held(self) -> tuple[tuple[float | None, float | None], ...]:
        """(revenue, R&D expense) of Y, Y−1, Y−2."""
        return (
            (self.revenue, self.rd_expense),
            (self.revenue_1, self.rd_expense_1),
            (self.revenue_2, self.rd_expense_2),
        )

    def tests(self, t: Thresholds) -> tuple[CandidateTest, ...]:
        """R&D ratio, R&D staff ratio (required) and the 科技型中小企业 entry (加分项)."""
        return (
            rules.rd_test(self.year, self.revenue, self.held, t),
            rules.staff_test(self.employees, self.rd_staff, t),
            rules.tech_sme_test(self.tech_sme),
        )

    def year_rd_ratio(self) -> float | None:
        """R&D expense ÷ revenue of Y alone (%), None without a revenue."""
        if not self.revenue:
            return None
        return round((self.rd_expense or 0.0) / self.revenue * 100, 2)


@dataclass(frozen=True)
class CandidateList:
    """The candidates of a year (ordered by town, then name) and the thresholds they were tested on."""

    year: int
    track: str
    thresholds: Thresholds
    rows: tuple[Candidate, ...]

    def tests(self, c: Candidate) -> tuple[CandidateTest, ...]:
        """The tests of one candidate."""
        return c.tests(self.thresholds)

    def gap_text(self, c: Candidate) -> str:
        """What a candidate still lacks in words (全部达标 when nothing)."""
        return rules.gap_text(c.tests(self.thresholds))

    def passes_all(self, c: Candidate) -> bool:
        """Every required test passed."""
        return rules.passes_all(c.tests(self.thresholds))


def _entry_stage(entry: Any, track: str) -> Any:
    """The entry's stage as read: an open entry reads 已认定 once the certificate is in."""
    return case(
        (entry.id.is_(None), None),
        (
            and_(entry.stage.in_(rules.OPEN_STAGES), recognised_since(entry, track)),
            literal(rules.RECOGNISED),
        ),
        else_=entry.stage,
    )


def recognised_since(entry: Any, track: str) -> ColumnElement[bool]:
    """EXISTS: the entry's enterprise got what its track leads to in (or after) the entry's year.

    高企: a 高新技术企业 certificate (not deleted) issued in or after that year (its start of validity
    standing in for a missing issue date); 科小: a non-revoked 科技型中小企业 entry for that year.
    """
    if track == rules.TECH_SME_TRACK:
        condition = and_(
            Qualification.type_id == type_id(TECH_SME),
            Qualification.evaluation_year == entry.year,
            Qualification.revoked_on.is_(None),
        )
    else:
        issued = func.coalesce(Qualification.issued_on, Qualification.valid_from)
        condition = and_(
            Qualification.type_id == type_id(HIGH_TECH), extract("year", issued) >= entry.year
        )
    return (
        select(Qualification.id)
        .where(
            Qualification.enterprise_id == entry.enterprise_id,
            Qualification.deleted_at.is_(None),
            condition,
        )
        .exists()
    )


def _figures(year: int) -> Any:
    return aliased(EnterpriseYear, name=f"figures_{year}")


def _figure_select(year: int, base: Any) -> tuple[Any, Any]:
    """SELECT of Candidate's first columns (enterprise, town, figures of Y, Y−1, Y−2) from `base`
    (the enterprises, or the pipeline joined to them), and the alias of Y's figures."""
    y0, y1, y2 = (_figures(y) for y in rules.years_window(year))
    stmt = select(
        Enterprise.id,
        Enterprise.uscc,
        Enterprise.name,
        Town.name,
        y0.revenue,
        y0.rd_expense,
        y0.employees,
        y0.rd_staff,
        y1.revenue,
        y1.rd_expense,
        y2.revenue,
        y2.rd_expense,
    ).select_from(base.outerjoin(Town, Town.id == Enterprise.town_id))
    for alias, y in zip((y0, y1, y2), rules.years_window(year), strict=True):
        stmt = stmt.outerjoin(alias, and_(alias.enterprise_id == Enterprise.id, alias.year == y))
    return stmt, y0


def _candidate_rule(year: int, t: Thresholds, y0: Any) -> ColumnElement[bool]:
    """Figures for Y, founded `min_years` by 31 Dec Y (or unknown), no certificate valid 31 Dec Y+1."""
    founded = or_(
        Enterprise.founded_on.is_(None),
        Enterprise.founded_on <= rules.founded_by(year, t.min_years),
    )
    certified = (
        select(Qualification.id)
        .where(
            Qualification.enterprise_id == Enterprise.id,
            high_tech_valid_on(date(year + 1, 12, 31), covering=True),
        )
        .exists()
    )
    return and_(y0.id.is_not(None), founded, ~certified)


def candidate_statement(
    year: int, t: Thresholds, *, town: str | None = None, pipeline: str | None = None
) -> Any:
    """The SELECT of the 后备库's candidates — or, with `pipeline` (a track), of its entries.

    Candidates: one scan of the enterprises, a few index probes each (figures of three years, a
    certificate). Entries: the year's pipeline with the entry's id, stage as read, dates, note and
    whether the enterprise also meets the candidate rule. Unordered (`_rows` sorts).
    """
    if pipeline is None:
        stmt, y0 = _figure_select(year, Enterprise.__table__)
        stmt = stmt.where(_candidate_rule(year, t, y0))
    else:
        entry = aliased(CultivationEntry, name="entry")
        base = join(entry, Enterprise, Enterprise.id == entry.enterprise_id)
        stmt, y0 = _figure_select(year, base)
        stmt = stmt.add_columns(
            type_coerce(_candidate_rule(year, t, y0), Boolean),
            entry.id,
            _entry_stage(entry, pipeline),
            entry.entered_on,
            entry.declared_on,
            entry.decided_on,
            entry.note,
            entry.version,
        ).where(entry.track == pipeline, entry.year == year, entry.deleted_at.is_(None))
    stmt = stmt.where(unindexed(Enterprise.deleted_at).is_(None))
    return stmt if town is None else stmt.where(Town.name == town)


def thresholds(session: Session) -> Thresholds:
    """The candidate thresholds of the bureau's settings."""
    return Thresholds.of(get_settings(session))


def _town_ranks(session: Session) -> dict[str | None, int]:
    """Town name → display position (no town last)."""
    names = session.scalars(select(Town.name).order_by(Town.sort_order, Town.id))
    ranks: dict[str | None, int] = {name: n for n, name in enumerate(names)}
    ranks[None] = len(ranks)
    return ranks


def _tech_sme_ids(session: Session, year: int) -> set[int]:
    stmt = select(Qualification.enterprise_id).where(tech_sme_in_year(year))
    return set(session.connection().execute(stmt).scalars())


def _rows(
    session: Session,
    year: int,
    t: Thresholds,
    track: str,
    *,
    town: str | None = None,
    entries_only: bool = False,
    where: ColumnElement[bool] | None = None,
) -> list[Candidate]:
    """The candidates and the pipeline's entries as Candidates, by town (display order) and name."""
    sme = _tech_sme_ids(session, year)
    conn = session.connection()  # Core rows, not ORM ones: a third less work for 100,000 rows
    listed = candidate_statement(year, t, town=town, pipeline=track)
    if where is not None:
        listed = listed.where(where)
    make = Candidate._make
    out: list[Candidate] = []
    in_pipeline: set[int] = set()
    for row in conn.execute(listed).all():
        eid = row[0]
        in_pipeline.add(eid)
        values = tuple(row)
        out.append(make((*values[:-5], year, eid in sme, *values[-5:])))
    if not entries_only:
        stmt = candidate_statement(year, t, town=town)
        if where is not None:
            stmt = stmt.where(where)
        blank = (None, None, None, None, NOT_STORED)  # no entry: no dates, no note, no version
        outside = {
            sme_flag: (True, None, None, year, sme_flag, *blank) for sme_flag in (True, False)
        }
        out.extend(
            make(tuple(row) + outside[row[0] in sme])
            for row in conn.execute(stmt).all()
            if row[0] not in in_pipeline
        )
    ranks = _town_ranks(session)
    # Sorting here costs a fifth of what SQLite's ORDER BY would on the same rows: by name, then
    # (stable) by town; rows came in id order, so namesakes stay in id order.
    out.sort(key=itemgetter(2))
    out.sort(key=lambda c: ranks.get(c[3], 0))
    return out


def candidates(
    session: Session,
    year: int,
    *,
    town: str | None = None,
    track: str = rules.HIGH_TECH_TRACK,
    entries_only: bool = False,
) -> CandidateList:
    """The 后备库 of `year` (town: one town's), stages from `track`'s pipeline.

    One SELECT for the candidates and their figures, one for the year's pipeline entries, and a
    small set read of the year's 科小 — never a query per enterprise. `entries_only`: the
    pipeline alone.
    """
    if track not in rules.TRACKS:
        raise ValueError(track)
    t = thresholds(session)
    rows = _rows(session, year, t, track, town=town, entries_only=entries_only)
    return CandidateList(year, track, t, tuple(rows))


def candidate_of(
    session: Session, enterprise_id: int, year: int, *, track: str = rules.HIGH_TECH_TRACK
) -> Candidate | None:
    """One enterprise's row of the 后备库 (None when it is neither a candidate nor in the pipeline)."""
    found = _rows(session, year, thresholds(session), track, where=Enterprise.id == enterprise_id)
    return found[0] if found else None
