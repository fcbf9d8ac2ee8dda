"""Technology contracts (技术合同): clean, create, update, delete and restore, recycle bin.

Rules (spec/plans.md "Technology contracts", db/rules/contracts.py): 登记号 is the key; the type is
one of the five; 技术交易额 ≤ 合同成交额; the registration date is not in the future. Seller and
buyer are linked to the roster by code when the code is a live district enterprise (parties.py);
`*_local` keeps what the row said (区内 / 区外). Every write is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import TechContract
from db.rules.contracts import canonical_contract_type, contract_problems
from db.rules.identifiers import validate_uscc
from db.rules.normalize import parse_date
from db.rules.text import normalize_code, normalize_text
from db.services import audit
from db.services.contracts.parties import live_enterprise_by_code
from db.services.errors import DuplicateError, InputError, NotFound
from db.services.lengths import check_lengths
from db.services.versions import claim

ENTITY = "tech_contract"
FIELDS = (
    "reg_no",
    "name",
    "contract_type",
    "seller_name",
    "seller_uscc",
    "seller_local",
    "buyer_name",
    "buyer_uscc",
    "buyer_local",
    "amount",
    "tech_amount",
    "registered_on",
    "registry_office",
    "field",
    "town_id",
    "note",
)
LINKS = ("seller_enterprise_id", "buyer_enterprise_id")
_TEXTS = ("name", "seller_name", "buyer_name", "registry_office", "field", "note")


def clean_text(value: object) -> str | None:
    """Normalised text, None when blank."""
    return None if value is None else normalize_text(value) or None


def clean_code(values: Mapping[str, Any], key: str) -> str | None:
    """An optional 统一社会信用代码 (InputError naming the field when invalid)."""
    raw = values.get(key)
    if raw is None or raw == "":
        return None
    checked = validate_uscc(raw)
    if not checked.ok:
        raise InputError("统一社会信用代码" + "；".join(checked.errors), key)
    return checked.value


def clean_amount(values: Mapping[str, Any], key: str, label: str) -> float | None:
    """An amount in 万元 (a number ≥ 0), None when blank."""
    raw = values.get(key)
    if raw is None or raw == "":
        return None
    try:
        amount = float(raw)
    except (TypeError, ValueError):
        raise InputError(f"{label}应为数字（万元）", key) from None
    if amount < 0:
        raise InputError(f"{label}不能为负数", key)
    return round(amount, 6)


def clean_day(values: Mapping[str, Any], key: str, label: str) -> date | None:
    """A date (date object or text), None when blank."""
    raw = values.get(key)
    if raw is None or raw == "":
        return None
    checked = parse_date(raw)
    if checked.value is None:
        raise InputError(f"{label}无法识别：{raw}", key)
    return checked.value


def clean_contract(values: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise the given contract fields (no store access); InputError names the field."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise InputError(f"未知字段：{', '.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    for key in _TEXTS:
        if key in values:
            out[key] = clean_text(values[key])
    if "reg_no" in values:
        out["reg_no"] = normalize_code(values["reg_no"]) or None
    if "contract_type" in values:
        written = clean_text(values["contract_type"])
        out["contract_type"] = canonical_contract_type(written) if written else None
        if written and out["contract_type"] is None:
            out["contract_type"] = written  # refused by contract_problems with the list
    for key in ("seller_uscc", "buyer_uscc"):
        if key in values:
            out[key] = clean_code(values, key)
    for key in ("seller_local", "buyer_local"):
        if key in values:
            out[key] = None if values[key] is None else bool(values[key])
    for key, label in (("amount", "合同成交额"), ("tech_amount", "技术交易额")):
        if key in values:
            out[key] = clean_amount(values, key, label)
    if "registered_on" in values:
        out["registered_on"] = clean_day(values, "registered_on", "登记日期")
    if "town_id" in values:
        out["town_id"] = values["town_id"] or None
    check_lengths(TechContract, out)
    return out


def problems(values: Mapping[str, Any], today: date | None = None) -> dict[str, str]:
    """Every problem of a whole contract being typed (validation as you type): {field: message}."""
    found: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for key in values:
        try:
            cleaned |= clean_contract({key: values[key]})
        except InputError as exc:
            found[exc.field or key] = str(exc)
    rest = contract_problems(cleaned, today or date.today())
    return {**{k: v for k, v in rest.items() if k not in found}, **found}


def _refuse(found: Mapping[str, str]) -> None:
    if found:
        key, message = next(iter(found.items()))
        raise InputError(message, key)


def link_parties(session: Session, data: dict[str, Any]) -> None:
    """Seller and buyer linked to the live roster enterprise of their code (else unlinked)."""
    codes = {data.get("seller_uscc"), data.get("buyer_uscc")} - {None}
    found = live_enterprise_by_code(session, {str(c) for c in codes})
    for side in ("seller", "buyer"):
        hit = found.get(data.get(f"{side}_uscc") or "")
        data[f"{side}_enterprise_id"] = hit[0] if hit else None


def _refuse_duplicate(session: Session, reg_no: str, own_id: int | None) -> None:
    row = session.execute(
        select(TechContract.id, TechContract.deleted_at).where(TechContract.reg_no == reg_no)
    ).first()
    if row is None or row.id == own_id:
        return
    where = "（在回收站中）" if row.deleted_at is not None else ""
    raise DuplicateError(f"已有登记号为{reg_no}的技术合同{where}", row.id, "reg_no")


def create_contract(
    session: Session, values: Mapping[str, Any], operator: str, today: date | None = None
) -> int:
    """Create a contract (登记号 unique; every rule of contract_problems); audited."""
    data = clean_contract(values)
    _refuse(contract_problems(data, today or date.today()))
    _refuse_duplicate(session, data["reg_no"], None)
    link_parties(session, data)
    return audit.add_created(session, TechContract(**data), data, operator, ENTITY)


def _live(session: Session, contract_id: int) -> TechContract:
    found = session.get(TechContract, contract_id)
    if found is None or found.deleted_at is not None:
        raise NotFound("技术合同不存在")
    return found


def update_contract(
    session: Session,
    contract_id: int,
    values: Mapping[str, Any],
    operator: str,
    today: date | None = None,
    expected_version: int | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Apply changed fields (the whole contract re-checked, parties relinked); {field: (old, new)}."""
    claim(session, TechContract, contract_id, expected_version, (ENTITY, contract_id))
    contract = _live(session, contract_id)
    data = clean_contract(values)
    merged = {k: getattr(contract, k) for k in FIELDS} | data
    _refuse(contract_problems(merged, today or date.today()))
    if merged["reg_no"] != contract.reg_no:
        _refuse_duplicate(session, merged["reg_no"], contract_id)
    if "seller_uscc" in data or "buyer_uscc" in data:
        link_parties(session, merged)
        data |= {k: merged[k] for k in LINKS}
    return audit.apply_changes(session, contract, data, operator, ENTITY)


