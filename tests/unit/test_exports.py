"""Exports (issue 11, findings 2, 7 and 8): every kind, lossless enterprises, the expiring list,
masked IDs and the audit of --with-ids, output files whole or not at all."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from db.models import AuditEntry, Enterprise
from db.rules.identifiers import mask_resident_id
from db.services.enterprises.roster import RosterFilter
from db.store import Store
from desktop.exporting.catalogue import KINDS, export_kind
from desktop.exporting.columns import (
    ASSESSMENTS,
    CARRIER_YEARS,
    DISPATCHES,
    FIGURES,
    QUALIFICATIONS,
)
from desktop.exporting.enterprises import export_enterprises
from desktop.exporting.files import OutputError, replacing, save_workbook
from desktop.exporting.scope import ExportScope
from desktop.importing.engine import ImportOptions, plan_import
from desktop.importing.schemas import SCHEMAS, schema_for
from desktop.importing.workbooks import write_error_workbook, write_template
from desktop.progress import drain
from desktop.returns.compute import compute
from desktop.returns.definitions import BY_ID
from desktop.returns.model import Period
from desktop.returns.xlsx import render_xlsx
from tests.unit.exports_store import ID_NUMBER, District, small_district
from tests.unit.test_roster_service import make_uscc

AS_OF = date(2025, 12, 31)
DECLARED = {
    "qualifications": QUALIFICATIONS,
    "figures": FIGURES,
    "dispatches": DISPATCHES,
    "assessments": ASSESSMENTS,
    "carrier-years": CARRIER_YEARS,
}


@pytest.fixture
def district(store: Store) -> District:
    with store.transaction() as s:
        return small_district(s)


def _rows(path: Path, sheet: int | str = 0) -> list[list[object]]:
    book = load_workbook(path)
    ws = book[sheet] if isinstance(sheet, str) else book.worksheets[sheet]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _export(store: Store, kind: str, out: Path, **scope: object) -> Path:
    drain(export_kind(store, kind, out, ExportScope(as_of=AS_OF, **scope), "测试员"))
    return out


def _records(rows: list[list[object]]) -> list[dict[str, object]]:
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_every_kind_has_the_import_headers(
    district: District, store: Store, tmp_path: Path
) -> None:
    assert set(KINDS) == {
        "enterprises",
        "qualifications",
        "figures",
        "commissioners",
        "demands",
        "services",
        "carriers",
        "incubatees",
        "platforms",
        "dispatches",
        "assessments",
        "carrier-years",
        "indicators",
        "contracts",
        "results",
        "transfers",
    }
    for kind in KINDS:
        rows = _rows(_export(store, kind, tmp_path / f"{kind}.xlsx"))
        if kind in SCHEMAS:  # the canonical template headers, in template order
            assert rows[0] == [c.header for c in schema_for(kind).columns], kind
        else:
            assert rows[0] == [f.header for f in DECLARED[kind]], kind
        assert len(rows) > 1, f"{kind}: nothing exported"


def test_enterprises_workbook_is_lossless(district: District, store: Store, tmp_path: Path) -> None:
    out = _export(store, "enterprises", tmp_path / "e.xlsx")
    assert load_workbook(out).sheetnames == ["企业", "资质", "年度数据"]
    main = {r["统一社会信用代码"]: r for r in _records(_rows(out, "企业"))}
    huaxin = main[make_uscc(1)]
    # the latest certificate (not the revoked one), the latest 科小 entry, the data year's figures
    assert huaxin["高新技术企业证书编号"] == "GR202234000001"
    assert huaxin["高企发证日期"].date() == date(2022, 11, 1)
    assert (huaxin["入库年度"], huaxin["营业收入(万元)"]) == (2025, 500.0)
    quals = [r for r in _records(_rows(out, "资质")) if r["统一社会信用代码"] == make_uscc(1)]
    numbers = [q["编号"] for q in quals if q["资质类型"] == "高新技术企业"]
    assert numbers == ["GR201634000001", "GR201934000001", "GR202234000001"]
    revoked = next(q for q in quals if q["编号"] == "GR201634000001")
    assert revoked["撤销日期"].date() == date(2017, 3, 1)
    assert revoked["撤销原因"] == "弄虚作假"
    assert sorted(q["年度"] for q in quals if q["资质类型"] == "科技型中小企业") == [2024, 2025]
    gazelle = next(q for q in quals if q["资质类型"] == "瞪羚企业")
    assert gazelle["级别"] == "省级" and gazelle["有效期至"] is not None
    years = [
        (r["年度"], r["营业收入(万元)"], r["是否有研发活动"])
        for r in _records(_rows(out, "年度数据"))
        if r["统一社会信用代码"] == make_uscc(1)
    ]
    assert years == [(2023, 300.0, "是"), (2024, 400.0, "是"), (2025, 500.0, "是")]


def test_town_filter_covers_every_sheet(district: District, store: Store, tmp_path: Path) -> None:
    out = _export(store, "enterprises", tmp_path / "e.xlsx", town_id=district.towns["古井镇"])
    for sheet in ("企业", "资质", "年度数据"):
        codes = {r["统一社会信用代码"] for r in _records(_rows(out, sheet))}
        assert codes == {make_uscc(2)}, sheet
    for kind, expected in (("demands", 0), ("carriers", 1), ("incubatees", 2), ("services", 0)):
        rows = _rows(
            _export(store, kind, tmp_path / f"{kind}.xlsx", town_id=district.towns["古井镇"])
        )
        assert len(rows) - 1 == expected, kind


def test_enterprises_csv_is_the_main_sheet_only(
    district: District, store: Store, tmp_path: Path
) -> None:
    out = tmp_path / "e.csv"
    result = drain(export_kind(store, "enterprises", out, ExportScope(as_of=AS_OF), "测试员"))
    assert result.note and "企业" in result.note and [t for t, _n in result.sheets] == ["企业"]
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == [c.header for c in schema_for("enterprises").columns] and len(rows) == 3


def test_expiring_list_carries_number_issue_date_and_expiry(
    district: District, store: Store, tmp_path: Path
) -> None:
    # the roster's renewal watch list, exported from the window (GUI: export_enterprises)
    out = tmp_path / "expiring.xlsx"
    f = RosterFilter(expiring_within_days=90)
    drain(export_enterprises(store, out, f, date(2025, 9, 1), order=[district.huaxin]))
    row = _records(_rows(out, "企业"))[0]
    assert row["高新技术企业证书编号"] == "GR202234000001"
    assert row["高企发证日期"].date() == date(2022, 11, 1)
    assert row["高企有效期至"].date() == date(2025, 10, 31)


def test_expired_certificate_is_still_exported(
    district: District, store: Store, tmp_path: Path
) -> None:
    # after expiry the latest certificate is kept: export → import keeps every certificate
    out = tmp_path / "e.xlsx"
    drain(export_kind(store, "enterprises", out, ExportScope(as_of=date(2026, 6, 1)), "测试员"))
    row = next(r for r in _records(_rows(out, "企业")) if r["统一社会信用代码"] == make_uscc(1))
    assert row["高新技术企业证书编号"] == "GR202234000001"


@pytest.mark.parametrize("kind", ["commissioners", "services", "dispatches", "assessments"])
def test_ids_masked_unless_with_ids_and_audited(
    district: District, store: Store, tmp_path: Path, kind: str
) -> None:
    masked = _records(_rows(_export(store, kind, tmp_path / "m.xlsx")))
    shown = [r["身份证号码"] for r in masked if r["身份证号码"]]
    assert shown == [mask_resident_id(ID_NUMBER)]
    with store.session() as s:
        assert not s.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()
    full = _records(_rows(_export(store, kind, tmp_path / "f.xlsx", with_ids=True)))
    assert [r["身份证号码"] for r in full if r["身份证号码"]] == [ID_NUMBER]
    with store.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert (entry.entity, entry.operator) == ("commissioner", store.login or "测试员")
    assert "f.xlsx" in (entry.new_value or "")


@pytest.mark.sqlite_only  # PostgreSQL cannot hold a NUL in text at all
def test_nul_in_the_store_is_stripped(district: District, store: Store, tmp_path: Path) -> None:
    with store.transaction() as s:
        e = s.get(Enterprise, district.huaxin)
        assert e is not None
        e.name, e.note = "华信\x00生物科技有限公司", "备注\x01\x1f"
    xlsx, csv_path = _export(store, "enterprises", tmp_path / "e.xlsx"), tmp_path / "e.csv"
    _export(store, "enterprises", csv_path)
    assert b"\x00" not in csv_path.read_bytes() and b"\x01" not in csv_path.read_bytes()
    row = next(r for r in _records(_rows(xlsx, "企业")) if r["统一社会信用代码"] == make_uscc(1))
    assert (row["企业名称"], row["备注"]) == ("华信生物科技有限公司", "备注")


# ----- output files: whole or not at all, OutputError naming the path -----


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or ".part" in p.name)


def test_replacing_removes_the_temporary_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"previous")
    with pytest.raises(RuntimeError), replacing(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("cancelled")
    assert target.read_bytes() == b"previous" and _leftovers(tmp_path) == []
    with replacing(target) as tmp:
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new" and _leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["folder", "missing", "under-a-file"])
def test_unusable_output_paths_raise_output_error(
    district: District, store: Store, tmp_path: Path, where: str
) -> None:
    (tmp_path / "a-file").write_text("x")
    town_file = tmp_path / "town.csv"
    town_file.write_text("企业名称,统一社会信用代码\n某公司,不是代码\n", encoding="utf-8")
    plan = drain(plan_import(store, town_file, ImportOptions(kind="enterprises")))
    assert plan.rejected
    target = {
        "folder": tmp_path,
        "missing": tmp_path / "no-such-folder" / "out.xlsx",
        "under-a-file": tmp_path / "a-file" / "out.xlsx",
    }[where]
    before = sorted(p.name for p in tmp_path.iterdir())
    with store.session() as s:
        table = compute(BY_ID["high-tech-roster"], s, Period(2025), as_of=AS_OF)
    writers = [
        lambda: _export(store, "enterprises", target),
        lambda: _export(
            store, "commissioners", target.with_suffix(".csv") if where != "folder" else target
        ),
        lambda: write_template(schema_for("enterprises"), ["十九里镇"], target),
        lambda: write_error_workbook(plan, target),
        lambda: render_xlsx(table, target),
    ]
    for write in writers:
        with pytest.raises(OutputError) as raised:
            write()
        assert str(target if where == "folder" else target.parent) in str(raised.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    with store.session() as s:  # nothing audited for an export that could not be written
        assert not s.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()


def test_a_write_error_becomes_output_error(tmp_path: Path) -> None:
    from openpyxl import Workbook

    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        probe = folder / "probe"
        try:
            probe.write_text("x")
        except PermissionError:
            pass
        else:
            probe.unlink()
            pytest.skip("running with permissions that ignore a read-only folder")
        with pytest.raises(OutputError) as raised:
            save_workbook(Workbook(), folder / "out.xlsx")
        assert "没有权限" in str(raised.value) and "out.xlsx" in str(raised.value)
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)
