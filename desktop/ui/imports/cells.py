"""The cells of the import preview, without Qt: the columns of a kind (the schema's headers), each
row's parsed values, old → new for an update, the cells as written for a rejected row."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from db.rules.identifiers import mask_resident_id
from db.services.imports.enterprises import YEAR_FIELDS, EnterprisePlan
from desktop.importing.kinds import HOOKS
from desktop.importing.rows import Problem, shown
from desktop.importing.schemas import ENTERPRISES as ENTERPRISE_SCHEMA
from desktop.importing.schemas import SCHEMAS, schema_for
from desktop.ui.imports.sheets import ROW_TOWN, row_of

ENTERPRISES = "enterprises"
EMPTY = "（空）"
ARROW = " → "

# The qualification cells of an enterprise row: schema field → (qualification, part, tuple index).
QUALIFICATION_FIELDS = {
    "hte_number": ("high_tech", "number", 0),
    "hte_issued_on": ("high_tech", "issued_on", 1),
    "sme_number": ("tech_sme", "number", 0),
    "sme_year": ("tech_sme", "evaluation_year", 1),
}
# What a qualification change may name that no column of the file holds (derived by the rules).
_DERIVED_PARTS = {"valid_from": "有效期起", "valid_through": "有效期止"}
_QUALIFICATIONS = {"high_tech": "高企", "tech_sme": "科小"}
# Model columns of the other kinds that are named differently from their schema field.
MODEL_COLUMNS = {
    "town": "town_id",
    "host": "host_name",
    "name": "team_name",
    "year": "evaluation_year",  # qualifications (figures keep their year as a reference)
    "type": "type_id",  # qualifications: the type as written is shown
}


@dataclass(frozen=True)
class FieldColumn:
    """A column of parsed values: the schema field, its header and its parser."""

    field: str
    title: str
    parser: str = "text"
    kinds: tuple[str, ...] = ()  # the kinds whose rows fill it (a workbook may mix kinds)

    @property
    def is_town(self) -> bool:
        """The 所属镇街 column (shown with where the town came from)."""
        return self.field == "town"


@dataclass(frozen=True)
class Cell:
    """One cell of the preview: its text, and (old, new) texts when an update changes it."""

    text: str
    old: str | None = None
    new: str | None = None

    @property
    def changed(self) -> bool:
        """Whether the row's update changes this value."""
        return self.old is not None


BLANK = Cell("")


def field_columns(
    kinds: Mapping[str, Sequence[str]], extra: Mapping[str, Sequence[str]]
) -> list[FieldColumn]:
    """The value columns of the kinds in a plan (kind → the fields its sheets fill; name, code,
    town and the required fields always), in schema order; a field two kinds share is one column."""
    out: dict[tuple[str, str], FieldColumn] = {}
    for kind, used in kinds.items():
        schema = schema_for(kind)
        wanted = set(used) | {"name", "uscc", "town", *schema.required}
        found = [(c.field, c.header, c.parser) for c in schema.columns if c.field in wanted]
        found += [(key, key_label(kind, key), "text") for key in extra.get(kind, ())]
        for name, title, parser in found:
            known = out.get((name, title))
            kinds_of = (*known.kinds, kind) if known else (kind,)
            out[(name, title)] = FieldColumn(name, title, parser, kinds_of)
    return list(out.values())


def uncovered_keys(kind: str, plans: Sequence[Any]) -> list[str]:
    """Value keys of other-kind rows no schema column shows (every parsed value gets a column)."""
    if kind == ENTERPRISES or kind not in SCHEMAS:
        return []
    fields = {c.field for c in SCHEMAS[kind].columns}
    covered = fields | {MODEL_COLUMNS[f] for f in fields if f in MODEL_COLUMNS}
    seen: dict[str, None] = {}
    for p in plans:
        for key in (*p.incoming.values, *p.incoming.refs):
            if key not in covered:
                seen[key] = None
    return list(seen)


def key_label(kind: str, key: str) -> str:
    """The Chinese name of a value or change key of a kind (the schema's header)."""
    schema = SCHEMAS.get(kind)
    if schema is not None:
        for column in schema.columns:
            if key in (column.field, MODEL_COLUMNS.get(column.field)):
                return column.header
    return key


