"""A list as the window shows it, written to XLSX or CSV: the 导出 of every list in the window.

The screen hands over what its table shows — the header and the rows of its current filter, as
text — and this writes them whole or not at all, every cell through the one cell writer (no
formula ever; control characters stripped).
"""

from __future__ import annotations

import csv
from collections.abc import Generator, Sequence
from pathlib import Path

from desktop.exporting.cells import csv_row, put, sheet_title
from desktop.exporting.files import OutputError, replacing, save_workbook
from desktop.progress import Progress

SUFFIXES = (".xlsx", ".csv")


def write_table(
    path: Path, title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]
) -> Generator[Progress, None, int]:
    """Background work: write one sheet (XLSX) or file (CSV) of the rows; returns how many."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise OutputError(f"导出文件应为 .xlsx 或 .csv：{path}")
    yield Progress(0, len(rows), "正在导出…")
    if suffix == ".csv":
        with replacing(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(csv_row(list(headers)))
            for row in rows:
                writer.writerow(csv_row(list(row)))
        return len(rows)
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet_title(title)
    for col, text in enumerate(headers, start=1):
        put(ws, 1, col, text)
    for r, row in enumerate(rows, start=2):
        for col, value in enumerate(row, start=1):
            put(ws, r, col, value)
    ws.freeze_panes = "A2"
    save_workbook(book, path)
    return len(rows)
