"""Incubation carriers (孵化载体): clean, create, update, delete and restore, list, summary, recycle bin."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from db.models import (
    Carrier,
    Incubatee,
    Town,
)
from db.rules.identifiers import validate_phone
from db.rules.text import LIKE_ESCAPE, like_pattern, normalize_text
from db.services import audit
from db.services.carriers.common import (
    CARRIER,
    CARRIER_FIELDS,
    KINDS,
    LEVELS,
    float_or_none,
    graduated_in,
    incubating_on,
    int_or_none,
    live_carrier,
    reject_unknown,
    text_or_none,
    year_or_none,
)
from db.services.carriers.incubatees import count_graduates, count_incubating
from db.services.errors import DuplicateError, InputError, NotFound
from db.services.versions import claim

# ------------------------------------------------------------------ carriers


@dataclass(frozen=True)
class CarrierView:
    id: int
    name: str
    kind: str
    level: str | None
    recognized_year: int | None
    operator: str | None
    town_id: int | None
    town: str | None
    address: str | None
    area: float | None
    stations: int | None
    contact: str | None
    phone: str | None
    note: str | None
    incubating: int = 0
    graduates_this_year: int = 0
    deleted_at: datetime | None = None
    version: int = 1  # what an editor names when it saves (db/services/versions.py)


@dataclass(frozen=True)
class CarrierFilter:
    """What the carriers table shows: text in name/operator/address, kind, level, town."""

    text: str = ""
    kind: str | None = None
    level: str | None = None
    town_id: int | None = None


def clean_carrier(values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate carrier fields (no store access); raises InputError naming the field."""
    reject_unknown(values, CARRIER_FIELDS)
    out: dict[str, Any] = {}
    for key in ("name", "operator", "address", "contact", "note", "kind", "level"):
        if key in values:
            out[key] = text_or_none(values[key])
    if "name" in out and not out["name"]:
        raise InputError("载体名称不能为空", "name")
    if "kind" in out and out["kind"] is None:
        raise InputError("请选择载体类型", "kind")
    if "kind" in out and out["kind"] not in KINDS:
        raise InputError("载体类型应为：" + "、".join(KINDS), "kind")
    if out.get("level") is not None and out["level"] not in LEVELS:
        raise InputError("级别应为：" + "、".join(LEVELS), "level")
    if "recognized_year" in values:
        out["recognized_year"] = year_or_none(
            values["recognized_year"], "认定年份", "recognized_year"
        )
    if "area" in values:
        out["area"] = float_or_none(values["area"], "场地面积", "area")
    if "stations" in values:
        out["stations"] = int_or_none(values["stations"], "工位数", "stations")
    if "town_id" in values:
        out["town_id"] = values["town_id"] or None
    if "phone" in values:
        checked = validate_phone(values["phone"])
        if not checked.ok:
            raise InputError("联系电话：" + "；".join(checked.errors), "phone")
        out["phone"] = checked.value
    return out


def carrier_problems(values: Mapping[str, Any]) -> dict[str, str]:
    """The first problem per field of a carrier being typed (for validation as you type)."""
    problems: dict[str, str] = {}
    for key in values:
        try:
            clean_carrier({key: values[key]})
        except InputError as exc:
            problems[exc.field or key] = str(exc)
    return problems


def _refuse_duplicate_name(session: Session, name: str, own_id: int | None) -> None:
    row = session.execute(
        select(Carrier.id, Carrier.deleted_at).where(Carrier.name == name)
    ).first()
    if row is None or row.id == own_id:
        return
    where = "（在回收站中）" if row.deleted_at is not None else ""
    raise DuplicateError(f"已有同名载体{where}：{name}", row.id, "name")


def create_carrier(session: Session, values: Mapping[str, Any], operator: str) -> int:
    """Create a carrier (name and kind required, name unique); audited."""
    data = clean_carrier(values)
    if not data.get("name"):
        raise InputError("载体名称不能为空", "name")
    if not data.get("kind"):
        raise InputError("请选择载体类型", "kind")
    _refuse_duplicate_name(session, data["name"], None)
    return audit.add_created(session, Carrier(**data), data, operator, CARRIER)