def change_label(key: str, year: int) -> str:
    """An enterprise change key's name: '2025.revenue' → 2025年营业收入(万元), 'high_tech.valid_through'
    → 高企有效期止."""
    head, _, tail = key.partition(".")
    if tail and head.isdigit():
        return f"{head}年{change_label(tail, year)}"
    if tail:
        for name, (qualification, part, _i) in QUALIFICATION_FIELDS.items():
            if (qualification, part) == (head, tail):
                return ENTERPRISE_SCHEMA.column(name).header
        return _QUALIFICATIONS.get(head, head) + _DERIVED_PARTS.get(tail, tail)
    return key_label(ENTERPRISES, "town" if key == "town_id" else key)


# ---------------------------------------------------------------- values


def value_text(value: Any, column: FieldColumn, towns: Mapping[int, str]) -> str:
    """A parsed value as the clerk reads it: amounts 1,234.50, dates 2025-05-01, 是/否, towns."""
    if value is None or value == "":
        return ""
    if column.is_town and isinstance(value, int):
        return towns.get(value, str(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    if column.parser == "money" and isinstance(value, (int, float)):
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if column.parser == "id":
        return mask_resident_id(str(value))
    return str(value)


def column_for_key(kind: str, key: str) -> FieldColumn:
    """The column a change key belongs to ('2025.revenue' → 营业收入, money), for its format."""
    head, _, tail = key.partition(".")
    name = tail if tail and head.isdigit() else key
    for field_name, (qualification, part, _i) in QUALIFICATION_FIELDS.items():
        if key == f"{qualification}.{part}":
            name = field_name
    reverse = {v: k for k, v in MODEL_COLUMNS.items()}
    name = reverse.get(name, name)
    schema = SCHEMAS.get(kind)
    if schema is not None:
        for column in schema.columns:
            if column.field == name:
                return FieldColumn(column.field, column.header, column.parser)
    return FieldColumn(name, name)


def plain_text(value: Any, towns: Mapping[int, str], kind: str, key: str) -> str:
    """A changed value outside its column (其他变更, tooltips), formatted like its column."""
    return value_text(value, column_for_key(kind, key), towns) or EMPTY


def enterprise_value(plan: EnterprisePlan, field: str) -> Any:
    """The parsed value of a schema field in an enterprise row."""
    incoming = plan.incoming
    if field == "town":
        return incoming.fields.get("town_id")
    if field in YEAR_FIELDS:
        return incoming.figures.get(field)
    if field in QUALIFICATION_FIELDS:
        qualification, _part, index = QUALIFICATION_FIELDS[field]
        held = getattr(incoming, qualification)
        return None if held is None else held[index]
    return incoming.fields.get(field)


def enterprise_change_key(field: str, year: int) -> str:
    """The key of shown_changes(year) that a schema field's change has."""
    if field == "town":
        return "town_id"
    if field in YEAR_FIELDS:
        return f"{year}.{field}"
    if field in QUALIFICATION_FIELDS:
        qualification, part, _index = QUALIFICATION_FIELDS[field]
        return f"{qualification}.{part}"
    return field


def kind_value(plan: Any, field: str) -> Any:
    """The parsed value of a schema field in a row of another kind (values, then references)."""
    incoming = plan.incoming
    for key in (field, MODEL_COLUMNS.get(field)):
        if key is None:
            continue
        if incoming.values.get(key) is not None:
            return incoming.values[key]
        if incoming.refs.get(key) is not None:
            return incoming.refs[key]
    return None


def kind_change_key(plan: Any, field: str) -> str:
    """The key under which a row of another kind lists the change of a schema field."""
    alias = MODEL_COLUMNS.get(field)
    return alias if alias is not None and alias in plan.changes else field


# ---------------------------------------------------------------- rows


class RowCells:
    """Computes the cells of a preview row on demand (only the rows on screen are asked)."""

    def __init__(self, year: int, towns: Mapping[int, str]) -> None:
        self.year = year
        self.towns = towns

    def value(self, item: Any, kind: str, column: FieldColumn) -> Any:
        """The parsed value of a column in an accepted row of a kind."""
        if kind not in column.kinds:
            return None
        if isinstance(item, EnterprisePlan):
            return enterprise_value(item, column.field)
        value = kind_value(item, column.field)
        hook = HOOKS.get(kind)
        if value is None and hook is not None and hook.key_field == column.field:
            return item.incoming.label or None
        return value

    def changes(self, item: Any) -> dict[str, tuple[Any, Any]]:
        """Every change of an accepted row, by its key."""
        if item.outcome != "updated":
            return {}
        return dict(item.shown_changes(self.year))

    def change_key(self, item: Any, column: FieldColumn) -> str:
        """The change key of a column in an accepted row."""
        if isinstance(item, EnterprisePlan):
            return enterprise_change_key(column.field, self.year)
        return kind_change_key(item, column.field)

    def cell(
        self,
        item: Any,
        kind: str,
        column: FieldColumn,
        changes: Mapping[str, tuple[Any, Any]],
        source: str,
    ) -> Cell:
        """An accepted row's cell: the value (the town with its source), old → new when changed."""
        if kind not in column.kinds:
            return BLANK
        new = value_text(self.value(item, kind, column), column, self.towns)
        key = self.change_key(item, column)
        suffix = f"（{source}）" if column.is_town and source and new else ""
        if key not in changes:
            return Cell(new + suffix)
        old_value, new_value = changes[key]
        old = value_text(old_value, column, self.towns) or EMPTY
        new = value_text(new_value, column, self.towns) or EMPTY
        return Cell(f"{old}{ARROW}{new}{suffix}", old, new)

    def haystack(self, item: Any) -> str:
        """The text the preview's filter searches in a row: its values, town and problems."""
        if isinstance(item, EnterprisePlan):
            incoming = item.incoming
            values = [
                *incoming.fields.values(),
                *(incoming.high_tech or ()),
                *(incoming.tech_sme or ()),
            ]
            values.append(self.towns.get(incoming.fields.get("town_id") or 0, ""))
        elif hasattr(item, "incoming"):
            incoming = item.incoming
            values = [incoming.label, *incoming.values.values(), *incoming.refs.values()]
            values.append(self.towns.get(incoming.values.get("town_id") or 0, ""))
        elif hasattr(item, "cells"):
            values = [*(shown(c) for c in item.cells), problem_text(item.problems)]
        else:
            values = [item.reason, item.problem.value if item.problem else ""]
        return f"{row_of(item)} " + " ".join(str(v) for v in values if v is not None)

    def other_changes(
        self,
        item: Any,
        kind: str,
        columns: Sequence[FieldColumn],
        changes: Mapping[str, tuple[Any, Any]],
    ) -> str:
        """Changes no column shows (validity computed from the issue date, 从回收站恢复)."""
        shown_keys = {self.change_key(item, c) for c in columns if kind in c.kinds}
        return "；".join(self.change_lines(item, kind, changes, shown_keys))

    def change_lines(
        self,
        item: Any,
        kind: str,
        changes: Mapping[str, tuple[Any, Any]],
        skip: Collection[str] = (),
    ) -> list[str]:
        """名称：old → new for each change (but those in `skip`)."""
        lines = ["从回收站恢复"] if getattr(item, "deleted", False) else []
        for key, (old, new) in changes.items():
            if key in skip:
                continue
            label = change_label(key, self.year) if kind == ENTERPRISES else key_label(kind, key)
            old_text = plain_text(old, self.towns, kind, key)
            new_text = plain_text(new, self.towns, kind, key)
            lines.append(f"{label}：{old_text}{ARROW}{new_text}")
        return lines


def written_cell(cells: Sequence[Any], index: int | None, column: FieldColumn) -> Cell:
    """A rejected row's cell as the town wrote it (ID numbers masked)."""
    if index is None or index >= len(cells):
        return BLANK
    text = shown(cells[index])
    if text and column.parser == "id":
        text = mask_resident_id(text)
    return Cell(text)


def town_source(town_id: int | None, sheet: Any, has_town_column: bool, names: Any) -> str:
    """Where a row's town came from: 本行 (its own cell), else the sheet's source.

    A row whose own town equals the sheet's is shown with the sheet's source: both give it."""
    if town_id is None:
        return ""
    if not sheet.town_source:
        return ROW_TOWN
    if not has_town_column or names.get(town_id) == sheet.town:
        return str(sheet.town_source)
    return ROW_TOWN


def problem_text(problems: Sequence[Problem]) -> str:
    """Every problem of a row: 列：说明；…"""
    return "；".join(f"{p.column}：{p.message}" if p.column else p.message for p in problems)


def problem_tooltip(problems: Sequence[Problem]) -> str:
    """Every problem on its own line, with the value as written."""
    lines = []
    for p in problems:
        value = f"（填写的值：{p.value}）" if p.value else ""
        lines.append(f"第{p.row}行 {p.column}：{p.message}{value}")
    return "\n".join(lines)


def row_number(item: Any) -> str:
    """The sheet row of an item, — for a summary row."""
    row = row_of(item)
    return str(row) if row else "—"
