"""Import batches of contracts, results and transfers: plan against the store, write in bulk.

A 技术合同登记 system exports tens of thousands of rows, so these kinds are planned from indexes
read once per batch (`start_*`: the stored records of the batch's keys, the roster codes) and
written with executemany (`finish_*`), not row by row. The rules are the services' own
(db/rules/contracts.py, parties linked by code as records.link_parties does). Results are
planned before transfers, so a transfer may name a result the same batch creates; a transfer's
contract is linked by 登记号 when that contract exists (in the store or in the batch).

Audit: one `create` row per new record holding its values (like the enterprise import), one
`update` row per changed field, each with the batch id, so the generic undo can revert them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditEntry, ResultTransfer, TechContract, TechResult
from db.rules.contracts import contract_problems, result_problems, transfer_problems
from db.sequences import reserve_ids
from db.services.contracts.parties import live_enterprise_by_code
from db.services.contracts.records import FIELDS as CONTRACT_FIELDS
from db.services.contracts.results import RESULT_FIELDS, TRANSFER_FIELDS
from db.services.imports.bulk import (
    bulk_cache,
    day_writer,
    deferrable_indexes,
    gc_paused,
    indexes_deferred,
    insert_rows,
    iso,
    table_of,
    update_many,
)
from db.services.imports.other import Incoming, Issue, KindPlan, same
from db.services.lengths import length_problems

_INDEX = "ledger.index"  # session.info: the planning indexes of the current batch
_PENDING = "ledger.pending"  # session.info: plans waiting to be written by finish_*
_AUDIT = (
    "operator",
    "action",
    "entity",
    "entity_id",
    "batch_id",
    "field",
    "old_value",
    "new_value",
)
_IN = 900  # keys per IN (…) list
_DAYS = frozenset({"registered_on", "transferred_on"})
dumps = json.JSONEncoder(ensure_ascii=False, default=iso).encode


def _info(session: Session, key: str) -> dict[str, Any]:
    found: dict[str, Any] = session.info.setdefault(key, {})
    return found


def _rows_by(session: Session, column: Any, keys: Iterable[Any], *columns: Any) -> list[Any]:
    """The rows whose column holds one of the keys: by IN lists, or the whole table when it is
    not much bigger than the keys (a big batch into a small ledger reads it once)."""
    wanted = sorted({k for k in keys if k is not None})
    if not wanted:
        return []
    held = session.scalar(select(func.count()).select_from(column.table)) or 0
    if held <= 4 * len(wanted):
        keys_set = set(wanted)
        found = session.execute(select(*columns))
        return [row for row in found if getattr(row, column.key) in keys_set]
    rows: list[Any] = []
    for start in range(0, len(wanted), _IN):
        rows.extend(
            session.execute(select(*columns).where(column.in_(wanted[start : start + _IN])))
        )
    return rows


def _problem_issues(problems: dict[str, str]) -> list[Issue]:
    return [Issue(k, m) for k, m in problems.items()]


def _plan_known(
    plan: KindPlan, found: Any, fields: Sequence[str], values: dict[str, Any], noun: str
) -> None:
    if found is None:
        return
    if found.deleted_at is not None:
        plan.issues = [Issue("reg_no", f"登记号相同的{noun}在回收站中，请先恢复后再导入")]
        return
    plan.record_id, plan.new = found.id, False
    plan.changes = _changes(found, fields, values)


def _changes(found: Any, fields: Sequence[str], values: dict[str, Any]) -> dict[str, Any]:
    """other.diff of a stored row (blank never erases), the equal fields skipped cheaply."""
    changes: dict[str, Any] = {}
    for key, new in values.items():
        if new is None or key not in fields:
            continue
        old = getattr(found, key)
        if old != new and not same(old, new):
            changes[key] = (old, new)
    return changes


# ---------------------------------------------------------------- contracts


_CONTRACT_COLUMNS = (*CONTRACT_FIELDS, "seller_enterprise_id", "buyer_enterprise_id")


def start_contracts(session: Session, records: Sequence[Incoming], today: date) -> None:
    """Read once what planning the batch's contracts needs: stored contracts of its 登记号, codes."""
    del today
    index = _info(session, _INDEX)
    for key in ("contracts", "contract_keys", "codes"):
        index.pop(key, None)
    index["batch_contracts"] = set()
    _load_contracts(session, records)