def delete_contract(session: Session, contract_id: int, operator: str) -> None:
    """Move a contract to the recycle bin."""
    audit.soft_delete(session, _live(session, contract_id), operator, ENTITY)


def restore_contract(session: Session, contract_id: int, operator: str) -> None:
    """Bring a contract back from the recycle bin."""
    found = session.get(TechContract, contract_id)
    if found is None:
        raise NotFound("技术合同不存在")
    audit.restore(session, found, operator, ENTITY)


@dataclass(frozen=True)
class DeletedContract:
    """A contract in the recycle bin, with who deleted it and when."""

    id: int
    reg_no: str
    name: str
    seller_name: str
    buyer_name: str
    deleted_at: datetime
    deleted_by: str | None


def deleted_contracts(session: Session) -> list[DeletedContract]:
    """The contracts in the recycle bin, most recently deleted first."""
    stmt = (
        select(TechContract)
        .where(TechContract.deleted_at.is_not(None))
        .order_by(TechContract.deleted_at.desc(), TechContract.id.desc())
    )
    return [
        DeletedContract(
            c.id, c.reg_no, c.name, c.seller_name, c.buyer_name, c.deleted_at, c.deleted_by
        )
        for c in session.scalars(stmt)
        if c.deleted_at is not None
    ]


def find_contract(session: Session, reg_no: str) -> int | None:
    """The id of the live contract with this 登记号, else None."""
    return session.scalar(
        select(TechContract.id).where(
            TechContract.reg_no == normalize_code(reg_no), TechContract.deleted_at.is_(None)
        )
    )
