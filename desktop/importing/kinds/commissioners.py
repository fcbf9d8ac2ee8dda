"""Commissioners (科技特派员): key = ID number for 个人, else name + 派出单位."""

from __future__ import annotations

from db.rules.text import is_empty
from db.services.imports import batch_lists
from db.services.imports.kinds import apply_commissioner, plan_commissioner
from desktop.importing.kinds.base import KindParsed, KindReader, ListHook

PERSON = "个人"


def parse(r: KindReader) -> KindParsed:
    """One roster row: 姓名 and 派出单位 required (import.md); 个人 are keyed by ID number."""
    r.check_required()
    kind = r.choice("kind") or PERSON
    name = r.text("name")
    values = {
        "name": name,
        "kind": kind,
        "level": r.choice("level"),
        "gender": r.choice("gender"),
        "id_number": r.resident_id("id_number"),
        "phone": r.phone("phone"),
        "unit": r.text("unit"),
        "contact_person": r.text("contact_person"),
        "title": r.text("title"),
        "field": r.text("field"),
        "first_year": r.year("first_year"),
        "status": r.choice("status"),
        "note": r.text("note"),
    }
    masked = r.masked_id("id_number")
    if kind == PERSON and is_empty(r.raw("id_number")):
        message = "个人特派员未填写身份证号码，按姓名和派出单位识别"
        r.problem("id_number", message, warning=True)
    by_id = kind == PERSON and values["id_number"]
    if by_id:
        key: tuple[object, ...] = (PERSON, values["id_number"])
    elif kind == PERSON and masked:
        key = (PERSON, "masked", name, masked)
    else:
        key = (kind, name, values["unit"])
    return r.finish(key, name or "", values, {"masked_id": masked})


HOOK = ListHook(
    "commissioners",
    parse,
    plan_commissioner,
    apply_commissioner,
    "name",
    start=batch_lists.start_commissioners,
)
