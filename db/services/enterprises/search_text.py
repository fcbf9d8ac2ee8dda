"""The normalised search column of a record: name, code, full pinyin and pinyin initials.

A character's pinyin is pypinyin's lazy_pinyin(ch, Style.NORMAL): its first reading without tone
marks, ü written v. Importing pypinyin loads its large phrase dictionary (~0.2–0.6 s), which
single characters never need, so the readings are read straight from pypinyin's own
pinyin_dict.json (~15 ms; tests/unit/importing/test_speed_paths.py checks every character against
lazy_pinyin). Each character is worked out once and kept in two translation tables, so a whole
text is converted by one C-level str.translate.
"""

from __future__ import annotations

import importlib.util
import json
import os
from functools import lru_cache

from db.rules.text import normalize_text

_TONELESS = str.maketrans(
    {
        **{c: "a" for c in "āáǎà"},
        **{c: "e" for c in "ēéěè"},
        **{c: "i" for c in "īíǐì"},
        **{c: "o" for c in "ōóǒò"},
        **{c: "u" for c in "ūúǔù"},
        **{c: "v" for c in "ǖǘǚǜü"},
        **{c: "n" for c in "ńňǹ"},
        "ḿ": "m",
        **{c: "" for c in "\u0300\u0301\u0304\u030c"},
    }
)


@lru_cache(maxsize=1)
def _readings() -> dict[int, str] | None:
    """Code point → first toneless reading from pypinyin's data file; None when it is missing."""
    spec = importlib.util.find_spec("pypinyin")
    folders = spec.submodule_search_locations if spec else None
    if not folders:
        return None
    path = os.path.join(next(iter(folders)), "pinyin_dict.json")
    try:
        with open(path, encoding="utf-8") as handle:
            raw: dict[str, str] = json.load(handle)
    except (OSError, ValueError):
        return None
    return {int(k): v.split(",")[0].translate(_TONELESS) for k, v in raw.items()}


def _lazy_pinyin(ch: str) -> str:
    from pypinyin import Style, lazy_pinyin

    full = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore")
    return full[0] if full else ""


@lru_cache(maxsize=20000)
def _char_pinyin(ch: str) -> tuple[str, str]:
    if not ("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"):
        low = ch.lower()
        return low, low
    readings = _readings()
    full = _lazy_pinyin(ch) if readings is None else readings.get(ord(ch), "")
    return full, full[:1]


class _PinyinTable(dict[int, str | None]):
    """Code point → full pinyin (or initial); whitespace is dropped; filled on first use."""

    def __init__(self, part: int) -> None:
        super().__init__()
        self.part = part

    def __missing__(self, code: int) -> str | None:
        ch = chr(code)
        value = None if ch.isspace() else _char_pinyin(ch)[self.part]
        self[code] = value
        return value


_FULL = _PinyinTable(0)
_INITIALS = _PinyinTable(1)


def _pieces(text: str) -> tuple[str, str, str]:
    """Lower-cased text, full pinyin and initials of one normalised, non-empty text."""
    if text.isascii():  # each character is its own lower case; normalised spaces are single
        low = text.lower()
        squeezed = low.replace(" ", "")
        return low, squeezed, squeezed
    return text.lower(), text.translate(_FULL), text.translate(_INITIALS)


def pinyin_initials(text: str) -> str:
    """Pinyin initials of Chinese characters, other characters lower-cased (华信生物 → hxsw)."""
    normalized = normalize_text(text)
    return _pieces(normalized)[2] if normalized else ""


def search_text(*parts: str | None) -> str:
    """Lower-cased text, full pinyin and initials of each part joined, for one LIKE match."""
    pieces: list[str] = []
    for part in parts:
        text = normalize_text(part or "")
        if text:
            pieces.extend(_pieces(text))
    return "|".join(pieces)


def search_columns(name: str | None, code: str | None) -> tuple[str, str]:
    """(search_text(name, code), pinyin_initials(name)), each piece worked out once."""
    name_pieces = _pieces(text) if (text := normalize_text(name or "")) else None
    code_pieces = _pieces(text) if (text := normalize_text(code or "")) else None
    pieces = [*(name_pieces or ()), *(code_pieces or ())]
    return "|".join(pieces), name_pieces[2] if name_pieces else ""
