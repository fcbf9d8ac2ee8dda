"""Text normalisation rules (domain.md "Units, dates, booleans"; import.md "Finding the header").

Whitespace runs are collapsed with str.split()/join, which uses the same definition of
whitespace as the regex \\s on str (Py_UNICODE_ISSPACE); ASCII text skips NFKC (a no-op on it).
"""

from __future__ import annotations

import math
import re
import unicodedata

# Zero-width characters that spreadsheets sometimes carry and str.isspace() misses.
_INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff")
_HEADER_DROP = str.maketrans("", "", "*※()（）[]【】［］〔〕{}｛｝")
EMPTY_MARKERS = frozenset({"—", "--", "-", "/", "无", "－", "——"})
_normalize = unicodedata.normalize


def _nfkc(value: object) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.isascii():
        return text
    return _normalize("NFKC", text).translate(_INVISIBLE)


def normalize_text(value: object) -> str:
    """Normalise free text: NFKC, trimmed, inner whitespace runs collapsed to one space."""
    if isinstance(value, str) and value.__class__ is str and _plain(value):
        return value
    return " ".join(_nfkc(value).split())


_is_normalized = unicodedata.is_normalized


def _plain(text: str) -> bool:
    """normalize_text would give `text` back unchanged, told by a few C-level checks: printable
    (no control, invisible or whitespace character but the plain space), already NFKC, no run
    of spaces and none at either edge."""
    return (
        text.isprintable()
        and (text.isascii() or _is_normalized("NFKC", text))
        and "  " not in text
        and text[:1] != " "
        and text[-1:] != " "
    )


def normalize_code(value: object) -> str:
    """Normalise a code (USCC, ID, certificate number): NFKC, no whitespace, upper case."""
    return "".join(_nfkc(value).split()).upper()


def normalize_header(value: object) -> str:
    """Normalise a column header for matching: NFKC, no whitespace, marks or brackets."""
    return "".join(_nfkc(value).split()).translate(_HEADER_DROP)


def is_empty(value: object) -> bool:
    """Tell whether a cell is empty: None, blank, NaN or an empty marker such as “—” or “无”."""
    if value is None:
        return True
    kind = value.__class__
    if kind is float:
        return math.isnan(value)  # type: ignore[arg-type]
    if kind is int:
        return False
    text = normalize_text(value)
    return text == "" or text in EMPTY_MARKERS


LIKE_ESCAPE = "\\"


def escape_like(text: str) -> str:
    """Escape LIKE wildcards (% and _) and the escape character itself with a backslash.

    Use with `column.like(pattern, escape=LIKE_ESCAPE)`.
    """
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def like_pattern(text: str) -> str:
    """`%text%` with the wildcards of text escaped: a search for the text anywhere."""
    return f"%{escape_like(text)}%"


def too_long(label: str, value: object, limit: int) -> str | None:
    """A text longer than its column's declared length: “企业名称不能超过200个字”; None when it fits."""
    if isinstance(value, str) and len(value) > limit:
        return f"{label}不能超过{limit}个字"
    return None


def too_long_in_cell(limit: int, length: int) -> str:
    """The same rule said of a spreadsheet cell, whose column the problem names already:
    “不能超过200个字（这里有201个）”."""
    return f"不能超过{limit}个字（这里有{length}个）"


# C0 controls except tab, line feed and carriage return; DEL and C1; the two non-characters XML
# refuses. None of them reaches the store (import strips them) or a written file (export strips them).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def strip_controls(text: str) -> str:
    """Text without control characters (tab, line feed and carriage return are kept)."""
    return CONTROL_CHARACTERS.sub("", text)
