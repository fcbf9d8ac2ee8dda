"""The one home of “is this party in the district, and in which town” (spec/plans.md).

Every figure of the ledger — its lists, its returns and the indicator sources (contracts_absorbed /
_output / _count, results_transferred[_cumulative], results_local_rate in plans/sources.py) — is
built from the conditions and selects below, so they cannot disagree. The rules:

* **In the district**: the party is linked to a roster enterprise by its code, or its row said
  区内 (`*_local` True). 输出 = the seller is in the district, 吸纳 = the buyer is; a contract
  between two district parties counts in both.
* **A party's town** (district parties only; others have none): its roster enterprise's town;
  when it has none — a roster enterprise without a town, or a party the row says is 区内 — the
  record's own 所属镇街 (tech_contracts.town_id; for a result's 完成单位 and a transfer's 承接单位,
  tech_results.town_id).
* **A contract's town**: the district party's town of the side (the seller's for 输出, the buyer's
  for 吸纳). **Counted by town** (contracts_count, district_contract_count with a town), a contract
  between district parties of two towns counts once in each town; the district figure counts it
  once — so the towns need not add up to the district (never present their sum as the district's).
* **A transfer** is local when its 承接单位 is in the district. Its town: the taker's when local,
  else the completer's (when the completer is in the district; else none). Counted by town, a
  result transferred in two towns counts in each; the district counts distinct results once.

Everything here is set-based SQL (one statement per figure). Periods may be dates or SQL
expressions (bound parameters), so one statement serves every year of an indicator's trend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, case, distinct, func, or_, select
from sqlalchemy.orm import Session, aliased

from db.models import Enterprise, ResultTransfer, TechContract, TechResult

Side = Literal["输出", "吸纳"]
OUTPUT: Side = "输出"
ABSORBED: Side = "吸纳"
SIDES: tuple[Side, ...] = (OUTPUT, ABSORBED)
Day = date | ColumnElement[date]  # a date, or a bound parameter standing for one


def in_district(enterprise_id: Any, local: Any) -> ColumnElement[bool]:
    """SQL: the party is a roster enterprise, or its row said 区内."""
    return or_(enterprise_id.is_not(None), local.is_(True))


def party_town(enterprise_id: Any, enterprise_town: Any, local: Any, own_town: Any) -> Any:
    """SQL: a district party's town — its enterprise's (joined as `enterprise_town`), else the
    record's own 所属镇街 (a roster enterprise without a town, or a party said 区内); a party
    outside the district has none."""
    return case(
        (in_district(enterprise_id, local), func.coalesce(enterprise_town, own_town)),
        else_=None,
    )


def side_columns(side: Side) -> tuple[Any, Any]:
    """(enterprise id column, local column) of a contract's seller (输出) or buyer (吸纳)."""
    if side == OUTPUT:
        return TechContract.seller_enterprise_id, TechContract.seller_local
    return TechContract.buyer_enterprise_id, TechContract.buyer_local


def contract_in_side(side: Side) -> ColumnElement[bool]:
    """SQL: the contract counts in 输出 / 吸纳."""
    return in_district(*side_columns(side))


def contract_has_district_party() -> ColumnElement[bool]:
    """SQL: the contract counts in 输出 or in 吸纳 (or both)."""
    return or_(contract_in_side(OUTPUT), contract_in_side(ABSORBED))


def side_town(side: Side, party: Any) -> Any:
    """SQL: the town of a contract's seller (输出) or buyer (吸纳), `party` the alias of Enterprise
    joined on that side's enterprise id (the contract's 所属镇街 standing in, party_town)."""
    enterprise_id, local = side_columns(side)
    return party_town(enterprise_id, party.town_id, local, TechContract.town_id)


def side_select(side: Side, *columns: Any) -> Any:
    """select(columns…, town_id) of the live contracts of a side, its party's town joined.

    The town column is labelled `town_id`; callers add their period and grouping."""
    enterprise_id, _local = side_columns(side)
    party = aliased(Enterprise)
    town = side_town(side, party)
    return (
        select(*columns, town.label("town_id"))
        .select_from(TechContract)
        .outerjoin(party, party.id == enterprise_id)
        .where(TechContract.deleted_at.is_(None), contract_in_side(side))
    )


