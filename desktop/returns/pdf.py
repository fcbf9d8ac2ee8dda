"""Render a computed return to PDF with reportlab, drawing the grid on the canvas directly.

Rows are measured and paginated first, so `第 X 页 共 Y 页` is known when each page is drawn.
"""

from __future__ import annotations

import io
import os
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import IO

from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

import desktop
from desktop.progress import CancelToken, Progress, drain
from desktop.returns import fonts
from desktop.returns.model import Column, ReturnTable, Value, format_value

MARGIN: float = 12 * mm
BODY_SIZE = 9.0
HEADER_SIZE = 9.0
CODE_SIZE = 8.0
TITLE_SIZE = 16.0
MARK_SIZE = 8.0
PAD = 1.2 * mm
MIN_ROW = 6.0 * mm
MIN_HEADER_ROW = 7.0 * mm
CODE_ROW: float = 5.0 * mm
FOOT_ZONE = 10 * mm
SIGNATURE_H = 12 * mm

APP_TITLE = "科创台账"
Target = str | os.PathLike[str] | IO[bytes]


@lru_cache(maxsize=8192)
def _char_width(ch: str, size: float) -> float:
    return fonts.string_width(ch, size)


def wrap(text: str, width: float, size: float) -> list[str]:
    """Lines of text that fit `width` points (broken between characters; newlines kept)."""
    lines: list[str] = []
    for part in text.split("\n"):
        if len(part) * size <= width or fonts.string_width(part, size) <= width:
            lines.append(part)
            continue
        line, used = "", 0.0
        for ch in part:
            w = _char_width(ch, size)
            if line and used + w > width:
                lines.append(line)
                line, used = "", 0.0
            line += ch
            used += w
        lines.append(line)
    return lines


def draw_text(
    canvas: Canvas, x: float, y: float, text: str, size: float, align: str = "left"
) -> None:
    """Draw one line at baseline y; x is the left edge, centre or right edge as `align` says."""
    parts = fonts.runs(text)
    if len(parts) == 1:
        canvas.setFont(parts[0][0], size)
        if align == "right":
            canvas.drawRightString(x, y, text)
        elif align == "center":
            canvas.drawCentredString(x, y, text)
        else:
            canvas.drawString(x, y, text)
        return
    width = fonts.string_width(text, size)
    start = x - width if align == "right" else x - width / 2 if align == "center" else x
    for font, run in parts:
        canvas.setFont(font, size)
        canvas.drawString(start, y, run)
        start += canvas.stringWidth(run, font, size)


@dataclass
class _Row:
    cells: list[list[str]]
    height: float
    total: bool = False


@dataclass
class _Layout:
    page_w: float
    page_h: float
    xs: list[float]  # column edges, len = columns + 1
    header_heights: list[float]
    block_h: float
    pages: list[list[_Row]]

    @property
    def header_h(self) -> float:
        return sum(self.header_heights) + CODE_ROW


def _line_h(size: float) -> float:
    return size * 1.3


def _measure_row(values: Sequence[Value], columns: Sequence[Column], xs: list[float]) -> _Row:
    cells: list[list[str]] = []
    lines = 1
    for i, (col, value) in enumerate(zip(columns, values, strict=True)):
        text = format_value(col, value)
        avail = xs[i + 1] - xs[i] - 2 * PAD
        cell = wrap(text, avail, BODY_SIZE) if text else [""]
        lines = max(lines, len(cell))
        cells.append(cell)
    return _Row(cells, max(MIN_ROW, lines * _line_h(BODY_SIZE) + 2 * PAD))


def _header_heights(table: ReturnTable, xs: list[float]) -> list[float]:
    heights = [MIN_HEADER_ROW] * table.header_rows
    for cell in table.header:
        avail = xs[cell.col + cell.colspan] - xs[cell.col] - 2 * PAD
        need = len(wrap(cell.text, avail, HEADER_SIZE)) * _line_h(HEADER_SIZE) + 2 * PAD
        if cell.rowspan == 1:
            heights[cell.row] = max(heights[cell.row], need)
        elif need > sum(heights):
            heights[-1] += need - sum(heights)
    return heights