def update_carrier(
    session: Session,
    carrier_id: int,
    values: Mapping[str, Any],
    operator: str,
    expected_version: int | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Apply changed fields of a carrier; returns {field: (old, new)} (audited)."""
    claim(session, Carrier, carrier_id, expected_version, (CARRIER, carrier_id))
    carrier = live_carrier(session, carrier_id)
    data = clean_carrier(values)
    if "kind" in data and not data["kind"]:
        raise InputError("请选择载体类型", "kind")
    if data.get("name") and data["name"] != carrier.name:
        _refuse_duplicate_name(session, data["name"], carrier_id)
    return audit.apply_changes(session, carrier, data, operator, CARRIER)


def delete_carrier(session: Session, carrier_id: int, operator: str) -> None:
    """Move a carrier to the recycle bin (its incubatees stay with it)."""
    audit.soft_delete(session, live_carrier(session, carrier_id), operator, CARRIER)


def restore_carrier(session: Session, carrier_id: int, operator: str) -> None:
    """Bring a carrier back from the recycle bin."""
    carrier = session.get(Carrier, carrier_id)
    if carrier is None:
        raise NotFound("载体不存在")
    audit.restore(session, carrier, operator, CARRIER)


def _counts_by_carrier(session: Session, condition: ColumnElement[bool]) -> dict[int, int]:
    stmt = (
        select(Incubatee.carrier_id, func.count(Incubatee.id))
        .where(condition)
        .group_by(Incubatee.carrier_id)
    )
    return {int(cid): int(n) for cid, n in session.execute(stmt)}


def _carrier_view(c: Carrier, town: str | None, incubating: int = 0, grads: int = 0) -> CarrierView:
    values = {name: getattr(c, name) for name in CARRIER_FIELDS}
    return CarrierView(
        id=c.id,
        town=town,
        incubating=incubating,
        graduates_this_year=grads,
        deleted_at=c.deleted_at,
        version=c.version,
        **values,
    )


def get_carrier(session: Session, carrier_id: int, on: date | None = None) -> CarrierView:
    """One carrier with its incubating count on `on` (default today) and graduates of that year."""
    carrier = session.get(Carrier, carrier_id)
    if carrier is None:
        raise NotFound("载体不存在")
    on = on or date.today()
    town = session.get(Town, carrier.town_id) if carrier.town_id else None
    return _carrier_view(
        carrier,
        town.name if town else None,
        count_incubating(session, on, carrier_id),
        count_graduates(session, on.year, carrier_id),
    )


def _filter_conditions(f: CarrierFilter) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [Carrier.deleted_at.is_(None)]
    text = normalize_text(f.text)
    if text:
        like = like_pattern(text)
        conds.append(
            or_(
                Carrier.name.like(like, escape=LIKE_ESCAPE),
                Carrier.operator.like(like, escape=LIKE_ESCAPE),
                Carrier.address.like(like, escape=LIKE_ESCAPE),
            )
        )
    if f.kind:
        conds.append(Carrier.kind == f.kind)
    if f.level:
        conds.append(Carrier.level == f.level)
    if f.town_id is not None:
        conds.append(Carrier.town_id == f.town_id)
    return conds


def list_carriers(
    session: Session, f: CarrierFilter | None = None, on: date | None = None
) -> list[CarrierView]:
    """Live carriers matching the filter, by kind then name, with today's counts."""
    on = on or date.today()
    stmt = (
        select(Carrier, Town.name)
        .outerjoin(Town, Town.id == Carrier.town_id)
        .where(*_filter_conditions(f or CarrierFilter()))
        .order_by(Carrier.kind, Carrier.name)
    )
    incubating = _counts_by_carrier(session, incubating_on(on))
    grads = _counts_by_carrier(session, graduated_in(on.year))
    return [
        _carrier_view(c, town, incubating.get(c.id, 0), grads.get(c.id, 0))
        for c, town in session.execute(stmt)
    ]


# ------------------------------------------------------------------ summary


@dataclass(frozen=True)
class CarrierSummary:
    on: date
    by_kind: tuple[tuple[str, int], ...]
    by_level: tuple[tuple[str, int], ...]
    incubating: int
    graduates_this_year: int

    @property
    def total(self) -> int:
        """Live carriers."""
        return sum(n for _k, n in self.by_kind)


def summary(session: Session, on: date | None = None) -> CarrierSummary:
    """Carriers by kind and level, incubating on `on` and graduates of its year."""
    on = on or date.today()
    live = Carrier.deleted_at.is_(None)
    kinds = dict(
        session.execute(select(Carrier.kind, func.count()).where(live).group_by(Carrier.kind)).all()
    )
    levels = dict(
        session.execute(
            select(Carrier.level, func.count()).where(live).group_by(Carrier.level)
        ).all()
    )
    return CarrierSummary(
        on=on,
        by_kind=tuple((k, int(kinds[k])) for k in KINDS if k in kinds),
        by_level=tuple((lv, int(levels[lv])) for lv in LEVELS if lv in levels),
        incubating=count_incubating(session, on),
        graduates_this_year=count_graduates(session, on.year),
    )


@dataclass(frozen=True)
class DeletedCarrier:
    """A carrier in the recycle bin, with who deleted it and when."""

    id: int
    name: str
    kind: str
    deleted_at: datetime
    deleted_by: str | None


def deleted_carriers(session: Session) -> list[DeletedCarrier]:
    """The carriers in the recycle bin, most recently deleted first."""
    stmt = (
        select(Carrier)
        .where(Carrier.deleted_at.is_not(None))
        .order_by(Carrier.deleted_at.desc(), Carrier.id.desc())
    )
    return [
        DeletedCarrier(c.id, c.name, c.kind, c.deleted_at, c.deleted_by)
        for c in session.scalars(stmt)
        if c.deleted_at is not None
    ]
