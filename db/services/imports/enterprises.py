"""Import batches of enterprises: compare with the store, write in bulk (undo: enterprise_undo.py) (import.md).

Writes go through SQLAlchemy Core in bulk inside the caller's one transaction. Audit conventions:
- a created enterprise: one row (action create, entity enterprise, field None) whose new_value holds
  every created field, its figures and qualifications (undo deletes it with them);
- a changed field: one row per field (action update), figures as "YEAR.field" like enterprises.set_year;
- a new qualification / figures row of an existing enterprise: action create, entity qualification /
  enterprise_year; a changed qualification field: action update, entity qualification.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.orm import Session

from db.models import (
    AuditEntry,
    Enterprise,
    EnterpriseYear,
    Qualification,
    QualificationType,
)
from db.rules.validity import ValidityRule, validity_window
from db.sequences import reserve_ids
from db.services.audit import to_json
from db.services.enterprises.qualifications import rule_of_type
from db.services.enterprises.search_text import pinyin_initials, search_columns, search_text
from db.services.imports.bulk import (
    bulk_cache,
    chunks,
    day_writer,
    deferrable_indexes,
    gc_paused,
    indexes_deferred,
    insert_dicts,
    insert_rows,
    inserted_ids,
    iso,
    table_of,
    update_many,
)
from db.services.settings import get_settings

ENTERPRISE_FIELDS = (
    "name",
    "uscc",
    "town_id",
    "address",
    "founded_on",
    "industry",
    "legal_rep",
    "contact",
    "phone",
    "above_scale",
    "note",
)
YEAR_FIELDS = ("revenue", "rd_expense", "employees", "rd_staff", "rd_activity", "rd_institution")
HIGH_TECH = "high_tech"
TECH_SME = "tech_sme"


@dataclass(slots=True)
class EnterpriseIncoming:
    """One accepted row of an enterprise sheet, normalised; only non-blank values are present."""

    row: int
    fields: dict[str, Any]
    figures: dict[str, Any] = field(default_factory=dict)
    high_tech: tuple[str, date] | None = None  # number, issue date
    tech_sme: tuple[str | None, int] | None = None  # number, evaluation year
    sheet: str = ""  # the sheet the row came from (a workbook may have several)


@dataclass
class QualificationChange:
    type_code: str
    qualification_id: int | None  # None → create
    values: dict[str, Any]
    changes: dict[str, tuple[Any, Any]]


@dataclass(slots=True)
class EnterprisePlan:
    """What committing one incoming row will do."""

    incoming: EnterpriseIncoming
    enterprise_id: int | None = None  # None → create
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    year_row_id: int | None = None
    year_changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    qualifications: list[QualificationChange] = field(default_factory=list)
    deleted: bool = False
    new: bool = True

    @property
    def outcome(self) -> str:
        """created / updated / unchanged."""
        if self.new:
            return "created"
        if self.changes or self.year_changes or self.qualifications:
            return "updated"
        return "unchanged"

    def shown_changes(self, year: int) -> dict[str, tuple[Any, Any]]:
        """Every changed field old → new, figures prefixed by their year."""
        out = dict(self.changes)
        out.update({f"{year}.{k}": v for k, v in self.year_changes.items()})
        for q in self.qualifications:
            out.update({f"{q.type_code}.{k}": v for k, v in q.changes.items()})
        return out


@dataclass(frozen=True)
class QualificationRules:
    """Catalogue ids and validity rules of the two qualification types an import writes."""

    type_ids: dict[str, int]
    rules: dict[str, ValidityRule]
    hte_last_day_included: bool
    province_code: str

    def window(self, code: str, issued: date | None, year: int | None) -> tuple[date | None, ...]:
        """valid_from and valid_through like qualifications.validate computes them."""
        return validity_window(self.rules[code], issued, year, self.hte_last_day_included)


def qualification_rules(session: Session) -> QualificationRules:
    """The catalogue entries and settings an import needs, read once."""
    types = session.scalars(
        select(QualificationType).where(QualificationType.code.in_([HIGH_TECH, TECH_SME]))
    ).all()
    settings = get_settings(session)
    return QualificationRules(
        {t.code: t.id for t in types},
        {t.code: rule_of_type(t) for t in types},
        settings.hte_last_day_included,
        settings.province_code,
    )


# ---------------------------------------------------------------- plan


LOOKUP_CHUNK = 5000  # rows planned together: one IN (…) lookup per table (SQLite allows 32,766)


def _lookup(
    conn: Connection, table: Any, columns: Sequence[str], key: str, keys: Sequence[Any], *where: Any
) -> Iterator[dict[str, Any]]:
    """The rows of `table` whose `key` is one of `keys` (at most LOOKUP_CHUNK), each as a dict
    of `columns` (Core rows, no ORM objects)."""
    if not keys:
        return
    cols = [table.c[c] for c in columns]
    if conn.dialect.name == "sqlite":
        # The keys as one JSON parameter: SQLAlchemy renders no bind parameter per key.
        given = func.json_each(json.dumps(list(keys), ensure_ascii=False)).table_valued("value")
        wanted: Any = select(given.c.value)
    else:
        wanted = keys
    for row in conn.execute(select(*cols).where(table.c[key].in_(wanted), *where)).all():
        yield dict(zip(columns, row, strict=True))


_STORED = ("id", "deleted_at", *ENTERPRISE_FIELDS)


def _existing(conn: Connection, usccs: list[str]) -> dict[str, dict[str, Any]]:
    table = table_of(Enterprise)
    return {row["uscc"]: row for row in _lookup(conn, table, _STORED, "uscc", usccs)}


def _years(conn: Connection, ids: list[int], year: int) -> dict[int, dict[str, Any]]:
    table = table_of(EnterpriseYear)
    columns = [c.name for c in table.c]
    rows = _lookup(conn, table, columns, "enterprise_id", ids, table.c.year == year)
    return {row["enterprise_id"]: row for row in rows}


def _qualifications(conn: Connection, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    table = table_of(Qualification)
    columns = [c.name for c in table.c]
    found: dict[int, list[dict[str, Any]]] = {}
    for q in _lookup(conn, table, columns, "enterprise_id", ids, table.c.deleted_at.is_(None)):
        found.setdefault(q["enterprise_id"], []).append(q)
    return found


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, float) or isinstance(new, float):
        try:
            return old is not None and new is not None and abs(float(old) - float(new)) < 1e-6
        except (TypeError, ValueError):
            return False
    return bool(old == new)


def _diff(stored: dict[str, Any], incoming: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Changed fields; blank incoming values never erase stored ones."""
    if [stored[k] for k in incoming] == [*incoming.values()]:
        return {}  # nothing changed, told by one comparison of two lists (the common case)
    changed: dict[str, tuple[Any, Any]] = {}
    for k, v in incoming.items():
        # `old != v` first: values that are equal are the same to _same too (the common case).
        if v is not None and (old := stored[k]) != v and not _same(old, v):
            changed[k] = (old, v)
    return changed


