"""Shared vocabulary of the carriers package: kinds, levels, exit kinds, field lists, value cleaning and
the SQL forms of “incubating on D” and “graduated in Y” (domain.md "Incubation carriers")."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.orm import Session

from db.models import (
    Carrier,
    Incubatee,
)
from db.rules.normalize import to_wan_yuan
from db.rules.text import normalize_text
from db.rules.years import FIRST_RECORD_YEAR
from db.services.errors import InputError, NotFound

_N = TypeVar("_N", int, float)

CARRIER = "carrier"
INCUBATEE = "incubatee"
CARRIER_YEAR = "carrier_year"

KINDS = ("科技企业孵化器", "众创空间", "星创天地", "加速器", "大学科技园")
LEVELS = ("国家级", "省级", "市级", "区级")
EXIT_KINDS = ("毕业", "迁出", "淘汰", "注销")
GRADUATED = "毕业"
GRADES = {"A": "优秀", "B": "良好", "C": "合格", "D": "不合格"}
INCUBATOR = "科技企业孵化器"
MAKERSPACE = "众创空间"

CARRIER_FIELDS = (
    "name",
    "kind",
    "level",
    "recognized_year",
    "operator",
    "town_id",
    "address",
    "area",
    "stations",
    "contact",
    "phone",
    "note",
)
INCUBATEE_FIELDS = (
    "enterprise_id",
    "team_name",
    "entered_on",
    "exited_on",
    "exit_kind",
    "investment",
    "listed",
    "note",
)
YEAR_FIELDS = (
    "incubatees_reported",
    "graduates_reported",
    "new_enterprises",
    "jobs",
    "financing",
    "events",
    "grade",
)

# Graduation routes (domain.md): fixed amounts in 万元.
GRADUATION_INVESTMENT = 500.0
GRADUATION_REVENUE = 1000.0
ROUTE_HIGH_TECH = "高新技术企业"
ROUTE_INVESTMENT = "获投资≥500万元"
ROUTE_REVENUE = "两年营收累计>1000万元"
ROUTE_LISTED = "被兼并、收购或上市"


def thousand_yuan_to_wan(amount: float) -> float:
    """Torch statistics report 千元; district tables use 万元: 1 千元 = 0.1 万元."""
    return to_wan_yuan(amount, "千元")


def text_or_none(value: object) -> str | None:
    return None if value is None else normalize_text(value) or None


def number_or_none(value: object, label: str, name: str, kind: type[_N], word: str) -> _N | None:
    if value is None or value == "":
        return None
    try:
        number = kind(str(value)) if not isinstance(value, (int, float)) else kind(value)
    except ValueError:
        raise InputError(f"{label}应为{word}", name) from None
    if number < 0:
        raise InputError(f"{label}不能为负数", name)
    return number


def int_or_none(value: object, label: str, name: str) -> int | None:
    return number_or_none(value, label, name, int, "整数")


def float_or_none(value: object, label: str, name: str) -> float | None:
    return number_or_none(value, label, name, float, "数字")


def year_or_none(value: object, label: str, name: str) -> int | None:
    year = int_or_none(value, label, name)
    if year is not None and not FIRST_RECORD_YEAR <= year <= date.today().year:
        raise InputError(f"{label}应在{FIRST_RECORD_YEAR}到{date.today().year}之间", name)
    return year


def reject_unknown(values: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise InputError(f"未知字段：{', '.join(sorted(unknown))}")


def incubating_on(on: date) -> ColumnElement[bool]:
    """Condition on Incubatee rows: live and incubating on `on` (entry ≤ D < exit)."""
    return and_(
        Incubatee.deleted_at.is_(None),
        Incubatee.entered_on <= on,
        or_(Incubatee.exited_on.is_(None), Incubatee.exited_on > on),
    )


def graduated_in(year: int) -> ColumnElement[bool]:
    """Condition on Incubatee rows: live, exit kind 毕业 with an exit date in `year`."""
    return and_(
        Incubatee.deleted_at.is_(None),
        Incubatee.exit_kind == GRADUATED,
        Incubatee.exited_on >= date(year, 1, 1),
        Incubatee.exited_on <= date(year, 12, 31),
    )


def parse_date(value: object, label: str, name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise InputError(f"{label}不是有效日期", name)


def live_carrier(session: Session, carrier_id: int) -> Carrier:
    """The carrier, unless deleted (NotFound)."""
    carrier = session.get(Carrier, carrier_id)
    if carrier is None or carrier.deleted_at is not None:
        raise NotFound("载体不存在")
    return carrier
