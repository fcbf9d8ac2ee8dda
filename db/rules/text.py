"""Text normalisation rules (domain.md "Units, dates, booleans"; import.md "Finding the header")."""

from __future__ import annotations

import math
import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")
# Zero-width characters that spreadsheets sometimes carry and str.isspace() misses.
_INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff")
_HEADER_DROP = str.maketrans("", "", "*※()（）[]【】［］〔〕{}｛｝")
EMPTY_MARKERS = frozenset({"—", "--", "-", "/", "无", "－", "——"})


def _nfkc(value: object) -> str:
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).translate(_INVISIBLE)


def normalize_text(value: object) -> str:
    """Normalise free text: NFKC, trimmed, inner whitespace runs collapsed to one space."""
    return _WHITESPACE.sub(" ", _nfkc(value)).strip()


def normalize_code(value: object) -> str:
    """Normalise a code (USCC, ID, certificate number): NFKC, no whitespace, upper case."""
    return _WHITESPACE.sub("", _nfkc(value)).upper()


def normalize_header(value: object) -> str:
    """Normalise a column header for matching: NFKC, no whitespace, marks or brackets."""
    return _WHITESPACE.sub("", _nfkc(value)).translate(_HEADER_DROP)


def is_empty(value: object) -> bool:
    """Tell whether a cell is empty: None, blank, NaN or an empty marker such as “—” or “无”."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    text = normalize_text(value)
    return text == "" or text in EMPTY_MARKERS
