"""The shipped CJK fonts of printed returns, registered with reportlab, and per-glyph fallback.

Primary: AR PL UMing (Song/Ming style, ARPHIC PUBLIC LICENSE). Fallback: Hanazono Mincho A
(Hanazono Font License / OFL), which covers the CJK extension A block and more rare characters.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

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


def _utf16_hex(code: int) -> str:
    """A code point as the UTF-16BE hex of a ToUnicode bfchar (a surrogate pair beyond the BMP)."""
    return chr(code).encode("utf-16-be", "surrogatepass").hex().upper()


def to_unicode_cmap(font_name: str, subset: list[int]) -> str:
    """The ToUnicode CMap of one font subset (PDF 1.7 §9.10.3): glyph code → UTF-16BE.

    reportlab writes `<%04X>`, so a character outside the BMP (𠮷 U+20BB7) becomes the odd-length
    `<20BB7>` that readers take as U+20BB + 7; here it is the pair `<D842DFB7>`.
    """
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({font_name})",
        f"/Ordering ({font_name})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{font_name} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
    ]
    for start in range(0, len(subset), 100):  # at most 100 entries per bfchar block
        chunk = subset[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{start + i:02X}> <{_utf16_hex(v)}>" for i, v in enumerate(chunk)]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


class ShippedFont(TTFont):  # type: ignore[misc]
    """A TTFont whose subsets' ToUnicode CMaps map every character, the BMP's and beyond."""

    def addObjects(self, doc: Any) -> None:
        state = self.state.get(doc)
        subsets = [] if state is None else [list(subset) for subset in state.subsets]
        internal = [self.getSubsetInternalName(n, doc)[1:] for n in range(len(subsets))]
        super().addObjects(doc)  # writes the fonts, then forgets this document's subsets
        for name, subset in zip(internal, subsets, strict=True):
            font = doc.idToObject[name]
            stream = doc.idToObject[font.ToUnicode.name]
            stream.content = to_unicode_cmap(font.BaseFont, subset)


@cache
def register() -> tuple[frozenset[int], frozenset[int]]:
    """Register both fonts with reportlab (once); returns the code points each one covers."""
    primary = ShippedFont(PRIMARY, str(primary_font_path()), subfontIndex=0)
    fallback = ShippedFont(FALLBACK, str(fallback_font_path()))
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