def _plan_high_tech(
    held: list[dict[str, Any]], number: str, issued: date, rules: QualificationRules
) -> QualificationChange | None:
    frm, through = rules.window(HIGH_TECH, issued, None)
    values = {"number": number, "issued_on": issued, "valid_from": frm, "valid_through": through}
    type_id = rules.type_ids[HIGH_TECH]
    for q in held:
        if q["type_id"] == type_id and q["number"] == number:
            diff = _diff(q, values)
            return QualificationChange(HIGH_TECH, q["id"], values, diff) if diff else None
    return QualificationChange(HIGH_TECH, None, values, {k: (None, v) for k, v in values.items()})


def _plan_tech_sme(
    held: list[dict[str, Any]], number: str | None, year: int, rules: QualificationRules
) -> QualificationChange | None:
    frm, through = rules.window(TECH_SME, None, year)
    values = {
        "number": number,
        "evaluation_year": year,
        "valid_from": frm,
        "valid_through": through,
    }
    type_id = rules.type_ids[TECH_SME]
    for q in held:
        if q["type_id"] == type_id and (
            q["evaluation_year"] == year or (number and q["number"] == number)
        ):
            diff = _diff(q, values)
            return QualificationChange(TECH_SME, q["id"], values, diff) if diff else None
    created = {k: (None, v) for k, v in values.items() if v is not None}
    return QualificationChange(TECH_SME, None, values, created)


def _plan_qualifications(
    incoming: EnterpriseIncoming, held: list[dict[str, Any]], rules: QualificationRules
) -> list[QualificationChange]:
    out: list[QualificationChange] = []
    if incoming.high_tech is not None:
        change = _plan_high_tech(held, *incoming.high_tech, rules)
        if change is not None:
            out.append(change)
    if incoming.tech_sme is not None:
        change = _plan_tech_sme(held, *incoming.tech_sme, rules)
        if change is not None:
            out.append(change)
    return out