def _block_height(table: ReturnTable) -> float:
    centre = TITLE_SIZE * 1.6 + 10 * 1.6
    marks = len(table.legal_lines) * MARK_SIZE * 1.4
    return max(centre, marks) + 7.0 * float(mm)


def _paginate(rows: list[_Row], first_room: float, room: float) -> list[list[_Row]]:
    pages: list[list[_Row]] = [[]]
    left = first_room
    for row in rows:
        if row.height > left and pages[-1]:
            pages.append([])
            left = room
        pages[-1].append(row)
        left -= row.height
    if left < SIGNATURE_H and len(pages[-1]) > 1:
        pages.append([pages[-1].pop()])
    elif left < SIGNATURE_H:
        pages.append([])
    return pages


def layout(table: ReturnTable) -> _Layout:
    """Measure every row and split them into pages."""
    size = landscape(A4) if table.orientation == "landscape" else portrait(A4)
    page_w, page_h = float(size[0]), float(size[1])
    widths = [c.width for c in table.columns]
    scale = (page_w - 2 * MARGIN) / sum(widths)
    xs = [MARGIN]
    for w in widths:
        xs.append(xs[-1] + w * scale)
    rows = [_measure_row(r, table.columns, xs) for r in table.rows]
    if table.total is not None:
        total = _measure_row(table.total, table.columns, xs)
        total.total = True
        rows.append(total)
    heads = _header_heights(table, xs)
    block = _block_height(table)
    room = page_h - 2 * MARGIN - FOOT_ZONE - sum(heads) - CODE_ROW
    pages = _paginate(rows, room - block, room)
    return _Layout(page_w, page_h, xs, heads, block, pages)


def _draw_block(canvas: Canvas, table: ReturnTable, lay: _Layout) -> None:
    top = lay.page_h - MARGIN
    mid = lay.page_w / 2
    draw_text(canvas, mid, top - TITLE_SIZE, table.title, TITLE_SIZE, "center")
    draw_text(canvas, mid, top - TITLE_SIZE * 1.6 - 10, table.period_text, 10, "center")
    if table.legal_lines:
        label_w = max(fonts.string_width(f"{k}：{v}", MARK_SIZE) for k, v in table.legal_lines)
        x = lay.page_w - MARGIN - label_w
        for i, (label, value) in enumerate(table.legal_lines):
            y = top - MARK_SIZE - i * MARK_SIZE * 1.4
            draw_text(canvas, x, y, f"{label}：{value}", MARK_SIZE)
    base = top - lay.block_h + 2 * mm
    draw_text(canvas, MARGIN, base, f"填报单位（盖章）：{table.bureau_name}", BODY_SIZE)
    if table.unit:
        draw_text(canvas, lay.page_w - MARGIN, base, f"计量单位：{table.unit}", BODY_SIZE, "right")


def _draw_cell_text(
    canvas: Canvas, lines: list[str], x0: float, x1: float, top: float, height: float, align: str
) -> None:
    size = BODY_SIZE
    lh = _line_h(size)
    first = top - (height - len(lines) * lh) / 2 - lh + lh * 0.28
    x = x1 - PAD if align == "right" else (x0 + x1) / 2 if align == "center" else x0 + PAD
    for i, line in enumerate(lines):
        if line:
            draw_text(canvas, x, first - i * lh, line, size, align)


def _draw_header(canvas: Canvas, table: ReturnTable, lay: _Layout, top: float) -> float:
    row_tops = [top]
    for h in lay.header_heights:
        row_tops.append(row_tops[-1] - h)
    for cell in table.header:
        x0, x1 = lay.xs[cell.col], lay.xs[cell.col + cell.colspan]
        y0, y1 = row_tops[cell.row], row_tops[cell.row + cell.rowspan]
        canvas.rect(x0, y1, x1 - x0, y0 - y1)
        lines = wrap(cell.text, x1 - x0 - 2 * PAD, HEADER_SIZE)
        _draw_cell_text(canvas, lines, x0, x1, y0, y0 - y1, "center")
    code_top = row_tops[-1]
    for i, code in enumerate(table.codes):
        x0, x1 = lay.xs[i], lay.xs[i + 1]
        canvas.rect(x0, code_top - CODE_ROW, x1 - x0, CODE_ROW)
        draw_text(canvas, (x0 + x1) / 2, code_top - CODE_ROW + 1.5 * mm, code, CODE_SIZE, "center")
    return code_top - CODE_ROW


