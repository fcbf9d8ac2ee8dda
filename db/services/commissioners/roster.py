"""The commissioners themselves: validation per kind, create/update/soft delete/restore, search."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from db.models import Assessment, Commissioner, Dispatch
from db.rules.identifiers import (
    mask_resident_id,
    resident_id_gender,
    validate_phone,
    validate_resident_id,
)
from db.rules.text import LIKE_ESCAPE, like_pattern, normalize_text
from db.rules.years import FIRST_RECORD_YEAR
from db.services import audit
from db.services.commissioners.common import (
    KINDS,
    LEVELS,
    STATUSES,
    clean_strings,
    fetch,
    first_error,
    year_bounds,
)
from db.services.enterprises.search_text import search_text
from db.services.errors import DuplicateError
from db.services.versions import claim

ENTITY = "commissioner"
# Who saw whose ID number in full, and when (spec/domain.md: masked unless the user explicitly
# reveals it): audit rows of their own entity, so a reveal is no edit of the commissioner (no
# "changed by" for the next save, no "edited after" for an import's undo).
REVEAL_ENTITY = "personal_id"
REVEAL = "reveal"
EDITABLE = (
    "name",
    "kind",
    "level",
    "gender",
    "id_number",
    "phone",
    "unit",
    "contact_person",
    "title",
    "field",
    "first_year",
    "status",
    "note",
)


@dataclass(frozen=True)
class CommissionerView:
    id: int
    name: str
    kind: str
    level: str | None = None
    gender: str | None = None
    id_number: str | None = None
    phone: str | None = None
    unit: str | None = None
    contact_person: str | None = None
    title: str | None = None
    field: str | None = None
    first_year: int | None = None
    status: str = "在岗"
    note: str | None = None
    deleted_at: datetime | None = None
    version: int = 1  # what an editor names when it saves (db/services/versions.py)

    @property
    def masked_id(self) -> str:
        """The ID number masked for lists and printouts (empty when there is none)."""
        return mask_resident_id(self.id_number) if self.id_number else ""


@dataclass(frozen=True)
class CommissionerCheck:
    """What validation found: errors by field, warnings, and the cleaned values."""

    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing blocks saving."""
        return not self.errors


def _view(c: Commissioner) -> CommissionerView:
    values = {name: getattr(c, name) for name in EDITABLE}
    return CommissionerView(id=c.id, deleted_at=c.deleted_at, version=c.version, **values)


def get(session: Session, commissioner_id: int) -> CommissionerView:
    """One commissioner (deleted ones too)."""
    return _view(_live(session, commissioner_id))


def _check_vocab(values: Mapping[str, Any], errors: dict[str, str]) -> None:
    if values.get("kind") not in KINDS:
        errors["kind"] = "类型应为：" + "、".join(KINDS)
    if values.get("level") is not None and values["level"] not in LEVELS:
        errors["level"] = "级别应为：" + "、".join(LEVELS)
    if values.get("status") is not None and values["status"] not in STATUSES:
        errors["status"] = "状态应为：" + "、".join(STATUSES)
    if values.get("gender") is not None and values["gender"] not in ("男", "女"):
        errors["gender"] = "性别应为男或女"


def _check_person(values: dict[str, Any], today: date, errors: dict[str, str]) -> list[str]:
    """个人: a resident ID, when given, must be valid; the gender follows from it.

    Without one (it is not starred in import.md) the commissioner is kept with a warning and
    is told apart by name and 派出单位."""
    if not values.get("id_number"):
        return ["个人特派员未填写身份证号码，按姓名和派出单位识别"]
    checked = validate_resident_id(values["id_number"], today)
    if not checked.ok:
        errors["id_number"] = "身份证号码" + "；".join(checked.errors)
        return []
    values["id_number"] = checked.value
    derived = resident_id_gender(checked.value or "")
    if values.get("gender") and derived and values["gender"] != derived:
        errors["gender"] = f"性别与身份证号码不符（应为{derived}）"
    values["gender"] = derived
    return list(checked.warnings)


