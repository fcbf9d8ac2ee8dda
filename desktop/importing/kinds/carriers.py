"""Incubation carriers (孵化载体): key = the carrier's name."""

from __future__ import annotations

from db.services.imports import batch_lists
from db.services.imports.kinds import apply_carrier, plan_carrier
from desktop.importing.kinds.base import KindParsed, KindReader, ListHook


def parse(r: KindReader) -> KindParsed:
    """One carrier row."""
    r.check_required()
    values = {
        "name": r.text("name"),
        "kind": r.choice("kind"),
        "level": r.choice("level"),
        "recognized_year": r.year("recognized_year"),
        "operator": r.text("operator"),
        "town_id": r.town(),
        "address": r.text("address"),
        "area": r.number("area"),
        "stations": r.count("stations"),
        "contact": r.text("contact"),
        "phone": r.phone("phone"),
        "note": r.text("note"),
    }
    return r.finish((values["name"],), str(values["name"] or ""), values, {})


HOOK = ListHook(
    "carriers", parse, plan_carrier, apply_carrier, "name", start=batch_lists.start_carriers
)
