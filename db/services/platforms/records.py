"""Innovation platforms (创新平台): clean, create, update, delete and restore, lists, recycle bin.

Rules (domain.md "Innovation platforms"): a platform has a kind of KINDS, a level 国家级/省级/市级, a
host (a roster enterprise or another institution), a recognition year and an approving department;
(kind, name) is unique."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from db.models import Enterprise, Platform, Town
from db.rules.text import LIKE_ESCAPE, like_pattern, normalize_text
from db.rules.years import FIRST_RECORD_YEAR
from db.services import audit
from db.services.errors import DuplicateError, InputError, NotFound
from db.services.versions import claim

ENTITY = "platform"
KINDS = (
    "院士工作站",
    "工程技术研究中心",
    "企业技术中心",
    "工业设计中心",
    "工程研究中心",
    "重点实验室",
    "新型研发机构",
    "博士后工作站",
    "专家工作站",
)
KIND_ALIASES = {
    "技术创新中心": "工程技术研究中心",
    "工程技术研究中心(技术创新中心)": "工程技术研究中心",
}
LEVELS = ("国家级", "省级", "市级")
SOURCE_PREFIX = "platforms:"
FIELDS = (
    "name",
    "kind",
    "level",
    "host_enterprise_id",
    "host_name",
    "recognized_year",
    "department",
    "town_id",
    "note",
)


@dataclass(frozen=True)
class PlatformView:
    id: int
    name: str
    kind: str
    level: str
    host_enterprise_id: int | None
    host_name: str
    recognized_year: int | None
    department: str | None
    town_id: int | None
    town: str | None
    note: str | None
    version: int = 1  # what an editor names when it saves (db/services/versions.py)


@dataclass(frozen=True)
class PlatformFilter:
    """What the platforms table shows: text in name/host/department, kind, level, year."""

    text: str = ""
    kind: str | None = None
    level: str | None = None
    year: int | None = None  # recognised in this year
    host_enterprise_id: int | None = None


def canonical_kind(value: object) -> str | None:
    """The kind of the list for a written kind (技术创新中心 → 工程技术研究中心), else None."""
    text = normalize_text(value).replace("（", "(").replace("）", ")") if value else ""
    text = KIND_ALIASES.get(text, text)
    return text if text in KINDS else None


def _text(value: object) -> str | None:
    return None if value is None else normalize_text(value) or None


def clean_platform(values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate platform fields (no store access); raises InputError naming the field."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise InputError(f"未知字段：{', '.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    for key in ("name", "host_name", "department", "note", "level"):
        if key in values:
            out[key] = _text(values[key])
    if "name" in out and not out["name"]:
        raise InputError("平台名称不能为空", "name")
    if "kind" in values and not values["kind"]:
        raise InputError("请选择平台类型", "kind")
    if "kind" in values:
        kind = canonical_kind(values["kind"])
        if kind is None:
            raise InputError("平台类型应为：" + "、".join(KINDS), "kind")
        out["kind"] = kind
    if "level" in out and out["level"] is None:
        raise InputError("请选择级别", "level")
    if "level" in out and out["level"] not in LEVELS:
        raise InputError("级别应为：" + "、".join(LEVELS), "level")
    if "recognized_year" in values:
        out["recognized_year"] = _year(values["recognized_year"])
    for key in ("host_enterprise_id", "town_id"):
        if key in values:
            out[key] = values[key] or None
    return out


def _year(value: object) -> int | None:
    if value is None or value == "":
        return None
    try:
        year = int(str(value))
    except ValueError:
        raise InputError("认定年份应为4位年份", "recognized_year") from None
    if not FIRST_RECORD_YEAR <= year <= date.today().year:
        raise InputError(
            f"认定年份应在{FIRST_RECORD_YEAR}到{date.today().year}之间", "recognized_year"
        )
    return year


def platform_problems(values: Mapping[str, Any]) -> dict[str, str]:
    """The first problem per field of a platform being typed (validation as you type)."""
    problems: dict[str, str] = {}
    for key in values:
        try:
            clean_platform({key: values[key]})
        except InputError as exc:
            problems[exc.field or key] = str(exc)
    merged = dict(values)
    if not merged.get("host_enterprise_id") and not _text(merged.get("host_name")):
        problems.setdefault("host_name", "请选择名录中的依托企业或填写依托单位名称")
    return problems


def _resolve_host(session: Session, data: dict[str, Any]) -> None:
    """A roster host gives its name (and town when none is set); otherwise a name is required."""
    eid = data.get("host_enterprise_id")
    if eid is not None:
        e = session.get(Enterprise, eid)
        if e is None or e.deleted_at is not None:
            raise NotFound("依托企业不存在")
        data["host_name"] = e.name
        if data.get("town_id") is None:
            data["town_id"] = e.town_id
    elif not data.get("host_name"):
        raise InputError("请选择名录中的依托企业或填写依托单位名称", "host_name")


def _refuse_duplicate(session: Session, kind: str, name: str, own_id: int | None) -> None:
    row = session.execute(
        select(Platform.id, Platform.deleted_at).where(Platform.kind == kind, Platform.name == name)
    ).first()
    if row is None or row.id == own_id:
        return
    where = "（在回收站中）" if row.deleted_at is not None else ""
    raise DuplicateError(f"已有同名的{kind}{where}：{name}", row.id, "name")


def create_platform(session: Session, values: Mapping[str, Any], operator: str) -> int:
    """Create a platform (name, kind, level and a host required; (kind, name) unique); audited."""
    data = clean_platform(values)
    for key, message in (
        ("name", "平台名称不能为空"),
        ("kind", "请选择平台类型"),
        ("level", "请选择级别"),
    ):
        if not data.get(key):
            raise InputError(message, key)
    _resolve_host(session, data)
    _refuse_duplicate(session, data["kind"], data["name"], None)
    return audit.add_created(session, Platform(**data), data, operator, ENTITY)


def _live(session: Session, platform_id: int) -> Platform:
    platform = session.get(Platform, platform_id)
    if platform is None or platform.deleted_at is not None:
        raise NotFound("平台不存在")
    return platform


def update_platform(
    session: Session,
    platform_id: int,
    values: Mapping[str, Any],
    operator: str,
    expected_version: int | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Apply changed fields; returns {field: (old, new)} (audited)."""
    claim(session, Platform, platform_id, expected_version, (ENTITY, platform_id))
    platform = _live(session, platform_id)
    data = clean_platform(values)
    for key in ("kind", "level"):
        if key in data and not data[key]:
            raise InputError("类型和级别必须填写", key)
    if "host_enterprise_id" in data or "host_name" in data:
        merged = {
            "host_enterprise_id": platform.host_enterprise_id,
            "host_name": platform.host_name,
            "town_id": platform.town_id,
        }
        merged |= {k: data[k] for k in ("host_enterprise_id", "host_name") if k in data}
        _resolve_host(session, merged)
        data["host_name"] = merged["host_name"]
    kind, name = data.get("kind", platform.kind), data.get("name", platform.name)
    if (kind, name) != (platform.kind, platform.name):
        _refuse_duplicate(session, kind, name, platform_id)
    return audit.apply_changes(session, platform, data, operator, ENTITY)


