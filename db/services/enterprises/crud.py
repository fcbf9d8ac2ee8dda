"""Enterprises of the roster: create, update, soft delete, restore; yearly figures. Every write audited.

Qualifications live in db/services/enterprises/qualifications.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Enterprise, EnterpriseYear, Town
from db.rules.identifiers import validate_uscc
from db.rules.text import LIKE_ESCAPE, like_pattern, normalize_text
from db.rules.years import record_year_problem
from db.services import audit
from db.services.enterprises.search_text import pinyin_initials, search_text
from db.services.errors import DuplicateError, InputError, NotFound
from db.services.versions import NOT_STORED, claim, refused_when_stale

ENTITY = "enterprise"
EDITABLE = (
    "name",
    "uscc",
    "town_id",
    "address",
    "founded_on",
    "industry",
    "legal_rep",
    "contact",
    "phone",
    "above_scale",
    "note",
)
YEAR_FIELDS = ("revenue", "rd_expense", "employees", "rd_staff", "rd_activity", "rd_institution")


@dataclass(frozen=True)
class YearFigures:
    year: int
    revenue: float | None = None
    rd_expense: float | None = None
    employees: int | None = None
    rd_staff: int | None = None
    rd_activity: bool | None = None
    rd_institution: bool | None = None
    # the stored row's version (migration 0008); NOT_STORED for a year not entered yet
    version: int = NOT_STORED

    @property
    def rd_ratio(self) -> float | None:
        """研发费用占比 = R&D expense / revenue (None when revenue is missing or zero)."""
        if not self.revenue or self.rd_expense is None:
            return None
        return self.rd_expense / self.revenue


@dataclass(frozen=True)
class EnterpriseView:
    id: int
    name: str
    uscc: str
    town_id: int | None
    town: str | None
    address: str | None = None
    founded_on: date | None = None
    industry: str | None = None
    legal_rep: str | None = None
    contact: str | None = None
    phone: str | None = None
    above_scale: bool = False
    note: str | None = None
    deleted_at: datetime | None = None
    deleted_by: str | None = None
    years: tuple[YearFigures, ...] = field(default=())
    version: int = 1  # what an editor names when it saves (db/services/versions.py)


def _view(e: Enterprise, town: str | None) -> EnterpriseView:
    years = tuple(
        YearFigures(y.year, **{f: getattr(y, f) for f in YEAR_FIELDS}, version=y.version)
        for y in sorted(e.years, key=lambda y: y.year)
    )
    values = {name: getattr(e, name) for name in EDITABLE}
    return EnterpriseView(
        id=e.id,
        town=town,
        deleted_at=e.deleted_at,
        deleted_by=e.deleted_by,
        years=years,
        version=e.version,
        **values,
    )


def get(session: Session, enterprise_id: int) -> EnterpriseView:
    """One enterprise with its yearly figures (deleted ones too)."""
    e = session.get(Enterprise, enterprise_id)
    if e is None:
        raise NotFound("企业不存在")
    town = session.get(Town, e.town_id) if e.town_id else None
    return _view(e, town.name if town else None)


def find_by_uscc(session: Session, uscc: str) -> int | None:
    """The id of the enterprise with this code (deleted ones included), else None."""
    return session.scalar(select(Enterprise.id).where(Enterprise.uscc == uscc))


def similar_names(session: Session, name: str, exclude_id: int | None = None) -> list[str]:
    """Names of live enterprises that are very close to `name` (same name once 有限公司 etc. go)."""
    core = _name_core(name)
    if len(core) < 2:
        return []
    stmt = select(Enterprise.id, Enterprise.name).where(
        Enterprise.deleted_at.is_(None),
        Enterprise.name.like(like_pattern(core), escape=LIKE_ESCAPE),
    )
    return [
        n for i, n in session.execute(stmt.limit(50)) if i != exclude_id and _name_core(n) == core
    ]


def _name_core(name: str) -> str:
    text = normalize_text(name).replace(" ", "")
    for suffix in ("股份有限公司", "有限责任公司", "有限公司", "公司", "集团"):
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise InputError(f"未知字段：{', '.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, str):
            value = normalize_text(value) or None
        out[key] = value
    if "name" in out and not out["name"]:
        raise InputError("企业名称不能为空", "name")
    if "uscc" in out:
        checked = validate_uscc(out["uscc"] or "")
        if not checked.ok:
            raise InputError("统一社会信用代码" + "；".join(checked.errors), "uscc")
        out["uscc"] = checked.value
    founded = out.get("founded_on")
    if founded is not None and founded > date.today():
        raise InputError("成立日期不能晚于今天", "founded_on")
    if "above_scale" in out:
        out["above_scale"] = bool(out["above_scale"])
    return out


def _refresh_search(e: Enterprise) -> None:
    e.search_text = search_text(e.name, e.uscc)
    e.pinyin_initials = pinyin_initials(e.name)


def create(
    session: Session, values: Mapping[str, Any], operator: str, batch_id: int | None = None
) -> int:
    """Create an enterprise; a code already in the store raises DuplicateError naming its id."""
    data = _clean(values)
    if not data.get("name") or not data.get("uscc"):
        raise InputError(
            "企业名称和统一社会信用代码必须填写", "name" if not data.get("name") else "uscc"
        )
    existing = find_by_uscc(session, data["uscc"])
    if existing is not None:
        raise DuplicateError("该统一社会信用代码的企业已存在", existing, "uscc")
    e = Enterprise(**data)
    _refresh_search(e)
    return audit.add_created(session, e, data, operator, ENTITY, batch_id)


def update(
    session: Session,
    enterprise_id: int,
    values: Mapping[str, Any],
    operator: str,
    batch_id: int | None = None,
    expected_version: int | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Apply changed fields; returns {field: (old, new)} of what really changed (audited).

    A save based on `expected_version` is refused (StaleEdit) when another desk changed the
    enterprise since (db/services/versions.py)."""
    claim(session, Enterprise, enterprise_id, expected_version, (ENTITY, enterprise_id))
    e = session.get(Enterprise, enterprise_id)
    if e is None:
        raise NotFound("企业不存在")
    data = _clean(values)
    if "uscc" in data and data["uscc"] != e.uscc:
        other = find_by_uscc(session, data["uscc"])
        if other is not None:
            raise DuplicateError("该统一社会信用代码已属于另一家企业", other, "uscc")
    with refused_when_stale(session, ENTITY, enterprise_id):
        return audit.apply_changes(
            session, e, data, operator, ENTITY, batch_id, on_change=lambda: _refresh_search(e)
        )


