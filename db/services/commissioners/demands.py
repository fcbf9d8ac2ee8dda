"""The demand library (需求库): requests from enterprises, cooperatives, villages and farms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Demand, Town
from db.rules.text import LIKE_ESCAPE, like_pattern, normalize_text
from db.services import audit
from db.services.commissioners.common import (
    DEMAND_STATUSES,
    PENDING,
    REQUESTER_KINDS,
    TRANSITIONS,
    clean_strings,
    fetch,
    first_error,
)
from db.services.errors import InputError
from db.services.versions import claim

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
    version: int = 1  # what an editor names when it saves (db/services/versions.py)

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
        d.version,
    )


def _get(session: Session, demand_id: int) -> Demand:
    return fetch(session, Demand, demand_id, "需求不存在")


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
    return audit.add_created(
        session, Demand(status=PENDING, **data), data, operator, ENTITY, batch_id
    )


def update(
    session: Session,
    demand_id: int,
    values: Mapping[str, Any],
    operator: str,
    batch_id: int | None = None,
    today: date | None = None,
    expected_version: int | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Change a demand's details (not its status); returns what changed (audited)."""
    claim(session, Demand, demand_id, expected_version, (ENTITY, demand_id))
    d = _get(session, demand_id)
    merged = {k: getattr(d, k) for k in EDITABLE} | dict(values)
    data, errors = check(merged, today)
    first_error(errors)
    return audit.apply_changes(session, d, data, operator, ENTITY, batch_id)


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
    audit.apply_changes(session, d, {"status": status}, operator, ENTITY)


def soft_delete(session: Session, demand_id: int, operator: str) -> None:
    """Move a demand to the recycle bin."""
    audit.soft_delete(session, _get(session, demand_id), operator, ENTITY)


def restore(session: Session, demand_id: int, operator: str) -> None:
    """Bring a demand back from the recycle bin."""
    audit.restore(session, _get(session, demand_id), operator, ENTITY)


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
        like = like_pattern(needle)
        stmt = stmt.where(
            Demand.requester.like(like, escape=LIKE_ESCAPE)
            | Demand.problem.like(like, escape=LIKE_ESCAPE)
            | Demand.field.like(like, escape=LIKE_ESCAPE)
        )
    towns = _town_names(session)
    stmt = stmt.order_by(Demand.raised_on.desc(), Demand.id.desc())
    return [_view(d, towns) for d in session.scalars(stmt)]


@dataclass(frozen=True)
class DeletedDemand:
    """A demand in the recycle bin, with who deleted it and when."""

    id: int
    requester: str
    problem: str
    raised_on: date
    deleted_at: datetime
    deleted_by: str | None


def deleted_demands(session: Session) -> list[DeletedDemand]:
    """The demands in the recycle bin, most recently deleted first."""
    stmt = (
        select(Demand)
        .where(Demand.deleted_at.is_not(None))
        .order_by(Demand.deleted_at.desc(), Demand.id.desc())
    )
    return [
        DeletedDemand(d.id, d.requester, d.problem, d.raised_on, d.deleted_at, d.deleted_by)
        for d in session.scalars(stmt)
        if d.deleted_at is not None
    ]
