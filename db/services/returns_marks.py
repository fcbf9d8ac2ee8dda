"""The legal marks of each statistical return (表号, 制表机关, 批准/备案机关, 文号, 有效期至), as set in
设置 → 报表 and kept with the store (spec/returns.md).

A stored field is authoritative: a text is printed, a blank ("") is left out even where the return
has a default; a field never set (NULL) falls back to the return's default.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ReturnLegalMarks
from db.rules.text import too_long
from db.services import audit
from db.services.errors import InputError
from db.services.lengths import limit_of, table_of

FIELDS = (
    "table_no",
    "authority",
    "approval_kind",
    "approval_authority",
    "approval_no",
    "valid_until",
)
LABELS = {
    "table_no": "表号",
    "authority": "制表机关",
    "approval_kind": "批准机关或备案机关",
    "approval_authority": "批准（备案）机关",
    "approval_no": "批准（备案）文号",
    "valid_until": "有效期至",
}
APPROVAL_KINDS = ("批准机关", "备案机关")
AUDIT_ENTITY = "return_legal_marks"
MAX_RETURN_ID = 48


def stored_marks(session: Session) -> dict[str, dict[str, str]]:
    """Every return's stored marks: return id → {field: text} (fields never set are absent)."""
    out: dict[str, dict[str, str]] = {}
    for row in session.scalars(select(ReturnLegalMarks)):
        values = {name: getattr(row, name) for name in FIELDS}
        out[row.return_id] = {k: v.strip() for k, v in values.items() if v is not None}
    return out


def marks_of(session: Session, return_id: str) -> dict[str, str]:
    """One return's stored marks ({} when none are stored)."""
    row = session.get(ReturnLegalMarks, return_id)
    if row is None:
        return {}
    values = {name: getattr(row, name) for name in FIELDS}
    return {k: v.strip() for k, v in values.items() if v is not None}


def validate_marks(return_id: str, values: Mapping[str, str]) -> dict[str, str]:
    """The marks cleaned (stripped); an InputError names the field that cannot be saved."""
    if not return_id or len(return_id) > MAX_RETURN_ID:
        raise InputError(f"报表编号无效：{return_id}")
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise InputError(f"未知的报表标识项：{', '.join(sorted(unknown))}")
    table = table_of(ReturnLegalMarks)
    cleaned: dict[str, str] = {}
    for name, value in values.items():
        text = " ".join(str(value or "").split())
        limit = limit_of(table, name)
        problem = None if limit is None else too_long(LABELS[name], text, limit)
        if problem:
            raise InputError(problem, name)
        cleaned[name] = text
    kind = cleaned.get("approval_kind")
    if kind and kind not in APPROVAL_KINDS:
        raise InputError(f"{LABELS['approval_kind']}只能是“批准机关”或“备案机关”：{kind}")
    return cleaned


def set_marks(
    session: Session, return_id: str, values: Mapping[str, str], operator: str
) -> dict[str, str]:
    """Save one return's marks (only the fields given; "" = leave the line out); audited."""
    cleaned = validate_marks(return_id, values)
    row = session.get(ReturnLegalMarks, return_id)
    if row is None:
        row = ReturnLegalMarks(return_id=return_id)
        session.add(row)
    diff = {
        f"{return_id}.{name}": (getattr(row, name), value)
        for name, value in cleaned.items()
        if getattr(row, name) != value
    }
    for name, value in cleaned.items():
        setattr(row, name, value)
    if diff:
        audit.record(session, operator, "update", AUDIT_ENTITY, 0, diff)
    session.flush()
    return marks_of(session, return_id)


def save_all(
    session: Session, marks: Mapping[str, Mapping[str, str]], operator: str
) -> dict[str, dict[str, str]]:
    """Save the marks of several returns at once (every one validated before any is written)."""
    for return_id, values in marks.items():
        validate_marks(return_id, values)
    for return_id, values in marks.items():
        set_marks(session, return_id, values, operator)
    return stored_marks(session)
