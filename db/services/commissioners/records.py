"""Service records (服务记录) of a dispatch: date, place, kind, trained, technologies, benefit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Dispatch, ServiceRecord
from db.services import audit
from db.services.commissioners.common import SERVICE_KINDS, clean_strings, fetch, first_error
from db.services.errors import InputError
from db.services.versions import claim

ENTITY = "service_record"
EDITABLE = (
    "served_on",
    "place",
    "kind",
    "trained",
    "technologies",
    "benefit",
    "confirmed",
    "approved",
    "note",
)


@dataclass(frozen=True)
class ServiceRecordView:
    id: int
    dispatch_id: int
    served_on: date
    place: str | None
    kind: str
    trained: int | None
    technologies: int | None
    benefit: float | None
    confirmed: bool
    approved: bool
    note: str | None = None
    version: int = 1  # what an editor names when it saves (db/services/versions.py)


def _non_negative(values: Mapping[str, Any], errors: dict[str, str]) -> None:
    labels = {"trained": "培训人数", "technologies": "引进技术数", "benefit": "经济效益"}
    for key, label in labels.items():
        value = values.get(key)
        if value is None:
            continue
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            errors[key] = f"{label}应为数字"
        elif value < 0:
            errors[key] = f"{label}不能为负数"
        elif key != "benefit" and int(value) != value:
            errors[key] = f"{label}应为整数"


def check(
    values: Mapping[str, Any], today: date | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate a service record: a date not in the future, a known kind, figures ≥ 0."""
    today = today or date.today()
    data = clean_strings(values, EDITABLE)
    data.setdefault("kind", "现场指导")
    errors: dict[str, str] = {}
    served = data.get("served_on")
    if not isinstance(served, date):
        errors["served_on"] = "请填写服务日期"
    elif served > today:
        errors["served_on"] = "服务日期不能晚于今天"
    if data.get("kind") not in SERVICE_KINDS:
        errors["kind"] = "服务方式应为：" + "、".join(SERVICE_KINDS)
    _non_negative(data, errors)
    for flag in ("confirmed", "approved"):
        if flag in data:
            data[flag] = bool(data[flag])
    return data, errors


def _view(r: ServiceRecord) -> ServiceRecordView:
    return ServiceRecordView(
        r.id,
        r.dispatch_id,
        r.served_on,
        r.place,
        r.kind,
        r.trained,
        r.technologies,
        r.benefit,
        r.confirmed,
        r.approved,
        r.note,
        r.version,
    )


def add(
    session: Session,
    dispatch_id: int,
    values: Mapping[str, Any],
    operator: str,
    batch_id: int | None = None,
    today: date | None = None,
) -> int:
    """Record one service under a dispatch."""
    parent = session.get(Dispatch, dispatch_id)
    if parent is None or parent.deleted_at is not None:
        raise InputError("派遣记录不存在或已删除", "dispatch_id")
    data, errors = check(values, today)
    first_error(errors)
    row = ServiceRecord(dispatch_id=dispatch_id, **data)
    return audit.add_created(session, row, data, operator, ENTITY, batch_id)


def _get(session: Session, record_id: int) -> ServiceRecord:
    return fetch(session, ServiceRecord, record_id, "服务记录不存在")


def update(
    session: Session,
    record_id: int,
    values: Mapping[str, Any],
    operator: str,
    today: date | None = None,
    expected_version: int | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Change a service record; returns what changed (audited)."""
    claim(session, ServiceRecord, record_id, expected_version, (ENTITY, record_id))
    row = _get(session, record_id)
    merged = {k: getattr(row, k) for k in EDITABLE} | dict(values)
    data, errors = check(merged, today)
    first_error(errors)
    return audit.apply_changes(session, row, data, operator, ENTITY)


def get(session: Session, record_id: int) -> ServiceRecordView:
    """One service record as stored now."""
    return _view(_get(session, record_id))


def soft_delete(session: Session, record_id: int, operator: str) -> None:
    """Move a service record to the recycle bin."""
    audit.soft_delete(session, _get(session, record_id), operator, ENTITY)


def list_records(session: Session, dispatch_id: int) -> list[ServiceRecordView]:
    """The live records of a dispatch, oldest first (the order they were entered in)."""
    stmt = (
        select(ServiceRecord)
        .where(ServiceRecord.dispatch_id == dispatch_id, ServiceRecord.deleted_at.is_(None))
        .order_by(ServiceRecord.served_on, ServiceRecord.id)
    )
    return [_view(r) for r in session.scalars(stmt)]
