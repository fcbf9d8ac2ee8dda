"""Innovation platforms (创新平台): CRUD, platforms of an enterprise, counts against targets.

Rules (domain.md "Innovation platforms"): a platform has a kind of the list below, a level
国家级/省级/市级, a host (a roster enterprise or another institution), a recognition year and an
approving department; (kind, name) is unique. A platform counts in year Y when it was recognised
in or before Y. Targets come from indicators whose source is `platforms:<kind>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from db.models import Enterprise, Indicator, IndicatorTarget, Platform, Town
from db.rules.text import normalize_text
from db.rules.validity import average_growth
from db.services import audit
from db.services.errors import DuplicateError, InputError, NotFound

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
    if not 1980 <= year <= date.today().year:
        raise InputError(f"认定年份应在1980到{date.today().year}之间", "recognized_year")
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
    session: Session, platform_id: int, values: Mapping[str, Any], operator: str
) -> dict[str, tuple[Any, Any]]:
    """Apply changed fields; returns {field: (old, new)} (audited)."""
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
        like = f"%{text}%"
        conds.append(
            or_(
                Platform.name.like(like),
                Platform.host_name.like(like),
                Platform.department.like(like),
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


def count_by_kind(session: Session, year: int) -> dict[str, int]:
    """Live platforms recognised in or before `year` (or without a year), per kind."""
    stmt = (
        select(Platform.kind, func.count())
        .where(
            Platform.deleted_at.is_(None),
            or_(Platform.recognized_year.is_(None), Platform.recognized_year <= year),
        )
        .group_by(Platform.kind)
    )
    return {str(k): int(n) for k, n in session.execute(stmt)}


@dataclass(frozen=True)
class PlatformTarget:
    """A kind's count in a year beside its indicator (when one has source platforms:<kind>)."""

    kind: str
    year: int
    actual: int
    indicator: str | None = None
    unit: str = "个"
    target: float | None = None
    base_year: int | None = None
    base_value: float | None = None
    department: str | None = None

    @property
    def gap(self) -> float | None:
        """How many are missing to reach the target (0 when reached; None without a target)."""
        return None if self.target is None else max(self.target - self.actual, 0.0)

    @property
    def growth(self) -> float | None:
        """Average yearly growth since the base year (domain.md), None when it cannot be computed."""
        if self.base_year is None or self.base_value is None:
            return None
        return average_growth(self.base_value, float(self.actual), self.base_year, self.year)


def _indicators(session: Session) -> dict[str, Indicator]:
    rows = session.scalars(select(Indicator).where(Indicator.source.like(f"{SOURCE_PREFIX}%")))
    return {i.source[len(SOURCE_PREFIX) :]: i for i in rows}


def _target(session: Session, indicator_id: int, year: int) -> float | None:
    return session.scalar(
        select(IndicatorTarget.target).where(
            IndicatorTarget.indicator_id == indicator_id, IndicatorTarget.year == year
        )
    )


def default_target_year(session: Session, today: date | None = None) -> int:
    """This year when a platform target is set for it, else the latest such year before it."""
    this_year = (today or date.today()).year
    latest = session.scalar(
        select(func.max(IndicatorTarget.year))
        .join(Indicator, Indicator.id == IndicatorTarget.indicator_id)
        .where(Indicator.source.like(f"{SOURCE_PREFIX}%"), IndicatorTarget.year <= this_year)
    )
    return this_year if latest is None else int(latest)


def targets(session: Session, year: int) -> list[PlatformTarget]:
    """Each kind's count in a year with its target, base and growth where an indicator exists."""
    counts = count_by_kind(session, year)
    indicators = _indicators(session)
    out: list[PlatformTarget] = []
    for kind in KINDS:
        ind = indicators.get(kind)
        if ind is None:
            out.append(PlatformTarget(kind, year, counts.get(kind, 0)))
            continue
        out.append(
            PlatformTarget(
                kind=kind,
                year=year,
                actual=counts.get(kind, 0),
                indicator=ind.name,
                unit=ind.unit or "个",
                target=_target(session, ind.id, year),
                base_year=ind.base_year,
                base_value=ind.base_value,
                department=ind.department,
            )
        )
    return out


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
