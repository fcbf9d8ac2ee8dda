"""S&T results (科技成果): key = 登记号; the 完成单位 linked to the roster by its code."""

from __future__ import annotations

from db.services.contracts import imports
from desktop.importing.kinds.base import KindParsed, KindReader
from desktop.importing.kinds.contracts import LedgerHook, code, local


def parse(r: KindReader) -> KindParsed:
    """One result row (成果类型 one of 应用技术 / 基础理论 / 软科学; registered not in the future)."""
    r.check_required()
    values = {
        "reg_no": code(r, "reg_no"),
        "name": r.text("name"),
        "completer_name": r.text("completer_name"),
        "completer_uscc": r.uscc("completer_uscc"),
        "completer_local": local(r, "completer_local"),
        "result_type": r.choice("result_type"),
        "registered_on": r.date("registered_on"),
        "field": r.text("field"),
        "town_id": r.town(),
        "note": r.text("note"),
    }
    return r.finish((values["reg_no"],), str(values["name"] or ""), values, {})


HOOK = LedgerHook(
    "results",
    parse,
    imports.plan_result,
    imports.apply_result,
    "reg_no",
    start=imports.start_results,
    finish=imports.finish_results,
)
