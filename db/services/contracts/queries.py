"""Reads of the contract ledger for the screens: filtered id lists, rows by page, totals.

Set-based: a filter is one SQL statement over the indexed columns (ids in order, then rows for the
ids on screen); the totals bar runs the same conditions. 输出 / 吸纳 and towns follow parties.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from db.models import Enterprise, ResultTransfer, TechContract, TechResult, Town
from db.rules.text import LIKE_ESCAPE, like_pattern, normalize_code, normalize_text
from db.services.contracts.parties import (
    ABSORBED,
    OUTPUT,
    Side,
    Totals,
    contract_in_side,
    in_district,
    party_town,
    transfer_is_local,
)

_SELLER = aliased(Enterprise, name="seller_e")
_BUYER = aliased(Enterprise, name="buyer_e")
_SELLER_TOWN = party_town(
    TechContract.seller_enterprise_id,
    _SELLER.town_id,
    TechContract.seller_local,
    TechContract.town_id,
)
_BUYER_TOWN = party_town(
    TechContract.buyer_enterprise_id, _BUYER.town_id, TechContract.buyer_local, TechContract.town_id
)


def period_bounds(
    year: int | None, quarter: int | None = None, month: int | None = None
) -> tuple[date, date] | None:
    """[first day, last day] of a year, a quarter of it or a month of it; None without a year."""
    if year is None:
        return None
    if month:
        last = date(year + (month == 12), month % 12 + 1, 1)
        return date(year, month, 1), date.fromordinal(last.toordinal() - 1)
    if quarter:
        first = date(year, quarter * 3 - 2, 1)
        nxt = date(year + (quarter == 4), (quarter * 3) % 12 + 1, 1)
        return first, date.fromordinal(nxt.toordinal() - 1)
    return date(year, 1, 1), date(year, 12, 31)


@dataclass(frozen=True)
class ContractFilter:
    """What the contracts list shows: period, type, 输出/吸纳, town, party (name or code) or text."""

    text: str = ""  # in 登记号, 合同名称, either party's name or code
    year: int | None = None
    quarter: int | None = None
    month: int | None = None
    contract_type: str | None = None
    side: Side | None = None  # 输出 / 吸纳 / None: any
    town_id: int | None = None  # the district party's town (of the side when one is chosen)
    enterprise_id: int | None = None  # as seller or as buyer


@dataclass(frozen=True)
class ContractView:
    id: int
    reg_no: str
    name: str
    contract_type: str
    seller_name: str
    seller_uscc: str | None
    seller_enterprise_id: int | None
    seller_local: bool | None
    seller_town: str | None
    buyer_name: str
    buyer_uscc: str | None
    buyer_enterprise_id: int | None
    buyer_local: bool | None
    buyer_town: str | None
    amount: float
    tech_amount: float | None
    registered_on: date
    registry_office: str | None
    field: str | None
    town_id: int | None
    note: str | None
    version: int = 1  # what an editor names when it saves (db/services/versions.py)

    @property
    def sides(self) -> tuple[str, ...]:
        """输出 and/or 吸纳: where the contract counts."""
        out = (OUTPUT,) if in_district_py(self.seller_enterprise_id, self.seller_local) else ()
        return out + (
            (ABSORBED,) if in_district_py(self.buyer_enterprise_id, self.buyer_local) else ()
        )


def in_district_py(enterprise_id: int | None, local: bool | None) -> bool:
    """The Python form of parties.in_district (db.rules.contracts.is_in_district)."""
    from db.rules.contracts import is_in_district

    return is_in_district(enterprise_id, local)


def _contains(column: Any, text: str, sqlite: bool) -> ColumnElement[bool]:
    """SQL: the column holds the text (SQLite's instr is about twice as fast as LIKE '%…%')."""
    if sqlite:
        found: ColumnElement[bool] = func.instr(column, text) > 0
        return found
    matched: ColumnElement[bool] = column.like(like_pattern(text), escape=LIKE_ESCAPE)
    return matched


def _sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _conditions(f: ContractFilter, sqlite: bool = True) -> tuple[list[ColumnElement[bool]], bool]:
    """The filter's conditions, and whether they need the parties' enterprises joined.

    Text: names contain it as typed, codes (登记号, 统一社会信用代码) as a code (upper case)."""
    conds: list[ColumnElement[bool]] = [TechContract.deleted_at.is_(None)]
    bounds = period_bounds(f.year, f.quarter, f.month)
    if bounds is not None:
        conds.append(TechContract.registered_on.between(*bounds))
    if f.contract_type:
        conds.append(TechContract.contract_type == f.contract_type)
    if f.side is not None:
        conds.append(contract_in_side(f.side))
    if f.enterprise_id is not None:
        conds.append(
            or_(
                TechContract.seller_enterprise_id == f.enterprise_id,
                TechContract.buyer_enterprise_id == f.enterprise_id,
            )
        )
    text = normalize_text(f.text)
    if text:
        code = normalize_code(text)
        names = (TechContract.name, TechContract.seller_name, TechContract.buyer_name)
        codes = (TechContract.reg_no, TechContract.seller_uscc, TechContract.buyer_uscc)
        conds.append(
            or_(
                *(_contains(c, text, sqlite) for c in names),
                *(_contains(c, code, sqlite) for c in codes),
            )
        )
    if f.town_id is None:
        return conds, False
    seller = and_(contract_in_side(OUTPUT), f.town_id == _SELLER_TOWN)
    buyer = and_(contract_in_side(ABSORBED), f.town_id == _BUYER_TOWN)
    conds.append(
        seller if f.side == OUTPUT else buyer if f.side == ABSORBED else or_(seller, buyer)
    )
    return conds, True


def _joined(stmt: Any) -> Any:
    return stmt.outerjoin(_SELLER, _SELLER.id == TechContract.seller_enterprise_id).outerjoin(
        _BUYER, _BUYER.id == TechContract.buyer_enterprise_id
    )


# the list's sortable columns (contract_ids' `sort`). The date is ordered as `registered_on || ''`
# (the same order) so that SQLite filters by a full scan and sorts the matches, instead of walking
# the whole date index for a text search: about twice as fast at 100,000 contracts.
SORTS: dict[str, Any] = {
    "registered_on": TechContract.registered_on.op("||")(""),
    "reg_no": TechContract.reg_no,
    "name": TechContract.name,
    "contract_type": TechContract.contract_type,
    "seller_name": TechContract.seller_name,
    "buyer_name": TechContract.buyer_name,
    "amount": TechContract.amount,
    "tech_amount": TechContract.tech_amount,
    "registry_office": TechContract.registry_office,
    "field": TechContract.field,
}


def contract_ids(
    session: Session,
    f: ContractFilter | None = None,
    sort: str = "registered_on",
    descending: bool = True,
) -> list[int]:
    """Ids of the live contracts matching the filter, newest registration first (or by `sort`,
    a key of SORTS; ties by id)."""
    conds, join = _conditions(f or ContractFilter(), _sqlite(session))
    stmt = select(TechContract.id).select_from(TechContract)
    stmt = (_joined(stmt) if join else stmt).where(*conds)
    column = SORTS[sort]
    if descending:
        stmt = stmt.order_by(column.desc(), TechContract.id.desc())
    else:
        stmt = stmt.order_by(column.asc(), TechContract.id.asc())
    return list(session.scalars(stmt))


def contract_totals(session: Session, f: ContractFilter | None = None) -> Totals:
    """件数, 成交额, 技术交易额 of the contracts matching the filter (the totals bar)."""
    conds, join = _conditions(f or ContractFilter(), _sqlite(session))
    stmt = select(
        func.count(TechContract.id),
        func.sum(TechContract.amount),
        func.sum(TechContract.tech_amount),
    ).select_from(TechContract)
    row = session.execute((_joined(stmt) if join else stmt).where(*conds)).one()
    return Totals(int(row[0] or 0), round(float(row[1] or 0), 6), round(float(row[2] or 0), 6))


def totals_of_ids(session: Session, ids: Sequence[int]) -> Totals:
    """件数, 成交额, 技术交易额 of the live contracts among `ids` (a click-through's list)."""
    count, amount, tech = 0, 0.0, 0.0
    wanted = list(ids)
    for start in range(0, len(wanted), 900):
        stmt = select(
            func.count(TechContract.id),
            func.sum(TechContract.amount),
            func.sum(TechContract.tech_amount),
        ).where(TechContract.deleted_at.is_(None), TechContract.id.in_(wanted[start : start + 900]))
        row = session.execute(stmt).one()
        count, amount, tech = count + int(row[0] or 0), amount + (row[1] or 0), tech + (row[2] or 0)
    return Totals(count, round(float(amount), 6), round(float(tech), 6))


def contract_views(session: Session, ids: Sequence[int]) -> list[ContractView]:
    """The rows of the given contracts, in the order of `ids` (a page of the list)."""
    seller_town, buyer_town = aliased(Town), aliased(Town)
    found: dict[int, ContractView] = {}
    wanted = list(ids)
    for start in range(0, len(wanted), 900):
        stmt = _joined(
            select(TechContract, seller_town.name, buyer_town.name).select_from(TechContract)
        )
        stmt = (
            stmt.outerjoin(seller_town, seller_town.id == _SELLER_TOWN)
            .outerjoin(buyer_town, buyer_town.id == _BUYER_TOWN)
            .where(TechContract.id.in_(wanted[start : start + 900]))
        )
        for c, s_town, b_town in session.execute(stmt):
            found[c.id] = _view(c, s_town, b_town)
    return [found[i] for i in wanted if i in found]


def _view(c: TechContract, seller_town: str | None, buyer_town: str | None) -> ContractView:
    return ContractView(
        c.id,
        c.reg_no,
        c.name,
        c.contract_type,
        c.seller_name,
        c.seller_uscc,
        c.seller_enterprise_id,
        c.seller_local,
        seller_town,
        c.buyer_name,
        c.buyer_uscc,
        c.buyer_enterprise_id,
        c.buyer_local,
        buyer_town,
        c.amount,
        c.tech_amount,
        c.registered_on,
        c.registry_office,
        c.field,
        c.town_id,
        c.note,
        c.version,
    )


def list_contracts(session: Session, f: ContractFilter | None = None) -> list[ContractView]:
    """Every live contract matching the filter (small lists; the screen pages contract_ids)."""
    return contract_views(session, contract_ids(session, f))


def get_contract(session: Session, contract_id: int) -> ContractView | None:
    """One contract (live or in the recycle bin), None when unknown."""
    found = contract_views(session, [contract_id])
    return found[0] if found else None


def contract_years(session: Session) -> list[int]:
    """The years from the first to the last registration of live contracts, newest first."""
    first, last = session.execute(
        select(func.min(TechContract.registered_on), func.max(TechContract.registered_on)).where(
            TechContract.deleted_at.is_(None)
        )
    ).one()
    if first is None or last is None:
        return []
    return list(range(last.year, first.year - 1, -1))


# ---------------------------------------------------------------- results and transfers


@dataclass(frozen=True)
class ResultFilter:
    """What the results list shows: text (名称, 登记号, 完成单位), registration period, town."""

    text: str = ""
    year: int | None = None  # registered in
    transferred_year: int | None = None  # with a transfer in that year
    town_id: int | None = None
    enterprise_id: int | None = None  # completed by


@dataclass(frozen=True)
class ResultView:
    id: int
    reg_no: str
    name: str
    completer_name: str
    completer_uscc: str | None
    completer_enterprise_id: int | None
    completer_local: bool | None
    result_type: str | None
    registered_on: date
    field: str | None
    town_id: int | None
    note: str | None
    transfers: int  # live transfers
    town: str | None = None  # the completer's roster town, else the record's 所属镇街
    version: int = 1  # what an editor names when it saves (db/services/versions.py)


@dataclass(frozen=True)
class TransferView:
    id: int
    result_id: int
    result_reg_no: str
    result_name: str
    completer_name: str
    method: str
    taker_name: str
    taker_uscc: str | None
    taker_enterprise_id: int | None
    taker_local: bool | None
    local: bool  # the taker is in the district
    transferred_on: date
    amount: float | None
    contract_id: int | None  # the linked live contract
    contract_reg_no: str | None
    note: str | None
    version: int = 1  # what an editor names when it saves (db/services/versions.py)


def _result_conditions(f: ResultFilter) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [TechResult.deleted_at.is_(None)]
    text = normalize_text(f.text)
    if text:
        like = like_pattern(text)
        conds.append(
            or_(
                TechResult.name.like(like, escape=LIKE_ESCAPE),
                TechResult.reg_no.like(like, escape=LIKE_ESCAPE),
                TechResult.completer_name.like(like, escape=LIKE_ESCAPE),
            )
        )
    bounds = period_bounds(f.year)
    if bounds is not None:
        conds.append(TechResult.registered_on.between(*bounds))
    moved = period_bounds(f.transferred_year)
    if moved is not None:
        conds.append(
            TechResult.id.in_(
                select(ResultTransfer.result_id).where(
                    ResultTransfer.deleted_at.is_(None),
                    ResultTransfer.transferred_on.between(*moved),
                )
            )
        )
    if f.enterprise_id is not None:
        conds.append(TechResult.completer_enterprise_id == f.enterprise_id)
    if f.town_id is not None:
        town = select(Enterprise.town_id).where(Enterprise.id == TechResult.completer_enterprise_id)
        conds.append(func.coalesce(town.scalar_subquery(), TechResult.town_id) == f.town_id)
    return conds


def list_results(session: Session, f: ResultFilter | None = None) -> list[ResultView]:
    """Live results matching the filter, newest registration first, with their transfer counts."""
    count = (
        select(func.count(ResultTransfer.id))
        .where(ResultTransfer.result_id == TechResult.id, ResultTransfer.deleted_at.is_(None))
        .scalar_subquery()
    )
    completer = aliased(Enterprise)
    town = aliased(Town)
    stmt = (
        select(TechResult, count, town.name)
        .outerjoin(completer, completer.id == TechResult.completer_enterprise_id)
        .outerjoin(town, town.id == func.coalesce(completer.town_id, TechResult.town_id))
        .where(*_result_conditions(f or ResultFilter()))
        .order_by(TechResult.registered_on.desc(), TechResult.id.desc())
    )
    return [
        ResultView(
            r.id,
            r.reg_no,
            r.name,
            r.completer_name,
            r.completer_uscc,
            r.completer_enterprise_id,
            r.completer_local,
            r.result_type,
            r.registered_on,
            r.field,
            r.town_id,
            r.note,
            int(n or 0),
            town_name,
            r.version,
        )
        for r, n, town_name in session.execute(stmt)
    ]


def _transfers(session: Session, *where: ColumnElement[bool]) -> list[TransferView]:
    live_contract = aliased(TechContract)
    stmt = (
        select(ResultTransfer, TechResult.reg_no, TechResult.name, TechResult.completer_name)
        .add_columns(transfer_is_local(), live_contract.id)
        .join(TechResult, TechResult.id == ResultTransfer.result_id)
        .outerjoin(
            live_contract,
            and_(
                live_contract.id == ResultTransfer.contract_id,
                live_contract.deleted_at.is_(None),
            ),
        )
        .where(ResultTransfer.deleted_at.is_(None), TechResult.deleted_at.is_(None), *where)
        .order_by(ResultTransfer.transferred_on.desc(), ResultTransfer.id.desc())
    )
    return [
        TransferView(
            t.id,
            t.result_id,
            reg_no,
            name,
            completer,
            t.method,
            t.taker_name,
            t.taker_uscc,
            t.taker_enterprise_id,
            t.taker_local,
            bool(local),
            t.transferred_on,
            t.amount,
            contract_id,
            t.contract_reg_no,
            t.note,
            t.version,
        )
        for t, reg_no, name, completer, local, contract_id in session.execute(stmt)
    ]


def transfers_of_result(session: Session, result_id: int) -> list[TransferView]:
    """The live transfers of one result, newest first."""
    return _transfers(session, ResultTransfer.result_id == result_id)


def list_transfers(
    session: Session,
    start: date | None = None,
    end: date | None = None,
    method: str | None = None,
    local: bool | None = None,
) -> list[TransferView]:
    """Live transfers of live results in [start, end], of a way, local or not; newest first."""
    conds: list[ColumnElement[bool]] = []
    if start is not None:
        conds.append(ResultTransfer.transferred_on >= start)
    if end is not None:
        conds.append(ResultTransfer.transferred_on <= end)
    if method:
        conds.append(ResultTransfer.method == method)
    if local is not None:
        is_local = in_district(ResultTransfer.taker_enterprise_id, ResultTransfer.taker_local)
        conds.append(is_local if local else ~is_local)
    return _transfers(session, *conds)


# ---------------------------------------------------------------- the enterprise editor's tab


@dataclass(frozen=True)
class EnterpriseLedger:
    """An enterprise's contracts as seller and as buyer, its results, the transfers it took up."""

    as_seller: list[ContractView]
    as_buyer: list[ContractView]
    results: list[ResultView]
    transfers: list[TransferView]


def ledger_of_enterprise(session: Session, enterprise_id: int) -> EnterpriseLedger:
    """Everything of the ledger that names one roster enterprise (linked by its code)."""
    contracts = list_contracts(session, ContractFilter(enterprise_id=enterprise_id))
    return EnterpriseLedger(
        [c for c in contracts if c.seller_enterprise_id == enterprise_id],
        [c for c in contracts if c.buyer_enterprise_id == enterprise_id],
        list_results(session, ResultFilter(enterprise_id=enterprise_id)),
        _transfers(session, ResultTransfer.taker_enterprise_id == enterprise_id),
    )