def soft_delete(session: Session, enterprise_id: int, operator: str) -> None:
    """Move an enterprise to the recycle bin."""
    e = session.get(Enterprise, enterprise_id)
    if e is None:
        raise NotFound("企业不存在")
    audit.soft_delete(session, e, operator, ENTITY)


def restore(session: Session, enterprise_id: int, operator: str) -> None:
    """Bring an enterprise back from the recycle bin."""
    e = session.get(Enterprise, enterprise_id)
    if e is None:
        raise NotFound("企业不存在")
    audit.restore(session, e, operator, ENTITY)


@dataclass(frozen=True)
class DeletedEnterprise:
    id: int
    name: str
    uscc: str
    deleted_at: datetime
    deleted_by: str | None


def recycle_bin(session: Session) -> list[DeletedEnterprise]:
    """Deleted enterprises, most recently deleted first."""
    stmt = (
        select(Enterprise)
        .where(Enterprise.deleted_at.is_not(None))
        .order_by(Enterprise.deleted_at.desc())
    )
    return [
        DeletedEnterprise(e.id, e.name, e.uscc, e.deleted_at, e.deleted_by)
        for e in session.scalars(stmt)
        if e.deleted_at is not None
    ]


def _clean_year(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(YEAR_FIELDS)
    if unknown:
        raise InputError(f"未知字段：{', '.join(sorted(unknown))}")
    for key in ("revenue", "rd_expense", "employees", "rd_staff"):
        value = values.get(key)
        if value is not None and value < 0:
            raise InputError("数值不能为负数", key)
    return dict(values)


def set_year(
    session: Session,
    enterprise_id: int,
    year: int,
    values: Mapping[str, Any],
    operator: str,
    batch_id: int | None = None,
    expected_version: int | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Create or update the figures of one data year; returns what changed (audited).

    `expected_version` is the year's version the editor opened (NOT_STORED for a new year):
    a save over another desk's figures of that year is refused (StaleEdit)."""
    problem = record_year_problem(year, date.today())
    if problem:
        raise InputError(problem, "year")
    data = _clean_year(values)
    row = session.scalar(
        select(EnterpriseYear).where(
            EnterpriseYear.enterprise_id == enterprise_id, EnterpriseYear.year == year
        )
    )
    row_id = None if row is None else row.id
    claim(session, EnterpriseYear, row_id, expected_version, (ENTITY, enterprise_id))
    if row is None:
        row = EnterpriseYear(enterprise_id=enterprise_id, year=year)
        session.add(row)
    with refused_when_stale(session, ENTITY, enterprise_id):
        return audit.apply_year(
            session, row, year, data, (ENTITY, enterprise_id), operator, batch_id
        )
