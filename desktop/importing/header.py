"""Find the header of a town sheet: merged cells, two-level headers, aliases, units (import.md)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from db.rules.normalize import money_unit_of
from db.rules.text import normalize_header, normalize_text
from desktop.importing.readers import Cell, Merge, SheetData
from desktop.importing.schemas import MONEY_UNITS, SCHEMAS, Schema

HEADER_SEARCH_ROWS = 30
_TITLE_UNIT = re.compile(r"单位\s*[:：]\s*(亿元|万元|千元|元)")
_COLUMN_NUMBERS = frozenset("甲乙丙丁戊己庚辛壬癸")
_NEVER_BLANK = frozenset({float, int, bool, date, datetime, time})  # never shown as ""


@dataclass
class Header:
    """Where the header of a sheet is and what each column means."""

    schema: Schema
    row: int  # 0-based index of the (first) header row
    data_start: int  # 0-based index of the first data row
    fields: dict[str, int]  # field → column index
    labels: list[str]  # header text per column as the town wrote it (parent/child combined)
    units: dict[str, str] = field(default_factory=dict)  # money field → unit of its column
    ignored: list[str] = field(default_factory=list)
    # Rows (0-based) with a value right of the header's last column → that value's column.
    outside: dict[int, int] = field(default_factory=dict)

    @property
    def width(self) -> int:
        """Columns of the table: up to the header's last non-empty label."""
        return len(self.labels)

    @property
    def need(self) -> int:
        """Cells a data row must have for every used column to be read (see `pad`)."""
        return max(self.fields.values(), default=-1) + 1


def cell_text(value: Cell) -> str:
    """A cell as text: None/'' → '', 3.0 → '3'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return normalize_text(value)


def resolve_merges(rows: list[list[Cell]], merges: Iterable[Merge]) -> list[list[Cell]]:
    """Pad rows to one width and copy each merged range's top-left value into all its cells.

    Rows that need no change are shared with `rows`, not copied (a 100,000-row sheet is not
    duplicated); rows that are padded or written into are new lists, so `rows` is never changed.
    """
    width = max((len(r) for r in rows), default=0)
    grid = [r if len(r) == width else [*r, *[""] * (width - len(r))] for r in rows]
    for (r0, c0), (r1, c1) in merges:
        if r0 >= len(grid) or c0 >= width:
            continue
        value = grid[r0][c0]
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            if grid[r] is rows[r]:
                grid[r] = list(rows[r])
            for c in range(c0, min(c1, width - 1) + 1):
                grid[r][c] = value
    return grid


def _parent_spans(row: int, merges: Iterable[Merge], width: int) -> list[tuple[int, int]]:
    """Horizontal merges starting on `row` that do not span the whole table (titles do)."""
    return [
        (c0, c1)
        for (r0, c0), (r1, c1) in merges
        if r0 == row and r1 == row and c1 > c0 and not (c0 == 0 and c1 >= width - 1)
    ]


def _labels(grid: list[list[Cell]], row: int, spans: list[tuple[int, int]]) -> list[str]:
    labels = [cell_text(v) for v in grid[row]]
    if not spans or row + 1 >= len(grid):
        return labels
    below = grid[row + 1]
    for c0, c1 in spans:
        for c in range(c0, c1 + 1):
            child = cell_text(below[c])
            if child:
                labels[c] = f"{labels[c]}/{child}"
    return labels


def _match_one(schema: Schema, label: str) -> tuple[str | None, str | None]:
    """The field a header names and the money unit the header states (if any)."""
    norm = normalize_header(label)
    if not norm:
        return None, None
    found = schema.match(norm)
    if found is not None:
        return found, _unit_if_money(schema, found, norm)
    for unit in MONEY_UNITS:
        if norm.endswith(unit) and len(norm) > len(unit):
            base = schema.match(norm[: -len(unit)].rstrip("/"))
            if base is not None and schema.column(base).is_money:
                return base, unit
    return None, None


def _unit_if_money(schema: Schema, field_name: str, norm: str) -> str | None:
    if not schema.column(field_name).is_money:
        return None
    return money_unit_of(norm)


def match_labels(schema: Schema, labels: list[str]) -> tuple[dict[str, int], dict[str, str]]:
    """Map columns to fields: full labels first, then a child alone when it is unambiguous."""
    fields: dict[str, int] = {}
    units: dict[str, str] = {}
    pending: list[tuple[int, str]] = []
    for index, label in enumerate(labels):
        found, unit = _match_one(schema, label)
        if found is None and "/" in label:
            pending.append((index, label.rsplit("/", 1)[1]))
        elif found is not None and found not in fields:
            fields[found] = index
            if unit:
                units[found] = unit
    children = [child for _, child in pending]
    for index, child in pending:
        found, unit = _match_one(schema, child)
        if found is not None and found not in fields and children.count(child) == 1:
            fields[found] = index
            if unit:
                units[found] = unit
    return fields, units


def _qualifies(schema: Schema, fields: dict[str, int]) -> bool:
    return len(fields) >= 2 and all(f in fields for f in schema.required)


def is_column_number_row(row: list[Cell]) -> bool:
    """A row like 甲 乙 1 2 3 … right under the header."""
    texts = [cell_text(v) for v in row if cell_text(v)]
    if len(texts) < 2:
        return False
    return all(t in _COLUMN_NUMBERS or t.isdigit() for t in texts)


def title_unit(grid: list[list[Cell]], above: int) -> str | None:
    """A money unit stated in the title rows (单位：万元 / 元 / 千元)."""
    for row in grid[:above]:
        for value in row:
            match = _TITLE_UNIT.search(cell_text(value))
            if match:
                return match.group(1)
    return None


def _candidate(
    grid: list[list[Cell]], merges: list[Merge], row: int, schemas: list[Schema]
) -> Header | None:
    width = len(grid[row])
    spans = [s for s in _parent_spans(row, merges, width) if row + 1 < len(grid)]
    labels = _labels(grid, row, spans)
    best: Header | None = None
    for schema in schemas:
        fields, units = match_labels(schema, labels)
        if _qualifies(schema, fields) and (best is None or len(fields) > len(best.fields)):
            start = row + (2 if spans else 1)
            best = Header(schema, row, start, fields, labels, units)
    return best


def head_grid(sheet: SheetData) -> list[list[Cell]]:
    """The rows the header is looked for in (and the two below it), merges resolved."""
    return resolve_merges(sheet.rows[: HEADER_SEARCH_ROWS + 2], sheet.merges)


def find_header(
    sheet: SheetData, kind: str | None = None
) -> tuple[Header, list[list[Cell]]] | None:
    """The header of a sheet (within its first 30 rows) and the sheet's rows cut to its width."""
    head = head_grid(sheet)
    schemas = [SCHEMAS[kind]] if kind else list(SCHEMAS.values())
    for row in range(min(HEADER_SEARCH_ROWS, len(head))):
        header = _candidate(head, sheet.merges, row, schemas)
        if header is None:
            continue
        if header.data_start < len(head) and is_column_number_row(head[header.data_start]):
            header.data_start += 1
        _finish(header, head)
        return header, table_grid(sheet, header)
    return None


