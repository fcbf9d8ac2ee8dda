"""The demand library (需求库): requests from enterprises, cooperatives, villages and farms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Demand, Town
from db.rules.text import normalize_text
from db.services import audit
from db.services.commissioners.common import (
    DEMAND_STATUSES,
    PENDING,
    REQUESTER_KINDS,
    TRANSITIONS,
    clean_strings,
    first_error,
    now,
)
from db.services.errors import InputError, NotFound

ENTITY = "demand"
EDITABLE = (
    "requester",
    "requester_kind",
    "enterprise_id",
    "town_id",
    "field",
    "problem",
    "raised_on",
    "note",
)


@dataclass(frozen=True)
class DemandView:
    id: int
    requester: str
    requester_kind: str
    enterprise_id: int | None
    town_id: int | None
    town: str | None
    field: str | None
    problem: str
    raised_on: date
    status: str
    note: str | None = None

    @property
    def is_open(self) -> bool:
        """Still waiting for a commissioner (待对接)."""
        return self.status == PENDING


def _town_names(session: Session) -> dict[int, str]:
    return {tid: name for tid, name in session.execute(select(Town.id, Town.name))}


def _view(d: Demand, towns: Mapping[int, str]) -> DemandView:
    return DemandView(
        d.id,
        d.requester,
        d.requester_kind,
        d.enterprise_id,
        d.town_id,
        towns.get(d.town_id) if d.town_id else None,
        d.field,
        d.problem,
        d.raised_on,
        d.status,
        d.note,
    )


def _get(session: Session, demand_id: int) -> Demand:
    d = session.get(Demand, demand_id)
    if d is None:
        raise NotFound("需求不存在")
    return d


def get(session: Session, demand_id: int) -> DemandView:
    """One demand."""
    return _view(_get(session, demand_id), _town_names(session))


def check(
    values: Mapping[str, Any], today: date | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate a whole demand: requester, problem and date required; date not in the future."""
    today = today or date.today()
    data = clean_strings(values, EDITABLE)
    data.setdefault("requester_kind", "企业")
    errors: dict[str, str] = {}
    if not data.get("requester"):
        errors["requester"] = "需求方不能为空"
    if data.get("requester_kind") not in REQUESTER_KINDS:
        errors["requester_kind"] = "需求方类型应为：" + "、".join(REQUESTER_KINDS)
    if not data.get("problem"):
        errors["problem"] = "需求内容（问题）不能为空"
    raised = data.get("raised_on")
    if not isinstance(raised, date):
        errors["raised_on"] = "请填写提出日期"
    elif raised > today:
        errors["raised_on"] = "提出日期不能晚于今天"
    return data, errors


def create(
    session: Session,
    values: Mapping[str, Any],
    operator: str,
    batch_id: int | None = None,
    today: date | None = None,
) -> int:
    """Add a demand (status 待对接)."""
    data, errors = check(values, today)
    first_error(errors)
    d = Demand(status=PENDING, **data)
    session.add(d)
    session.flush()
    changes = {k: (None, v) for k, v in data.items() if v is not None}
    audit.record(session, operator, "create", ENTITY, d.id, changes, batch_id)
    return d.id


def update(
    session: Session,
    demand_id: int,
    values: Mapping[str, Any],
    operator: str,
    batch_id: int | None = None,
    today: date | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Change a demand's details (not its status); returns what changed (audited)."""
    d = _get(session, demand_id)
    merged = {k: getattr(d, k) for k in EDITABLE} | dict(values)
    data, errors = check(merged, today)
    first_error(errors)
    diff = {k: (getattr(d, k), v) for k, v in data.items() if getattr(d, k) != v}
    for key, (_old, new) in diff.items():
        setattr(d, key, new)
    if diff:
        audit.record(session, operator, "update", ENTITY, d.id, diff, batch_id)
        session.flush()
    return diff


def can_move(current: str, new: str) -> bool:
    """Whether the status flow 待对接 → 已对接 → 已解决 / 已关闭 allows this step."""
    return new in TRANSITIONS.get(current, ())


def set_status(session: Session, demand_id: int, status: str, operator: str) -> None:
    """Move a demand along its flow; any other step is refused with a clear message."""
    if status not in DEMAND_STATUSES:
        raise InputError("需求状态应为：" + "、".join(DEMAND_STATUSES), "status")
    d = _get(session, demand_id)
    if d.status == status:
        return
    if not can_move(d.status, status):
        allowed = "、".join(TRANSITIONS.get(d.status, ())) or "无（已办结）"
        raise InputError(f"需求状态不能从“{d.status}”改为“{status}”；可改为：{allowed}", "status")
    audit.record(session, operator, "update", ENTITY, d.id, {"status": (d.status, status)})
    d.status = status
    session.flush()


def soft_delete(session: Session, demand_id: int, operator: str) -> None:
    """Move a demand to the recycle bin."""
    d = _get(session, demand_id)
    if d.deleted_at is None:
        d.deleted_at = now()
        d.deleted_by = operator
        audit.record(session, operator, "delete", ENTITY, d.id)
        session.flush()


def restore(session: Session, demand_id: int, operator: str) -> None:
    """Bring a demand back from the recycle bin."""
    d = _get(session, demand_id)
    if d.deleted_at is not None:
        d.deleted_at = None
        d.deleted_by = None
        audit.record(session, operator, "restore", ENTITY, d.id)
        session.flush()


def list_demands(
    session: Session, status: str | None = None, town_id: int | None = None, text: str = ""
) -> list[DemandView]:
    """Live demands, newest first, optionally of one status / town / containing a text."""
    stmt = select(Demand).where(Demand.deleted_at.is_(None))
    if status:
        stmt = stmt.where(Demand.status == status)
    if town_id is not None:
        stmt = stmt.where(Demand.town_id == town_id)
    needle = normalize_text(text)
    if needle:
        like = f"%{needle}%"
        stmt = stmt.where(
            Demand.requester.like(like) | Demand.problem.like(like) | Demand.field.like(like)
        )
    towns = _town_names(session)
    stmt = stmt.order_by(Demand.raised_on.desc(), Demand.id.desc())
    return [_view(d, towns) for d in session.scalars(stmt)]