def _load_contracts(session: Session, records: Sequence[Incoming]) -> None:
    table = table_of(TechContract)
    keys = {r.values.get("reg_no") for r in records}
    stored = _rows_by(session, table.c.reg_no, keys, table)
    codes = {r.values.get(k) for r in records for k in ("seller_uscc", "buyer_uscc")}
    index = _info(session, _INDEX)
    index.setdefault("contracts", {}).update({row.reg_no: row for row in stored})
    index.setdefault("contract_keys", set()).update(keys)
    found = live_enterprise_by_code(session, {c for c in codes if c})
    index.setdefault("codes", {}).update(found)
    index.setdefault("batch_contracts", set())


def plan_contract(session: Session, inc: Incoming, today: date) -> KindPlan:
    """Key: 登记号; the contract's rules; seller and buyer linked to the roster by code."""
    index = _info(session, _INDEX)
    if inc.values.get("reg_no") not in index.get("contract_keys", ()):
        _load_contracts(session, [inc])  # planned without start_contracts: one row's keys
    plan = KindPlan(inc)
    values = inc.values
    # A row read by the contracts kind had its lengths and rules checked then.
    problems = {} if inc.refs.get("checked") else contract_problems(values, today)
    if problems:
        plan.issues = _problem_issues(problems)
        return plan
    for side in ("seller", "buyer"):
        hit = index["codes"].get(values.get(f"{side}_uscc") or "")
        values[f"{side}_enterprise_id"] = hit[0] if hit else None
    found = index["contracts"].get(values["reg_no"])
    _plan_known(plan, found, _CONTRACT_COLUMNS, values, "技术合同")
    if found is not None and not plan.issues:
        merged = {k: getattr(found, k) for k in CONTRACT_FIELDS} | {
            k: v for k, v in values.items() if v is not None
        }
        again = contract_problems(merged, today)
        if again:
            plan.issues = _problem_issues(again)
    if not plan.issues:
        index["batch_contracts"].add(values["reg_no"])
    return plan


def apply_contract(
    session: Session, plan: KindPlan, batch_id: int, operator: str, today: date
) -> None:
    """Queue one planned contract; finish_contracts writes the queue."""
    del batch_id, operator, today
    _info(session, _PENDING).setdefault("contracts", []).append(plan)


def _write(
    session: Session,
    model: Any,
    entity: str,
    plans: list[KindPlan],
    columns: Sequence[str],
    batch_id: int,
    operator: str,
) -> None:
    """Insert the created records (ids chosen up front), update the changed ones; audited."""
    conn = session.connection()
    table = table_of(model)
    day = day_writer(conn)
    created = [p for p in plans if p.new]
    ids = reserve_ids(conn, table.name, len(created))
    days = [at + 1 for at, name in enumerate(columns) if name in _DAYS]
    rows: list[tuple[Any, ...]] = []
    audits: list[tuple[Any, ...]] = []
    for number, plan in enumerate(created):
        values = plan.incoming.values
        plan.record_id = ids[number]
        row: list[Any] = [plan.record_id, *map(values.get, columns)]
        for at in days:
            row[at] = day(row[at])
        rows.append(tuple(row))
        kept = {
            k: v.isoformat() if isinstance(v, date) else v
            for k, v in values.items()
            if v is not None
        }
        record = dumps(kept)
        audits.append((operator, "create", entity, plan.record_id, batch_id, None, None, record))
    updates: list[dict[str, Any]] = []
    for plan in plans:
        if plan.new or not plan.changes:
            continue
        updates.append({"_id": plan.record_id, **{k: new for k, (_o, new) in plan.changes.items()}})
        for name, (old, new) in plan.changes.items():
            audits.append(
                (
                    operator,
                    "update",
                    entity,
                    plan.record_id,
                    batch_id,
                    name,
                    json.dumps(old, ensure_ascii=False, default=iso),
                    json.dumps(new, ensure_ascii=False, default=iso),
                )
            )
    deferred = [
        index
        for t in (table, table_of(AuditEntry))
        for index in deferrable_indexes(conn, t, len(created))
    ]
    with gc_paused(), bulk_cache(conn), indexes_deferred(conn, deferred):
        insert_rows(conn, table, ("id", *columns), rows)
        if updates:
            update_many(conn, table, updates)
        insert_rows(conn, table_of(AuditEntry), _AUDIT, audits)