def _draw_rows(
    canvas: Canvas, table: ReturnTable, lay: _Layout, rows: list[_Row], top: float
) -> float:
    aligns = [c.alignment for c in table.columns]
    y = top
    segments: list[tuple[float, float, float, float]] = []
    for row in rows:
        for i, lines in enumerate(row.cells):
            align = "center" if row.total and i == 0 else aligns[i]
            _draw_cell_text(canvas, lines, lay.xs[i], lay.xs[i + 1], y, row.height, align)
        y -= row.height
        segments.append((lay.xs[0], y, lay.xs[-1], y))
    segments.extend((x, top, x, y) for x in lay.xs)
    if rows:
        canvas.lines(segments)
    return y


def _draw_signature(canvas: Canvas, table: ReturnTable, y: float) -> None:
    draw_text(canvas, MARGIN, y - 7 * mm, table.signature_line, BODY_SIZE)


def _draw_page(canvas: Canvas, table: ReturnTable, lay: _Layout, number: int) -> None:
    top = lay.page_h - MARGIN
    if number == 1:
        _draw_block(canvas, table, lay)
        top -= lay.block_h
    canvas.setLineWidth(0.5)
    body_top = _draw_header(canvas, table, lay, top)
    bottom = _draw_rows(canvas, table, lay, lay.pages[number - 1], body_top)
    if number == len(lay.pages):
        _draw_signature(canvas, table, bottom)
    footer = f"第 {number} 页 共 {len(lay.pages)} 页"
    draw_text(canvas, lay.page_w / 2, MARGIN, footer, MARK_SIZE, "center")


def set_metadata(canvas: Canvas, table: ReturnTable) -> None:
    """Title, author (the bureau), subject and creator (this app) of the PDF's document info."""
    canvas.setTitle(f"{table.title} {table.period_text}")
    canvas.setAuthor(table.bureau_name or APP_TITLE)
    canvas.setSubject(
        f"{table.title}（{table.period_text}，{table.bureau_name or '未设单位名称'}）"
    )
    canvas.setCreator(f"{APP_TITLE} {desktop.__version__}")
    canvas.setKeywords(f"统计报表 {table.return_id} {table.period_code}")


def render_pdf_steps(
    table: ReturnTable, out: Target, cancel: CancelToken | None = None
) -> Generator[Progress, None, int]:
    """Render page by page (yielding progress, honouring cancel); returns the page count."""
    fonts.register()
    lay = layout(table)
    size = (lay.page_w, lay.page_h)
    target = os.fspath(out) if isinstance(out, os.PathLike) else out
    canvas = Canvas(
        target,
        pagesize=size,
        pageCompression=1,
        initialFontName=fonts.PRIMARY,
        initialFontSize=BODY_SIZE,
    )
    set_metadata(canvas, table)
    total = len(lay.pages)
    for number in range(1, total + 1):
        if cancel is not None:
            cancel.raise_if_cancelled()
        _draw_page(canvas, table, lay, number)
        canvas.showPage()
        yield Progress(number, total, f"正在生成第 {number} 页，共 {total} 页")
    canvas.save()
    return total


def render_pdf(table: ReturnTable, out: Target) -> int:
    """Render a return to a PDF file path or a binary stream; returns the page count."""
    return drain(render_pdf_steps(table, out))


def pdf_bytes(table: ReturnTable) -> bytes:
    """The PDF of a return as bytes (for a preview or the archive)."""
    buffer = io.BytesIO()
    render_pdf(table, buffer)
    return buffer.getvalue()
