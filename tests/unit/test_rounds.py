"""Collection rounds (征集, spec/import.md): the store's rounds, the towns' workbooks, the marker,
registering returned files and importing them (rows matched by code, changes applied)."""

from __future__ import annotations

import csv
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from db.models import AuditEntry, Enterprise, EnterpriseYear
from db.services import rounds
from db.services.enterprises.crud import find_by_uscc
from db.services.errors import InputError, NotFound
from db.services.towns import add_towns
from db.store import Store
from desktop.exporting.files import OutputError
from desktop.importing.collect import (
    MARKER_SHEET,
    CollectRefused,
    RoundMarker,
    read_marker,
    town_file_name,
)
from desktop.importing.collecting import (
    import_returned,
    new_round,
    register_returned,
    workbooks_in,
)
from desktop.importing.engine import ImportOptions, apply_import, plan_import, undo_import
from desktop.progress import drain
from tests.unit.test_formula_injection import FORMULA_ELEMENT, PAYLOADS, payload_store  # noqa: F401
from tests.unit.test_roster_service import make_uscc

OP = "测试员"
TOWNS = ("十九里镇", "五马镇", "牛集镇")
YEAR = date.today().year - 1
HEADER = ["企业名称", "统一社会信用代码", "所属镇街", "营业收入(万元)", "高新技术企业证书编号"]
HEADER += ["高企发证日期", "联系电话", "是否规上工业企业"]
FIRST = ["甲科技有限公司", make_uscc(1), "十九里镇", "1200.5", "GR202334000001", "2023-10-16"]


def _csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _import(store: Store, path: Path, **options: object) -> int | None:
    plan = drain(plan_import(store, path, ImportOptions(**options)))  # type: ignore[arg-type]
    return drain(apply_import(store, plan, OP)).batch_id


@pytest.fixture
def towns_store(store: Store, tmp_path: Path) -> Store:
    """Three towns; two enterprises in 十九里镇, one in 五马镇, figures and a certificate."""
    with store.transaction() as s:
        add_towns(s, TOWNS, OP)
    source = _csv(
        tmp_path / "seed.csv",
        [
            HEADER,
            [*FIRST, "0558-1234567", "是"],
            ["乙材料有限公司", make_uscc(2), "十九里镇", "88", "", "", "", "否"],
            ["丙农业有限公司", make_uscc(3), "五马镇", "300", "", "", "", "否"],
        ],
    )
    assert _import(store, source, kind="enterprises", year=YEAR) is not None
    return store


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "征集"
    folder.mkdir()
    return folder


def _round(store: Store, out: Path, towns: list[str] | None = None, kind: str = "enterprises"):
    return drain(new_round(store, kind, YEAR, towns, out, OP))


# ---------------------------------------------------------------- the store's rounds


def test_create_round_defaults_to_every_town_all_sent(towns_store: Store) -> None:
    with towns_store.transaction() as s:
        rid = rounds.create_round(s, "enterprises", YEAR, None, OP, " 年报 ")
    with towns_store.session() as s:  # as stored (a server records its login)
        view = rounds.get_round(s, rid)
    assert [t.town for t in view.towns] == list(TOWNS)
    assert {t.status for t in view.towns} == {rounds.SENT}
    assert view.missing == list(TOWNS) and view.note == "年报"
    assert view.created_by == (towns_store.login or OP)  # a server records its login (0009)
    with towns_store.session() as s:
        audited = s.scalar(
            select(func.count()).where(
                AuditEntry.entity == rounds.ENTITY, AuditEntry.entity_id == rid
            )
        )
    assert audited and audited >= 3


def test_create_round_refuses_unknown_towns_bad_years_and_no_towns(
    towns_store: Store, store_path: Path
) -> None:
    with towns_store.transaction() as s:
        with pytest.raises(InputError, match="未找到镇街：火星镇"):
            rounds.create_round(s, "enterprises", YEAR, ["火星镇"], OP)
        with pytest.raises(InputError, match="年度应在1980"):
            rounds.create_round(s, "enterprises", 1900, None, OP)
        rid = rounds.create_round(s, "enterprises", YEAR, ["五马", "五马镇"], OP)
        assert [t.town for t in rounds.get_round(s, rid).towns] == ["五马镇"]
        with pytest.raises(NotFound):
            rounds.get_round(s, 999)