def finish_contracts(session: Session, batch_id: int, operator: str) -> None:
    """Write the queued contracts in bulk."""
    plans = _info(session, _PENDING).pop("contracts", [])
    _write(session, TechContract, "tech_contract", plans, _CONTRACT_COLUMNS, batch_id, operator)


# ---------------------------------------------------------------- results


_RESULT_COLUMNS = (*RESULT_FIELDS, "completer_enterprise_id")


def start_results(session: Session, records: Sequence[Incoming], today: date) -> None:
    """Read once the stored results of the batch's 登记号 and the completers' codes."""
    del today
    index = _info(session, _INDEX)
    for key in ("results", "result_keys", "result_codes"):
        index.pop(key, None)
    index["batch_results"] = set()
    _load_results(session, records)


def _load_results(session: Session, records: Sequence[Incoming]) -> None:
    table = table_of(TechResult)
    keys = {r.values.get("reg_no") for r in records}
    stored = _rows_by(session, table.c.reg_no, keys, table)
    codes = {r.values.get("completer_uscc") for r in records}
    index = _info(session, _INDEX)
    index.setdefault("results", {}).update({row.reg_no: row for row in stored})
    index.setdefault("result_keys", set()).update(keys)
    found = live_enterprise_by_code(session, {c for c in codes if c})
    index.setdefault("result_codes", {}).update(found)
    index.setdefault("batch_results", set())


def plan_result(session: Session, inc: Incoming, today: date) -> KindPlan:
    """Key: 登记号; the completer linked to the roster by code."""
    index = _info(session, _INDEX)
    if inc.values.get("reg_no") not in index.get("result_keys", ()):
        _load_results(session, [inc])
    plan = KindPlan(inc)
    values = dict(inc.values)
    problems = length_problems(table_of(TechResult), values)
    problems |= {k: m for k, m in result_problems(values, today).items() if k not in problems}
    if problems:
        plan.issues = _problem_issues(problems)
        return plan
    hit = index["result_codes"].get(values.get("completer_uscc") or "")
    values["completer_enterprise_id"] = hit[0] if hit else None
    inc.values = values
    _plan_known(plan, index["results"].get(values["reg_no"]), _RESULT_COLUMNS, values, "科技成果")
    if not plan.issues:
        index["batch_results"].add(values["reg_no"])
    return plan


def apply_result(
    session: Session, plan: KindPlan, batch_id: int, operator: str, today: date
) -> None:
    """Queue one planned result; finish_results writes the queue."""
    del batch_id, operator, today
    _info(session, _PENDING).setdefault("results", []).append(plan)


def finish_results(session: Session, batch_id: int, operator: str) -> None:
    """Write the queued results in bulk."""
    plans = _info(session, _PENDING).pop("results", [])
    _write(session, TechResult, "tech_result", plans, _RESULT_COLUMNS, batch_id, operator)


# ---------------------------------------------------------------- transfers


_TRANSFER_COLUMNS = (*TRANSFER_FIELDS, "taker_enterprise_id", "contract_id")


def start_transfers(session: Session, records: Sequence[Incoming], today: date) -> None:
    """Read once the results, transfers, contracts and codes the batch's transfers name."""
    del today
    index = _info(session, _INDEX)
    for key in ("result_ids", "transfer_keys", "transfers", "contract_ids", "taker_codes"):
        index.pop(key, None)
    _load_transfers(session, records)


