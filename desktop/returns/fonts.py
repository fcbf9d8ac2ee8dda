"""The shipped CJK fonts of printed returns, registered with reportlab, and per-glyph fallback.

Primary: AR PL UMing (Song/Ming style, ARPHIC PUBLIC LICENSE). Fallback: Hanazono Mincho A
(Hanazono Font License / OFL), which covers the CJK extension A block and more rare characters.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from desktop.paths import resource

PRIMARY = "UMing"
FALLBACK = "HanaMinA"


def primary_font_path() -> Path:
    """The primary font file (a TrueType collection; face 0 is UMing CN)."""
    return resource("fonts", "uming.ttc")


def fallback_font_path() -> Path:
    """The fallback font file, used for characters the primary font lacks."""
    return resource("fonts", "HanaMinA.ttf")


@cache
def register() -> tuple[frozenset[int], frozenset[int]]:
    """Register both fonts with reportlab (once); returns the code points each one covers."""
    primary = TTFont(PRIMARY, str(primary_font_path()), subfontIndex=0)
    fallback = TTFont(FALLBACK, str(fallback_font_path()))
    pdfmetrics.registerFont(primary)
    pdfmetrics.registerFont(fallback)
    return frozenset(primary.face.charWidths), frozenset(fallback.face.charWidths)


def runs(text: str) -> list[tuple[str, str]]:
    """Split text into (font name, run) so each character is drawn by a font that has it."""
    primary, fallback = register()
    if all(ord(ch) in primary for ch in text):
        return [(PRIMARY, text)]
    out: list[tuple[str, str]] = []
    for ch in text:
        code = ord(ch)
        font = PRIMARY if code in primary or code not in fallback else FALLBACK
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + ch)
        else:
            out.append((font, ch))
    return out


def missing(text: str) -> list[str]:
    """Characters that neither shipped font has (drawn as empty boxes if printed)."""
    primary, fallback = register()
    return sorted(
        {ch for ch in text if ch.isprintable() and not ch.isspace()}
        - {ch for ch in text if ord(ch) in primary or ord(ch) in fallback}
    )


def string_width(text: str, size: float) -> float:
    """Width in points of text drawn with fallback runs."""
    return float(sum(pdfmetrics.stringWidth(run, font, size) for font, run in runs(text)))