def registered_between(start: Day, end: Day) -> ColumnElement[bool]:
    """SQL: registered on a day of [start, end]."""
    return and_(TechContract.registered_on >= start, TechContract.registered_on <= end)


@dataclass(frozen=True)
class Totals:
    """件数, 合同成交额 and 技术交易额 (万元) of a set of contracts."""

    count: int = 0
    amount: float = 0.0
    tech_amount: float = 0.0


def _totals(row: Any) -> Totals:
    return Totals(int(row[0] or 0), round(float(row[1] or 0), 6), round(float(row[2] or 0), 6))


_SUMS = (
    func.count(TechContract.id),
    func.sum(TechContract.amount),
    func.sum(TechContract.tech_amount),
)


def side_totals(
    session: Session, side: Side, start: date, end: date, town_id: int | None = None
) -> Totals:
    """The contracts of a side registered in [start, end] (of one town when given)."""
    inner = side_select(side, TechContract.amount, TechContract.tech_amount, TechContract.id)
    inner = inner.where(registered_between(start, end)).subquery()
    stmt = select(func.count(inner.c.id), func.sum(inner.c.amount), func.sum(inner.c.tech_amount))
    if town_id is not None:
        stmt = stmt.where(inner.c.town_id == town_id)
    return _totals(session.execute(stmt).one())


def side_by(session: Session, side: Side, start: date, end: date, by: str) -> dict[Any, Totals]:
    """The contracts of a side registered in [start, end], grouped by "town_id" or "type"."""
    inner = side_select(
        side,
        TechContract.id,
        TechContract.contract_type,
        TechContract.amount,
        TechContract.tech_amount,
    )
    inner = inner.where(registered_between(start, end)).subquery()
    key = inner.c.town_id if by == "town_id" else inner.c.contract_type
    stmt = select(
        key, func.count(inner.c.id), func.sum(inner.c.amount), func.sum(inner.c.tech_amount)
    ).group_by(key)
    return {row[0]: _totals(row[1:]) for row in session.execute(stmt)}


def district_contracts(start: Day, end: Day) -> Any:
    """select(id) of the live contracts registered in [start, end] with a district party (each
    once: the district's contract count)."""
    return select(TechContract.id).where(
        TechContract.deleted_at.is_(None),
        registered_between(start, end),
        contract_has_district_party(),
    )


def district_towns(start: Day, end: Day) -> Any:
    """select(id, town_id) of the live contracts registered in [start, end] with a district party,
    once per town of its district parties: a contract between district parties of two towns
    comes twice, one of two parties of the same town (or both without one) once.

    One pass over the contracts (a CTE of both parties' towns), read once per side."""
    seller, buyer = aliased(Enterprise), aliased(Enterprise)
    parties = (
        select(
            TechContract.id,
            contract_in_side(OUTPUT).label("seller_in"),
            side_town(OUTPUT, seller).label("seller_town"),
            contract_in_side(ABSORBED).label("buyer_in"),
            side_town(ABSORBED, buyer).label("buyer_town"),
        )
        .outerjoin(seller, seller.id == TechContract.seller_enterprise_id)
        .outerjoin(buyer, buyer.id == TechContract.buyer_enterprise_id)
        .where(district_contracts(start, end).whereclause)
        .cte("district_parties")
    )
    c = parties.c
    same_town = and_(c.seller_in, c.seller_town.is_not_distinct_from(c.buyer_town))
    return (
        select(c.id, c.seller_town.label("town_id"))
        .where(c.seller_in)
        .union_all(select(c.id, c.buyer_town).where(c.buyer_in, ~same_town))
    )


def district_contract_count(
    session: Session, start: date, end: date, town_id: int | None = None
) -> int:
    """Contracts registered in [start, end] with a district party (once each, 输出 and 吸纳 alike);
    with a town: those with a district party of that town (a contract between district parties of
    two towns counts in each)."""
    if town_id is None:
        found = district_contracts(start, end).subquery()
        return int(session.scalar(select(func.count()).select_from(found)) or 0)
    sub = district_towns(start, end).subquery()
    stmt = select(func.count(sub.c.id)).where(sub.c.town_id == town_id)
    return int(session.scalar(stmt) or 0)


