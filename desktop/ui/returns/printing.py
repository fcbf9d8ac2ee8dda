"""Printing a return by rendering its PDF pages to the printer, and saving its files.

QtPdf renders a page only as an image (no vector path to a QPainter), so each page is drawn as
one raster at the printer's own resolution — what the driver reports once the print dialog chose
the printer — capped at MAX_PRINT_DPI: a 1200 dpi driver would make a job 4× as large for no
visible gain on a table of text. (Windows spools the raster as 32-bit colour: an A4 page is about
35 MB at 300 dpi and 139 MB at 600 dpi; a PDF printer compresses it to 1–2 MB.)
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt
from PySide6.QtGui import QPageLayout, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QDialog, QProgressDialog, QWidget

from desktop.ui.common import files
from desktop.ui.shell.context import AppContext

MAX_PRINT_DPI = 600  # the finest raster a page is sent as


def open_pdf(data: bytes) -> QPdfDocument:
    """A QPdfDocument loaded from bytes (its buffer is owned by the document)."""
    document = QPdfDocument()
    buffer = QBuffer(document)
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    return document


def _page_rect(printer: QPrinter, page: QSize) -> QRect:
    """The largest rectangle of the page's aspect ratio centred on the paper, in device pixels."""
    paper = printer.pageLayout().fullRectPixels(printer.resolution())
    scaled = page.scaled(paper.size(), Qt.AspectRatioMode.KeepAspectRatio)
    x = (paper.width() - scaled.width()) // 2
    y = (paper.height() - scaled.height()) // 2
    return QRect(x, y, scaled.width(), scaled.height())


def prepare_printer(printer: QPrinter, document: QPdfDocument, title: str) -> None:
    """Full-page printing, oriented like the PDF's first page (the resolution is the driver's)."""
    printer.setFullPage(True)
    printer.setDocName(title)
    if document.pageCount() > 0:
        size = document.pagePointSize(0)
        landscape = size.width() > size.height()
        printer.setPageOrientation(
            QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
        )
        printer.setFromTo(0, 0)


def print_document(
    printer: QPrinter, document: QPdfDocument, pages: range, parent: QWidget | None
) -> bool:
    """Draw each page as an image at the printer's resolution; False when cancelled or failed."""
    progress = QProgressDialog(
        QApplication.translate("returns", "正在打印…"),
        QApplication.translate("returns", "取消"),
        0,
        len(pages),
        parent,
    )
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(600)
    cap_resolution(printer)
    painter = QPainter()
    if not painter.begin(printer):
        return False
    try:
        for done, index in enumerate(pages):
            if progress.wasCanceled():
                printer.abort()
                return False
            if done:
                printer.newPage()
            _draw_page(painter, printer, document, index)
            progress.setValue(done + 1)
    finally:
        painter.end()
        progress.close()
    return True


def cap_resolution(printer: QPrinter) -> int:
    """The resolution pages are drawn at: the printer's own, at most MAX_PRINT_DPI (set on the
    printer, whose driver then scales the raster to its dots)."""
    if printer.resolution() > MAX_PRINT_DPI:
        printer.setResolution(MAX_PRINT_DPI)
    return printer.resolution()


def _draw_page(painter: QPainter, printer: QPrinter, document: QPdfDocument, index: int) -> None:
    points = document.pagePointSize(index)
    dpi = printer.resolution()
    pixels = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
    target = _page_rect(printer, pixels)
    painter.drawImage(target, document.render(index, target.size()))


def print_pdf(parent: QWidget | None, data: bytes, title: str) -> bool:
    """The system print dialog, then the PDF's pages to the chosen printer."""
    document = open_pdf(data)
    try:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        prepare_printer(printer, document, title)
        dialog = QPrintDialog(printer, parent)
        # Qt's own "print to file" browser would read the folder's files (the store's locks);
        # 导出PDF saves a file instead.
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, False)
        dialog.setWindowTitle(QApplication.translate("returns", "打印报表"))
        dialog.setMinMax(1, max(document.pageCount(), 1))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        pages = _chosen_pages(printer, document.pageCount())
        return print_document(printer, document, pages, parent)
    finally:
        document.deleteLater()


def _chosen_pages(printer: QPrinter, count: int) -> range:
    """All pages, or the range chosen in the dialog (0-based)."""
    first, last = printer.fromPage(), printer.toPage()
    if first <= 0:
        return range(count)
    return range(first - 1, min(last, count))


def save_bytes(
    ctx: AppContext, parent: QWidget | None, data: bytes, stem: str, kind: str
) -> Path | None:
    """Ask where to save (remembering the folder) and write the bytes; None when cancelled."""
    suffix, label = (
        (".pdf", "PDF 文件 (*.pdf)") if kind == "pdf" else (".xlsx", "Excel 工作簿 (*.xlsx)")
    )
    folder = Path(ctx.prefs.last_folder) if ctx.prefs.last_folder else Path.home()
    caption = QApplication.translate("returns", "导出PDF" if kind == "pdf" else "导出Excel")
    chosen = files.save_file_name(parent, caption, str(folder / f"{stem}{suffix}"), label)
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    path.write_bytes(data)
    ctx.prefs.last_folder = str(path.parent)
    ctx.prefs.save()
    return path
