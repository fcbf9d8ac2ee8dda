"""Incubatees (在孵企业): key = carrier + enterprise code, or carrier + team name."""

from __future__ import annotations

from db.services.imports.kinds import apply_incubatee, plan_incubatee
from desktop.importing.kinds.base import KindHook, KindParsed, KindReader


def parse(r: KindReader) -> KindParsed:
    """One incubatee row: exit date ≥ entry date, exit kind and exit date go together."""
    r.check_required()
    carrier, name, code = r.text("carrier"), r.text("name"), r.uscc("uscc")
    entered, exited, how = r.date("entered_on"), r.date("exited_on"), r.choice("exit_kind")
    if entered and exited and exited < entered:
        r.problem("exited_on", "离孵日期不能早于入孵日期")
    if exited and not how and not r.text("exit_kind"):
        r.problem("exit_kind", "填写了离孵日期，请填写离孵方式（毕业/迁出/淘汰/注销）")
    if how and not exited and not r.text("exited_on"):
        r.problem("exited_on", "填写了离孵方式，请填写离孵日期")
    values = {
        "team_name": None if code else name,
        "entered_on": entered,
        "exited_on": exited,
        "exit_kind": how,
        "investment": r.money("investment"),
        "listed": r.flag("listed"),
        "note": r.text("note"),
    }
    key = (carrier, "code", code) if code else (carrier, "team", name)
    return r.finish(key, str(name or ""), values, {"carrier": carrier, "uscc": code})


HOOK = KindHook("incubatees", parse, plan_incubatee, apply_incubatee, "name")
