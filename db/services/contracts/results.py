"""S&T results (科技成果) and their transfers (转化): clean, create, update, delete, restore.

Rules (spec/plans.md "S&T results and their transfer", db/rules/contracts.py): a result is keyed by
登记号, its 完成单位 linked to the roster by code; a transfer belongs to a live result (a transfer of
an unknown result is refused), is made one of the five ways, its 承接单位 linked by code, and is
linked to its technology contract by 登记号 when that contract exists. Every write is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ResultTransfer, TechResult
from db.rules.contracts import canonical_method, result_problems, transfer_problems
from db.rules.text import normalize_code
from db.services import audit
from db.services.contracts.parties import live_enterprise_by_code
from db.services.contracts.records import (
    clean_amount,
    clean_code,
    clean_day,
    clean_text,
    find_contract,
)
from db.services.errors import DuplicateError, InputError, NotFound
from db.services.lengths import check_lengths
from db.services.versions import claim

RESULT_ENTITY = "tech_result"
TRANSFER_ENTITY = "result_transfer"
RESULT_FIELDS = (
    "reg_no",
    "name",
    "completer_name",
    "completer_uscc",
    "completer_local",
    "result_type",
    "registered_on",
    "field",
    "town_id",
    "note",
)
TRANSFER_FIELDS = (
    "result_id",
    "method",
    "taker_name",
    "taker_uscc",
    "taker_local",
    "transferred_on",
    "amount",
    "contract_reg_no",
    "note",
)


def _refuse(found: Mapping[str, str]) -> None:
    if found:
        key, message = next(iter(found.items()))
        raise InputError(message, key)


def _unknown(values: Mapping[str, Any], fields: tuple[str, ...]) -> None:
    unknown = set(values) - set(fields)
    if unknown:
        raise InputError(f"未知字段：{', '.join(sorted(unknown))}")


def _link(session: Session, data: dict[str, Any], party: str) -> None:
    code = data.get(f"{party}_uscc")
    hit = live_enterprise_by_code(session, {code}).get(code) if code else None
    data[f"{party}_enterprise_id"] = hit[0] if hit else None


# ---------------------------------------------------------------- results


def clean_result(values: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise the given result fields (no store access); InputError names the field."""
    _unknown(values, RESULT_FIELDS)
    out: dict[str, Any] = {}
    for key in ("name", "completer_name", "result_type", "field", "note"):
        if key in values:
            out[key] = clean_text(values[key])
    if "reg_no" in values:
        out["reg_no"] = normalize_code(values["reg_no"]) or None
    if "completer_uscc" in values:
        out["completer_uscc"] = clean_code(values, "completer_uscc")
    if "completer_local" in values:
        local = values["completer_local"]
        out["completer_local"] = None if local is None else bool(local)
    if "registered_on" in values:
        out["registered_on"] = clean_day(values, "registered_on", "登记日期")
    if "town_id" in values:
        out["town_id"] = values["town_id"] or None
    check_lengths(TechResult, out)
    return out


def _problems_as_typed(
    values: Mapping[str, Any], clean: Any, rules: Any, today: date | None
) -> dict[str, str]:
    found: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for key in values:
        try:
            cleaned |= clean({key: values[key]})
        except InputError as exc:
            found[exc.field or key] = str(exc)
    rest = rules(cleaned, today or date.today())
    return {**{k: v for k, v in rest.items() if k not in found}, **found}


def result_problems_as_typed(
    values: Mapping[str, Any], today: date | None = None
) -> dict[str, str]:
    """Every problem of a whole result being typed (validation as you type): {field: message}."""
    return _problems_as_typed(values, clean_result, result_problems, today)


def transfer_problems_as_typed(
    values: Mapping[str, Any], today: date | None = None
) -> dict[str, str]:
    """Every problem of a whole transfer being typed (its result aside): {field: message}."""
    return _problems_as_typed(values, clean_transfer, transfer_problems, today)