def test_no_towns_configured_is_refused(store: Store) -> None:
    with store.transaction() as s, pytest.raises(InputError, match="尚未设置镇街"):
        rounds.create_round(s, "enterprises", YEAR, None, OP)


def test_status_moves_sent_returned_imported_and_back_when_undone(
    towns_store: Store, tmp_path: Path
) -> None:
    source = _csv(tmp_path / "x.csv", [HEADER[:3], ["甲科技有限公司", make_uscc(1), "十九里镇"]])
    with towns_store.transaction() as s:
        rid = rounds.create_round(s, "enterprises", YEAR, ["十九里镇", "五马镇"], OP)
        assert rounds.mark_returned(s, rid, "十九里镇", "a.xlsx", "aa", OP)
        assert not rounds.mark_returned(s, rid, "十九里镇", "a.xlsx", "aa", OP)
        with pytest.raises(InputError, match="不包括镇街“牛集镇”"):
            rounds.mark_returned(s, rid, "牛集镇", "b.xlsx", "bb", OP)
    batch = _import(towns_store, source, kind="enterprises", year=YEAR)
    assert batch is not None
    with towns_store.transaction() as s:
        rounds.mark_imported(s, rid, "十九里镇", batch)
        rounds.mark_imported(s, rid, "十九里镇", batch)  # twice: nothing more
        view = rounds.get_round(s, rid)
    town = view.town("十九里镇")
    assert town is not None and town.status == rounds.IMPORTED and town.batch_id == batch
    assert town.returned_file == "x.csv"  # the batch's file: it was imported as it came
    assert view.missing == ["五马镇"]
    with towns_store.session() as s:
        assert rounds.matching_round(s, rid, "enterprises", YEAR, "十九里镇") == rid
        assert rounds.matching_round(s, rid, "enterprises", YEAR, "牛集镇") is None
        assert rounds.matching_round(s, rid, "carriers", YEAR, "十九里镇") is None
        assert rounds.matching_round(s, rid + 1, "enterprises", YEAR, "十九里镇") is None
    drain(undo_import(towns_store, batch, OP))
    with towns_store.session() as s:
        town = rounds.get_round(s, rid).town("十九里镇")
    assert town is not None and town.status == rounds.RETURNED and town.batch_undone


# ---------------------------------------------------------------- the workbooks


def test_new_round_writes_one_prefilled_workbook_per_town(towns_store: Store, out: Path) -> None:
    made = _round(towns_store, out)
    assert [(f.town, f.rows) for f in made.files] == [("十九里镇", 2), ("五马镇", 1), ("牛集镇", 0)]
    first = made.files[0].path
    assert (
        first.name
        == f"十九里镇-企业名单-{YEAR}.xlsx"
        == town_file_name("十九里镇", "enterprises", YEAR)
    )
    book = openpyxl.load_workbook(first)
    assert book.sheetnames[:2] == ["数据", "填表说明"]
    assert book[MARKER_SHEET].sheet_state == "hidden"
    ws = book["数据"]
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["企业名称", "统一社会信用代码", "所属镇街"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=2, max_row=3, values_only=True)}
    first_row = rows[make_uscc(1)]
    assert first_row[0] == "甲科技有限公司" and first_row[2] == "十九里镇"
    assert first_row[headers.index("营业收入(万元)")] == 1200.5
    assert first_row[headers.index("高新技术企业证书编号")] == "GR202334000001"
    assert first_row[headers.index("是否规上工业企业")] == "是"
    code = headers.index("统一社会信用代码") + 1
    assert ws.protection.sheet
    assert ws.cell(2, code).protection.locked and ws.cell(3, code).protection.locked
    letter = openpyxl.utils.get_column_letter(code)
    assert not ws.column_dimensions[letter].protection.locked  # new rows: typed by the town
    assert ws.column_dimensions[letter].number_format == "@"
    assert not ws.cell(2, 1).protection.locked and not ws.cell(2, code + 1).protection.locked
    assert ws.cell(2, code).number_format == "@"
    lists = {str(dv.sqref).split(":")[0][:1] for dv in ws.data_validations.dataValidation}
    assert "C" in lists  # 所属镇街 from the town list
    assert read_marker(first) == RoundMarker(made.round_id, "enterprises", "十九里镇", YEAR)
    with towns_store.session() as s:
        view = rounds.get_round(s, made.round_id)
    assert all(t.sent_file and t.sent_sha256 and t.sent_at for t in view.towns)


