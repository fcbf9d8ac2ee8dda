"""Shared vocabularies and small helpers of the commissioner services."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from db.rules.text import normalize_text
from db.services.errors import InputError, NotFound

KINDS = ("个人", "法人", "团队", "工作站")
LEVELS = ("省级", "市级", "区级")
STATUSES = ("在岗", "暂停", "退出")
REQUESTER_KINDS = ("企业", "合作社", "村", "家庭农场", "其他")
SERVICE_KINDS = ("现场指导", "技术培训", "新品种新技术引进", "项目合作", "其他")

PENDING, MATCHED, SOLVED, CLOSED = "待对接", "已对接", "已解决", "已关闭"
DEMAND_STATUSES = (PENDING, MATCHED, SOLVED, CLOSED)
# 待对接 → 已对接 → 已解决 / 已关闭 (an unmatched demand may also be closed).
TRANSITIONS: Mapping[str, tuple[str, ...]] = {
    PENDING: (MATCHED, CLOSED),
    MATCHED: (SOLVED, CLOSED),
    SOLVED: (),
    CLOSED: (),
}


_T = TypeVar("_T")


def fetch(session: Session, model: type[_T], row_id: int, missing: str) -> _T:
    """The row of `model` with this id (deleted ones too); NotFound(missing) when there is none."""
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(missing)
    return row


def clean_strings(values: Mapping[str, Any], editable: tuple[str, ...]) -> dict[str, Any]:
    """Reject unknown fields; normalise strings (NFKC, trimmed; empty → None)."""
    unknown = set(values) - set(editable)
    if unknown:
        raise InputError(f"未知字段：{', '.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, str):
            value = normalize_text(value) or None
        out[key] = value
    return out


def year_bounds(year: int) -> tuple[date, date]:
    """First and last day of a year."""
    return date(year, 1, 1), date(year, 12, 31)


def first_error(errors: Mapping[str, str]) -> None:
    """Raise the first error of a field → message map as an InputError naming its field."""
    for field_name, message in errors.items():
        raise InputError(message, field_name)
