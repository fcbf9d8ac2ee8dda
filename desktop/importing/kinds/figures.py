"""Yearly figures (年度数据) of enterprises: key = code + year (db/services/imports/holdings)."""

from __future__ import annotations

from db.services.imports.holdings import apply_figures, plan_figures
from desktop.importing.kinds.base import KindHook, KindParsed, KindReader


def parse(r: KindReader) -> KindParsed:
    """One enterprise's figures of one year (amounts in 万元, converted from the column's unit)."""
    r.check_required()
    code = r.uscc("uscc")
    year = r.year("year")
    values = {
        "revenue": r.money("revenue"),
        "rd_expense": r.money("rd_expense"),
        "employees": r.count("employees"),
        "rd_staff": r.count("rd_staff"),
        "rd_activity": r.flag("rd_activity"),
        "rd_institution": r.flag("rd_institution"),
    }
    refs = {"uscc": code, "year": year}
    return r.finish((code, year), f"{code or ''} {year or ''}".strip(), values, refs)


HOOK = KindHook("figures", parse, plan_figures, apply_figures, "uscc", in_batch=True)
