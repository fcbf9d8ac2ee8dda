"""Service records (服务记录): key = commissioner + target + date + kind (see import_kinds)."""

from __future__ import annotations

from db.services.imports.kinds import apply_service, plan_service
from desktop.importing.kinds.base import KindHook, KindParsed, KindReader

DEFAULT_KIND = "现场指导"


def parse(r: KindReader) -> KindParsed:
    """One service row; benefit in 万元 (converted from 千元/元 when the header says so)."""
    r.check_required()
    refs = {
        "commissioner": r.text("commissioner"),
        "id_number": r.resident_id("id_number"),
        "masked_id": r.masked_id("id_number"),
        "target": r.text("target"),
        "target_uscc": r.uscc("target_uscc"),
        "town_id": r.town(),
    }
    values = {
        "served_on": r.date("served_on"),
        "place": r.text("place"),
        "kind": r.choice("kind"),
        "trained": r.count("trained"),
        "technologies": r.count("technologies"),
        "benefit": r.money("benefit"),
        "confirmed": r.flag("confirmed"),
        "approved": r.flag("approved"),
        "note": r.text("note"),
    }
    who = refs["id_number"] or refs["commissioner"]
    key = (who, refs["target"], values["served_on"], values["kind"] or DEFAULT_KIND)
    return r.finish(key, f"{refs['commissioner']}→{refs['target']}", values, refs)


HOOK = KindHook("services", parse, plan_service, apply_service, "commissioner")