def _check_kind(values: dict[str, Any], today: date, errors: dict[str, str]) -> list[str]:
    kind = values.get("kind")
    if kind == "个人":  # the import also requires 派出单位 of 个人 (starred in import.md)
        return _check_person(values, today, errors)
    if not values.get("unit"):
        errors["unit"] = f"{kind or '该类'}特派员必须填写派出单位"
    if values.get("id_number"):
        errors["id_number"] = "只有个人特派员填写身份证号码"
    return []


def _check_year(values: Mapping[str, Any], today: date, errors: dict[str, str]) -> None:
    year = values.get("first_year")
    if year is not None and not (isinstance(year, int) and FIRST_RECORD_YEAR <= year <= today.year):
        errors["first_year"] = f"首次选派年度应在{FIRST_RECORD_YEAR}到{today.year}之间"


def check(values: Mapping[str, Any], today: date | None = None) -> CommissionerCheck:
    """Validate a whole commissioner record (used as-you-type by the editor and by create)."""
    today = today or date.today()
    data = clean_strings(values, EDITABLE)
    data.setdefault("kind", "个人")
    errors: dict[str, str] = {}
    if not data.get("name"):
        errors["name"] = "姓名（名称）不能为空"
    _check_vocab(data, errors)
    warnings = _check_kind(data, today, errors)
    if data.get("phone") is not None:
        phone = validate_phone(data["phone"])
        if phone.ok:
            data["phone"] = phone.value
        else:
            errors["phone"] = "；".join(phone.errors)
    _check_year(data, today, errors)
    return CommissionerCheck(data, errors, tuple(warnings))


def find_by_id_number(session: Session, id_number: str) -> int | None:
    """The commissioner holding this resident ID (deleted ones included), else None."""
    return session.scalar(select(Commissioner.id).where(Commissioner.id_number == id_number))


def _refresh_search(c: Commissioner) -> None:
    c.search_text = search_text(c.name, c.unit, c.field)


def refresh_search_text(session: Session, commissioner_id: int) -> None:
    """Recompute the search column from name, unit and field (after an undo restored them)."""
    c = session.get(Commissioner, commissioner_id)
    if c is not None:
        _refresh_search(c)
        session.flush()


def create(
    session: Session,
    values: Mapping[str, Any],
    operator: str,
    batch_id: int | None = None,
    today: date | None = None,
) -> int:
    """Create a commissioner after validation; a known ID number raises DuplicateError."""
    checked = check(values, today)
    first_error(checked.errors)
    data = checked.values
    if data.get("id_number"):
        existing = find_by_id_number(session, data["id_number"])
        if existing is not None:
            raise DuplicateError("该身份证号码的特派员已存在", existing, "id_number")
    c = Commissioner(**{"status": "在岗", **data})
    _refresh_search(c)
    return audit.add_created(session, c, data, operator, ENTITY, batch_id)


def _live(session: Session, commissioner_id: int) -> Commissioner:
    return fetch(session, Commissioner, commissioner_id, "科技特派员不存在")


