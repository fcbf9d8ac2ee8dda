"""Export sheets of the technology-contract ledger: contracts, results and their transfers.

In the canonical import columns (amounts in 万元, 区内 / 区外 as written), so that each file
re-imports with nothing changed; --town keeps the records of that town's district parties.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Town
from db.rules.contracts import INSIDE, OUTSIDE
from db.services.contracts import queries
from desktop.exporting.columns import schema_fields
from desktop.exporting.people import sheet
from desktop.exporting.scope import ExportScope
from desktop.exporting.sheets import Sheet


def _local(value: bool | None) -> str | None:
    return None if value is None else INSIDE if value else OUTSIDE


def _towns(session: Session) -> dict[int, str]:
    return {tid: name for tid, name in session.execute(select(Town.id, Town.name))}


def contracts(session: Session, scope: ExportScope) -> list[Sheet]:
    """The technology contracts (技术合同), newest registration first."""
    towns = _towns(session)
    ids = queries.contract_ids(session, queries.ContractFilter(town_id=scope.town_id))
    rows: list[dict[str, Any]] = [
        {
            "reg_no": c.reg_no,
            "name": c.name,
            "contract_type": c.contract_type,
            "seller_name": c.seller_name,
            "seller_uscc": c.seller_uscc,
            "seller_local": _local(c.seller_local),
            "buyer_name": c.buyer_name,
            "buyer_uscc": c.buyer_uscc,
            "buyer_local": _local(c.buyer_local),
            "amount": c.amount,
            "tech_amount": c.tech_amount,
            "registered_on": c.registered_on,
            "registry_office": c.registry_office,
            "field": c.field,
            "town": towns.get(c.town_id) if c.town_id else None,
            "note": c.note,
        }
        for c in queries.contract_views(session, ids)
    ]
    return [sheet("技术合同", schema_fields("contracts"), rows)]


def results(session: Session, scope: ExportScope) -> list[Sheet]:
    """The S&T results (科技成果), newest registration first."""
    towns = _towns(session)
    rows: list[dict[str, Any]] = [
        {
            "reg_no": r.reg_no,
            "name": r.name,
            "completer_name": r.completer_name,
            "completer_uscc": r.completer_uscc,
            "completer_local": _local(r.completer_local),
            "result_type": r.result_type,
            "registered_on": r.registered_on,
            "field": r.field,
            "town": towns.get(r.town_id) if r.town_id else None,
            "note": r.note,
        }
        for r in queries.list_results(session, queries.ResultFilter(town_id=scope.town_id))
    ]
    return [sheet("科技成果", schema_fields("results"), rows)]


def transfers(session: Session, scope: ExportScope) -> list[Sheet]:
    """The transfers (科技成果转化) of live results, newest first."""
    wanted = None
    if scope.town_id is not None:
        own = queries.list_results(session, queries.ResultFilter(town_id=scope.town_id))
        wanted = {r.id for r in own}
    rows: list[dict[str, Any]] = [
        {
            "result_reg_no": t.result_reg_no,
            "result_name": t.result_name,
            "method": t.method,
            "taker_name": t.taker_name,
            "taker_uscc": t.taker_uscc,
            "taker_local": _local(t.taker_local),
            "transferred_on": t.transferred_on,
            "amount": t.amount,
            "contract_reg_no": t.contract_reg_no,
            "note": t.note,
        }
        for t in queries.list_transfers(session)
        if wanted is None or t.result_id in wanted
    ]
    return [sheet("科技成果转化", schema_fields("transfers"), rows)]
