"""Hand mappings of columns (header text → field), remembered per town and kind (import.md).

The mapping the clerk chose (or the one saved for the file's town) overrides auto-matching; when
auto-matching finds no header at all, rows are tried with the mapping applied.
"""

from __future__ import annotations

from db.rules.normalize import money_unit_of
from db.rules.text import normalize_header
from db.services.imports.mappings import load_mappings
from db.services.towns import TownMatcher
from db.store import Store
from desktop.importing.header import (
    HEADER_SEARCH_ROWS,
    Header,
    cell_text,
    find_header,
    head_grid,
    is_column_number_row,
    match_labels,
    table_grid,
    title_unit,
    trim_labels,
)
from desktop.importing.readers import Cell, SheetData
from desktop.importing.schemas import SCHEMAS, Schema

Mappings = dict[str, dict[str, str]]  # kind → normalised header → field ("" = ignore)


class MappingRefused(Exception):
    """The saved or chosen mapping leaves out a required column (the message is for the clerk)."""


def wanted_mappings(
    store: Store, kind: str | None, town: str | None, given: dict[str, str] | None
) -> Mappings:
    """The hand mappings to apply per kind: the given one, else the saved ones of the town."""
    kinds = [kind] if kind else list(SCHEMAS)
    if given is not None:
        chosen = {normalize_header(h): f for h, f in given.items()}
        return {k: chosen for k in kinds} if chosen else {}
    with store.session() as session:
        found = TownMatcher.from_session(session).match(town) if town else None
        saved = {k: load_mappings(session, found.name if found else "", k) for k in kinds}
    return {k: m for k, m in saved.items() if m}


def apply_mapping(header: Header, mapping: dict[str, str]) -> dict[str, str]:
    """Override the auto-matched fields by hand; returns {header as written: field} applied."""
    schema = header.schema
    known = {c.field for c in schema.columns}
    applied: dict[str, str] = {}
    for index, label in enumerate(header.labels):
        wanted = mapping.get(normalize_header(label))
        if wanted is None or (wanted and wanted not in known):
            continue
        applied[label] = wanted
        for name in [f for f, i in header.fields.items() if i == index or f == wanted]:
            del header.fields[name]
            header.units.pop(name, None)
        if wanted:
            header.fields[wanted] = index
            unit = money_unit_of(normalize_header(label))
            if schema.column(wanted).is_money and unit:
                header.units[wanted] = unit
    used = set(header.fields.values())
    header.ignored = [t for i, t in enumerate(header.labels) if t and i not in used]
    return applied


def qualifies(schema: Schema, fields: dict[str, int]) -> bool:
    """At least two matched columns, the required ones among them."""
    return len(fields) >= 2 and all(f in fields for f in schema.required)


def find_mapped_header(
    sheet: SheetData, kind: str | None, mappings: Mappings
) -> tuple[Header, list[list[Cell]], dict[str, str]] | None:
    """find_header with the hand mappings applied: (header, rows, {label: field} applied)."""
    found = find_header(sheet, kind)
    if found is not None:
        header, grid = found
        mapping = mappings.get(header.schema.kind)
        applied = apply_mapping(header, mapping) if mapping else {}
        if mapping and not qualifies(header.schema, header.fields):
            missing = "、".join(
                header.schema.column(f).header
                for f in header.schema.required
                if f not in header.fields
            )
            raise MappingRefused(f"按已保存的列对应关系，缺少必需的列：{missing}")
        return header, grid, applied
    if not mappings:
        return None
    grid = head_grid(sheet)
    for row in range(min(HEADER_SEARCH_ROWS, len(grid))):
        labels = trim_labels([cell_text(v) for v in grid[row]])
        for name, mapping in mappings.items():
            schema = SCHEMAS[name]
            fields, units = match_labels(schema, labels)
            header = Header(schema, row, row + 1, fields, labels, units)
            applied = apply_mapping(header, mapping)
            if not qualifies(schema, header.fields):
                continue
            if header.data_start < len(grid) and is_column_number_row(grid[header.data_start]):
                header.data_start += 1
            unit = title_unit(grid, header.row)
            if unit:
                for column in header.schema.columns:
                    if column.is_money and column.field in header.fields:
                        header.units.setdefault(column.field, unit)
            return header, table_grid(sheet, header), applied
    return None