def delete_platform(session: Session, platform_id: int, operator: str) -> None:
    """Move a platform to the recycle bin."""
    audit.soft_delete(session, _live(session, platform_id), operator, ENTITY)


def restore_platform(session: Session, platform_id: int, operator: str) -> None:
    """Bring a platform back from the recycle bin."""
    platform = session.get(Platform, platform_id)
    if platform is None:
        raise NotFound("平台不存在")
    audit.restore(session, platform, operator, ENTITY)


def _views(session: Session, *where: ColumnElement[bool]) -> list[PlatformView]:
    stmt = (
        select(Platform, Town.name)
        .outerjoin(Town, Town.id == Platform.town_id)
        .where(Platform.deleted_at.is_(None), *where)
        .order_by(Platform.kind, Platform.recognized_year.desc(), Platform.name)
    )
    return [
        PlatformView(
            id=p.id,
            name=p.name,
            kind=p.kind,
            level=p.level,
            host_enterprise_id=p.host_enterprise_id,
            host_name=p.host_name,
            recognized_year=p.recognized_year,
            department=p.department,
            town_id=p.town_id,
            town=town,
            note=p.note,
            version=p.version,
        )
        for p, town in session.execute(stmt)
    ]


def get_platform(session: Session, platform_id: int) -> PlatformView:
    """One live platform."""
    found = _views(session, Platform.id == platform_id)
    if not found:
        raise NotFound("平台不存在")
    return found[0]


def _conditions(f: PlatformFilter) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    text = normalize_text(f.text)
    if text:
        like = like_pattern(text)
        conds.append(
            or_(
                Platform.name.like(like, escape=LIKE_ESCAPE),
                Platform.host_name.like(like, escape=LIKE_ESCAPE),
                Platform.department.like(like, escape=LIKE_ESCAPE),
            )
        )
    if f.kind:
        conds.append(Platform.kind == f.kind)
    if f.level:
        conds.append(Platform.level == f.level)
    if f.year is not None:
        conds.append(Platform.recognized_year == f.year)
    if f.host_enterprise_id is not None:
        conds.append(Platform.host_enterprise_id == f.host_enterprise_id)
    return conds


def list_platforms(session: Session, f: PlatformFilter | None = None) -> list[PlatformView]:
    """Live platforms matching the filter, by kind, newest recognition first."""
    return _views(session, *_conditions(f or PlatformFilter()))


def platforms_of_enterprise(session: Session, enterprise_id: int) -> list[PlatformView]:
    """The live platforms an enterprise of the roster hosts."""
    return _views(session, Platform.host_enterprise_id == enterprise_id)


def recognition_years(session: Session) -> list[int]:
    """Distinct recognition years of live platforms, newest first (for the year filter)."""
    stmt = (
        select(Platform.recognized_year)
        .where(Platform.deleted_at.is_(None), Platform.recognized_year.is_not(None))
        .distinct()
        .order_by(Platform.recognized_year.desc())
    )
    return [y for y in session.scalars(stmt) if y is not None]


@dataclass(frozen=True)
class DeletedPlatform:
    """A platform in the recycle bin, with who deleted it and when."""

    id: int
    name: str
    kind: str
    host_name: str
    deleted_at: datetime
    deleted_by: str | None


def deleted_platforms(session: Session) -> list[DeletedPlatform]:
    """The platforms in the recycle bin, most recently deleted first."""
    stmt = (
        select(Platform)
        .where(Platform.deleted_at.is_not(None))
        .order_by(Platform.deleted_at.desc(), Platform.id.desc())
    )
    return [
        DeletedPlatform(p.id, p.name, p.kind, p.host_name, p.deleted_at, p.deleted_by)
        for p in session.scalars(stmt)
        if p.deleted_at is not None
    ]