# ---------------------------------------------------------------- results and transfers


def transfer_is_local() -> ColumnElement[bool]:
    """SQL: the transfer's 承接单位 is in the district."""
    return in_district(ResultTransfer.taker_enterprise_id, ResultTransfer.taker_local)


def result_in_district() -> ColumnElement[bool]:
    """SQL: the result's 完成单位 is in the district."""
    return in_district(TechResult.completer_enterprise_id, TechResult.completer_local)


def live_transfers(*columns: Any) -> Any:
    """select(columns…) of the live transfers of live results (no town: the district's figures)."""
    return (
        select(*columns)
        .select_from(ResultTransfer)
        .join(TechResult, TechResult.id == ResultTransfer.result_id)
        .where(ResultTransfer.deleted_at.is_(None), TechResult.deleted_at.is_(None))
    )


def transfer_select(*columns: Any) -> Any:
    """select(columns…, town_id, local) of live transfers of live results, with their town (the
    taker's when local, else the completer's when in the district; either falling back to the
    result's 所属镇街) and whether local."""
    taker = aliased(Enterprise)
    completer = aliased(Enterprise)
    taker_town = party_town(
        ResultTransfer.taker_enterprise_id,
        taker.town_id,
        ResultTransfer.taker_local,
        TechResult.town_id,
    )
    completer_town = party_town(
        TechResult.completer_enterprise_id,
        completer.town_id,
        TechResult.completer_local,
        TechResult.town_id,
    )
    local = transfer_is_local()
    town = case((local, taker_town), else_=completer_town)
    return (
        live_transfers(*columns, town.label("town_id"), local.label("local"))
        .outerjoin(taker, taker.id == ResultTransfer.taker_enterprise_id)
        .outerjoin(completer, completer.id == TechResult.completer_enterprise_id)
    )


def transferred_between(start: Day, end: Day) -> ColumnElement[bool]:
    """SQL: transferred on a day of [start, end]."""
    return and_(ResultTransfer.transferred_on >= start, ResultTransfer.transferred_on <= end)


def results_transferred(
    session: Session, start: date, end: date, town_id: int | None = None
) -> int:
    """Distinct results with a transfer in [start, end] (for the cumulative figure: start = the
    base year's 1 January); with a town: those with a transfer of that town (a result transferred
    in two towns counts in each)."""
    if town_id is None:
        inner = live_transfers(ResultTransfer.result_id)
    else:
        inner = transfer_select(ResultTransfer.result_id)
    sub = inner.where(transferred_between(start, end)).subquery()
    stmt = select(func.count(distinct(sub.c.result_id)))
    if town_id is not None:
        stmt = stmt.where(sub.c.town_id == town_id)
    return int(session.scalar(stmt) or 0)


def local_rate(
    session: Session, start: date, end: date, town_id: int | None = None
) -> float | None:
    """Among transfers in [start, end] of results completed by district units: the share (%)
    taken up by district units; None when there is no such transfer."""
    inner = transfer_select(ResultTransfer.id).where(
        transferred_between(start, end), result_in_district()
    )
    sub = inner.subquery()
    stmt = select(func.count(sub.c.id), func.sum(case((sub.c.local, 1), else_=0)))
    if town_id is not None:
        stmt = stmt.where(sub.c.town_id == town_id)
    total, local = session.execute(stmt).one()
    if not total:
        return None
    return round(float(local or 0) * 100 / float(total), 1)


def live_enterprise_by_code(session: Session, codes: set[str]) -> dict[str, tuple[int, int | None]]:
    """code → (enterprise id, town id) of the live roster enterprises among the codes."""
    found: dict[str, tuple[int, int | None]] = {}
    wanted = sorted(c for c in codes if c)
    for start in range(0, len(wanted), 900):
        part = wanted[start : start + 900]
        stmt = select(Enterprise.uscc, Enterprise.id, Enterprise.town_id).where(
            Enterprise.uscc.in_(part), Enterprise.deleted_at.is_(None)
        )
        found |= {code: (eid, town) for code, eid, town in session.execute(stmt)}
    return found
