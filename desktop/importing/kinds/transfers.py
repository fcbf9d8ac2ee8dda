"""Transfers of S&T results (成果转化): key = result 登记号 + 承接单位 + 转化日期.

The result must be in the store or created by the same batch (results are planned first); the
contract is linked by its 登记号 when it exists.
"""

from __future__ import annotations

from db.rules.contracts import TRANSFER_METHODS, canonical_method
from db.services.contracts import imports
from desktop.importing.kinds.base import KindParsed, KindReader
from desktop.importing.kinds.contracts import LedgerHook, code, local


def parse(r: KindReader) -> KindParsed:
    """One transfer row: one of the five ways of 《促进科技成果转化法》, dated not in the future."""
    r.check_required()
    written = r.text("method")
    method = canonical_method(written) if written else None
    if written and method is None:
        r.problem("method", "转化方式应为：" + "、".join(TRANSFER_METHODS))
    result = code(r, "result_reg_no")
    values = {
        "method": method,
        "taker_name": r.text("taker_name"),
        "taker_uscc": r.uscc("taker_uscc"),
        "taker_local": local(r, "taker_local"),
        "transferred_on": r.date("transferred_on"),
        "amount": r.money("amount"),
        "contract_reg_no": code(r, "contract_reg_no"),
        "note": r.text("note"),
    }
    key = (result, values["taker_name"], values["transferred_on"])
    label = str(r.text("result_name") or result or "")
    return r.finish(key, label, values, {"result_reg_no": result})


HOOK = LedgerHook(
    "transfers",
    parse,
    imports.plan_transfer,
    imports.apply_transfer,
    "result_reg_no",
    start=imports.start_transfers,
    finish=imports.finish_transfers,
)
