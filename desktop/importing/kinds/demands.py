"""Demands (需求库): key = requester + problem + date; an enterprise linked by its code."""

from __future__ import annotations

from db.services.imports.kinds import apply_demand, plan_demand
from desktop.importing.kinds.base import KindHook, KindParsed, KindReader


def parse(r: KindReader) -> KindParsed:
    """One demand row; the status is applied along the demand flow when planning."""
    r.check_required()
    values = {
        "requester": r.text("requester"),
        "requester_kind": r.choice("requester_kind"),
        "town_id": r.town(),
        "field": r.text("field"),
        "problem": r.text("problem"),
        "raised_on": r.date("raised_on"),
    }
    refs = {"uscc": r.uscc("uscc"), "status": r.choice("status")}
    key = (values["requester"], values["problem"], values["raised_on"])
    return r.finish(key, str(values["requester"] or ""), values, refs)


HOOK = KindHook("demands", parse, plan_demand, apply_demand, "requester")