def _load_transfers(session: Session, records: Sequence[Incoming]) -> None:
    index = _info(session, _INDEX)
    keys = {r.refs.get("result_reg_no") for r in records}
    results = _rows_by(
        session,
        TechResult.reg_no,
        keys,
        TechResult.reg_no,
        TechResult.id,
        TechResult.deleted_at,
    )
    index.setdefault("result_ids", {}).update({reg: (rid, gone) for reg, rid, gone in results})
    index.setdefault("transfer_keys", set()).update(keys)
    ids = [rid for _reg, rid, _gone in results]
    stored = _rows_by(session, ResultTransfer.result_id, ids, table_of(ResultTransfer))
    found = {(t.result_id, t.taker_name, t.transferred_on): t for t in stored}
    index.setdefault("transfers", {}).update(found)
    contracts = _rows_by(
        session,
        TechContract.reg_no,
        [r.values.get("contract_reg_no") for r in records],
        TechContract.reg_no,
        TechContract.id,
    )
    index.setdefault("contract_ids", {}).update(dict(contracts))
    codes = {r.values.get("taker_uscc") for r in records}
    takers = live_enterprise_by_code(session, {c for c in codes if c})
    index.setdefault("taker_codes", {}).update(takers)
    index.setdefault("batch_results", set())
    index.setdefault("batch_contracts", set())


def plan_transfer(session: Session, inc: Incoming, today: date) -> KindPlan:
    """Key: result 登记号 + 承接单位 + 转化日期; the result must exist (or come in this batch)."""
    index = _info(session, _INDEX)
    if inc.refs.get("result_reg_no") not in index.get("transfer_keys", ()):
        _load_transfers(session, [inc])
    plan = KindPlan(inc)
    values = dict(inc.values)
    reg_no = inc.refs.get("result_reg_no")
    problems = length_problems(table_of(ResultTransfer), values)
    problems |= {k: m for k, m in transfer_problems(values, today).items() if k not in problems}
    stored = index["result_ids"].get(reg_no)
    in_batch = reg_no in index["batch_results"]
    if stored is not None and stored[1] is not None and not in_batch:
        problems["result_reg_no"] = f"登记号为{reg_no}的科技成果在回收站中，请先恢复后再导入"
    elif stored is None and not in_batch:
        problems["result_reg_no"] = f"成果登记号“{reg_no}”不在科技成果库中，请先导入该成果"
    if problems:
        plan.issues = _problem_issues(problems)
        return plan
    hit = index["taker_codes"].get(values.get("taker_uscc") or "")
    values["taker_enterprise_id"] = hit[0] if hit else None
    contract = values.get("contract_reg_no")
    if (
        contract
        and contract not in index["contract_ids"]
        and contract not in index["batch_contracts"]
    ):
        message = (
            f"技术合同登记号“{contract}”不在合同库中，暂未关联合同（导入该合同后重新导入即可关联）"
        )
        plan.warnings.append(Issue("contract_reg_no", message))
    inc.values = values
    if stored is not None:
        key = (stored[0], values.get("taker_name"), values.get("transferred_on"))
        found = index["transfers"].get(key)
        fields = [f for f in _TRANSFER_COLUMNS if f not in ("result_id", "contract_id")]
        _plan_known(plan, found, fields, values, "成果转化记录")
    return plan


def apply_transfer(
    session: Session, plan: KindPlan, batch_id: int, operator: str, today: date
) -> None:
    """Queue one planned transfer; finish_transfers writes the queue."""
    del batch_id, operator, today
    _info(session, _PENDING).setdefault("transfers", []).append(plan)


def finish_transfers(session: Session, batch_id: int, operator: str) -> None:
    """Write the queued transfers in bulk, with their result and contract found by 登记号 (the
    batch's own results and contracts are written by then)."""
    plans: list[KindPlan] = _info(session, _PENDING).pop("transfers", [])
    regs = {p.incoming.refs.get("result_reg_no") for p in plans}
    results = dict(_rows_by(session, TechResult.reg_no, regs, TechResult.reg_no, TechResult.id))
    wanted = {p.incoming.values.get("contract_reg_no") for p in plans}
    contracts = dict(
        _rows_by(
            session,
            TechContract.reg_no,
            wanted,
            TechContract.reg_no,
            TechContract.id,
        )
    )
    for plan in plans:
        values = plan.incoming.values
        values["result_id"] = results[plan.incoming.refs["result_reg_no"]]
        contract = contracts.get(values.get("contract_reg_no"))
        if plan.new:
            values["contract_id"] = contract
        elif contract is not None and "contract_reg_no" in plan.changes:
            plan.changes["contract_id"] = (None, contract)
    _write(session, ResultTransfer, "result_transfer", plans, _TRANSFER_COLUMNS, batch_id, operator)
