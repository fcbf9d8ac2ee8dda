"""Cell converters of the enterprise rows' fast path (desktop.importing.rows._FastRows).

Each gives exactly what the full reader (rows._parse_slowly) would keep for a clean cell, or raises
Slow at the first sign of a problem (an error or a warning), so that the row is read again by
the full reader, which words the messages. `memo` remembers a converter's verdict per text value.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from db.rules.identifiers import validate_phone
from db.rules.normalize import parse_bool, parse_int
from db.rules.results import Checked
from db.rules.text import EMPTY_MARKERS, is_empty, normalize_text
from desktop.importing.header import cell_text

Cell = object


class Slow(Exception):
    """The fast path cannot vouch for this cell: read the whole row with the full reader."""


SLOW = object()  # a remembered verdict: the fast path gave up on this value
_MISSING = object()
MEMO_SIZE = 4096  # distinct text values remembered per column (towns, flags, dates as text …)


def memo(convert: Callable[[Cell], Any]) -> Callable[[Cell], Any]:
    """`convert`, its result (or its giving up) remembered per text value: a town file repeats
    its towns, flags and many dates thousands of times. Converters must be pure."""
    cache: dict[str, Any] = {}
    get = cache.get

    def remembered(value: Cell) -> Any:
        if value.__class__ is not str:
            return convert(value)
        found = get(value, _MISSING)
        if found is _MISSING:
            try:
                found = convert(value)
            except Slow:
                found = SLOW
            if len(cache) < MEMO_SIZE:
                cache[value] = found
        if found is SLOW:
            raise Slow
        return found

    return remembered


_is_normalized = unicodedata.is_normalized


def plain(value: str) -> bool:
    """normalize_text would give `value` back unchanged: printable (so no control, invisible or
    whitespace character but the plain space), NFKC already, no run of spaces and none at the
    edges. Told by a few C-level checks, not by normalising."""
    return (
        value.isprintable()
        and (value.isascii() or _is_normalized("NFKC", value))
        and "  " not in value
        and value[:1] != " "
        and value[-1:] != " "
    )


@lru_cache(maxsize=4096)
def _normalized_text(value: str) -> str | None:
    text = normalize_text(value)
    return text if text and text not in EMPTY_MARKERS else None


def text_of_str(value: str) -> str | None:
    if plain(value):
        return value if value and value not in EMPTY_MARKERS else None
    return _normalized_text(value)


def text_of(value: Cell) -> str | None:
    """_RowReader.text of one cell."""
    if value is None:
        return None
    if isinstance(value, str):
        return text_of_str(value)
    return None if is_empty(value) else cell_text(value) or None


def checked(checked: Checked[Any]) -> Any:
    if checked.errors or checked.warnings:
        raise Slow
    return checked.value


def non_negative(value: Any) -> Any:
    if value is not None and value < 0:
        raise Slow
    return value


def count_of(value: Cell) -> int | None:
    if value.__class__ is float and value.is_integer():
        return int(value) if value >= 0 else non_negative(value)
    count: int | None = non_negative(checked(parse_int(value)))
    return count


def phone_of(value: Cell) -> str | None:
    phone: str | None = checked(validate_phone(value))
    return phone


def flag_of(value: Cell) -> bool | None:
    return checked(parse_bool(value))  # type: ignore[no-any-return]
