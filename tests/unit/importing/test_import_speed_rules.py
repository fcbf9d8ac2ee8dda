"""The shortcuts of the import speed work (issue 12, item 5) give exactly what the plain rules give.

- normalize_text's fast path for text that is already normal (db.rules.text);
- clean_uscc's check sums in one int() of base 34 / 35 (db.rules.identifiers);
- the sheet pre-scan's bound-by-counts path for ordinary blocks (desktop.importing.xlsx);
- calamine's read in its own thread (desktop.importing.readers.start_reading).
"""

from __future__ import annotations

import random
import re
import unicodedata
import zipfile
from operator import mul
from pathlib import Path

import pytest

from db.rules.identifiers import USCC_ALPHABET, clean_uscc, uscc_check_char
from db.rules.text import normalize_code, normalize_text
from desktop.importing import xlsx
from desktop.importing.readers import UnreadableFile, read_workbook, start_reading
from tests.unit.importing import crafted

_INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff")


def _normalized(value: str) -> str:
    """normalize_text as specified: NFKC, invisible characters dropped, whitespace collapsed."""
    text = value if value.isascii() else unicodedata.normalize("NFKC", value).translate(_INVISIBLE)
    return " ".join(text.split())


def test_normalize_text_fast_path_agrees_on_every_character() -> None:
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        ch = chr(code)
        for text in (ch, f"a{ch}b", f"{ch} {ch}"):
            assert normalize_text(text) == _normalized(text), hex(code)


def test_normalize_text_fast_path_agrees_on_mixed_text() -> None:
    rng = random.Random(12)
    alphabet = list(" \t\n\u3000\u00a0\u200b\ufeffaA1０Ａ（）华信ﬁ①\u0301e\u00e9㈱\u2028\x85\x1f")
    for _ in range(100_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 7)))
        assert normalize_text(text) == _normalized(text), repr(text)


_VALUES = {c: i for i, c in enumerate(USCC_ALPHABET)}
_ORG_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _clean_uscc(raw: object) -> tuple[str, bool] | None:
    """clean_uscc written with the weights of GB 32100 / GB 11714 one character at a time."""
    if not isinstance(raw, str):
        return None
    code = normalize_code(raw)
    if len(code) != 18 or any(c not in _VALUES for c in code):
        return None
    if (
        _VALUES[code[17]]
        != (31 - sum(map(mul, map(_VALUES.__getitem__, code), _WEIGHTS)) % 31) % 31
    ):
        return None
    org = 11 - sum(map(mul, map(_ORG_VALUES.__getitem__, code[8:16]), _ORG_WEIGHTS)) % 11
    return code, code[16] == ("X" if org == 10 else "0" if org == 11 else str(org))


def test_clean_uscc_check_sums_agree_with_the_weights() -> None:
    rng = random.Random(5)
    odd = USCC_ALPHABET + "IOSVZabc _-１２Ａ\u200b٣"
    found = 0
    for _ in range(100_000):
        body = "".join(rng.choice(USCC_ALPHABET) for _ in range(17))
        good = body + uscc_check_char(body)
        pick = rng.random()
        if pick < 0.5:
            raw = good
        elif pick < 0.7:
            raw = good[:17] + rng.choice(USCC_ALPHABET)
        elif pick < 0.85:
            at = rng.randrange(18)
            raw = good[:at] + rng.choice(odd) + good[at + 1 :]
        else:
            raw = f" {good.lower()} "
        assert clean_uscc(raw) == _clean_uscc(raw), raw
        found += clean_uscc(raw) is not None
    assert found > 50_000
    for raw in (None, 9.13e17, "", "1" * 18, "0" * 18, "Z" * 18):
        assert clean_uscc(raw) == _clean_uscc(raw)


# ---------------------------------------------------------------- the pre-scan


