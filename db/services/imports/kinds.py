"""Store access of the import kinds other than enterprises: find by key, compare, write (import.md).

Each kind has `plan_<kind>(session, incoming, today) -> KindPlan` (created / updated with field
diffs / unchanged, or issues that reject the row; blank never erases) and
`apply_<kind>(session, plan, batch_id, operator, today)` which writes through the kind's service
(validated and audited with the batch id). Tables are small: one lookup per row is fine.

Services rule (documented choice): the commissioner is found by ID number when one is given,
else by a unique name among live commissioners. The dispatch is a live dispatch of that
commissioner whose target is the same roster enterprise (found by 统一社会信用代码, else by exact
name) or has the same target name — preferring one running on the service date, else the latest;
when there is none, a dispatch starting on the service date (in the row's town) is created.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.models import (
    Carrier,
    Commissioner,
    Demand,
    Dispatch,
    Enterprise,
    Incubatee,
    Platform,
    ServiceRecord,
)
from db.rules.identifiers import mask_resident_id, masked_matches
from db.services import carriers, platforms
from db.services.commissioners import demands, dispatches, records, roster
from db.services.commissioners.common import MATCHED, PENDING, SOLVED
from db.services.enterprises import find_by_uscc
from db.services.errors import InputError, NotFound
from db.services.imports import batch_lists
from db.services.imports.other import Incoming, Issue, KindPlan, diff, tagged
from db.services.lengths import length_problems

# Model columns named differently in the import schemas (for row problems).
SCHEMA_FIELD = {
    "town_id": "town",
    "enterprise_id": "uscc",
    "host_enterprise_id": "host_uscc",
    "host_name": "host",
    "team_name": "name",
    "commissioner_id": "commissioner",
    "dispatch_id": "target",
}

Planner = Callable[[Session, Incoming, date], KindPlan]
Writer = Callable[[Session, KindPlan, int, str, date], None]


def _issues(errors: Mapping[str, str]) -> list[Issue]:
    return [Issue(SCHEMA_FIELD.get(k, k), m) for k, m in errors.items()]


def _input_issue(exc: InputError | NotFound, fallback: str) -> Issue:
    name = exc.field if isinstance(exc, InputError) and exc.field else fallback
    return Issue(SCHEMA_FIELD.get(name, name), str(exc))


def _lengths_first(
    model: Any, refs: Mapping[str, tuple[Any, str]] | None = None
) -> Callable[[Planner], Planner]:
    """The planner, after rejecting a row whose text is longer than its column (lengths.py).

    refs: lookup references stored as a column of another model (name → (model, column)).
    """

    def wrap(planner: Planner) -> Planner:
        @functools.wraps(planner)
        def planned(session: Session, inc: Incoming, today: date) -> KindPlan:
            problems = length_problems(model.__table__, inc.values)
            for ref, (other, column) in (refs or {}).items():
                found = length_problems(other.__table__, {column: inc.refs.get(ref)})
                if column in found:
                    problems[ref] = found[column]
            if problems:
                return KindPlan(inc, issues=_issues(problems))
            return planner(session, inc, today)

        return planned

    return wrap


def _known(
    plan: KindPlan, record_id: int, stored: Mapping[str, Any], new: Mapping[str, Any]
) -> None:
    plan.record_id, plan.new = record_id, False
    plan.changes = diff(stored, new)


def _new_values(plan: KindPlan) -> dict[str, Any]:
    return {k: new for k, (_old, new) in plan.changes.items()}


def _known_by_name(
    plan: KindPlan,
    found: Carrier | Platform | None,
    fields: tuple[str, ...],
    values: Mapping[str, Any],
    noun: str,
) -> None:
    """A namesake in the recycle bin rejects the row; a live one makes the plan an update."""
    if found is not None and found.deleted_at is not None:
        plan.issues = [Issue("name", f"同名{noun}“{found.name}”在回收站中，请先恢复后再导入")]
    elif found is not None:
        _known(plan, found.id, {k: getattr(found, k) for k in fields}, values)


def _write_tagged(
    session: Session,
    plan: KindPlan,
    batch_id: int,
    operator: str,
    create: Callable[[Session, dict[str, Any], str], object],
    update: Callable[[Session, int, dict[str, Any], str], object],
) -> None:
    """Create or update through a service without a batch_id, tagging its audit rows."""
    values = plan.incoming.values
    if plan.new:
        tagged(session, batch_id, lambda: create(session, values, operator))
    elif plan.changes:
        assert plan.record_id is not None
        record_id, changed = plan.record_id, _new_values(plan)
        tagged(session, batch_id, lambda: update(session, record_id, changed, operator))


# ---------------------------------------------------------------- commissioners


MASKED_NOT_FOUND = (
    "身份证号码已遮盖（{masked}），特派员名单中没有姓名为“{name}”且号码与之相符的个人特派员；"
    "新增特派员请填写完整的身份证号码（导出时加 --with-ids）"
)


def by_masked_id(session: Session, name: object, masked: str) -> list[int]:
    """Live or deleted 个人 commissioners of this name whose ID the masked one shows."""
    rows = session.execute(
        select(Commissioner.id, Commissioner.id_number).where(
            Commissioner.name == name, Commissioner.kind == "个人"
        )
    )
    return [cid for cid, number in rows if masked_matches(masked, number)]


def _find_commissioner(session: Session, inc: Incoming) -> Commissioner | None:
    values = inc.values
    person = values.get("kind", "个人") == "个人"
    number = values.get("id_number")
    if person and number:
        found = roster.find_by_id_number(session, number)
        return session.get(Commissioner, found) if found else None
    masked = inc.refs.get("masked_id")
    if person and masked:
        ids = by_masked_id(session, values.get("name"), str(masked))
        return session.get(Commissioner, ids[0]) if len(ids) == 1 else None
    stmt = select(Commissioner).where(
        Commissioner.name == values.get("name"),
        Commissioner.unit == values.get("unit"),
        Commissioner.kind == "个人" if person else Commissioner.kind != "个人",
    )
    return session.scalars(stmt.order_by(Commissioner.id)).first()


@_lengths_first(Commissioner)
def plan_commissioner(session: Session, inc: Incoming, today: date) -> KindPlan:
    """Key: ID number for 个人, else name + 派出单位; validated like the roster editor."""
    plan = KindPlan(inc)
    found = _find_commissioner(session, inc)
    masked = inc.refs.get("masked_id")
    if found is None and masked and inc.values.get("kind", "个人") == "个人":
        name = inc.values.get("name")
        plan.issues = [Issue("id_number", MASKED_NOT_FOUND.format(masked=masked, name=name))]
        return plan
    stored = {k: getattr(found, k) for k in roster.EDITABLE} if found else {}
    checked = roster.check(stored | inc.values, today)
    if checked.errors:
        plan.issues = _issues(checked.errors)
    elif found is not None and found.deleted_at is not None:
        plan.issues = [Issue("name", f"特派员“{found.name}”在回收站中，请先恢复后再导入")]
    elif found is not None:
        keys = [*inc.values, "gender"]
        _known(plan, found.id, stored, {k: checked.values.get(k) for k in keys})
    else:  # created by this batch: its services sheet may name it
        batch_lists.note(session, batch_lists.COMMISSIONERS, checked.values.get("id_number"))
        batch_lists.note(session, batch_lists.COMMISSIONER_NAMES, checked.values.get("name"))
    return plan


def apply_commissioner(
    session: Session, plan: KindPlan, batch_id: int, operator: str, today: date
) -> None:
    """Create or update one commissioner through the roster service."""
    if plan.new:
        roster.create(session, plan.incoming.values, operator, batch_id, today)
    elif plan.changes:
        assert plan.record_id is not None
        roster.update(session, plan.record_id, _new_values(plan), operator, batch_id, today)


# ---------------------------------------------------------------- demands


def status_path(current: str, wanted: str | None) -> list[str] | None:
    """The steps from a demand status to the wanted one along the flow; None when impossible."""
    if not wanted or wanted == current:
        return []
    if demands.can_move(current, wanted):
        return [wanted]
    if current == PENDING and wanted == SOLVED:
        return [MATCHED, SOLVED]
    return None


@_lengths_first(Demand)
def plan_demand(session: Session, inc: Incoming, today: date) -> KindPlan:
    """Key: requester + problem + date; the status follows the demand flow."""
    plan = KindPlan(inc)
    values = inc.values
    code = inc.refs.get("uscc")
    if code:
        enterprise_id = find_by_uscc(session, code)
        if enterprise_id is None:
            message = f"统一社会信用代码“{code}”不在企业名录中，未关联企业"
            plan.warnings.append(Issue("uscc", message))
        else:
            values["enterprise_id"] = enterprise_id
    found = session.scalars(
        select(Demand).where(
            Demand.requester == values.get("requester"),
            Demand.problem == values.get("problem"),
            Demand.raised_on == values.get("raised_on"),
            Demand.deleted_at.is_(None),
        )
    ).first()
    stored = {k: getattr(found, k) for k in demands.EDITABLE} if found else {}
    _data, errors = demands.check(stored | values, today)
    current = found.status if found else PENDING
    path = status_path(current, inc.refs.get("status"))
    if path is None:
        errors = {**errors, "status": f"需求状态不能从“{current}”改为“{inc.refs['status']}”"}
    if errors:
        plan.issues = _issues(errors)
        return plan
    plan.resolved["status_path"] = path
    if found is not None:
        _known(plan, found.id, stored, values)
        if path:
            plan.changes["status"] = (current, path[-1])
    return plan


def apply_demand(
    session: Session, plan: KindPlan, batch_id: int, operator: str, today: date
) -> None:
    """Create or update one demand, then move its status along the flow (all audited)."""
    if plan.new:
        demand_id = demands.create(session, plan.incoming.values, operator, batch_id, today)
    else:
        assert plan.record_id is not None
        demand_id = plan.record_id
        values = {k: v for k, v in _new_values(plan).items() if k != "status"}
        if values:
            demands.update(session, demand_id, values, operator, batch_id, today)
    for status in plan.resolved.get("status_path", []):
        _move_status(session, batch_id, demand_id, status, operator)


def _move_status(
    session: Session, batch_id: int, demand_id: int, status: str, operator: str
) -> None:
    tagged(session, batch_id, lambda: demands.set_status(session, demand_id, status, operator))


# ---------------------------------------------------------------- services


def _service_commissioner(session: Session, inc: Incoming, plan: KindPlan) -> int | None:
    number = inc.refs.get("id_number")
    masked = inc.refs.get("masked_id")
    if masked and not number:
        name = inc.refs.get("commissioner")
        ids = by_masked_id(session, name, str(masked))
        if len(ids) != 1:
            plan.issues.append(
                Issue("id_number", MASKED_NOT_FOUND.format(masked=masked, name=name))
            )
            return None
        return ids[0]
    if number:
        found = roster.find_by_id_number(session, number)
        if found is None and batch_lists.creates(session, batch_lists.COMMISSIONERS, number):
            plan.resolved["commissioner_number"] = number  # linked when written
            return None
        if found is None:
            masked = mask_resident_id(number)
            plan.issues.append(Issue("id_number", f"身份证号码为{masked}的特派员不在特派员名单中"))
        return found
    name = inc.refs.get("commissioner")
    ids = list(
        session.scalars(
            select(Commissioner.id).where(
                Commissioner.name == name, Commissioner.deleted_at.is_(None)
            )
        )
    )
    batch = batch_lists.creates(session, batch_lists.COMMISSIONER_NAMES, name)
    if not ids and batch == 1:
        plan.resolved["commissioner_name"] = name  # created by this batch: linked when written
        return None
    if not ids and not batch:
        plan.issues.append(Issue("commissioner", f"特派员“{name}”不在特派员名单中，请先导入特派员"))
        return None
    if len(ids) + batch > 1:
        plan.issues.append(
            Issue("commissioner", f"有{len(ids) + batch}位名为“{name}”的特派员，请填写身份证号码")
        )
        return None
    return ids[0]


def _service_target(session: Session, inc: Incoming, plan: KindPlan) -> int | None:
    code = inc.refs.get("target_uscc")
    if code:
        found = find_by_uscc(session, code)
        if found is None:
            plan.issues.append(Issue("target_uscc", f"统一社会信用代码“{code}”不在企业名录中"))
        return found
    ids = list(
        session.scalars(
            select(Enterprise.id).where(
                Enterprise.name == inc.refs.get("target"), Enterprise.deleted_at.is_(None)
            )
        )
    )
    return ids[0] if len(ids) == 1 else None


def find_dispatch(
    session: Session, commissioner_id: int, enterprise_id: int | None, target: str, on: date
) -> int | None:
    """The dispatch a service belongs to (see the module's rule), or None."""
    same_target = Dispatch.target_name == target
    if enterprise_id is not None:
        same_target = or_(same_target, Dispatch.enterprise_id == enterprise_id)
    rows = session.execute(
        select(Dispatch.id, Dispatch.start_on, Dispatch.end_on)
        .where(
            Dispatch.commissioner_id == commissioner_id,
            Dispatch.deleted_at.is_(None),
            same_target,
        )
        .order_by(Dispatch.start_on.desc(), Dispatch.id.desc())
    ).all()
    for row in rows:
        if row.start_on <= on and (row.end_on is None or row.end_on >= on):
            return int(row.id)
    return int(rows[0].id) if rows else None


@_lengths_first(ServiceRecord, {"target": (Dispatch, "target_name")})
def plan_service(session: Session, inc: Incoming, today: date) -> KindPlan:
    """Key: commissioner + target + date + kind, under the dispatch found for them."""
    plan = KindPlan(inc)
    commissioner_id = _service_commissioner(session, inc, plan)
    enterprise_id = _service_target(session, inc, plan)
    if not plan.issues and commissioner_id is None and batch_lists.batch_commissioner(plan):
        # the commissioner is created by this batch: so is the service (checked, not looked up)
        plan.resolved["enterprise_id"] = enterprise_id
        _data, errors = records.check(dict(inc.values), today)
        plan.issues = _issues(errors)
        return plan
    if plan.issues or commissioner_id is None:
        return plan
    values = inc.values
    kind = values.get("kind") or "现场指导"
    target = str(inc.refs["target"])
    dispatch_id = find_dispatch(
        session, commissioner_id, enterprise_id, target, values["served_on"]
    )
    plan.resolved.update(commissioner_id=commissioner_id, enterprise_id=enterprise_id)
    found = None
    if dispatch_id is not None:
        found = session.scalars(
            select(ServiceRecord).where(
                ServiceRecord.dispatch_id == dispatch_id,
                ServiceRecord.served_on == values["served_on"],
                ServiceRecord.kind == kind,
                ServiceRecord.deleted_at.is_(None),
            )
        ).first()
    stored = {k: getattr(found, k) for k in records.EDITABLE} if found else {}
    _data, errors = records.check(stored | values, today)
    if errors:
        plan.issues = _issues(errors)
    elif found is not None:
        _known(plan, found.id, stored, values)
    return plan


def apply_service(
    session: Session, plan: KindPlan, batch_id: int, operator: str, today: date
) -> None:
    """Add (under a found or new dispatch) or update one service record."""
    inc = plan.incoming
    if not plan.new:
        assert plan.record_id is not None
        if plan.changes:
            record_id, values = plan.record_id, _new_values(plan)
            tagged(
                session,
                batch_id,
                lambda: records.update(session, record_id, values, operator, today),
            )
        return
    commissioner_id = batch_lists.written_commissioner(session, plan)
    enterprise_id = plan.resolved.get("enterprise_id")
    target = str(inc.refs["target"])
    served_on: date = inc.values["served_on"]
    dispatch_id = find_dispatch(session, commissioner_id, enterprise_id, target, served_on)
    if dispatch_id is None:
        dispatch_id = dispatches.dispatch(
            session,
            commissioner_id,
            enterprise_id if enterprise_id is not None else target,
            inc.refs.get("town_id"),
            served_on,
            operator=operator,
            batch_id=batch_id,
        )
    records.add(session, dispatch_id, inc.values, operator, batch_id, today)


# ---------------------------------------------------------------- carriers


@_lengths_first(Carrier)
def plan_carrier(session: Session, inc: Incoming, today: date) -> KindPlan:
    """Key: the carrier's name."""
    del today
    plan = KindPlan(inc)
    try:
        values = carriers.clean_carrier(inc.values)
    except InputError as exc:
        plan.issues = [_input_issue(exc, "name")]
        return plan
    found = session.scalars(select(Carrier).where(Carrier.name == values["name"])).first()
    _known_by_name(plan, found, carriers.CARRIER_FIELDS, values, "载体")
    if found is None:  # created by this batch: its incubatees sheet may name it
        batch_lists.note(session, batch_lists.CARRIERS, values["name"])
    return plan


def apply_carrier(
    session: Session, plan: KindPlan, batch_id: int, operator: str, today: date
) -> None:
    """Create or update one carrier through the carriers service."""
    del today
    _write_tagged(
        session, plan, batch_id, operator, carriers.create_carrier, carriers.update_carrier
    )


# ---------------------------------------------------------------- incubatees


def _find_incubatee(
    session: Session, carrier_id: int, values: Mapping[str, Any]
) -> Incubatee | None:
    who = (
        Incubatee.enterprise_id == values["enterprise_id"]
        if values.get("enterprise_id") is not None
        else Incubatee.team_name == values.get("team_name")
    )
    rows = list(
        session.scalars(
            select(Incubatee)
            .where(Incubatee.carrier_id == carrier_id, Incubatee.deleted_at.is_(None), who)
            .order_by(Incubatee.entered_on.desc(), Incubatee.id.desc())
        )
    )
    for row in rows:
        if row.entered_on == values.get("entered_on"):
            return row
    return next((r for r in rows if r.exited_on is None), None)


@_lengths_first(Incubatee)
def plan_incubatee(session: Session, inc: Incoming, today: date) -> KindPlan:
    """Key: carrier + enterprise (by code; must be in the roster) or carrier + team name."""
    del today
    plan = KindPlan(inc)
    carrier = inc.refs["carrier"]
    carrier_id = session.scalar(
        select(Carrier.id).where(Carrier.name == carrier, Carrier.deleted_at.is_(None))
    )
    in_batch = carrier_id is None and batch_lists.creates(session, batch_lists.CARRIERS, carrier)
    if carrier_id is None and not in_batch:
        plan.issues.append(Issue("carrier", f"载体“{carrier}”不存在，请先导入或添加该载体"))
    values = dict(inc.values)
    code = inc.refs.get("uscc")
    if code:
        enterprise_id = find_by_uscc(session, code)
        if enterprise_id is None:
            message = f"统一社会信用代码“{code}”不在企业名录中，请先导入该企业"
            plan.issues.append(Issue("uscc", message))
        values["enterprise_id"] = enterprise_id
        values.pop("team_name", None)
    if plan.issues:
        return plan
    plan.resolved["carrier_id" if carrier_id is not None else "carrier_name"] = (
        carrier_id if carrier_id is not None else carrier
    )
    plan.incoming.values = values
    # A carrier the batch creates has no incubatees yet: the row is new.
    found = _find_incubatee(session, carrier_id, values) if carrier_id is not None else None
    stored = {k: getattr(found, k) for k in carriers.INCUBATEE_FIELDS} if found else {}
    problems = carriers.incubatee_problems(stored | values)
    if problems:
        plan.issues = _issues(problems)
    elif found is not None:
        _known(plan, found.id, stored, values)
    return plan


def apply_incubatee(
    session: Session, plan: KindPlan, batch_id: int, operator: str, today: date
) -> None:
    """Add or update one incubatee through the carriers service."""
    del today

    def add(session: Session, values: dict[str, Any], operator: str) -> int:
        carrier_id = plan.resolved.get("carrier_id") or batch_lists.written_carrier(
            session, plan.resolved["carrier_name"]
        )
        return carriers.add_incubatee(session, int(carrier_id), values, operator)

    _write_tagged(session, plan, batch_id, operator, add, carriers.update_incubatee)


# ---------------------------------------------------------------- platforms


@_lengths_first(Platform)
def plan_platform(session: Session, inc: Incoming, today: date) -> KindPlan:
    """Key: kind + name; the host is a roster enterprise when its code is known, else a name."""
    del today
    plan = KindPlan(inc)
    values = dict(inc.values)
    code = inc.refs.get("host_uscc")
    if code:
        host = find_by_uscc(session, code)
        if host is not None:
            values["host_enterprise_id"] = host
            values.pop("host_name", None)
        else:
            plan.warnings.append(
                Issue("host_uscc", f"统一社会信用代码“{code}”不在企业名录中，按依托单位名称保存")
            )
    try:
        values = platforms.clean_platform(values)
    except InputError as exc:
        plan.issues = [_input_issue(exc, "name")]
        return plan
    plan.incoming.values = values
    found = session.scalars(
        select(Platform).where(Platform.kind == values["kind"], Platform.name == values["name"])
    ).first()
    _known_by_name(plan, found, platforms.FIELDS, values, "平台")
    return plan


def apply_platform(
    session: Session, plan: KindPlan, batch_id: int, operator: str, today: date
) -> None:
    """Create or update one platform through the platforms service."""
    del today
    _write_tagged(
        session, plan, batch_id, operator, platforms.create_platform, platforms.update_platform
    )


PLANNERS: dict[str, tuple[Planner, Writer]] = {
    "commissioners": (plan_commissioner, apply_commissioner),
    "demands": (plan_demand, apply_demand),
    "services": (plan_service, apply_service),
    "carriers": (plan_carrier, apply_carrier),
    "incubatees": (plan_incubatee, apply_incubatee),
    "platforms": (plan_platform, apply_platform),
}
