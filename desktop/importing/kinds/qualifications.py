"""Qualifications (资质): key = code + type + number, or code + type + year (db/services/imports/holdings)."""

from __future__ import annotations

from db.rules.text import normalize_code
from db.services.imports.holdings import apply_qualification, plan_qualification
from desktop.importing.kinds.base import KindHook, KindParsed, KindReader


def parse(r: KindReader) -> KindParsed:
    """One qualification row; the type and the validity rules are checked against the store."""
    r.check_required()
    code = r.uscc("uscc")
    written = r.text("type")
    number = r.text("number")
    values = {
        "number": normalize_code(number) if number else None,
        "issued_on": r.date("issued_on"),
        "evaluation_year": r.year("year"),
        "revoked_on": r.date("revoked_on"),
        "revoke_reason": r.text("revoke_reason"),
        "level": r.text("level"),
        "note": r.text("note"),
    }
    refs = {"uscc": code, "type": written, "valid_through": r.any_date("valid_through")}
    which = values["number"] or values["evaluation_year"]
    key = (code, written, which)
    return r.finish(key, f"{code or ''} {written or ''} {which or ''}".strip(), values, refs)


HOOK = KindHook(
    "qualifications", parse, plan_qualification, apply_qualification, "uscc", in_batch=True
)
