"""Technology contracts (技术合同): key = 登记号; money in 元 or 万元 as the header says.

The ledger's kinds (contracts, results, transfers) are planned from indexes read once per batch
and written in bulk (db/services/contracts/imports.py): their hook also says how to start the
planning of a batch and how to finish its writing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from db.rules.contracts import CONTRACT_TYPES, canonical_contract_type, local_problem, parse_local
from db.rules.identifiers import validate_uscc
from db.rules.normalize import parse_date, to_wan_yuan
from db.rules.text import is_empty, normalize_code
from db.services.contracts import imports
from db.services.imports.other import Incoming
from desktop.importing.header import Header, cell_text
from desktop.importing.kinds.base import KindHook, KindParsed, KindReader
from desktop.importing.schemas import CONTRACTS


@dataclass(frozen=True)
class LedgerHook(KindHook):
    """A kind planned from one index per batch and written in bulk at the end of its group."""

    start: Callable[[Session, Sequence[Incoming], date], None] = imports.start_contracts
    finish: Callable[[Session, int, str], None] = imports.finish_contracts


CHECKED = {"checked": True}  # refs of a row whose rules were checked when it was read


def code(r: KindReader, name: str) -> str | None:
    """A 登记号: normalised text (a number cell keeps its digits)."""
    raw = r.raw(name)
    if is_empty(raw):
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return r.fits(name, normalize_code(raw) or None)


def local(r: KindReader, name: str) -> bool | None:
    """区内 → True, 区外 → False, blank → None; anything else is a row error."""
    written = r.text(name)
    problem = local_problem(written)
    if problem:
        r.problem(name, problem)
    return parse_local(written) if written else None


def parse(r: KindReader) -> KindParsed:
    """One contract row: a known type, 技术交易额 ≤ 合同成交额, registered not in the future.

    A well-formed row is read by the fast path (cached cell parsers, no problem bookkeeping); a
    row with anything to say about it is read again by the full reader, which names each problem.
    """
    fast = _fast(r)
    return fast if fast is not None else _full(r)


def _full(r: KindReader) -> KindParsed:
    r.check_required()
    written = r.text("contract_type")
    kind = canonical_contract_type(written) if written else None
    if written and kind is None:
        r.problem("contract_type", "合同类型应为：" + "、".join(CONTRACT_TYPES))
    amount, tech = r.money("amount"), r.money("tech_amount")
    if amount is not None and tech is not None and tech > amount + 1e-9:
        r.problem("tech_amount", f"技术交易额（{tech:g}万元）不能大于合同成交额（{amount:g}万元）")
    values = {
        "reg_no": code(r, "reg_no"),
        "name": r.text("name"),
        "contract_type": kind,
        "seller_name": r.text("seller_name"),
        "seller_uscc": r.uscc("seller_uscc"),
        "seller_local": local(r, "seller_local"),
        "buyer_name": r.text("buyer_name"),
        "buyer_uscc": r.uscc("buyer_uscc"),
        "buyer_local": local(r, "buyer_local"),
        "amount": amount,
        "tech_amount": tech,
        "registered_on": r.date("registered_on"),
        "registry_office": r.text("registry_office"),
        "field": r.text("field"),
        "town_id": r.town(),
        "note": r.text("note"),
    }
    return r.finish((values["reg_no"],), str(values["name"] or ""), values, dict(CHECKED))


# ---------------------------------------------------------------- the fast path

_TEXTS = ("name", "seller_name", "buyer_name", "registry_office", "field", "note")
_NOT_SIMPLE = object()  # a cell the fast path leaves to the full reader
_LIMITS = {c.field: c.max_length for c in CONTRACTS.columns}
_REQUIRED = CONTRACTS.required


@lru_cache(maxsize=1 << 17)
def _text(value: str, limit: int | None) -> object:
    if is_empty(value):
        return None
    text = cell_text(value) or None
    if text is not None and limit is not None and len(text) > limit:
        return _NOT_SIMPLE
    return text


@lru_cache(maxsize=1 << 15)
def _code_of(value: str) -> object:
    if is_empty(value):
        return None
    checked = validate_uscc(value)
    return checked.value if checked.ok and not checked.warnings else _NOT_SIMPLE


@lru_cache(maxsize=256)
def _word(value: str, kind: str) -> object:
    if is_empty(value):
        return None
    if kind == "type":
        return canonical_contract_type(value) or _NOT_SIMPLE
    found = parse_local(value)
    return _NOT_SIMPLE if found is None else found


def _money(value: Any, unit: str | None) -> object:
    if value is None or value == "":
        return None
    if value.__class__ in (int, float) and math.isfinite(value) and value >= 0:
        return to_wan_yuan(value, unit)
    return _NOT_SIMPLE


def _day(value: Any, today: date) -> object:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        value = value.date()
    elif not isinstance(value, date):
        checked = parse_date(value, today=today)
        if checked.errors or checked.warnings:
            return _NOT_SIMPLE
        value = checked.value
    return _NOT_SIMPLE if value is None or value > today else value


_WORDS = (("contract_type", "type"), ("seller_local", "local"), ("buyer_local", "local"))
_last: list[Any] = [None, None]  # the header last laid out, and its layout


def _layout(header: Header) -> tuple[Any, ...]:
    """Where each field of a contract sheet is (columns of fields the header lacks are None)."""
    if _last[0] is header:
        return tuple(_last[1])
    f = header.fields.get
    texts = tuple((n, f(n), _LIMITS[n]) for n in _TEXTS if f(n) is not None)
    codes = tuple((n, f(n)) for n in ("seller_uscc", "buyer_uscc") if f(n) is not None)
    words = tuple((n, kind, f(n)) for n, kind in _WORDS if f(n) is not None)
    money = tuple(
        (n, f(n), header.units.get(n)) for n in ("amount", "tech_amount") if f(n) is not None
    )
    layout = (texts, codes, words, money, f("reg_no"), f("registered_on"), "town" in header.fields)
    _last[0], _last[1] = header, layout
    return layout


def _fast(r: KindReader) -> KindParsed | None:
    """The row's record when every cell is plainly valid, else None (read it in full)."""
    texts, codes, words, money, reg_col, day_col, has_town = _layout(r.ctx.header)
    if has_town or reg_col is None or day_col is None:
        return None
    cells = r.cells
    values: dict[str, Any] = {}
    for name, col, limit in texts:
        raw = cells[col]
        if raw is None or raw == "":
            continue
        if raw.__class__ is not str:
            return None
        values[name] = _text(raw, limit)
    raw = cells[reg_col]
    if raw.__class__ is float and raw.is_integer():
        raw = int(raw)
    values["reg_no"] = None if is_empty(raw) else _text(normalize_code(raw), _LIMITS["reg_no"])
    for name, col in codes:
        raw = cells[col]
        if raw is not None and raw != "":
            values[name] = _code_of(raw) if raw.__class__ is str else _NOT_SIMPLE
    for name, kind, col in words:
        raw = cells[col]
        if raw is not None and raw != "":
            values[name] = _word(raw, kind) if raw.__class__ is str else _NOT_SIMPLE
    for name, col, unit in money:
        values[name] = _money(cells[col], unit)
    values["registered_on"] = _day(cells[day_col], r.ctx.today)
    for value in values.values():
        if value is _NOT_SIMPLE:
            return None
    for name in _REQUIRED:
        if values.get(name) is None:
            return None
    tech, amount = values.get("tech_amount"), values["amount"]
    if tech is not None and tech > amount + 1e-9:
        return None
    if r.ctx.file_town is not None:
        values["town_id"] = r.ctx.file_town.id
    kept = {k: v for k, v in values.items() if v is not None}
    record = Incoming(r.row, (kept["reg_no"],), str(kept["name"]), kept, dict(CHECKED))
    return KindParsed(r.row, record)


HOOK = LedgerHook("contracts", parse, imports.plan_contract, imports.apply_contract, "reg_no")
