"""PDF and XLSX renderings of returns: text, pages, repeated header, merged cells, print set-up."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from db.models import ReturnLegalMarks
from db.store import Store
from desktop.returns.compute import compute
from desktop.returns.definitions import BY_ID, CATALOGUE
from desktop.returns.model import Period, ReturnTable, format_value
from desktop.returns.pdf import pdf_bytes, render_pdf
from desktop.returns.xlsx import render_xlsx, xlsx_bytes
from tests.unit.returns import builders

AS_OF = date(2025, 12, 31)


@pytest.fixture
def known(store: Store) -> Store:
    with store.transaction() as session:
        builders.small_store(session)
        session.add(
            ReturnLegalMarks(
                return_id="double-breakthrough",
                approval_kind="批准机关",
                approval_authority="亳州市统计局",
                approval_no="亳统制〔2025〕3号",
                valid_until="2027年12月",
            )
        )
    return store


def _table(store: Store, return_id: str, **kw: object) -> ReturnTable:
    with store.session() as session:
        return compute(BY_ID[return_id], session, Period(2025), as_of=AS_OF, **kw)  # type: ignore[arg-type]


def _pages(data: bytes) -> list[str]:
    return [
        p.extract_text().replace(" ", "").replace("\u3000", "")
        for p in PdfReader(io.BytesIO(data)).pages
    ]


def test_double_breakthrough_pdf_has_title_marks_rows_totals_and_footer(known: Store) -> None:
    table = _table(known, "double-breakthrough")
    pages = _pages(pdf_bytes(table))
    assert len(pages) == 1
    text = pages[0]
    for needle in (
        "高新技术企业和科技型中小企业“双突破”进展情况表",
        "2025年",
        "填报单位（盖章）：谯城区科学技术局",
        "表号：科双01表",
        "制表机关：谯城区科学技术局",
        "批准机关：亳州市统计局",
        "批准文号：亳统制〔2025〕3号",
        "有效期至：2027年12月",
        "计量单位：家",
        "单位负责人：闫喆",
        "统计负责人：王淼",
        "填表人：李珺",
        "联系电话：0558-5123456",
        "报出日期：",
        "第1页共1页",
        "合计",
        "完成率(%)",
    ):
        assert needle in text, needle
    for row in table.rows:
        assert str(row[0]) in text
    assert "3.0" in text  # completion rate with fixed decimals on 合计


@pytest.mark.parametrize("definition", CATALOGUE, ids=lambda d: d.id)
def test_every_return_renders_its_rows(known: Store, definition: object) -> None:
    table = _table(known, definition.id)  # type: ignore[attr-defined]
    text = "".join(_pages(pdf_bytes(table)))
    assert table.title in text
    for row in table.rows:
        for col, value in zip(table.columns, row, strict=True):
            cell = format_value(col, value)
            if cell and len(cell) < 12:  # long names wrap over two lines
                assert cell.replace(" ", "") in text, cell


def test_empty_numeric_cells_are_blank_not_zero(known: Store) -> None:
    table = _table(known, "double-breakthrough")
    keys = [c.key for c in table.columns]
    town_row = table.rows[0]
    assert (
        format_value(table.columns[keys.index("ht_target")], town_row[keys.index("ht_target")])
        == ""
    )


def test_long_roster_repeats_header_and_numbers_pages(store: Store) -> None:
    with store.transaction() as session:
        known = builders.setup(session)
        builders.many_high_tech(session, known, 120)
    table = _table(store, "high-tech-roster")
    assert len(table.rows) == 120
    pages = _pages(pdf_bytes(table))
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert "统一社会信用代码" in text and "证书编号" in text and "有效期至" in text
        assert f"第{number}页共{len(pages)}页" in text
    assert "高新技术企业名册" in pages[0]
    assert "单位负责人" in pages[-1] and "单位负责人" not in pages[0]
    everything = "".join(pages)
    assert all(f"第{n:04d}号高新技术测试企业有限公司" in everything for n in range(1, 121))


def test_pdf_embeds_the_shipped_fonts_and_falls_back(store: Store, tmp_path: object) -> None:
    from desktop.returns import fonts

    primary, fallback = fonts.register()
    rare = next(chr(c) for c in sorted(fallback - primary) if 0x3400 <= c < 0x4DC0)
    with store.transaction() as session:
        known = builders.setup(session)
        eid = builders.enterprise(session, known, f"{rare}氏科技有限公司", "十九里镇")
        builders.high_tech(session, eid, date(2024, 1, 1))
    table = _table(store, "high-tech-roster")
    reader = PdfReader(io.BytesIO(pdf_bytes(table)))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            obj = font.get_object()
            names.add(str(obj["/BaseFont"]))
            assert "/FontFile2" in obj["/FontDescriptor"]  # embedded, subset
    assert any("UMing" in n for n in names)
    assert any("HanaMinA" in n for n in names)
    assert not any("Helvetica" in n for n in names)
    assert fonts.runs(f"{rare}氏") == [(fonts.FALLBACK, rare), (fonts.PRIMARY, "氏")]


def test_xlsx_has_same_cells_merged_header_and_print_setup(known: Store, tmp_path: object) -> None:
    table = _table(known, "double-breakthrough")
    wb = load_workbook(io.BytesIO(xlsx_bytes(table)))
    ws = wb.active
    assert ws is not None
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    flat = [v for row in values for v in row if v is not None]
    assert table.title in flat and "2025年" in flat
    assert "填报单位（盖章）：谯城区科学技术局" in flat
    assert "批准文号：亳统制〔2025〕3号" in flat
    header_row = next(i for i, row in enumerate(values, start=1) if row[0] == "镇街")
    assert values[header_row - 1][1] == "高新技术企业"
    assert values[header_row][1] == "有效数"
    code_row = header_row + 2
    assert list(values[code_row - 1]) == table.codes
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert f"A{header_row}:A{header_row + 1}" in merged
    assert f"B{header_row}:H{header_row}" in merged
    assert f"I{header_row}:K{header_row}" in merged
    data = values[code_row : code_row + len(table.rows) + 1]
    assert [list(r) for r in data] == [*table.rows, table.total]
    assert ws.cell(row=code_row + 1, column=2).number_format == "0"
    assert ws.cell(row=code_row + len(table.rows) + 1, column=8).number_format == "0.0"
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == f"${header_row}:${code_row}"
    assert ws.freeze_panes == f"A{code_row + 1}"


def test_render_to_paths(known: Store, tmp_path: object) -> None:
    from pathlib import Path

    table = _table(known, "tech-sme-roster")
    out = Path(str(tmp_path))
    assert render_pdf(table, out / "r.pdf") == 1
    render_xlsx(table, out / "r.xlsx")
    assert (out / "r.pdf").read_bytes().startswith(b"%PDF")
    ws = load_workbook(out / "r.xlsx").active
    assert ws is not None and ws.page_setup.orientation == "portrait"