def trim_labels(labels: list[str]) -> list[str]:
    """Labels without the empty ones right of the last named column."""
    end = len(labels)
    while end and not labels[end - 1]:
        end -= 1
    return labels[:end]


def _has_content(cells: list[Cell]) -> int:
    """The index of the first non-blank cell, or -1."""
    for index, value in enumerate(cells):
        if value.__class__ in _NEVER_BLANK or (
            value is not None and value != "" and cell_text(value)
        ):
            return index
    return -1


def table_grid(sheet: SheetData, header: Header) -> list[list[Cell]]:
    """The sheet's rows for reading data: cut at the header's width, vertical merges filled in.

    Rows are not padded (a short row reads as blank past its end: see `pad`), so memory follows
    the cells present, never the sheet's width. A row with values right of the header is cut and
    noted in `header.outside` (the importer warns: nothing is dropped silently). Merged ranges fill
    only the columns the header uses. Rows that need no change are shared with the sheet.
    """
    width = header.width
    grid: list[list[Cell]] = []
    outside = header.outside
    for r, row in enumerate(sheet.rows):
        if len(row) > width:
            first = _has_content(row[width:])
            if first >= 0:
                outside[r] = width + first
                row = row[:width]
        grid.append(row)
    for r, c in sheet.outside.items():
        outside.setdefault(r, c)
    used = sorted(set(header.fields.values()))
    for (r0, c0), (r1, c1) in sheet.merges:
        columns = [c for c in used if c0 <= c <= c1]
        if r0 >= len(grid) or not columns:
            continue
        value = grid[r0][c0] if c0 < len(grid[r0]) else ""
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            row = grid[r] = pad(list(grid[r]), columns[-1] + 1)
            for c in columns:
                row[c] = value
    return grid


def pad(cells: list[Cell], size: int) -> list[Cell]:
    """The row, or a copy of it padded with blanks to at least `size` cells."""
    if len(cells) >= size:
        return cells
    return [*cells, *[""] * (size - len(cells))]


def _finish(header: Header, grid: list[list[Cell]]) -> None:
    header.labels = trim_labels(header.labels)
    unit = title_unit(grid, header.row)
    if unit:
        for column in header.schema.columns:
            if column.is_money and column.field in header.fields:
                header.units.setdefault(column.field, unit)
    used = set(header.fields.values())
    header.ignored = [t for i, t in enumerate(header.labels) if t and i not in used]
