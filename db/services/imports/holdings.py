"""Import of the qualifications (资质) and yearly figures (年度数据) of enterprises (import.md).

Both kinds belong to an enterprise named by its code: one already in the store, or one the same
batch creates from an enterprise sheet (`new_codes`; the engine plans enterprise sheets first and
applies them first in the one transaction). Writes go through the enterprise services with the
batch id, in the audit shape enterprise_undo.py restores:
- a new qualification: action create, entity qualification (qualifications.add);
- a changed qualification field: action update, entity qualification;
- a new year of figures: action create, entity enterprise_year;
- a changed figure: action update on the enterprise, field "YEAR.name" (enterprises.set_year).
Key of a qualification: code + type + number, or code + type + year when there is no number.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import EnterpriseYear, Qualification, QualificationType
from db.rules.years import record_year_problem
from db.services import audit
from db.services.enterprises import crud
from db.services.enterprises import qualifications as quals
from db.services.errors import InputError
from db.services.imports.bulk import table_of
from db.services.imports.other import Incoming, Issue, KindPlan, diff
from db.services.lengths import length_problems

QUALIFICATION_ENTITY = "qualification"
YEAR_ENTITY = "enterprise_year"
STORED = ("number", "level", "issued_on", "evaluation_year", "note", "revoked_on", "revoke_reason")
REVOCATION = ("revoked_on", "revoke_reason")
YEARLY = ("revenue", "rd_expense", "employees", "rd_staff", "rd_activity", "rd_institution")
NOT_FOUND = "统一社会信用代码“{code}”不在企业名录中，本文件的企业表中也没有"


def _types(session: Session) -> dict[str, QualificationType]:
    """Qualification types by name and by code (cached on the session for one plan)."""
    cached: dict[str, QualificationType] | None = session.info.get("import_qualification_types")
    if cached is None:
        cached = {}
        for t in session.scalars(select(QualificationType)):
            cached[t.name] = cached[t.code] = t
        session.info["import_qualification_types"] = cached
    return cached


def _enterprise(
    session: Session, plan: KindPlan, code: str, new_codes: frozenset[str]
) -> int | None:
    """The stored enterprise of a code; an issue when neither the store nor the batch has it."""
    found = crud.find_by_uscc(session, code)
    if found is None and code not in new_codes:
        plan.issues.append(Issue("uscc", NOT_FOUND.format(code=code)))
    return found


def plan_qualification(
    session: Session, inc: Incoming, today: date, new_codes: frozenset[str] = frozenset()
) -> KindPlan:
    """A qualification row: created, updated (any field differs) or unchanged; issues reject it."""
    plan = KindPlan(inc)
    values = dict(inc.values)
    code = str(inc.refs["uscc"])
    written = str(inc.refs["type"])
    kind = _types(session).get(written)
    if kind is None:
        names = "、".join(sorted({t.name for t in _types(session).values()}))
        plan.issues.append(Issue("type", f"资质类型“{written}”不存在，应为：{names}"))
        return plan
    values["type_id"] = kind.id
    problems = length_problems(table_of(Qualification), values)
    if problems:
        plan.issues.extend(Issue(k, m) for k, m in problems.items())
        return plan
    try:
        checked = quals.validate(session, values)
    except InputError as exc:
        name = {"evaluation_year": "year"}.get(exc.field or "", exc.field or "number")
        plan.issues.append(Issue(name, str(exc)))
        return plan
    plan.warnings.extend(Issue("number", w) for w in checked.warnings)
    values.update(checked.values)
    revoked = values.get("revoked_on")
    if revoked is not None and checked.valid_from is not None and revoked < checked.valid_from:
        plan.issues.append(Issue("revoked_on", "撤销日期不能早于生效日期"))
    given = inc.refs.get("valid_through")
    if given is not None and given != checked.valid_through:
        shown = checked.valid_through.isoformat() if checked.valid_through else "长期有效"
        plan.warnings.append(
            Issue("valid_through", f"有效期至与按规则计算的不一致，按计算结果保存：{shown}")
        )
    enterprise_id = _enterprise(session, plan, code, new_codes)
    plan.incoming.values = values
    plan.resolved = {"uscc": code, "type_id": kind.id}
    if plan.issues or enterprise_id is None:
        return plan
    plan.resolved["enterprise_id"] = enterprise_id
    found = _stored_qualification(session, enterprise_id, values)
    if found is not None:
        plan.record_id, plan.new = found.id, False
        stored = {k: getattr(found, k) for k in STORED}
        plan.changes = diff(stored, {k: v for k, v in values.items() if k in STORED})
    return plan


def _stored_qualification(
    session: Session, enterprise_id: int, values: Mapping[str, Any]
) -> Qualification | None:
    stmt = select(Qualification).where(
        Qualification.enterprise_id == enterprise_id,
        Qualification.type_id == values["type_id"],
        Qualification.deleted_at.is_(None),
    )
    if values.get("number"):
        stmt = stmt.where(Qualification.number == values["number"])
    else:
        stmt = stmt.where(Qualification.evaluation_year == values.get("evaluation_year"))
    return session.scalars(stmt.order_by(Qualification.id)).first()


def _enterprise_id(session: Session, plan: KindPlan) -> int:
    found = plan.resolved.get("enterprise_id") or crud.find_by_uscc(session, plan.resolved["uscc"])
    if found is None:  # the enterprise sheet of the batch was to create it
        raise InputError(NOT_FOUND.format(code=plan.resolved["uscc"]), "uscc")
    return int(found)


def apply_qualification(
    session: Session, plan: KindPlan, batch_id: int, operator: str, today: date
) -> None:
    """Add or change one qualification through the qualifications service (audited)."""
    del today
    values = plan.incoming.values
    if plan.new:
        enterprise_id = _enterprise_id(session, plan)
        found = _stored_qualification(session, enterprise_id, values)
        if found is None:  # not written by the enterprise sheet of this batch either
            own = {k: v for k, v in values.items() if k not in REVOCATION}
            new_id = quals.add(session, enterprise_id, own, operator, batch_id)
            found = session.get(Qualification, new_id)
        assert found is not None
        stored = {k: getattr(found, k) for k in STORED}
        changes = diff(stored, {k: v for k, v in values.items() if k in STORED})
        record_id = found.id
    else:
        assert plan.record_id is not None
        record_id, changes = plan.record_id, plan.changes
    _write_changes(session, record_id, changes, operator, batch_id)


def _write_changes(
    session: Session,
    record_id: int,
    changes: Mapping[str, tuple[Any, Any]],
    operator: str,
    batch_id: int,
) -> None:
    own = {k: new for k, (_old, new) in changes.items() if k not in REVOCATION}
    if own:
        quals.edit(session, record_id, own, operator, batch_id)
    revocation = {k: new for k, (_old, new) in changes.items() if k in REVOCATION}
    if revocation:
        q = session.get(Qualification, record_id)
        assert q is not None
        audit.apply_changes(session, q, revocation, operator, QUALIFICATION_ENTITY, batch_id)


def plan_figures(
    session: Session, inc: Incoming, today: date, new_codes: frozenset[str] = frozenset()
) -> KindPlan:
    """One enterprise's figures of one year: created, updated or unchanged."""
    plan = KindPlan(inc)
    code = str(inc.refs["uscc"])
    year = int(inc.refs["year"])
    problem = record_year_problem(year, today)
    if problem:
        plan.issues.append(Issue("year", problem))
    enterprise_id = _enterprise(session, plan, code, new_codes)
    plan.resolved = {"uscc": code, "year": year}
    if plan.issues or enterprise_id is None:
        return plan
    plan.resolved["enterprise_id"] = enterprise_id
    found = session.scalars(
        select(EnterpriseYear).where(
            EnterpriseYear.enterprise_id == enterprise_id, EnterpriseYear.year == year
        )
    ).first()
    if found is not None:
        plan.record_id, plan.new = found.id, False
        plan.changes = diff({k: getattr(found, k) for k in YEARLY}, inc.values)
    return plan


def apply_figures(
    session: Session, plan: KindPlan, batch_id: int, operator: str, today: date
) -> None:
    """Create the year's row (audited as a create) or set its changed figures (set_year)."""
    del today
    enterprise_id = _enterprise_id(session, plan)
    year = int(plan.resolved["year"])
    values = dict(plan.incoming.values)
    found = session.scalars(
        select(EnterpriseYear).where(
            EnterpriseYear.enterprise_id == enterprise_id, EnterpriseYear.year == year
        )
    ).first()
    if found is None:
        row = EnterpriseYear(enterprise_id=enterprise_id, year=year, **values)
        audit.add_created(session, row, {"year": year, **values}, operator, YEAR_ENTITY, batch_id)
        return
    changed = diff({k: getattr(found, k) for k in YEARLY}, values)
    if changed:
        new = {k: v for k, (_old, v) in changed.items()}
        crud.set_year(session, enterprise_id, year, new, operator, batch_id)
