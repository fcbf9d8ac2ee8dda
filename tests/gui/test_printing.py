"""Printing a return: pages are drawn at the printer's resolution (capped), not a fixed raster."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from desktop.ui.returns import printing


def _return_pdf(pages: int = 2) -> bytes:
    """A landscape A4 document like a return (a title and a table line per page)."""
    out = io.BytesIO()
    sheet = canvas.Canvas(out, pagesize=landscape(A4))
    for n in range(pages):
        sheet.drawString(72, 500, f"page {n + 1}")
        sheet.line(72, 480, 770, 480)
        sheet.showPage()
    sheet.save()
    return out.getvalue()


def _print_at(dpi: int, target: Path) -> QPrinter:
    """Print the document to a PDF printer that reports `dpi` (as a driver does after the dialog)."""
    document = printing.open_pdf(_return_pdf())
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    printing.prepare_printer(printer, document, "高新技术企业名册")
    printer.setResolution(dpi)
    assert printing.print_document(printer, document, range(document.pageCount()), None)
    document.deleteLater()
    return printer


def _page_images(path: Path) -> list[tuple[int, int]]:
    """(width, height) in pixels of the images drawn on each page of a printed PDF."""
    sizes = []
    for page in PdfReader(path).pages:
        [image] = [x.get_object() for x in page["/Resources"]["/XObject"].values()]
        sizes.append((int(image["/Width"]), int(image["/Height"])))
    return sizes


def _expected(dpi: int) -> tuple[int, int]:
    width, height = landscape(A4)
    return round(width * dpi / 72), round(height * dpi / 72)


@pytest.mark.parametrize(("driver_dpi", "drawn_dpi"), [(600, 600), (300, 300), (1200, 600)])
def test_pages_are_drawn_at_the_printers_resolution_capped(
    qapp: Any, tmp_path: Path, driver_dpi: int, drawn_dpi: int
) -> None:
    target = tmp_path / "printed.pdf"
    printer = _print_at(driver_dpi, target)
    assert printer.resolution() == drawn_dpi
    want_w, want_h = _expected(drawn_dpi)
    images = _page_images(target)
    assert len(images) == 2
    for width, height in images:  # the page fitted to the paper: within a few device pixels
        assert abs(width - want_w) <= 8 and abs(height - want_h) <= 8


def test_the_printer_keeps_its_resolution_through_preparing(qapp: Any) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setResolution(600)
    document = printing.open_pdf(_return_pdf(1))
    printing.prepare_printer(printer, document, "x")
    document.deleteLater()
    assert printer.resolution() == 600  # no fixed 300 dpi any more