def test_new_round_refusals_leave_nothing_behind(towns_store: Store, out: Path) -> None:
    with pytest.raises(CollectRefused, match="科技特派员不分镇街"):
        _round(towns_store, out, kind="commissioners")
    with pytest.raises(CollectRefused, match="未知的征集类型"):
        _round(towns_store, out, kind="bananas")
    with pytest.raises(CollectRefused, match="年度"):
        drain(new_round(towns_store, "enterprises", 3000, None, out, OP))
    with pytest.raises(OutputError, match="不存在"):
        _round(towns_store, out / "missing")
    (out / f"五马镇-企业名单-{YEAR}.xlsx").write_bytes(b"a town's own file")
    with pytest.raises(OutputError, match="同名文件"):
        _round(towns_store, out)
    assert sorted(p.name for p in out.iterdir()) == [f"五马镇-企业名单-{YEAR}.xlsx"]
    with towns_store.session() as s:
        assert rounds.list_rounds(s) == []


def test_a_file_that_cannot_be_written_removes_the_others(
    towns_store: Store, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.importing import collecting

    real = collecting.write_town_workbook
    calls: list[str] = []

    def failing(sheet, path):  # type: ignore[no-untyped-def]
        calls.append(path.name)
        if len(calls) == 2:
            raise OutputError(f"磁盘空间不足，无法写入文件：{path}")
        return real(sheet, path)

    monkeypatch.setattr(collecting, "write_town_workbook", failing)
    with pytest.raises(OutputError, match="磁盘空间不足"):
        _round(towns_store, out)
    assert list(out.iterdir()) == []
    with towns_store.session() as s:
        assert rounds.list_rounds(s) == []


def test_other_kinds_with_a_town_are_collected(
    towns_store: Store, tmp_path: Path, out: Path
) -> None:
    carriers = _csv(
        tmp_path / "carriers.csv",
        [
            ["载体名称", "载体类型", "所属镇街", "工位数"],
            ["十九里众创空间", "众创空间", "十九里镇", "40"],
            ["五马孵化器", "科技企业孵化器", "五马镇", "80"],
        ],
    )
    assert _import(towns_store, carriers, kind="carriers") is not None
    made = _round(towns_store, out, ["十九里镇"], kind="carriers")
    path = made.files[0].path
    assert path.name == f"十九里镇-孵化载体-{YEAR}.xlsx" and made.files[0].rows == 1
    ws = openpyxl.load_workbook(path)["数据"]
    assert ws.cell(2, 1).value == "十九里众创空间" and ws.cell(2, 1).protection.locked
    ws.parent["数据"].cell(2, 11).value = "0558-7654321"
    # edited by the town and imported: the carrier is updated, not duplicated
    ws.cell(2, 9).value = 60
    ws.parent.save(path)
    with towns_store.transaction() as s:
        rounds.mark_returned(s, made.round_id, "十九里镇", str(path), "x", OP)
    results = drain(import_returned(towns_store, made.round_id, OP))
    assert results[0].counts["updated"] == 1 and results[0].counts["created"] == 0


# ---------------------------------------------------------------- the marker


def test_read_marker_is_none_for_any_other_file(
    towns_store: Store, tmp_path: Path, out: Path
) -> None:
    made = _round(towns_store, out, ["十九里镇"])
    assert read_marker(made.files[0].path) is not None
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    garbage = tmp_path / "garbage.xlsx"
    book = openpyxl.Workbook()
    sheet = book.create_sheet(MARKER_SHEET)
    sheet.append(["征集编号", "第三轮"])
    sheet.append(["类型", "enterprises"])
    book.save(garbage)
    unknown_kind = tmp_path / "unknown.xlsx"
    book = openpyxl.Workbook()
    sheet = book.create_sheet(MARKER_SHEET)
    for row in (["征集编号", 3], ["类型", "bananas"], ["镇街", "五马镇"], ["年度", 2025]):
        sheet.append(row)
    book.save(unknown_kind)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "x.csv").write_text("征集编号,3\n", encoding="utf-8")
    (tmp_path / "x.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    (tmp_path / "empty.xlsx").write_bytes(b"")
    ods = Path(__file__).parents[1] / "fixtures" / "samples"
    for path in (plain, garbage, unknown_kind, broken, tmp_path / "x.csv", tmp_path / "x.xls"):
        assert read_marker(path) is None, path
    assert read_marker(tmp_path / "empty.xlsx") is None
    for sample in ods.iterdir():
        if sample.is_file():
            assert read_marker(sample) is None, sample
    with pytest.raises(OSError):
        read_marker(tmp_path / "no-such-file.xlsx")


def test_the_marker_survives_the_town_saving_it_again(towns_store: Store, out: Path) -> None:
    made = _round(towns_store, out, ["五马镇"])
    path = made.files[0].path
    book = openpyxl.load_workbook(path)
    book["数据"].cell(2, 4).value = "新地址"
    book.save(path)
    assert read_marker(path) == RoundMarker(made.round_id, "enterprises", "五马镇", YEAR)


# ---------------------------------------------------------------- the round trip


def _town_edits(path: Path) -> None:
    """What 十九里镇 does: corrects revenue and phone, adds an enterprise below the records."""
    book = openpyxl.load_workbook(path)
    ws = book["数据"]
    headers = [c.value for c in ws[1]]
    col = {h: headers.index(h) + 1 for h in headers}
    for row in range(2, 4):
        if ws.cell(row, col["统一社会信用代码"]).value == make_uscc(1):
            ws.cell(row, col["营业收入(万元)"]).value = 1500
            ws.cell(row, col["联系电话"]).value = "0558-7654321"
    ws.cell(4, col["企业名称"]).value = "丁新材料有限公司"
    ws.cell(4, col["统一社会信用代码"]).value = make_uscc(4)
    ws.cell(4, col["营业收入(万元)"]).value = 66
    book.save(path)


def test_returned_workbook_round_trip_by_code(
    towns_store: Store, out: Path, tmp_path: Path
) -> None:
    made = _round(towns_store, out, ["十九里镇", "五马镇"])
    sent = made.files[0].path
    returned = tmp_path / "十九里镇回报.xlsx"
    returned.write_bytes(sent.read_bytes())
    _town_edits(returned)
    marker = read_marker(returned)
    assert marker == RoundMarker(made.round_id, "enterprises", "十九里镇", YEAR)
    options = ImportOptions(kind=marker.kind, town=marker.town, year=marker.year)
    plan = drain(plan_import(towns_store, returned, options))
    assert plan.counts["updated"] == 1 and plan.counts["created"] == 1
    assert plan.counts["unchanged"] == 1 and plan.counts["rejected"] == 0, plan.errors
    batch = drain(apply_import(towns_store, plan, OP)).batch_id
    assert batch is not None
    with towns_store.transaction() as s:
        rounds.mark_imported(s, marker.round_id, marker.town, batch)
    with towns_store.session() as s:
        first = s.get(Enterprise, find_by_uscc(s, make_uscc(1)))
        assert first is not None and first.phone == "0558-7654321"
        revenue = s.scalar(
            select(EnterpriseYear.revenue).where(
                EnterpriseYear.enterprise_id == first.id, EnterpriseYear.year == YEAR
            )
        )
        assert revenue == 1500
        new = s.get(Enterprise, find_by_uscc(s, make_uscc(4)))
        assert new is not None and new.town_id == first.town_id  # the marker's town
        view = rounds.get_round(s, made.round_id)
    town = view.town("十九里镇")
    assert town is not None and town.status == rounds.IMPORTED and town.batch_id == batch
    assert (town.created, town.updated) == (1, 1) and view.missing == ["五马镇"]


def test_an_untouched_workbook_reimports_unchanged(towns_store: Store, out: Path) -> None:
    made = _round(towns_store, out, ["十九里镇"])
    path = made.files[0].path
    plan = drain(plan_import(towns_store, path, ImportOptions("enterprises", "十九里镇", YEAR)))
    assert plan.counts["unchanged"] == 2 and plan.counts["rows"] == 2, plan.errors


def test_register_then_import_everything_returned(
    towns_store: Store, out: Path, tmp_path: Path
) -> None:
    made = _round(towns_store, out)
    other = _round(towns_store, _second(tmp_path))
    back = tmp_path / "回收"
    back.mkdir()
    returned = back / "十九里镇.xlsx"
    returned.write_bytes(made.files[0].path.read_bytes())
    _town_edits(returned)
    of_other = back / "五马镇-另一轮.xlsx"
    of_other.write_bytes(other.files[1].path.read_bytes())
    (back / "说明.xlsx").write_bytes(Path(_plain(tmp_path)).read_bytes())
    found = workbooks_in(back)
    assert [p.name for p in found] == sorted(p.name for p in found) and len(found) == 3
    outcome = drain(register_returned(towns_store, found, OP, made.round_id))
    by_name = {r.path.name: r for r in outcome}
    assert by_name["十九里镇.xlsx"].ok and "已登记回收" in by_name["十九里镇.xlsx"].message
    assert not by_name["五马镇-另一轮.xlsx"].ok
    assert f"第 {other.round_id} 轮" in by_name["五马镇-另一轮.xlsx"].message
    assert "不是征集表" in by_name["说明.xlsx"].message
    # the files as they were sent are not returns
    sent = drain(register_returned(towns_store, workbooks_in(out), OP))
    assert not any(r.ok for r in sent) and all("下发的原表" in r.message for r in sent)
    again = drain(register_returned(towns_store, [returned], OP))
    assert again[0].ok and "无需重复" in again[0].message
    with towns_store.session() as s:
        view = rounds.get_round(s, made.round_id)
    assert view.missing == ["五马镇", "牛集镇"]
    results = drain(import_returned(towns_store, made.round_id, OP))
    assert [r.town for r in results] == ["十九里镇"] and results[0].batch_id is not None
    assert results[0].counts["updated"] == 1 and results[0].counts["created"] == 1
    with towns_store.session() as s:
        town = rounds.get_round(s, made.round_id).town("十九里镇")
    assert town is not None and town.status == rounds.IMPORTED
    assert drain(import_returned(towns_store, made.round_id, OP)) == []  # nothing left


def _second(tmp_path: Path) -> Path:
    folder = tmp_path / "第二轮"
    folder.mkdir()
    return folder


def _plain(tmp_path: Path) -> Path:
    path = tmp_path / "plain-source.xlsx"
    openpyxl.Workbook().save(path)
    return path


def test_a_missing_returned_file_is_reported(towns_store: Store, out: Path) -> None:
    made = _round(towns_store, out, ["十九里镇"])
    with towns_store.transaction() as s:
        rounds.mark_returned(s, made.round_id, "十九里镇", str(out / "gone.xlsx"), "x", OP)
    results = drain(import_returned(towns_store, made.round_id, OP))
    assert results[0].batch_id is None and "回收文件不存在" in results[0].message


# ---------------------------------------------------------------- no formula ever


def test_no_collection_workbook_holds_a_formula(payload_store: Store, tmp_path: Path) -> None:  # noqa: F811
    written: list[Path] = []
    for kind in ("enterprises", "carriers", "platforms", "demands", "incubatees"):
        folder = tmp_path / kind
        folder.mkdir()
        made = drain(new_round(payload_store, kind, YEAR, None, folder, OP))
        written += [f.path for f in made.files]
    assert len(written) == 5 * len(PAYLOADS)
    for path in written:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.endswith(".xml"):
                    assert not FORMULA_ELEMENT.search(z.read(name)), f"{path.name}:{name}"
    # the payload town names are in the marker as plain text and read back
    markers = [read_marker(p) for p in written if p.parent.name == "enterprises"]
    assert None not in markers and len({m.town for m in markers if m}) >= len(PAYLOADS) - 2
    first = CalamineWorkbook.from_path(str(written[0])).get_sheet_by_name(MARKER_SHEET)
    assert first.to_python()[2][0] == "类型"
