"""Importing a plan's annex table (kind `indicators`, spec/plans.md): plan and write one row.

A row names an indicator and its yearly district targets. It matches an existing indicator by its
code (when the row gives one), else by its name, else — for a platform kind's name (院士工作站) — the
one indicator counting that kind (`platforms:院士工作站…`); otherwise a manual indicator is created
(kind rate for %, amount for money, else count). A different unit from the existing indicator's
rejects the row; blank cells never erase what is stored. Every write goes through the indicators
service (audited) with the batch's id on its audit rows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEntry, Indicator, IndicatorTarget
from db.rules.years import plan_year_problem
from db.services import audit
from db.services.audit import from_json
from db.services.imports.other import Incoming, Issue, KindPlan, diff, tagged
from db.services.plans.indicators_edit import (
    MANUAL,
    add_indicator,
    set_target,
    update_indicator,
)

FIELDS = ("unit", "base_year", "base_value", "department", "note")
TARGET = "target_{}"


def _by_kind(session: Session, name: str) -> Indicator | None:
    from db.services.platforms.records import canonical_kind  # platforms read this package

    kind = canonical_kind(name)
    if kind is None:
        return None
    found = list(
        session.scalars(select(Indicator).where(Indicator.source.like(f"platforms:{kind}%")))
    )
    return found[0] if len(found) == 1 else None


def match_indicator(session: Session, values: dict[str, Any]) -> Indicator | None:
    """The indicator a row names: by code, else by name, else by platform kind."""
    code = values.get("code")
    if code:
        found = session.scalar(select(Indicator).where(Indicator.code == code))
        if found is not None:
            return found
    name = values.get("name") or ""
    found = session.scalar(select(Indicator).where(Indicator.name == name))
    return found if found is not None else _by_kind(session, name)


def guessed_kind(unit: str | None) -> str:
    """The kind of a new indicator from its unit: % → rate, money → amount, else count."""
    unit = (unit or "").strip()
    if unit in ("%", "％"):
        return "rate"
    return "amount" if unit.endswith("元") else "count"


def plan_indicator(session: Session, inc: Incoming, today: date) -> KindPlan:
    """Compare one annex row with the store: a new manual indicator, or changed fields/targets."""
    del today
    plan = KindPlan(inc)
    targets: dict[int, float] = inc.refs.get("targets", {})
    for year in targets:
        problem = plan_year_problem(year)
        if problem:
            plan.issues.append(Issue(TARGET.format(year), problem))
    found = match_indicator(session, inc.values)
    incoming = {k: v for k, v in inc.values.items() if k in FIELDS}
    new_targets = {TARGET.format(y): v for y, v in targets.items()}
    if found is None:
        plan.changes = {k: (None, v) for k, v in (incoming | new_targets).items()}
        return plan
    plan.new, plan.record_id = False, found.id
    plan.resolved["code"] = found.code
    unit = incoming.get("unit")
    if unit is not None and found.unit and unit != found.unit:
        message = f"单位“{unit}”与已有指标“{found.name}”的单位“{found.unit}”不同，请核对"
        plan.issues.append(Issue("unit", message))
    stored = {k: getattr(found, k) for k in FIELDS}
    stored |= {
        TARGET.format(t.year): t.target
        for t in session.scalars(
            select(IndicatorTarget).where(IndicatorTarget.indicator_id == found.id)
        )
    }
    plan.changes = diff(stored, incoming | new_targets)
    return plan


def _free_code(session: Session) -> str:
    taken = set(session.scalars(select(Indicator.code).where(Indicator.code.like("plan_%"))))
    n = 1
    while f"plan_{n}" in taken:
        n += 1
    return f"plan_{n}"


def apply_indicator(
    session: Session, plan: KindPlan, batch_id: int, operator: str, today: date
) -> None:
    """Create or update the indicator and set each changed year's target (audited, tagged)."""
    del today
    values = plan.incoming.values
    targets: dict[int, float] = plan.incoming.refs.get("targets", {})

    def write() -> None:
        if plan.new:
            code = values.get("code") or _free_code(session)
            fields = {k: v for k, v in values.items() if k in (*FIELDS, "name")}
            kind = guessed_kind(values.get("unit"))
            add_indicator(
                session, fields | {"code": code, "kind": kind, "source": MANUAL}, operator
            )
        else:
            code = plan.resolved["code"]
            changed = {k: new for k, (_old, new) in plan.changes.items() if k in FIELDS}
            if changed:
                update_indicator(session, code, changed, operator)
        for year, value in sorted(targets.items()):
            if plan.new or TARGET.format(year) in plan.changes:
                set_target(session, code, year, value, operator)

    tagged(session, batch_id, write)


def revert_indicator_entries(session: Session, entries: list[AuditEntry], operator: str) -> int:
    """Undo what an import batch wrote to indicators, newest first (for the batch undo): a created
    indicator is deleted with its targets, a changed field or target gets its old value back.
    Returns how many indicators were touched."""
    touched: set[int] = set()
    for entry in sorted(entries, key=lambda e: e.id, reverse=True):
        if entry.entity != "indicator":
            continue
        ind = session.get(Indicator, entry.entity_id)
        if ind is None:
            continue
        touched.add(ind.id)
        old = from_json(entry.old_value)
        if entry.action == "create" and entry.field in (None, "code"):
            session.delete(ind)
            audit.record(session, operator, "delete", "indicator", ind.id)
        elif entry.field and entry.field.startswith("target_") and entry.field[7:].isdigit():
            set_target(session, ind.code, int(entry.field[7:]), old, operator)
        elif entry.action == "update" and entry.field in FIELDS:
            update_indicator(session, ind.code, {entry.field: old}, operator)
    session.flush()
    return len(touched)