def plan_enterprises(
    session: Session, records: Sequence[EnterpriseIncoming], year: int
) -> list[EnterprisePlan]:
    """Compare incoming rows with the store (looked up in bulk by code): created/updated/unchanged."""
    with gc_paused():
        return _plan_enterprises(session, records, year)


def _plan_enterprises(
    session: Session, records: Sequence[EnterpriseIncoming], year: int
) -> list[EnterprisePlan]:
    rules = qualification_rules(session)
    conn = session.connection()
    plans: list[EnterprisePlan] = []
    # Chunk by chunk: the stored rows of one chunk are compared and let go (memory stays flat).
    for chunk in chunks(records, LOOKUP_CHUNK):
        plans += _plan_chunk(conn, chunk, year, rules)
    return plans


def _plan_chunk(
    conn: Connection, records: Sequence[EnterpriseIncoming], year: int, rules: QualificationRules
) -> list[EnterprisePlan]:
    existing = _existing(conn, [r.fields["uscc"] for r in records])
    ids = [e["id"] for e in existing.values()]
    years = _years(conn, ids, year)
    held = _qualifications(conn, ids) if any(map(_has_qualification, records)) else {}
    plans: list[EnterprisePlan] = []
    append = plans.append
    for record in records:
        stored = existing.get(record.fields["uscc"])
        if stored is None:
            append(EnterprisePlan(record))
            continue
        stored_id = stored["id"]
        plan = EnterprisePlan(record, stored_id, _diff(stored, record.fields))
        plan.deleted = stored["deleted_at"] is not None
        plan.new = False
        stored_year = years.get(stored_id)
        if stored_year is None:
            plan.year_changes = {k: (None, v) for k, v in record.figures.items() if v is not None}
        else:
            plan.year_row_id = stored_year["id"]
            plan.year_changes = _diff(stored_year, record.figures)
        if record.high_tech is not None or record.tech_sme is not None:
            plan.qualifications = _plan_qualifications(record, held.get(stored_id, []), rules)
        append(plan)
    return plans


# ---------------------------------------------------------------- apply


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, (date, datetime)) else v for k, v in values.items()}


def audit_row(
    operator: str, action: str, entity: str, entity_id: int, batch_id: int | None
) -> dict[str, Any]:
    return {
        "operator": operator,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "batch_id": batch_id,
        "field": None,
        "old_value": None,
        "new_value": None,
    }


def _qual_row(enterprise_id: int, type_id: int, values: dict[str, Any]) -> dict[str, Any]:
    row = {"number": None, "issued_on": None, "evaluation_year": None, **values}
    return row | {"enterprise_id": enterprise_id, "type_id": type_id}


# What json.dumps(record, ensure_ascii=False, default=iso) does, without a new encoder per call.
_AUDIT_JSON = json.JSONEncoder(ensure_ascii=False, default=iso)
_ENTERPRISE_COLUMNS = (*ENTERPRISE_FIELDS, "search_text", "pinyin_initials")
_YEAR_COLUMNS = ("enterprise_id", "year", *YEAR_FIELDS)
_AUDIT_COLUMNS = ("operator", "action", "entity", "entity_id", "batch_id", "field", "new_value")


def _enterprise_tuple(fields: dict[str, Any], day: Any) -> tuple[Any, ...]:
    """One enterprises row in _ENTERPRISE_COLUMNS order, with its search columns."""
    get = fields.get
    name = get("name")
    uscc = get("uscc")
    found, initials = search_columns(name, uscc)
    return (
        name,
        uscc,
        get("town_id"),
        get("address"),
        day(get("founded_on")),
        get("industry"),
        get("legal_rep"),
        get("contact"),
        get("phone"),
        bool(get("above_scale")),
        get("note"),
        found,
        initials,
    )


def _new_ids(conn: Connection, plans: Sequence[EnterprisePlan]) -> list[int]:
    """Insert the enterprises with one executemany and read their ids back by code in one query.

    Inside the write transaction nobody else inserts, so the new rows are exactly those above
    the largest id before the insert.
    """
    table = table_of(Enterprise)
    day = day_writer(conn)
    rows = [_enterprise_tuple(p.incoming.fields, day) for p in plans]
    before = conn.execute(select(func.max(table.c.id))).scalar() or 0
    insert_rows(conn, table, _ENTERPRISE_COLUMNS, rows)
    if (ids := inserted_ids(conn, table, before, len(rows))) is not None:
        return ids
    found = dict(conn.execute(select(table.c.uscc, table.c.id).where(table.c.id > before)).all())
    return [int(found[p.incoming.fields["uscc"]]) for p in plans]


