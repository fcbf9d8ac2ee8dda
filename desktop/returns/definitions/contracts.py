"""技术合同登记情况表: contract types × 输出 / 吸纳 (件数, 成交额, 技术交易额, 万元), and by town.

Rules (spec/plans.md, db/services/contracts/parties.py): 输出 = the seller is in the district,
吸纳 = the buyer is; a contract between two district parties counts in both; a row's town is the
district party's town (the seller's for 输出, the buyer's for 吸纳). The 合计 row comes first, then
一、按合同类型 and 二、按镇街, each of which adds up to 合计 (a check). Period: year, quarter or month.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import TechContract, Town
from db.rules.contracts import CONTRACT_TYPES
from db.services.contracts.parties import SIDES, Side, Totals, side_by, side_totals
from db.services.figures.returns_data import NO_TOWN
from desktop.returns.model import (
    CheckResult,
    Column,
    LegalMarks,
    Query,
    ReturnDefinition,
    SourceRows,
    Value,
)

KEYS: dict[Side, str] = {"输出": "out", "吸纳": "abs"}
COLUMNS = (
    Column("item", "项目", width=42),
    *(
        column
        for side, key in KEYS.items()
        for column in (
            Column(f"{key}_count", "件数", "int", 18, side),
            Column(f"{key}_amount", "成交额", "decimal", 26, side, decimals=2),
            Column(f"{key}_tech", "技术交易额", "decimal", 26, side, decimals=2),
        )
    ),
)
TOTAL, BY_TYPE, BY_TOWN = "合计", "一、按合同类型", "二、按镇街"
INDENT = ""  # the headings set the parts apart (a leading space would not survive copying)


def _cells(per_side: dict[Side, Totals]) -> dict[str, Value]:
    row: dict[str, Value] = {}
    for side, key in KEYS.items():
        t = per_side.get(side, Totals())
        row[f"{key}_count"] = t.count or None
        row[f"{key}_amount"] = round(t.amount, 4) if t.count else None
        row[f"{key}_tech"] = round(t.tech_amount, 4) if t.count else None
    return row


def source(session: Session, query: Query) -> SourceRows:
    """合计, the five types, the towns (and （未填镇街） for district parties without one)."""
    start, end = query.period.start, query.period.end
    totals = {side: side_totals(session, side, start, end) for side in SIDES}
    types = {side: side_by(session, side, start, end, "type") for side in SIDES}
    towns = {side: side_by(session, side, start, end, "town_id") for side in SIDES}
    rows: list[dict[str, Value]] = [{"item": TOTAL, **_cells(dict(totals)), "_part": "total"}]
    rows.append({"item": BY_TYPE, "_part": "heading"})
    for kind in CONTRACT_TYPES:
        cells = _cells({side: types[side].get(kind, Totals()) for side in SIDES})
        rows.append({"item": INDENT + kind, **cells, "_part": "type"})
    rows.append({"item": BY_TOWN, "_part": "heading"})
    names = list(session.execute(select(Town.id, Town.name).order_by(Town.sort_order, Town.id)))
    keys: list[tuple[int | None, str]] = [(tid, name) for tid, name in names]
    if any(None in towns[side] for side in SIDES):
        keys.append((None, NO_TOWN))
    for tid, name in keys:
        cells = _cells({side: towns[side].get(tid, Totals()) for side in SIDES})
        rows.append({"item": INDENT + name, **cells, "_part": "town"})
    return SourceRows(rows)


SUMMED = [c.key for c in COLUMNS if c.numeric]


def parts_add_up(session: Session, query: Query, rows: SourceRows) -> list[CheckResult]:
    """Error: the types, or the towns, do not add up to 合计 in some column."""
    total = next(r for r in rows.rows if r["_part"] == "total")
    found: list[CheckResult] = []
    for part, label in (("type", "各合同类型"), ("town", "各镇街")):
        for key in SUMMED:
            parts = sum(
                float(v)
                for r in rows.rows
                if r["_part"] == part and isinstance(v := r.get(key), int | float)
            )
            value = total.get(key)
            whole = float(value) if isinstance(value, int | float) else 0.0
            if abs(parts - whole) > 0.005:
                header = next(c for c in COLUMNS if c.key == key)
                message = f"{label}之和 {parts:g} 与合计 {whole:g} 不一致（{header.group}{header.header}）"
                found.append(CheckResult("error", f"sum:{part}:{key}", message))
    return found


def tech_within_amount(session: Session, query: Query, rows: SourceRows) -> list[CheckResult]:
    """Error: a contract of the period whose 技术交易额 exceeds its 合同成交额."""
    bad = list(
        session.scalars(
            select(TechContract.reg_no).where(
                TechContract.deleted_at.is_(None),
                TechContract.registered_on.between(query.period.start, query.period.end),
                TechContract.tech_amount > TechContract.amount + 1e-9,
            )
        )
    )
    if not bad:
        return []
    return [
        CheckResult(
            "error", "tech_amount", f"技术交易额大于合同成交额的合同：{'、'.join(bad[:20])}"
        )
    ]


def untowned(session: Session, query: Query, rows: SourceRows) -> list[CheckResult]:
    """Warning: district parties without a town are shown as （未填镇街）."""
    if any(r["item"] == INDENT + NO_TOWN for r in rows.rows):
        return [CheckResult("warning", "no-town", f"有区内当事方未填所属镇街，单列为“{NO_TOWN}”")]
    return []


def registered_days(session: Session) -> tuple[date | None, date | None]:
    """The first and last registration dates in the ledger (for the period picker)."""
    first, last = session.execute(
        select(func.min(TechContract.registered_on), func.max(TechContract.registered_on))
    ).one()
    return first, last


CONTRACTS = ReturnDefinition(
    id="contracts",
    title="技术合同登记情况表",
    period_kind="month",
    columns=COLUMNS,
    source=source,
    legal_marks=LegalMarks(table_no="科技合01表"),
    unit="件、万元",
    checks=(parts_add_up, tech_within_amount, untowned),
    town_filter=False,
    orientation="landscape",
)
