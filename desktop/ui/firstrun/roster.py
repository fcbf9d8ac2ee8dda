"""The towns named in a roster file: the distinct values of its 所属镇街 column.

Any spreadsheet the importer reads will do (a 企业名单, a town's return, a plain list): the first
sheet with a column headed 所属镇街 — or one of its aliases, as the importer accepts them (镇街,
乡镇, 所属乡镇, 镇(街道) …) — in its first rows gives the names below that header, in the order
they first appear, blanks and repeats left out.
"""

from __future__ import annotations

from pathlib import Path

from db.rules.text import normalize_header
from db.services.setup import split_town_names
from desktop.importing.header import cell_text, resolve_merges
from desktop.importing.readers import UnreadableFile, read_workbook
from desktop.importing.schemas import TOWN

HEADER_ROWS = 30  # where a header may be: below a title, a unit line, notes
TOWN_LABELS = frozenset(normalize_header(label) for label in (TOWN.header, *TOWN.aliases, "乡镇"))


def towns_in_file(path: Path) -> list[str]:
    """The towns of the file's 所属镇街 column; UnreadableFile (for the clerk) when it has none."""
    book = read_workbook(path)
    for sheet in book.sheets:
        rows = resolve_merges(sheet.rows, sheet.merges)
        for top, row in enumerate(rows[:HEADER_ROWS]):
            for column, cell in enumerate(row):
                if normalize_header(cell_text(cell)) not in TOWN_LABELS:
                    continue
                values = [cell_text(r[column]) for r in rows[top + 1 :] if column < len(r)]
                names = split_town_names("\n".join(values))
                if names:
                    return names
    raise UnreadableFile(
        f"“{path.name}”中没有“所属镇街”列（或该列为空），请换一个文件或直接输入镇街。"
    )