def _created_record(
    incoming: EnterpriseIncoming, created: list[QualificationChange], year: int
) -> str:
    """The audit new_value of a created enterprise: fields, figures and qualifications."""
    record = {k: v for k, v in incoming.fields.items() if v is not None}
    founded = record.get("founded_on")
    if isinstance(founded, date):  # spares the encoder a call back into Python
        record["founded_on"] = founded.isoformat()
    prefixed = _year_keys(year)
    for k, v in incoming.figures.items():
        if v is not None:
            record[prefixed.get(k) or f"{year}.{k}"] = v
    for q in created:
        for k, v in q.values.items():
            if v:
                record[f"{q.type_code}.{k}"] = v
    return _AUDIT_JSON.encode(record)


@lru_cache(maxsize=8)
def _year_keys(year: int) -> dict[str, str]:
    return {k: f"{year}.{k}" for k in YEAR_FIELDS}


@contextmanager
def bulk_writes(session: Session, created: int) -> Iterator[None]:
    """Around every write_created / write_updated call of one batch that creates `created`
    enterprises: a larger page cache and, when the batch is large for the tables, their plain
    indexes built once after the rows instead of row by row (bulk.indexes_deferred). Nothing in
    between may need those indexes: only this module's writes run inside it."""
    conn = session.connection()
    deferred = [
        index
        for model in (Enterprise, EnterpriseYear, AuditEntry)
        for index in deferrable_indexes(conn, table_of(model), created)
    ]
    with bulk_cache(conn), indexes_deferred(conn, deferred):
        yield


def write_created(
    session: Session, batch_id: int, plans: Sequence[EnterprisePlan], year: int, operator: str
) -> None:
    """Insert new enterprises with their figures and qualifications in bulk (one audit row each)."""
    if not plans:
        return
    with gc_paused():
        _write_created(session, batch_id, plans, year, operator)


def _write_created(
    session: Session, batch_id: int, plans: Sequence[EnterprisePlan], year: int, operator: str
) -> None:
    rules = qualification_rules(session)
    conn = session.connection()  # plain executemany: no ORM bulk bookkeeping
    ids = _new_ids(conn, plans)
    years: list[tuple[Any, ...]] = []
    audits: list[tuple[Any, ...]] = []
    quals: list[dict[str, Any]] = []
    for plan, enterprise_id in zip(plans, ids, strict=True):
        plan.enterprise_id = enterprise_id
        incoming = plan.incoming
        figures = incoming.figures
        if figures:
            years.append((enterprise_id, year, *[figures.get(k) for k in YEAR_FIELDS]))
        created = _plan_qualifications(incoming, [], rules) if _has_qualification(incoming) else []
        for q in created:
            quals.append(_qual_row(enterprise_id, rules.type_ids[q.type_code], q.values))
        record = _created_record(incoming, created, year)
        audits.append((operator, "create", "enterprise", enterprise_id, batch_id, None, record))
    insert_rows(conn, table_of(EnterpriseYear), _YEAR_COLUMNS, years)
    insert_dicts(conn, table_of(Qualification), quals)
    insert_rows(conn, table_of(AuditEntry), _AUDIT_COLUMNS, audits)


def _has_qualification(incoming: EnterpriseIncoming) -> bool:
    return incoming.high_tech is not None or incoming.tech_sme is not None


def _field_audits(
    base: dict[str, Any], changes: dict[str, tuple[Any, Any]], prefix: str = ""
) -> list[dict[str, Any]]:
    return [
        base | {"field": prefix + k, "old_value": to_json(old), "new_value": to_json(new)}
        for k, (old, new) in changes.items()
    ]


def _enterprise_values(plan: EnterprisePlan) -> dict[str, Any]:
    """The new values of an enterprise's changed fields, search columns redone on a new name."""
    values = {k: new for k, (_old, new) in plan.changes.items()}
    if "name" in values or "uscc" in values:
        merged = {**{k: old for k, (old, _new) in plan.changes.items()}, **values}
        name = values.get("name") or plan.incoming.fields.get("name") or merged.get("name")
        values["search_text"] = search_text(name, plan.incoming.fields["uscc"])
        values["pinyin_initials"] = pinyin_initials(str(name or ""))
    return values


