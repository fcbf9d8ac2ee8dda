"""The import engine without the command line: readers, header finding, rows, plan, apply, undo."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.services.towns import add_towns
from db.store import Store
from desktop.importing.engine import ImportOptions, apply_import, plan_import, undo_import
from desktop.importing.header import (
    find_header,
    is_column_number_row,
    match_labels,
    resolve_merges,
)
from desktop.importing.readers import (
    SheetData,
    UnreadableFile,
    decode_text,
    detect_format,
    read_workbook,
    sniff_delimiter,
)
from desktop.importing.schemas import ENTERPRISES, SCHEMAS
from desktop.progress import Cancelled, CancelToken, Progress, drain

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"


def test_csv_encodings_tried_in_order() -> None:
    text = "企业名称,统一社会信用代码\n"
    assert decode_text(b"\xef\xbb\xbf" + text.encode()) == text
    assert decode_text(text.encode("utf-8")) == text
    assert decode_text(text.encode("gbk")) == text


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_decode_text_roundtrips_utf8(text: str) -> None:
    text = text.lstrip("\ufeff")
    assert decode_text(text.encode("utf-8")) == text
    assert decode_text(b"\xef\xbb\xbf" + text.encode("utf-8")) == text


@given(
    st.sampled_from([",", "\t", ";"]),
    st.lists(
        st.lists(
            st.text(alphabet="企业名称甲乙丙0123456789ab", min_size=1, max_size=6),
            min_size=3,
            max_size=3,
        ),
        min_size=2,
        max_size=8,
    ),
)
def test_sniff_finds_the_delimiter(delimiter: str, rows: list[list[str]]) -> None:
    text = "\n".join(delimiter.join(r) for r in rows)
    assert sniff_delimiter(text) == delimiter


@given(st.lists(st.sampled_from(["甲", "乙", "丙", "1", "2", "3", 4.0, ""]), min_size=2))
def test_column_number_rows(cells: list[object]) -> None:
    filled = [c for c in cells if c != ""]
    assert is_column_number_row(cells) == (len(filled) >= 2)


def test_column_number_row_is_not_data() -> None:
    assert not is_column_number_row(["1", "某某有限公司", "91341602031449193F"])


def test_detect_format_by_content(tmp_path: Path) -> None:
    xls_as_csv = tmp_path / "x.csv"
    shutil.copyfile(SAMPLES / "牛集镇古井镇-汇总.xls", xls_as_csv)
    assert detect_format(xls_as_csv) == "xls"
    pdf = tmp_path / "a.xlsx"
    pdf.write_bytes(b"%PDF-1.4 ...")
    with pytest.raises(UnreadableFile, match="PDF"):
        detect_format(pdf)
    jpeg = tmp_path / "b.xls"
    jpeg.write_bytes(b"\xff\xd8\xff\xe0" + b"0" * 20)
    with pytest.raises(UnreadableFile, match="JPEG"):
        detect_format(jpeg)


def test_header_aliases_units_and_title_unit() -> None:
    rows: list[list[object]] = [
        ["XX镇2025年科技型企业统计表", "", "", ""],
        ["单位：元", "", "", ""],
        ["序号", "单位名称", "信用代码", "营业收入", "研发费用（千元）"],
        ["甲", "乙", "1", "2", "3"],
        [1, "甲公司", "91341602031449193F", 10000, 5],
    ]
    found = find_header(SheetData("s", rows))
    assert found is not None
    header, _grid = found
    assert header.row == 2 and header.data_start == 4
    assert header.fields == {"name": 1, "uscc": 2, "revenue": 3, "rd_expense": 4}
    assert header.units == {"revenue": "元", "rd_expense": "千元"}
    assert header.ignored == ["序号"]


def test_two_level_header_child_alone_when_unambiguous() -> None:
    fields, _ = match_labels(
        ENTERPRISES, ["企业名称", "统一社会信用代码", "高新技术企业/证书编号", "其他/发证日期"]
    )
    assert fields == {"name": 0, "uscc": 1, "hte_number": 2, "hte_issued_on": 3}
    fields, _ = match_labels(ENTERPRISES, ["企业名称", "统一代码", "甲/发证日期", "乙/发证日期"])
    assert "hte_issued_on" not in fields


def test_merges_fill_vertical_blocks() -> None:
    grid = resolve_merges([["牛集镇", "a"], ["", "b"], ["", "c"]], [((0, 0), (2, 0))])
    assert [r[0] for r in grid] == ["牛集镇"] * 3


def test_every_kind_has_required_columns_and_unique_headers() -> None:
    assert set(SCHEMAS) == {
        "enterprises",
        "qualifications",
        "figures",
        "commissioners",
        "demands",
        "services",
        "carriers",
        "incubatees",
        "platforms",
        "indicators",
        "contracts",
        "results",
        "transfers",
    }
    for schema in SCHEMAS.values():
        assert schema.required
        headers = [c.header for c in schema.columns]
        assert len(headers) == len(set(headers))


def test_plan_apply_undo_roundtrip(store: Store) -> None:
    with store.transaction() as session:
        add_towns(session, ["牛集镇", "古井镇"], "测试员")
    path = SAMPLES / "牛集镇古井镇-汇总.xls"
    steps: list[Progress] = []
    plan = drain(
        plan_import(store, path, ImportOptions(year=2025), today=date(2026, 1, 10)), steps.append
    )
    assert steps and plan.counts == {
        "created": 15,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "skipped": 0,
        "rows": 16,
    }
    batch = drain(apply_import(store, plan, "测试员")).batch_id
    again = drain(plan_import(store, path, ImportOptions(year=2025)))
    assert again.duplicate_of_batch == batch and again.count("unchanged") == 15
    result = drain(undo_import(store, batch, "测试员"))
    assert result.reverted == 15 and not result.kept


def test_cancel_during_apply_rolls_back(store: Store) -> None:
    with store.transaction() as session:
        add_towns(session, ["汤陵街道"], "测试员")
    plan = drain(plan_import(store, SAMPLES / "汤陵街道.csv", ImportOptions(year=2025)))
    token = CancelToken()
    work = apply_import(store, plan, "测试员", token)
    next(work)
    token.cancel()
    with pytest.raises(Cancelled):
        drain(work)
    with store.session() as session:
        from sqlalchemy import func, select

        from db.models import Enterprise, ImportBatch

        assert session.scalar(select(func.count()).select_from(Enterprise)) == 0
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_repeated_code_rows(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    code = "91341602031449193F"
    other = "91341602727372892Q"
    path.write_text(
        "企业名称,统一社会信用代码,营业收入\n"
        f"甲,{code},10\n甲,{code},\n乙,{other},1\n丙,{other},2\n",
        encoding="utf-8",
    )
    plan = drain(plan_import(store, path, ImportOptions(year=2025)))
    counts = plan.counts
    assert (counts["created"], counts["skipped"], counts["rejected"]) == (1, 1, 2)
    assert any("第2行" in w.message for w in plan.warnings)


def test_read_workbook_sheet_option(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="工作表"):
        read_workbook(SAMPLES / "牛集镇古井镇-汇总.xls", "没有这个表")
