"""The enterprise roster: filtered, sorted id lists and page rows, all computed in SQL.

The roster screen holds ids only; this module turns a filter and a sort key into the ordered ids
(one indexed query) and a page of ids into display rows (one query plus the certificates).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, Text, exists, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from db.models import Enterprise, EnterpriseYear, Qualification, QualificationType, Town
from db.rules.text import LIKE_ESCAPE, like_pattern
from db.rules.validity import qualification_status
from db.services.queries import held_on, ladder_stage_of_enterprise, ladder_stages, type_id
from db.services.settings import get_settings

SORT_KEYS = (
    "name",
    "uscc",
    "town",
    "ladder",
    "hte_valid_through",
    "sme_year",
    "above_scale",
    "revenue",
    "rd_expense",
)
EXPIRED_LOOKBACK_DAYS = 365
PROBLEM_NO_TOWN = "未填所属镇街"
PROBLEM_NO_FIGURES = "缺少上年度数据"
PROBLEM_HTE_NO_DATE = "高企证书缺少发证日期"


@dataclass(frozen=True)
class RosterFilter:
    """What the roster shows.

    * text: matched (lower-cased, LIKE) against name, code, full pinyin and pinyin initials;
    * qualification_code + held_on: holds a qualification of that type valid on held_on (default
      today);
    * expiring_within_days N: the latest high-tech certificate (not revoked) ends within the next
      N days, or ended within the last 365 days without a newer one (the renewal watch list);
    * has_problems: no town, no figures for the previous calendar year, or a high-tech
      certificate without an issue date;
    * deleted: the recycle bin instead of the live roster;
    * ids: only these (click-through from the dashboard).
    """

    text: str = ""
    town_id: int | None = None
    qualification_code: str | None = None
    held_on: date | None = None
    ladder_stage: int | None = None
    above_scale: bool | None = None
    expiring_within_days: int | None = None
    has_problems: bool = False
    deleted: bool = False
    ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class RosterRow:
    id: int
    name: str
    uscc: str
    town: str | None
    ladder_stage: int
    hte_number: str | None
    hte_valid_through: date | None
    hte_status: str | None
    sme_year: int | None
    above_scale: bool
    figures_year: int | None
    revenue: float | None
    rd_expense: float | None
    problems: tuple[str, ...] = field(default=())


class _PinyinKey(FunctionElement[str]):
    """The stored search column from its full-pinyin piece on ("name|pinyin|initials|code…")."""

    type = Text()
    inherit_cache = True
    name = "pinyin_key"


@compiles(_PinyinKey)
def _pinyin_key_default(element: _PinyinKey, compiler: SQLCompiler, **kw: Any) -> str:
    text = compiler.process(element.clauses, **kw)
    return f"substr({text}, instr({text}, '|') + 1)"


@compiles(_PinyinKey, "postgresql")
def _pinyin_key_postgresql(element: _PinyinKey, compiler: SQLCompiler, **kw: Any) -> str:
    text = compiler.process(element.clauses, **kw)
    return f"substr({text}, strpos({text}, '|') + 1)"


def name_order() -> tuple[Any, Any]:
    """The roster's name order: by the full pinyin stored in search_text (安徽… before 华信…
    before 星河…, where code points would put 华 first); homophones (华信 / 化信) by the rest of
    the stored key, their code; then by name.

    The pinyin is read as it is stored (db/services/enterprises/search_text.py), so nothing is
    worked out while sorting; the key is the search column from its pinyin piece on, one string
    function per row (≈1.5× the cost of sorting by name at 100,000 rows, where cutting out the
    pinyin piece alone costs 2×). The letters are compared as one string, not syllable by
    syllable: 黄山 (huangshan) comes before 华信 (huaxin)."""
    return _PinyinKey(Enterprise.search_text), Enterprise.name


def _type_col() -> Any:
    # "+ 0" keeps SQLite on ix_qualifications_enterprise_id inside per-enterprise subqueries
    # (the type index would scan every qualification of that type for each enterprise).
    return Qualification.type_id + 0


class RosterQuery:
    """Roster ids, counts and rows on a given day (default today)."""

    def __init__(self, today: date | None = None) -> None:
        self.today = today or date.today()

    # ----- computed columns (correlated subqueries on Enterprise.id: for a page of rows) -----

    def ladder_expr(self) -> Any:
        """Ladder stage today: the highest rank among qualifications valid today (0 when none)."""
        return ladder_stage_of_enterprise(self.today)

    @staticmethod
    def hte_through_expr() -> Any:
        """Last valid day of the enterprise's latest (not revoked) high-tech certificate."""
        return (
            select(func.max(Qualification.valid_through))
            .where(
                Qualification.enterprise_id == Enterprise.id,
                _type_col() == type_id("high_tech"),
                Qualification.deleted_at.is_(None),
                Qualification.revoked_on.is_(None),
            )
            .scalar_subquery()
        )

    @staticmethod
    def sme_year_expr() -> Any:
        """The latest evaluation year of a (not revoked) tech-SME entry."""
        return (
            select(func.max(Qualification.evaluation_year))
            .where(
                Qualification.enterprise_id == Enterprise.id,
                _type_col() == type_id("tech_sme"),
                Qualification.deleted_at.is_(None),
                Qualification.revoked_on.is_(None),
            )
            .scalar_subquery()
        )

    @staticmethod
    def latest_year_expr(column: Any) -> Any:
        """A column of the enterprise's latest data year (uses the (enterprise_id, year) key)."""
        return (
            select(column)
            .where(EnterpriseYear.enterprise_id == Enterprise.id)
            .order_by(EnterpriseYear.year.desc())
            .limit(1)
            .scalar_subquery()
        )

    # ----- the same per enterprise for the whole roster (one grouped pass, joined once) -----

    def ladder_stages(self) -> Any:
        """Subquery (enterprise_id, stage) of the enterprises holding a qualification valid today."""
        return ladder_stages(self.today)

    def _ladder_is(self, stage: int) -> ColumnElement[bool]:
        stages = self.ladder_stages()
        if stage == 0:
            return Enterprise.id.not_in(select(stages.c.enterprise_id).where(stages.c.stage != 0))
        return Enterprise.id.in_(select(stages.c.enterprise_id).where(stages.c.stage == stage))

    @staticmethod
    def _hte_through_between(start: date, end: date) -> ColumnElement[bool]:
        """hte_through_expr between start and end, as one grouped pass over the certificates."""
        through = func.max(Qualification.valid_through)
        ending = (
            select(Qualification.enterprise_id)
            .where(
                Qualification.type_id == type_id("high_tech"),
                Qualification.deleted_at.is_(None),
                Qualification.revoked_on.is_(None),
            )
            .group_by(Qualification.enterprise_id)
            .having(through.between(start, end))
        )
        return Enterprise.id.in_(ending)

    def _sort_expr(self, key: str, stages: Any = None) -> Any:
        exprs: dict[str, Any] = {
            "name": name_order()[0],
            "uscc": Enterprise.uscc,
            "town": select(Town.sort_order).where(Town.id == Enterprise.town_id).scalar_subquery(),
            "ladder": func.coalesce(stages.c.stage, 0) if stages is not None else None,
            "hte_valid_through": self.hte_through_expr(),
            "sme_year": self.sme_year_expr(),
            "above_scale": Enterprise.above_scale,
            "revenue": self.latest_year_expr(EnterpriseYear.revenue),
            "rd_expense": self.latest_year_expr(EnterpriseYear.rd_expense),
        }
        if key not in exprs:
            raise ValueError(f"unknown sort key {key!r}")
        return exprs[key]

    # ----- filters -----

    def _problem_expr(self) -> ColumnElement[bool]:
        year = self.today.year - 1
        has_figures = exists().where(
            EnterpriseYear.enterprise_id == Enterprise.id, EnterpriseYear.year == year
        )
        hte_without_date = exists().where(
            Qualification.enterprise_id == Enterprise.id,
            _type_col() == type_id("high_tech"),
            Qualification.deleted_at.is_(None),
            Qualification.issued_on.is_(None),
        )
        return or_(Enterprise.town_id.is_(None), ~has_figures, hte_without_date)

    def _held_expr(self, code: str, on: date) -> ColumnElement[bool]:
        return exists().where(
            Qualification.enterprise_id == Enterprise.id,
            _type_col() == type_id(code),
            QualificationType.id == Qualification.type_id,
            held_on(on),
        )

    def _where(self, f: RosterFilter) -> list[ColumnElement[bool]]:
        deleted = (
            Enterprise.deleted_at.is_not(None) if f.deleted else Enterprise.deleted_at.is_(None)
        )
        conds: list[ColumnElement[bool]] = [deleted]
        text = f.text.strip().lower()
        if text:
            conds.append(Enterprise.search_text.like(like_pattern(text), escape=LIKE_ESCAPE))
        if f.town_id is not None:
            conds.append(Enterprise.town_id == f.town_id)
        if f.qualification_code:
            conds.append(self._held_expr(f.qualification_code, f.held_on or self.today))
        if f.ladder_stage is not None:
            conds.append(self._ladder_is(f.ladder_stage))
        if f.above_scale is not None:
            conds.append(Enterprise.above_scale.is_(f.above_scale))
        if f.expiring_within_days is not None:
            start = self.today - timedelta(days=EXPIRED_LOOKBACK_DAYS)
            end = self.today + timedelta(days=f.expiring_within_days)
            conds.append(self._hte_through_between(start, end))
        if f.has_problems:
            conds.append(self._problem_expr())
        if f.ids is not None:
            conds.append(Enterprise.id.in_(f.ids))
        return conds

    def statement(
        self, f: RosterFilter, sort_key: str = "name", descending: bool = False
    ) -> Select[Any]:
        """The SELECT of ordered ids (exposed for EXPLAIN in benchmarks)."""
        stmt = select(Enterprise.id).where(*self._where(f))
        stages = None
        if sort_key == "ladder":
            stages = self.ladder_stages()
            stmt = stmt.outerjoin(stages, stages.c.enterprise_id == Enterprise.id)
        order = self._sort_expr(sort_key, stages)
        order = order.desc() if descending else order.asc()
        tie = Enterprise.id.desc() if descending else Enterprise.id.asc()
        names = [n.desc() if descending else n.asc() for n in name_order()]
        if sort_key == "name":
            return stmt.order_by(order, names[1], tie)
        return stmt.order_by(order.nulls_last(), *names, tie)

    def ids(
        self, session: Session, f: RosterFilter, sort_key: str = "name", descending: bool = False
    ) -> list[int]:
        """The ids matching the filter, in display order (filtering and sorting in SQL)."""
        return list(session.scalars(self.statement(f, sort_key, descending)))

    def count(self, session: Session, f: RosterFilter) -> int:
        """How many enterprises match the filter."""
        stmt = select(func.count()).select_from(Enterprise).where(*self._where(f))
        return int(session.scalar(stmt) or 0)

    # ----- rows -----

    def rows(self, session: Session, ids: Sequence[int]) -> list[RosterRow]:
        """Display rows for one page of ids, in the order given (missing ids are left out)."""
        if not ids:
            return []
        base = self._base_rows(session, ids)
        certs = self._certificates(session, ids)
        warn_days = get_settings(session).expiry_warning_days
        out: list[RosterRow] = []
        for eid in ids:
            found = base.get(eid)
            if found is None:
                continue
            out.append(self._row(found, certs.get(eid), warn_days))
        return out

    def _base_rows(self, session: Session, ids: Sequence[int]) -> dict[int, Any]:
        year = self.today.year - 1
        has_figures = (
            exists()
            .where(EnterpriseYear.enterprise_id == Enterprise.id, EnterpriseYear.year == year)
            .label("has_figures")
        )
        stmt = (
            select(
                Enterprise.id,
                Enterprise.name,
                Enterprise.uscc,
                Town.name.label("town"),
                Enterprise.above_scale,
                self.ladder_expr().label("ladder"),
                self.sme_year_expr().label("sme_year"),
                self.latest_year_expr(EnterpriseYear.year).label("figures_year"),
                self.latest_year_expr(EnterpriseYear.revenue).label("revenue"),
                self.latest_year_expr(EnterpriseYear.rd_expense).label("rd_expense"),
                has_figures,
            )
            .outerjoin(Town, Town.id == Enterprise.town_id)
            .where(Enterprise.id.in_(list(ids)))
        )
        return {r.id: r for r in session.execute(stmt)}

    def _certificates(self, session: Session, ids: Sequence[int]) -> dict[int, list[Any]]:
        stmt = (
            select(
                Qualification.enterprise_id,
                Qualification.number,
                Qualification.issued_on,
                Qualification.valid_from,
                Qualification.valid_through,
                Qualification.revoked_on,
            )
            .where(
                Qualification.enterprise_id.in_(list(ids)),
                _type_col() == type_id("high_tech"),
                Qualification.deleted_at.is_(None),
            )
            .order_by(Qualification.issued_on)
        )
        found: dict[int, list[Any]] = {}
        for r in session.execute(stmt):
            found.setdefault(r.enterprise_id, []).append(r)
        return found

    def _row(self, r: Any, certs: list[Any] | None, warn_days: int) -> RosterRow:
        problems: list[str] = []
        if r.town is None:
            problems.append(PROBLEM_NO_TOWN)
        if not r.has_figures:
            problems.append(PROBLEM_NO_FIGURES)
        if certs and any(c.issued_on is None for c in certs):
            problems.append(PROBLEM_HTE_NO_DATE)
        cert = _latest_certificate(certs or [])
        status = None
        if cert is not None:
            status = qualification_status(
                self.today, cert.valid_from, cert.valid_through, cert.revoked_on, warn_days
            )
        return RosterRow(
            id=r.id,
            name=r.name,
            uscc=r.uscc,
            town=r.town,
            ladder_stage=int(r.ladder or 0),
            hte_number=cert.number if cert is not None else None,
            hte_valid_through=cert.valid_through if cert is not None else None,
            hte_status=status,
            sme_year=r.sme_year,
            above_scale=bool(r.above_scale),
            figures_year=r.figures_year,
            revenue=r.revenue,
            rd_expense=r.rd_expense,
            problems=tuple(problems),
        )


def _latest_certificate(certs: list[Any]) -> Any:
    """The certificate to show: the latest not revoked one, else the latest of all."""
    live = [c for c in certs if c.revoked_on is None]
    pool = live or certs
    if not pool:
        return None
    return max(pool, key=lambda c: (c.valid_through or date.min, c.issued_on or date.min))