def _exact(path: Path) -> tuple[int, int, int, int, bool]:
    """cells, max_row, max_col, rows and certainty told from every cell's reference."""
    data = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    refs = re.findall(rb'<c r="([A-Z]{1,3})(\d{1,7})"', data)
    cells = data.count(b"</c>")
    opened = data.count(b"<c ") + data.count(b"<c>")
    rows = data.count(b"<row ") + data.count(b"<row>")
    numbers = [int(n) for n in re.findall(rb'<row r="(\d{1,7})"', data)]
    widest = max((c for c, _n in refs), key=lambda c: (len(c), c), default=b"A")
    max_row = max([*numbers, *(int(n) for _c, n in refs)], default=0)
    certain = len(refs) == opened and len(numbers) == rows
    certain = certain and data.count(b' r="') == opened + rows
    column = xlsx.column_index(widest.decode())
    return cells, max_row, max(column, 25), rows, certain


def _scanned(path: Path) -> tuple[int, int, int, int, bool]:
    scan = xlsx.scan_sheet(zipfile.ZipFile(path), "xl/worksheets/sheet1.xml")
    return scan.cells, scan.max_row, scan.max_col, scan.rows, scan.certain


@pytest.mark.parametrize(
    "extra",
    [
        "",
        '<row r="12"><c r="A900" t="inlineStr"><is><t>低处</t></is></c></row>',
        '<row r="12"><c r="AB12"><v>1</v></c></row>',
        '<row r="12"><c r="A0012"><v>1</v></c></row>',
        '<row r="12"><c r="A12"><v>1</v></c><c r="B12" s="0"><v>2</v></c></row>',
        '<row r="12"><c><v>1</v></c></row>',
        '<row><c r="A13"><v>1</v></c></row>',
        '<row r="12"><c r="a12"><v>1</v></c></row>',
        '<row r="12"><c r="A12" t="e"><v>#DIV/0!</v></c></row>',
        '<row r="99"><c r="A99"><v>1</v></c></row><row r="100"><c r="A100"><v>1</v></c></row>',
    ],
)
def test_scan_agrees_with_every_cells_reference(tmp_path: Path, extra: str) -> None:
    path = crafted.add_row_xml(crafted.xlsx(tmp_path / "s.xlsx", crafted.rows(9)), extra)
    assert _scanned(path) == _exact(path)


def test_scan_of_a_large_sheet_agrees(tmp_path: Path) -> None:
    data = [
        [f"测试{i}科技有限公司", crafted.uscc(i), "十九里镇", i, i * 1.5] for i in range(30_000)
    ]
    path = crafted.xlsx(tmp_path / "big.xlsx", data)
    assert _scanned(path) == _exact(path)
    low = crafted.add_row_xml(path, '<row r="30003"><c r="B1048576"><v>1</v></c></row>')
    assert _scanned(low) == _exact(low) and _scanned(low)[1] == 1_048_576


# ---------------------------------------------------------------- calamine in its thread


def test_reading_begun_gives_what_reading_gives(tmp_path: Path) -> None:
    path = crafted.xlsx(tmp_path / "t.xlsx", crafted.rows(50))
    finish = start_reading(path)
    begun, plain = finish(), read_workbook(path)
    assert [(s.name, s.rows, s.merges, s.errors) for s in begun.sheets] == [
        (s.name, s.rows, s.merges, s.errors) for s in plain.sheets
    ]
    with pytest.raises(UnreadableFile, match="没有这个表"):
        start_reading(path, "没有这个表")()


def test_a_broken_sheet_is_refused_when_the_reading_is_finished(tmp_path: Path) -> None:
    path = crafted.xlsx(tmp_path / "t.xlsx", crafted.rows(5))
    crafted.patch_sheet(path, lambda text: text.replace('<c r="A2"', '<c r="A2" t="s"', 1))
    crafted.patch_sheet(path, lambda text: text.replace("<v>", "<v>99999", 1))
    finish = start_reading(path)
    try:
        expected: object = read_workbook(path).sheets[0].rows
    except UnreadableFile as exc:
        with pytest.raises(UnreadableFile, match=re.escape(str(exc))):
            finish()
    else:
        assert finish().sheets[0].rows == expected
