"""The normalised search column of a record: name, code, full pinyin and pinyin initials."""

from __future__ import annotations

from functools import lru_cache

from db.rules.text import normalize_text


@lru_cache(maxsize=20000)
def _char_pinyin(ch: str) -> tuple[str, str]:
    from pypinyin import Style, lazy_pinyin

    if not ("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"):
        low = ch.lower()
        return low, low
    full = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore")
    if not full:
        return "", ""
    return full[0], full[0][:1]


def pinyin_initials(text: str) -> str:
    """Pinyin initials of Chinese characters, other characters lower-cased (华信生物 → hxsw)."""
    return "".join(_char_pinyin(ch)[1] for ch in normalize_text(text) if not ch.isspace())


def search_text(*parts: str | None) -> str:
    """Lower-cased text, full pinyin and initials of each part joined, for one LIKE match."""
    pieces: list[str] = []
    for part in parts:
        text = normalize_text(part or "")
        if not text:
            continue
        pieces.append(text.lower())
        chars = [_char_pinyin(ch) for ch in text if not ch.isspace()]
        pieces.append("".join(full for full, _ in chars))
        pieces.append("".join(initial for _, initial in chars))
    return "|".join(pieces)
