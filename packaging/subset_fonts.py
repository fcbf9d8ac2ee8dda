"""The printed returns' fonts as a bundle ships them: subsets of resources/fonts, made at build time.

    python packaging/subset_fonts.py OUT_DIR     # OUT_DIR/uming.ttc and OUT_DIR/HanaMinA.ttf

The repo keeps the fonts whole (resources/fonts, 43 MB); the bundle needs only what a return can
print. Kept: every CJK ideograph either font has — the Unified block (GB 18030's two-byte hanzi
and the 通用规范汉字表's BMP part), Extension A and beyond, compatibility ideographs — so any
name, old or rare, still prints; Latin, digits and the punctuation and symbols forms and returns
use. Dropped: the other three faces of the UMing collection (HK, TW, TW MBE), Hangul, private-use
glyphs, the embedded bitmaps. The fallback keeps only what the primary lacks (desktop/returns/
fonts.py draws a character with HanaMinA only then). Both stay under their licences (ARPHIC: a
notice in each changed file says how and when; see licenses/fonts/README.txt in the bundle).

A subset is cached in OUT_DIR with a stamp of its inputs (the font files and this script), so a
rebuild takes seconds. Needs fontTools (the `package` extra). Run as a script
(`python -m packaging.…` would find pip's own `packaging` package first).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "resources" / "fonts"
PRIMARY = "uming.ttc"  # face 0 = AR PL UMing CN; written as a one-face collection, same name
FALLBACK = "HanaMinA.ttf"


def _ranges(*pairs: tuple[int, int]) -> set[int]:
    return {c for lo, hi in pairs for c in range(lo, hi + 1)}


# Ideographs: Extension A, the Unified block, compatibility, Extensions B … I (planes 2 and 3).
HANZI = _ranges(
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F), (0x30000, 0x323AF)
)  # fmt: skip
# Latin, punctuation, numbers and the symbols a form uses (①, Ⅱ, ℃, №, ※, □, ☑, ㈠, ％ …).
TEXT = _ranges(
    (0x0020, 0x007E), (0x00A0, 0x017F), (0x02C6, 0x02DD), (0x0391, 0x03C9), (0x0401, 0x0451),
    (0x2000, 0x206F), (0x2100, 0x218F), (0x2190, 0x21FF), (0x2200, 0x22FF), (0x2460, 0x24FF),
    (0x2500, 0x257F), (0x25A0, 0x25FF), (0x2600, 0x26FF), (0x2700, 0x27BF), (0x2E80, 0x2FDF),
    (0x3000, 0x303F), (0x3105, 0x312F), (0x31C0, 0x31EF), (0x3200, 0x33FF), (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
)  # fmt: skip
WANTED = frozenset(HANZI | TEXT)


def stamp(script: Path = Path(__file__)) -> str:
    """A digest of what a subset is made from: both font files and this script."""
    digest = hashlib.sha256(script.read_bytes())
    for name in (PRIMARY, FALLBACK):
        with (FONTS / name).open("rb") as fh:
            while block := fh.read(1 << 20):
                digest.update(block)
    return digest.hexdigest()


def _subset(font: object, unicodes: Iterable[int], note: str) -> None:
    from fontTools import subset

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # "BDF  NOT subset"
    options = subset.Options()
    options.layout_features = ["*"]  # vertical forms and the like, as the font has them
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["EBDT", "EBLC", "EBSC", "BDF ", "FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    names = font["name"]  # type: ignore[index]
    for record in list(names.names):
        if record.nameID == 5:  # version: the notice a changed file carries (ARPHIC §2a)
            names.setName(f"{record.toUnicode()}; {note}", 5, *_ids(record))


def _ids(record: object) -> tuple[int, int, int]:
    return record.platformID, record.platEncID, record.langID  # type: ignore[attr-defined]


def make(out: Path, fonts: Path = FONTS) -> dict[str, int]:
    """Write both subsets into `out` (or keep the cached ones); file name → bytes."""
    from fontTools.ttLib import TTCollection, TTFont

    out.mkdir(parents=True, exist_ok=True)
    marker = out / "subset.stamp"
    wanted = stamp()
    targets = [out / PRIMARY, out / FALLBACK]
    if not (
        marker.is_file() and marker.read_text() == wanted and all(p.is_file() for p in targets)
    ):
        today = datetime.date.today().isoformat()
        note = (
            f"subset on {today} by packaging/subset_fonts.py (科创台账): only CJK ideographs,"
            " Latin, punctuation and symbols kept"
        )
        collection = TTCollection(str(fonts / PRIMARY))
        primary = collection.fonts[0]
        _subset(
            primary, WANTED & set(primary.getBestCmap()), f"{note}; faces other than CN removed"
        )
        covered = set(primary.getBestCmap())
        collection.fonts = [primary]
        collection.save(str(out / PRIMARY))
        fallback = TTFont(str(fonts / FALLBACK))
        _subset(fallback, (WANTED & set(fallback.getBestCmap())) - covered, note)
        fallback.save(str(out / FALLBACK))
        marker.write_text(wanted)
    return {p.name: p.stat().st_size for p in targets}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python packaging/subset_fonts.py OUT_DIR", file=sys.stderr)
        return 2
    sizes = make(Path(argv[0]))
    whole = sum((FONTS / name).stat().st_size for name in sizes)
    print(
        f"fonts: {sum(sizes.values()) / 1e6:.1f} MB subset "
        f"({', '.join(f'{n} {s / 1e6:.1f} MB' for n, s in sizes.items())}) of {whole / 1e6:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
