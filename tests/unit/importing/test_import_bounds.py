"""Readers bounded by their cells, control characters, cached errors, long text, CSV edges (issue 11).

Every test here failed before the fix it names: item 5 (far cells), 7 (NUL stored), 8 (CSV cell
over 131,072 characters), 10 (header-only batch, long names, cells beyond the header, #DIV/0!).
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from db.models import Commissioner, Enterprise, ImportBatch
from db.services.towns import add_towns
from db.store import Store
from desktop.importing import xlsx
from desktop.importing.cells import cap_columns, densify
from desktop.importing.engine import ImportOptions, ImportPlan, apply_import, plan_import
from desktop.importing.readers import UnreadableFile, decode_text, read_workbook
from desktop.progress import drain
from tests.unit.importing import crafted

TODAY = date(2025, 6, 1)
SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"


@pytest.fixture
def towns(store: Store) -> Store:
    with store.transaction() as session:
        add_towns(session, ["十九里镇", "牛集镇"], "测试员")
    return store


def plan(store: Store, path: Path, **options: object) -> ImportPlan:
    return drain(plan_import(store, path, ImportOptions(year=2024, **options), today=TODAY))  # type: ignore[arg-type]


def messages(problems: list) -> list[tuple[int, str, str]]:  # type: ignore[type-arg]
    return [(p.row, p.column, p.message) for p in problems]


# ---------------------------------------------------------------- item 5: far cells


def test_far_cell_is_read_by_cells_not_by_its_range(towns: Store, tmp_path: Path) -> None:
    path = crafted.xlsx(tmp_path / "far.xlsx", crafted.rows(3), far="XFD1048576")
    scan = xlsx.scan_sheet(zipfile.ZipFile(path), "xl/worksheets/sheet1.xml")
    assert scan.area > 10**10 and not scan.fits_calamine()
    book = read_workbook(path)
    sheet = book.sheets[0]
    assert len(sheet.rows) == 1_048_576
    assert sheet.rows[1][:3] == crafted.rows(3)[0]
    found = plan(towns, path)
    assert found.counts["created"] == 3 and found.counts["rows"] == 3
    far = [p for p in found.warnings if p.row == 1_048_576]
    assert far and far[0].column == "第XFD列" and "不在表头范围内" in far[0].message


def test_far_row_named_by_a_cell_reference_is_seen(tmp_path: Path) -> None:
    """calamine places a cell by its own reference, whatever its row says: so does the scan."""
    path = crafted.xlsx(tmp_path / "ref.xlsx", crafted.rows(1))
    crafted.add_row_xml(
        path, '<row r="3"><c r="XFD900000" t="inlineStr"><is><t>x</t></is></c></row>'
    )
    scan = xlsx.scan_sheet(zipfile.ZipFile(path), "xl/worksheets/sheet1.xml")
    assert scan.max_row == 900_000 and scan.max_col == 16383 and not scan.fits_calamine()
    sheet = read_workbook(path).sheets[0]
    assert len(sheet.rows) == 900_000 and sheet.rows[-1][-1] == "x"


def test_cells_without_references_take_the_next_place(tmp_path: Path) -> None:
    path = crafted.strip_refs(crafted.xlsx(tmp_path / "noref.xlsx", crafted.rows(2)))
    scan = xlsx.scan_sheet(zipfile.ZipFile(path), "xl/worksheets/sheet1.xml")
    assert not scan.certain  # read by the exact reader
    sheet = read_workbook(path).sheets[0]
    calamine = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("企业")
    assert sheet.rows == calamine.to_python(skip_empty_area=False)


def test_dense_sheets_still_go_to_calamine(tmp_path: Path) -> None:
    path = crafted.xlsx(tmp_path / "dense.xlsx", crafted.rows(50))
    scan = xlsx.scan_sheet(zipfile.ZipFile(path), "xl/worksheets/sheet1.xml")
    assert scan.fits_calamine() and scan.cells == 153 and scan.max_row == 51


def _typed_workbook(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        ["文字", 1, 2.5, True, date(2020, 1, 2), datetime(2020, 1, 2, 3, 4, 5), time(3, 4)]
    )
    sheet.append(["＝全角", "0012", None, False, "=A1", 45000])
    sheet.cell(row=2, column=6).number_format = 'yyyy"年"m"月"d"日"'
    sheet.cell(row=3, column=2, value=45000.5).number_format = "[Red]0.00"
    sheet.merge_cells("A4:C4")
    sheet["A4"] = "合并"
    book.save(path)
    return path


@pytest.mark.parametrize(
    "source",
    [
        SAMPLES / "十九里镇-2025年科技型企业统计表.xlsx",
        None,  # the typed workbook made below
    ],
)
def test_the_exact_reader_gives_what_calamine_gives(source: Path | None, tmp_path: Path) -> None:
    path = source or _typed_workbook(tmp_path / "typed.xlsx")
    with zipfile.ZipFile(path) as archive:
        entries, date1904 = xlsx.workbook_sheets(archive)
        values = xlsx.sparse_values(archive, date1904)
        sparse = xlsx.read_sparse(archive, entries[0].part, values, 10**6)
    rows, _ = densify(sparse.rows, sparse.height)
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(entries[0].name)
    expected = sheet.to_python(skip_empty_area=False)
    width = max(len(r) for r in expected)
    assert [r + [""] * (width - len(r)) for r in rows] == expected
    merges = sorted(tuple(map(tuple, m)) for m in (sheet.merged_cell_ranges or []))
    assert sorted(sparse.merges) == merges


def test_slot_budget_cuts_rows_that_would_not_fit() -> None:
    assert cap_columns([2, 2, 2, 16383], 100) == 91
    assert cap_columns([2] * 10, 100) == 3
    rows, outside = densify({r: [(0, "a"), (16383, "x")] for r in range(1000)}, 1000, budget=50_000)
    assert max(len(r) for r in rows) == 50 and outside.first[0] == 16383


def test_ods_far_cell_and_repeats_by_cells(towns: Store, tmp_path: Path) -> None:
    path = crafted.ods_far_cell(tmp_path / "far.ods", crafted.rows(2))
    found = plan(towns, path)
    assert found.counts["created"] == 2
    assert any(p.row == 1_048_004 and p.column == "第XFD列" for p in found.warnings)


def test_ods_bomb_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="单元格超过"):
        read_workbook(crafted.ods_bomb(tmp_path / "bomb.ods"))


def test_ods_merges_errors_and_types(tmp_path: Path) -> None:
    body = crafted.ods_row(crafted.HEADER)
    body += (
        "<table:table-row>"
        '<table:table-cell table:number-rows-spanned="2" office:value-type="string">'
        '<text:p>合并<text:s text:c="2"/>公司</text:p></table:table-cell>'
        '<table:table-cell office:value-type="date" office:date-value="2020-01-02"/>'
        '<table:table-cell table:formula="of:=1/0" office:value-type="float" office:value="0" '
        'calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>'
        "</table:table-row>"
        '<table:table-row table:number-rows-repeated="2"><table:covered-table-cell/>'
        '<table:table-cell office:value-type="boolean" office:boolean-value="true"/></table:table-row>'
    )
    sheet = read_workbook(crafted.ods(tmp_path / "m.ods", body)).sheets[0]
    assert sheet.rows[1][:2] == ["合并  公司", date(2020, 1, 2)]
    assert sheet.rows[2] == ["", True] and sheet.rows[3] == ["", True]
    assert sheet.merges == [((1, 0), (2, 0))]
    assert sheet.errors == {(1, 2): "#DIV/0!"}


# ---------------------------------------------------------------- item 7: control characters


def test_control_characters_never_reach_the_store(towns: Store, tmp_path: Path) -> None:
    path = crafted.xlsx(tmp_path / "nul.xlsx", [])
    code = crafted.uscc(7)
    cells = (
        f'<c r="A2" t="inlineStr"><is><t>亳州_x0000_科技&#1;有限公司</t></is></c>'
        f'<c r="B2" t="inlineStr"><is><t>{code}</t></is></c>'
        '<c r="C2" t="inlineStr"><is><t>十九里镇</t></is></c>'
    )
    crafted.add_row_xml(path, f'<row r="2">{cells}</row>')
    found = plan(towns, path)
    assert found.counts["created"] == 1
    assert (2, "企业名称", "含有控制字符（如 NUL），已删除") in messages(found.warnings)
    drain(apply_import(towns, found, "测试员"))
    with towns.session() as session:
        assert session.scalar(select(Enterprise.name)) == "亳州科技有限公司"


def test_csv_with_a_nul_is_imported_not_refused(towns: Store, tmp_path: Path) -> None:
    text = "企业名称,统一社会信用代码,所属镇街\n甲\x00公司," + crafted.uscc(1) + ",十九里镇\n"
    found = plan(towns, crafted.csv_file(tmp_path / "nul.csv", text))
    assert found.counts["created"] == 1
    assert found.plans[0].incoming.fields["name"] == "甲公司"
    assert (2, "企业名称", "含有控制字符（如 NUL），已删除") in messages(found.warnings)


def test_utf16_csv_is_read(tmp_path: Path) -> None:
    text = "企业名称\t统一社会信用代码\n甲公司\t" + crafted.uscc(1) + "\n"
    assert decode_text(text.encode("utf-16")) == text
    sheet = read_workbook(crafted.csv_file(tmp_path / "u.txt", text, "utf-16")).sheets[0]
    assert sheet.rows[1] == ["甲公司", crafted.uscc(1)]


# ---------------------------------------------------------------- item 8: long CSV cells


def test_csv_cell_over_the_csv_module_limit_is_read_and_rejected(
    towns: Store, tmp_path: Path
) -> None:
    name = "长" * 200_000
    text = f"企业名称,统一社会信用代码,所属镇街\n{name},{crafted.uscc(1)},十九里镇\n"
    found = plan(towns, crafted.csv_file(tmp_path / "long.csv", text))
    assert found.counts == {**found.counts, "rejected": 1, "created": 0}
    problem = found.errors[0]
    assert (problem.row, problem.column) == (2, "企业名称")
    assert "不能超过200个字" in problem.message and len(problem.value) < 60


def test_csv_cell_beyond_any_real_size_names_file_and_row(tmp_path: Path) -> None:
    text = '企业名称,统一社会信用代码\n甲,1\n"' + "x" * 1_100_000 + "\n"
    with pytest.raises(UnreadableFile, match=r"huge\.csv.*第3行"):
        read_workbook(crafted.csv_file(tmp_path / "huge.csv", text))


# ---------------------------------------------------------------- item 10


def test_header_only_file_writes_no_batch(towns: Store, tmp_path: Path) -> None:
    found = plan(towns, crafted.csv_file(tmp_path / "head.csv", "企业名称,统一社会信用代码\n"))
    assert found.is_empty and found.counts["rows"] == 0
    assert drain(apply_import(towns, found, "测试员")).batch_id is None
    with towns.session() as session:
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_name_longer_than_its_column_is_a_row_error(towns: Store, tmp_path: Path) -> None:
    data = [["甲" * 201, crafted.uscc(1), "十九里镇"], ["乙" * 200, crafted.uscc(2), "十九里镇"]]
    found = plan(towns, crafted.xlsx(tmp_path / "long.xlsx", data))
    assert found.counts["rejected"] == 1 and found.counts["created"] == 1
    assert messages(found.errors) == [(2, "企业名称", "不能超过200个字（这里有201个）")]


def test_long_text_of_another_kind_is_a_row_error(towns: Store, tmp_path: Path) -> None:
    text = "姓名,类型,派出单位\n" + "张" * 101 + ",团队,某某大学\n李四,团队,某某大学\n"
    found = plan(towns, crafted.csv_file(tmp_path / "c.csv", text))
    assert found.counts["rejected"] == 1 and found.counts["created"] == 1
    assert messages(found.errors) == [(2, "姓名", "不能超过100个字（这里有101个）")]
    drain(apply_import(towns, found, "测试员"))
    with towns.session() as session:
        assert session.scalars(select(Commissioner.name)).all() == ["李四"]


def test_csv_cells_beyond_the_header_are_reported(towns: Store, tmp_path: Path) -> None:
    text = (
        "企业名称,统一社会信用代码,所属镇街\n"
        f"甲公司,{crafted.uscc(1)},十九里镇,多出来的\n"
        f"乙公司,{crafted.uscc(2)},十九里镇\n"
    )
    found = plan(towns, crafted.csv_file(tmp_path / "wide.csv", text))
    assert found.counts["created"] == 2
    assert [(p.row, p.column, p.value) for p in found.warnings] == [(2, "第D列", "多出来的")]


def test_cached_error_values_are_row_errors(towns: Store, tmp_path: Path) -> None:
    path = crafted.xlsx(tmp_path / "err.xlsx", [])
    crafted.patch_sheet(path, lambda t: t.replace("所属镇街", "营业收入(万元)"))
    code = crafted.uscc(3)
    cells = (
        '<c r="A2" t="inlineStr"><is><t>甲公司</t></is></c>'
        f'<c r="B2" t="inlineStr"><is><t>{code}</t></is></c>'
        '<c r="C2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    )
    crafted.add_row_xml(path, f'<row r="2">{cells}</row>')
    found = plan(towns, path, town="十九里镇")
    assert found.counts["rejected"] == 1
    assert [(p.row, p.column, p.value) for p in found.errors] == [(2, "营业收入(万元)", "#DIV/0!")]


def test_cached_error_values_in_xls_are_row_errors_too(towns: Store, tmp_path: Path) -> None:
    """calamine reads an .xls error cell as blank; the BIFF records tell it (desktop/importing/xls.py)."""
    code = crafted.uscc(3)
    header = [(0, 0, "企业名称"), (0, 1, "统一社会信用代码"), (0, 2, "营业收入(万元)")]
    cells = [(1, 0, "甲公司"), (1, 1, code), (1, 2, crafted.XlsError("#DIV/0!"))]
    cells += [(2, 0, "乙公司"), (2, 1, crafted.uscc(4)), (2, 2, 12.5)]
    path = crafted.xls(tmp_path / "err.xls", header + cells)
    found = plan(towns, path, town="十九里镇")
    assert found.counts["rejected"] == 1 and found.count("created") == 1
    assert [(p.row, p.column, p.value) for p in found.errors] == [(2, "营业收入(万元)", "#DIV/0!")]


def test_cached_error_in_a_sparse_sheet_and_in_ods(towns: Store, tmp_path: Path) -> None:
    path = crafted.xlsx(tmp_path / "err.xlsx", [], far="XFD5000")
    cells = (
        '<c r="A2" t="e"><v>#N/A</v></c>'
        f'<c r="B2" t="inlineStr"><is><t>{crafted.uscc(3)}</t></is></c>'
    )
    crafted.patch_sheet(
        path, lambda t: t.replace('<row r="5000">', f'<row r="2">{cells}</row><row r="5000">')
    )
    found = plan(towns, path, town="十九里镇")
    assert [(p.row, p.column, p.value) for p in found.errors] == [(2, "企业名称", "#N/A")]
    body = crafted.ods_row(crafted.HEADER) + (
        '<table:table-row><table:table-cell office:value-type="float" office:value="0" '
        'calcext:value-type="error"><text:p>#VALUE!</text:p></table:table-cell>'
        + crafted.ods_cell(crafted.uscc(4))
        + "</table:table-row>"
    )
    found = plan(towns, crafted.ods(tmp_path / "err.ods", body), town="十九里镇")
    assert [(p.row, p.column, p.value) for p in found.errors] == [(2, "企业名称", "#VALUE!")]


# ---------------------------------------------------------------- spec/cli.md: CSV quote


def test_csv_import_removes_the_quote_of_neutralised_text(towns: Store, tmp_path: Path) -> None:
    lines = ["企业名称,统一社会信用代码,所属镇街,备注"]
    notes = ["'=1+1", "'+86", "'-5", "'@SUM(A1)", "'\t缩进", "'普通", "'"]
    for i, note in enumerate(notes):
        lines.append(f'甲{i}公司,{crafted.uscc(i)},十九里镇,"{note}"')
    found = plan(towns, crafted.csv_file(tmp_path / "q.csv", "\n".join(lines) + "\n"))
    got = [p.incoming.fields.get("note") for p in found.plans]
    assert got == ["=1+1", "+86", "-5", "@SUM(A1)", "缩进", "'普通", "'"]


def test_xls_text_is_cleaned_too(tmp_path: Path) -> None:
    path = crafted.xls(tmp_path / "nul.xls", [(0, 0, "企业名称"), (1, 0, "甲\x00公司\x07")])
    sheet = read_workbook(path).sheets[0]
    assert sheet.rows[1][0] == "甲公司" and [(c.row, c.col) for c in sheet.cleaned] == [(1, 0)]


def test_a_far_stray_cell_in_a_real_xls_is_read_by_its_records(towns: Store) -> None:
    """xlwt's file: shared strings across CONTINUE records, and one cell at IV65536."""
    from desktop.importing import xls

    path = (
        Path(__file__).resolve().parents[2]
        / "fixtures"
        / "samples"
        / "xls"
        / "远处有孤立单元格.xls"
    )
    stream = xls.workbook_stream(path)
    assert stream is not None
    ((_name, offset),) = xls.sheets(stream)
    extent = xls.scan(stream, offset)
    assert (extent.height, extent.width) == (65536, 256) and not extent.fits_calamine()
    sheet = read_workbook(path).sheets[0]
    assert sheet.rows[3000] == [
        "亳州市第3000号华信瑞丰科技有限公司",
        crafted.uscc(3000),
        "五马镇",
        1750,
    ]
    with towns.transaction() as session:
        add_towns(session, ["五马镇"], "测试员")
    found = plan(towns, path)
    assert found.count("created") == 3000 and found.counts["rejected"] == 0
    assert any("不在表头范围内" in w.message and w.row == 65536 for w in found.warnings)