def update(
    session: Session,
    commissioner_id: int,
    values: Mapping[str, Any],
    operator: str,
    batch_id: int | None = None,
    today: date | None = None,
    expected_version: int | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Apply changes (the whole record is re-validated); returns what changed (audited)."""
    claim(session, Commissioner, commissioner_id, expected_version, (ENTITY, commissioner_id))
    c = _live(session, commissioner_id)
    merged = {name: getattr(c, name) for name in EDITABLE} | dict(values)
    checked = check(merged, today)
    first_error(checked.errors)
    data = checked.values
    number = data.get("id_number")
    if number and number != c.id_number:
        other = find_by_id_number(session, number)
        if other is not None and other != c.id:
            raise DuplicateError("该身份证号码已属于另一位特派员", other, "id_number")
    return audit.apply_changes(
        session, c, data, operator, ENTITY, batch_id, on_change=lambda: _refresh_search(c)
    )


def reveal_id_number(session: Session, commissioner_id: int, operator: str) -> str | None:
    """The commissioner's ID number in full, for the operator who chose to see it; the reveal is
    audited (action "reveal", entity REVEAL_ENTITY, the commissioner's id, the masked number).
    None, and nothing audited, when the commissioner has no ID number."""
    c = _live(session, commissioner_id)
    if not c.id_number:
        return None
    masked = mask_resident_id(c.id_number)
    audit.record(session, operator, REVEAL, REVEAL_ENTITY, c.id, {"id_number": (None, masked)})
    return c.id_number


def soft_delete(session: Session, commissioner_id: int, operator: str) -> None:
    """Move a commissioner to the recycle bin."""
    audit.soft_delete(session, _live(session, commissioner_id), operator, ENTITY)


def restore(session: Session, commissioner_id: int, operator: str) -> None:
    """Bring a commissioner back from the recycle bin."""
    audit.restore(session, _live(session, commissioner_id), operator, ENTITY)


@dataclass(frozen=True)
class CommissionerFilter:
    """What the roster shows: search text and the filter bar."""

    text: str = ""
    kind: str | None = None
    level: str | None = None
    field: str | None = None
    town_id: int | None = None  # served this town (a dispatch there; in `year` when given)
    year: int | None = None  # had a dispatch active in this year
    grade: str | None = None  # graded so in `year` (this year when no year is given)
    deleted: bool = False


def _active_in_year(year: int) -> Any:
    first, last = year_bounds(year)
    return and_(Dispatch.start_on <= last, or_(Dispatch.end_on.is_(None), Dispatch.end_on >= first))


def _dispatch_filter(f: CommissionerFilter) -> Any:
    conds: list[Any] = [Dispatch.deleted_at.is_(None)]
    if f.town_id is not None:
        conds.append(Dispatch.town_id == f.town_id)
    if f.year is not None:
        conds.append(_active_in_year(f.year))
    return select(Dispatch.commissioner_id).where(*conds)


def _filtered(stmt: Select[Any], f: CommissionerFilter) -> Select[Any]:
    deleted = (
        Commissioner.deleted_at.is_not(None) if f.deleted else Commissioner.deleted_at.is_(None)
    )
    stmt = stmt.where(deleted)
    text = normalize_text(f.text).lower()
    if text:
        stmt = stmt.where(Commissioner.search_text.like(like_pattern(text), escape=LIKE_ESCAPE))
    for column, value in ((Commissioner.kind, f.kind), (Commissioner.level, f.level)):
        if value:
            stmt = stmt.where(column == value)
    if f.field:
        stmt = stmt.where(
            Commissioner.field.like(like_pattern(normalize_text(f.field)), escape=LIKE_ESCAPE)
        )
    if f.town_id is not None or f.year is not None:
        stmt = stmt.where(Commissioner.id.in_(_dispatch_filter(f)))
    if f.grade:
        graded = select(Assessment.commissioner_id).where(
            Assessment.year == (f.year or date.today().year), Assessment.grade == f.grade
        )
        stmt = stmt.where(Commissioner.id.in_(graded))
    return stmt


def search(session: Session, f: CommissionerFilter) -> list[CommissionerView]:
    """The commissioners matching a filter, by name (small tables: whole rows)."""
    stmt = _filtered(select(Commissioner), f).order_by(Commissioner.name, Commissioner.id)
    return [_view(c) for c in session.scalars(stmt)]


def fields_in_use(session: Session) -> list[str]:
    """Distinct 专业领域 of live commissioners (for the filter combo)."""
    stmt = (
        select(Commissioner.field)
        .where(Commissioner.deleted_at.is_(None), Commissioner.field.is_not(None))
        .group_by(Commissioner.field)
        .order_by(func.count().desc(), Commissioner.field)
    )
    return [f for f in session.scalars(stmt) if f]


@dataclass(frozen=True)
class DeletedCommissioner:
    """A commissioner in the recycle bin, with who deleted it and when."""

    id: int
    name: str
    kind: str
    unit: str | None
    deleted_at: datetime
    deleted_by: str | None


def deleted_commissioners(session: Session) -> list[DeletedCommissioner]:
    """The commissioners in the recycle bin, most recently deleted first."""
    stmt = (
        select(Commissioner)
        .where(Commissioner.deleted_at.is_not(None))
        .order_by(Commissioner.deleted_at.desc(), Commissioner.id.desc())
    )
    return [
        DeletedCommissioner(c.id, c.name, c.kind, c.unit, c.deleted_at, c.deleted_by)
        for c in session.scalars(stmt)
        if c.deleted_at is not None
    ]
