"""Cell hygiene shared by every reader: control characters, bounded rows, cell references.

A reader of a sparse sheet collects the present cells of each row and `densify` turns them into the
rows the importer works on without ever allocating by the sheet's dimension: rows that hold nothing
are empty lists, a row is only as long as its last present cell, and the whole sheet holds at most
`SLOT_BUDGET` slots — cells further right are set aside (and reported), never materialised.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO
from xml.etree.ElementTree import Element, XMLPullParser

from db.rules.text import CONTROL_CHARACTERS, strip_controls

Cell = object
SparseRow = list[tuple[int, Cell]]  # (0-based column, value) of the present cells of one row

SLOT_BUDGET = 20_000_000  # list slots of one sheet (8 bytes each): ~160 MB at most
MAX_CELLS = 20_000_000  # present cells of one sheet; more would not fit the memory goal
# Present cells a reader of sparse sheets (and of ods) keeps one by one, ~70 bytes each.
MAX_SPARSE_CELLS = 5_000_000


@dataclass(frozen=True)
class Cleaned:
    """A cell whose control characters were stripped (0-based row and column)."""

    row: int
    col: int
    value: str


@dataclass
class Outside:
    """Cells set aside because they lie too far right to be materialised (0-based positions)."""

    first: dict[int, int] = field(default_factory=dict)  # row → first column set aside


def clean_rows(rows: list[list[Cell]], start: int = 0) -> list[Cleaned]:
    """Strip control characters from every text cell in place; the cells that had any."""
    found: list[Cleaned] = []
    search = CONTROL_CHARACTERS.search
    text = str
    for r, row in enumerate(rows, start):
        # Most rows are printable as a whole: one C-level check instead of one per cell.
        if "".join([v for v in row if v.__class__ is text]).isprintable():
            continue
        for c, value in enumerate(row):
            if value.__class__ is str and search(value):
                cleaned = strip_controls(value)
                row[c] = cleaned
                found.append(Cleaned(r, c, cleaned))
    return found


def column_letter(col: int) -> str:
    """0 → A, 25 → Z, 26 → AA (Excel's column names)."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """A → 0, AA → 26, XFD → 16383."""
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def cap_columns(lasts: Iterable[int], budget: int = SLOT_BUDGET) -> int:
    """The widest row length such that all rows, each cut there, fit within `budget` slots."""
    lengths = sorted(last + 1 for last in lasts)
    total = sum(lengths)
    if total <= budget:
        return lengths[-1] if lengths else 0
    # Cut at width w costs sum(min(len, w)); find the largest w that fits.
    spent, rows_left = 0, len(lengths)
    previous = 0
    for length in lengths:
        # Raising the cut from `previous` to `length` costs rows_left slots per column.
        step = (length - previous) * rows_left
        if spent + step > budget:
            return previous + (budget - spent) // max(rows_left, 1)
        spent += step
        previous = length
        rows_left -= 1
    return previous


def densify(
    sparse: dict[int, SparseRow], height: int, budget: int = SLOT_BUDGET
) -> tuple[list[list[Cell]], Outside]:
    """Rows 0..height-1 from the present cells of each row; cells beyond the cap are set aside."""
    lasts = [max(c for c, _ in cells) for cells in sparse.values() if cells]
    width = cap_columns(lasts, budget)
    outside = Outside()
    rows: list[list[Cell]] = [[] for _ in range(height)]
    for r, cells in sparse.items():
        if not cells:
            continue
        length = min(max(c for c, _ in cells) + 1, width)
        row: list[Cell] = [""] * length
        for c, value in cells:
            if c < width:
                row[c] = value
            elif r not in outside.first:
                outside.first[r] = c
        rows[r] = row
    return rows, outside


XML_BLOCK = 1 << 20  # bytes read at a time from a workbook part


def pull_events(stream: IO[bytes], part: str) -> Iterator[tuple[str, Element]]:
    """(event, element) of an XML part, read in blocks; a DTD (entity expansion) is refused."""
    parser: XMLPullParser[Element] = XMLPullParser(events=("start", "end"))
    while True:
        block = stream.read(XML_BLOCK)
        if not block:
            break
        if b"<!DOCTYPE" in block or b"<!ENTITY" in block:
            raise ValueError(f"DTD in {part}")
        parser.feed(block)
        yield from parser.read_events()  # type: ignore[misc]
    parser.close()
    yield from parser.read_events()  # type: ignore[misc]