def _refuse_duplicate(session: Session, reg_no: str, own_id: int | None) -> None:
    row = session.execute(
        select(TechResult.id, TechResult.deleted_at).where(TechResult.reg_no == reg_no)
    ).first()
    if row is None or row.id == own_id:
        return
    where = "（在回收站中）" if row.deleted_at is not None else ""
    raise DuplicateError(f"已有登记号为{reg_no}的科技成果{where}", row.id, "reg_no")


def create_result(
    session: Session, values: Mapping[str, Any], operator: str, today: date | None = None
) -> int:
    """Create a result (登记号 unique); audited."""
    data = clean_result(values)
    _refuse(result_problems(data, today or date.today()))
    _refuse_duplicate(session, data["reg_no"], None)
    _link(session, data, "completer")
    return audit.add_created(session, TechResult(**data), data, operator, RESULT_ENTITY)


def _live_result(session: Session, result_id: int) -> TechResult:
    found = session.get(TechResult, result_id)
    if found is None or found.deleted_at is not None:
        raise NotFound("科技成果不存在")
    return found


def update_result(
    session: Session,
    result_id: int,
    values: Mapping[str, Any],
    operator: str,
    today: date | None = None,
    expected_version: int | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Apply changed fields (re-checked, completer relinked); {field: (old, new)}."""
    claim(session, TechResult, result_id, expected_version, (RESULT_ENTITY, result_id))
    result = _live_result(session, result_id)
    data = clean_result(values)
    merged = {k: getattr(result, k) for k in RESULT_FIELDS} | data
    _refuse(result_problems(merged, today or date.today()))
    if merged["reg_no"] != result.reg_no:
        _refuse_duplicate(session, merged["reg_no"], result_id)
    if "completer_uscc" in data:
        _link(session, data, "completer")
    return audit.apply_changes(session, result, data, operator, RESULT_ENTITY)


def delete_result(session: Session, result_id: int, operator: str) -> None:
    """Move a result to the recycle bin (its transfers go out of every count with it)."""
    audit.soft_delete(session, _live_result(session, result_id), operator, RESULT_ENTITY)


def restore_result(session: Session, result_id: int, operator: str) -> None:
    """Bring a result back from the recycle bin."""
    found = session.get(TechResult, result_id)
    if found is None:
        raise NotFound("科技成果不存在")
    audit.restore(session, found, operator, RESULT_ENTITY)


def find_result(session: Session, reg_no: str) -> int | None:
    """The id of the live result with this 登记号, else None."""
    return session.scalar(
        select(TechResult.id).where(
            TechResult.reg_no == normalize_code(reg_no), TechResult.deleted_at.is_(None)
        )
    )


# ---------------------------------------------------------------- transfers


def clean_transfer(values: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise the given transfer fields (no store access); InputError names the field."""
    _unknown(values, TRANSFER_FIELDS)
    out: dict[str, Any] = {}
    for key in ("taker_name", "note"):
        if key in values:
            out[key] = clean_text(values[key])
    if "method" in values:
        written = clean_text(values["method"])
        out["method"] = (canonical_method(written) or written) if written else None
    if "result_id" in values:
        out["result_id"] = values["result_id"] or None
    if "taker_uscc" in values:
        out["taker_uscc"] = clean_code(values, "taker_uscc")
    if "taker_local" in values:
        local = values["taker_local"]
        out["taker_local"] = None if local is None else bool(local)
    if "transferred_on" in values:
        out["transferred_on"] = clean_day(values, "transferred_on", "转化日期")
    if "amount" in values:
        out["amount"] = clean_amount(values, "amount", "合同金额")
    if "contract_reg_no" in values:
        out["contract_reg_no"] = normalize_code(values["contract_reg_no"] or "") or None
    check_lengths(ResultTransfer, out)
    return out


def _check_result(session: Session, result_id: object) -> None:
    if not result_id:
        raise InputError("请选择转化的科技成果", "result_id")
    found = session.get(TechResult, result_id)
    if found is None or found.deleted_at is not None:
        raise InputError("科技成果不存在，请先登记该成果", "result_id")


def _link_contract(session: Session, data: dict[str, Any]) -> None:
    reg_no = data.get("contract_reg_no")
    data["contract_id"] = find_contract(session, reg_no) if reg_no else None


def create_transfer(
    session: Session, values: Mapping[str, Any], operator: str, today: date | None = None
) -> int:
    """Record a transfer of a live result (refused for an unknown one); audited."""
    data = clean_transfer(values)
    _check_result(session, data.get("result_id"))
    _refuse(transfer_problems(data, today or date.today()))
    _link(session, data, "taker")
    _link_contract(session, data)
    return audit.add_created(session, ResultTransfer(**data), data, operator, TRANSFER_ENTITY)


def _live_transfer(session: Session, transfer_id: int) -> ResultTransfer:
    found = session.get(ResultTransfer, transfer_id)
    if found is None or found.deleted_at is not None:
        raise NotFound("成果转化记录不存在")
    return found


def update_transfer(
    session: Session,
    transfer_id: int,
    values: Mapping[str, Any],
    operator: str,
    today: date | None = None,
    expected_version: int | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Apply changed fields (re-checked; taker and contract relinked); {field: (old, new)}."""
    claim(session, ResultTransfer, transfer_id, expected_version, (TRANSFER_ENTITY, transfer_id))
    transfer = _live_transfer(session, transfer_id)
    data = clean_transfer(values)
    merged = {k: getattr(transfer, k) for k in TRANSFER_FIELDS} | data
    _check_result(session, merged["result_id"])
    _refuse(transfer_problems(merged, today or date.today()))
    if "taker_uscc" in data:
        _link(session, data, "taker")
    if "contract_reg_no" in data:
        _link_contract(session, data)
    return audit.apply_changes(session, transfer, data, operator, TRANSFER_ENTITY)


def delete_transfer(session: Session, transfer_id: int, operator: str) -> None:
    """Move a transfer to the recycle bin."""
    audit.soft_delete(session, _live_transfer(session, transfer_id), operator, TRANSFER_ENTITY)


def restore_transfer(session: Session, transfer_id: int, operator: str) -> None:
    """Bring a transfer back from the recycle bin."""
    found = session.get(ResultTransfer, transfer_id)
    if found is None:
        raise NotFound("成果转化记录不存在")
    audit.restore(session, found, operator, TRANSFER_ENTITY)


@dataclass(frozen=True)
class DeletedLedgerRecord:
    """A result or a transfer in the recycle bin."""

    entity: str  # tech_result / result_transfer
    id: int
    label: str
    deleted_at: datetime
    deleted_by: str | None


def deleted_results_and_transfers(session: Session) -> list[DeletedLedgerRecord]:
    """Results and transfers in the recycle bin, most recently deleted first."""
    out: list[DeletedLedgerRecord] = []
    for r in session.scalars(select(TechResult).where(TechResult.deleted_at.is_not(None))):
        if r.deleted_at is not None:
            out.append(DeletedLedgerRecord(RESULT_ENTITY, r.id, r.name, r.deleted_at, r.deleted_by))
    stmt = (
        select(ResultTransfer, TechResult.name)
        .join(TechResult, TechResult.id == ResultTransfer.result_id)
        .where(ResultTransfer.deleted_at.is_not(None))
    )
    for t, name in session.execute(stmt):
        if t.deleted_at is not None:
            label = f"{name} → {t.taker_name}"
            out.append(
                DeletedLedgerRecord(TRANSFER_ENTITY, t.id, label, t.deleted_at, t.deleted_by)
            )
    return sorted(out, key=lambda d: (d.deleted_at, d.id), reverse=True)
