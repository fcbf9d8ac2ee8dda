"""The text a clerk would copy from a rendered return (pypdf's text layer, the XLSX cells)."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    """Every page's extracted text, joined (line breaks dropped so runs of one line meet)."""
    reader = PdfReader(io.BytesIO(data))
    return "".join((page.extract_text() or "").replace("\n", "") for page in reader.pages)


def xlsx_text(data: bytes) -> str:
    """Every text cell of the first sheet, joined by newlines."""
    ws = load_workbook(io.BytesIO(data)).active
    assert ws is not None
    return "\n".join(
        str(v) for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)
    )