def _insert_years(conn: Connection, plans: list[EnterprisePlan], year: int) -> None:
    """Insert the figures rows of enterprises that had none for the year; set year_row_id."""
    if not plans:
        return
    table = table_of(EnterpriseYear)
    rows = []
    for plan in plans:
        values = {k: new for k, (_old, new) in plan.year_changes.items()}
        rows.append((plan.enterprise_id, year, *[values.get(k) for k in YEAR_FIELDS]))
    insert_rows(conn, table, _YEAR_COLUMNS, rows)
    found: dict[int, int] = {}
    ids = [p.enterprise_id for p in plans]
    for chunk in chunks(ids):
        stmt = select(table.c.enterprise_id, table.c.id).where(
            table.c.year == year, table.c.enterprise_id.in_(chunk)
        )
        found.update({int(e): int(i) for e, i in conn.execute(stmt)})
    for plan in plans:
        assert plan.enterprise_id is not None
        plan.year_row_id = found[plan.enterprise_id]


def _insert_qualifications(
    conn: Connection, created: list[tuple[int, QualificationChange]], rules: QualificationRules
) -> None:
    """Insert new qualifications of known enterprises in one executemany; set their ids.

    Ids reserved first: on a server, other desks may insert qualifications meanwhile."""
    if not created:
        return
    table = table_of(Qualification)
    ids = reserve_ids(conn, table.name, len(created))
    rows = [
        {"id": new_id, **_qual_row(eid, rules.type_ids[q.type_code], q.values)}
        for new_id, (eid, q) in zip(ids, created, strict=True)
    ]
    conn.execute(insert(table), rows)
    for new_id, (_eid, q) in zip(ids, created, strict=True):
        q.qualification_id = new_id


def write_updated(
    session: Session, batch_id: int, plans: Sequence[EnterprisePlan], year: int, operator: str
) -> None:
    """Apply changed fields, figures and qualifications of known enterprises (audited per field).

    Every kind of write is one executemany; the audit rows keep the per-enterprise order
    (fields, figures, qualifications) that undo replays backwards.
    """
    rules = qualification_rules(session)
    conn = session.connection()
    new_years = [p for p in plans if p.year_changes and p.year_row_id is None]
    created_years = {id(p) for p in new_years}
    _insert_years(conn, new_years, year)
    new_quals = [
        (p.enterprise_id, q) for p in plans for q in p.qualifications if q.qualification_id is None
    ]
    # Ids of rows created here are only known after the inserts; remember which ones are new.
    created_quals = {id(q) for _eid, q in new_quals}
    _insert_qualifications(conn, new_quals, rules)  # type: ignore[arg-type]
    enterprise_rows: list[dict[str, Any]] = []
    year_rows: list[dict[str, Any]] = []
    qual_rows: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    for plan in plans:
        assert plan.enterprise_id is not None
        base = audit_row(operator, "update", "enterprise", plan.enterprise_id, batch_id)
        if plan.changes:
            enterprise_rows.append(_enterprise_values(plan) | {"_id": plan.enterprise_id})
            audits += _field_audits(base, plan.changes)
        if plan.year_changes:
            audits += _field_audits(base, plan.year_changes, f"{year}.")
            if id(plan) in created_years:
                created = {"action": "create", "entity": "enterprise_year"}
                audits.append(base | created | {"entity_id": plan.year_row_id})
            else:
                values = {k: new for k, (_old, new) in plan.year_changes.items()}
                year_rows.append(values | {"_id": plan.year_row_id})
        for q in plan.qualifications:
            audits += _qualification_audits(q, base, id(q) in created_quals, rules, qual_rows)
    update_many(conn, table_of(Enterprise), enterprise_rows)
    update_many(conn, table_of(EnterpriseYear), year_rows)
    update_many(conn, table_of(Qualification), qual_rows)
    columns = (*_AUDIT_COLUMNS, "old_value")
    insert_rows(conn, table_of(AuditEntry), columns, [tuple(a[c] for c in columns) for a in audits])


def _qualification_audits(
    q: QualificationChange,
    base: dict[str, Any],
    created: bool,
    rules: QualificationRules,
    qual_rows: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    assert q.qualification_id is not None
    entity = base | {"entity": "qualification"}
    if created:
        row = _qual_row(base["entity_id"], rules.type_ids[q.type_code], q.values)
        entry = entity | {"action": "create", "entity_id": q.qualification_id}
        entry["new_value"] = json.dumps(_jsonable(row), ensure_ascii=False)
        return [entry]
    qual_rows.append({k: new for k, (_old, new) in q.changes.items()} | {"_id": q.qualification_id})
    return _field_audits(entity | {"entity_id": q.qualification_id}, q.changes)


# ---------------------------------------------------------------- history


def usccs(records: Iterable[EnterpriseIncoming]) -> list[str]:
    """The codes of incoming rows, for bulk lookups."""
    return [r.fields["uscc"] for r in records]
