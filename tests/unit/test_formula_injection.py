"""No spreadsheet the app writes runs anything (spec/cli.md, issue 11 finding 1).

Formula and DDE payloads are put into the store as every kind of text a clerk or a town can type —
enterprise, town, commissioner, carrier, platform, indicator names, notes, the bureau's own name and
signatories, the returns' legal marks — (NUL included, as an older version stored it) and written
through every output path: each return's XLSX, the error workbook, every import template, every
export kind to XLSX and CSV (ID numbers masked and shown), the roster's expiring list and the
两清零 lists. No XLSX holds a `<f>` element or a validation formula with payload text; every CSV field
that starts with `= + - @`, a tab or a carriage return is a number or starts with `'`.
"""

from __future__ import annotations

import csv
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import event, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from db.models import (
    Assessment,
    BureauSettings,
    Carrier,
    CarrierYear,
    Commissioner,
    Demand,
    Dispatch,
    Enterprise,
    EnterpriseYear,
    Incubatee,
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    Platform,
    Qualification,
    QualificationType,
    ResultTransfer,
    ReturnLegalMarks,
    ServiceRecord,
    TechContract,
    TechResult,
    Town,
)
from db.services.enterprises.roster import RosterFilter
from db.services.figures.rd_lists import rd_list_details
from db.store import Store
from desktop.exporting.catalogue import KINDS, export_kind
from desktop.exporting.cells import (
    FORMULA_STARTS,
    clean_text,
    csv_field,
    is_formula_like,
    put,
    sheet_title,
)
from desktop.exporting.enterprises import export_enterprises
from desktop.exporting.rdlists import export_rd_lists
from desktop.exporting.scope import ExportScope
from desktop.importing.engine import ImportOptions, plan_import
from desktop.importing.schemas import SCHEMAS
from desktop.importing.workbooks import write_error_workbook, write_template
from desktop.progress import drain
from desktop.returns.compute import compute
from desktop.returns.definitions import CATALOGUE
from desktop.returns.model import Period
from desktop.returns.xlsx import render_xlsx
from tests.unit.returns.builders import uscc

PAYLOADS = (
    "=1+1",
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "=",
    "+",
    "-",
    "@",
    "=1+1\x00",  # a NUL already in the store
    "\x00=2+2",  # stripped first, then still a formula: neutralised
)
DDE = "=cmd|' /C calc'!A0"
AS_OF = date(2025, 12, 31)
FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s>/]")
VALIDATION_FORMULA = re.compile(rb"<(?:\w+:)?formula[12]?>(.*?)</", re.S)
RANGE = re.compile(r"^=?选项!\$[A-Z]+\$\d+:\$[A-Z]+\$\d+$")


def _type_ids(s: Session) -> dict[str, int]:
    return {t.code: t.id for t in s.scalars(select(QualificationType))}


def _enterprise(s: Session, i: int, p: str, town: Town, types: dict[str, int]) -> Enterprise:
    e = Enterprise(
        name=p,
        uscc=uscc(900 + i),
        town_id=town.id,
        address=p,
        industry=p,
        legal_rep=p,
        contact=p,
        phone=p,
        note=p,
        above_scale=True,
        founded_on=date(2010, 1, 1),
    )
    s.add(e)
    s.flush()
    s.add(
        EnterpriseYear(
            enterprise_id=e.id,
            year=2025,
            revenue=60000.0,
            rd_expense=-5.0,
            employees=10,
            rd_staff=1,
            rd_activity=False,
            rd_institution=False,
        )
    )
    s.add_all(
        [
            Qualification(
                enterprise_id=e.id,
                type_id=types["high_tech"],
                number=p,
                level=p,
                note=p,
                issued_on=date(2023, 1, 1),
                valid_from=date(2023, 1, 1),
                valid_through=date(2025, 12, 31),
            ),
            Qualification(
                enterprise_id=e.id,
                type_id=types["high_tech"],
                number=p + "旧",
                issued_on=date(2020, 1, 1),
                valid_from=date(2020, 1, 1),
                valid_through=date(2022, 12, 31),
                revoked_on=date(2021, 1, 1),
                revoke_reason=p,
            ),
            Qualification(
                enterprise_id=e.id,
                type_id=types["tech_sme"],
                number=p,
                evaluation_year=2025,
                valid_from=date(2025, 1, 1),
                valid_through=date(2025, 12, 31),
            ),
        ]
    )
    return e


def _commissioner(s: Session, i: int, p: str, e: Enterprise, town: Town) -> None:
    c = Commissioner(
        name=p,
        kind="个人",
        level="省级",
        id_number=p,
        phone=p,
        unit=p,
        contact_person=p,
        title=p,
        field=p,
        first_year=2024,
        status="在岗",
        note=p,
    )
    d = Demand(
        requester=p,
        requester_kind="企业",
        enterprise_id=e.id,
        town_id=town.id,
        field=p,
        problem=p,
        raised_on=date(2025, 3, 1),
        status="已对接",
        note=p,
    )
    s.add_all([c, d])
    s.flush()
    dispatch = Dispatch(
        commissioner_id=c.id,
        enterprise_id=e.id,
        target_name=p,
        town_id=town.id,
        start_on=date(2025, 1, 1),
        agreement=True,
        demand_id=d.id,
    )
    s.add(dispatch)
    s.flush()
    s.add(
        ServiceRecord(
            dispatch_id=dispatch.id,
            served_on=date(2025, 4, 1),
            place=p,
            kind="现场指导",
            trained=3,
            technologies=1,
            benefit=2.5,
            confirmed=True,
            approved=True,
            note=p,
        )
    )
    s.add(Assessment(commissioner_id=c.id, year=2025, grade=p, note=p))


def _ledger(s: Session, i: int, p: str, e: Enterprise, town: Town) -> None:
    """A contract, a result with its transfer and an indicator, each naming the payload."""
    contract = TechContract(
        reg_no=f"2025340001{i:06d}",
        name=p,
        contract_type="技术开发",
        seller_name=p,
        seller_enterprise_id=e.id,
        buyer_name=p,
        amount=10.0,
        registered_on=date(2025, 3, 1),
        town_id=town.id,
        field=p,
        note=p,
    )
    result = TechResult(
        reg_no=f"9340000025{i:06d}",
        name=p,
        completer_name=p,
        completer_enterprise_id=e.id,
        registered_on=date(2025, 2, 1),
        town_id=town.id,
        note=p,
    )
    s.add_all([contract, result])
    s.flush()
    s.add_all(
        [
            ResultTransfer(
                result_id=result.id,
                method="向他人转让",
                taker_name=p,
                taker_enterprise_id=e.id,
                transferred_on=date(2025, 5, 1),
                amount=5.0,
                contract_id=contract.id,
                contract_reg_no=contract.reg_no,
                note=p,
            ),
            Indicator(
                code=f"payload_{i}",
                name=p,
                unit="家",
                source="high_tech",
                kind="count",
                department=p,
                sort_order=100 + i,
            ),
        ]
    )


def _carrier(s: Session, i: int, p: str, e: Enterprise, town: Town) -> None:
    carrier = Carrier(
        name=p,
        kind="科技企业孵化器",
        level="省级",
        recognized_year=2020,
        operator=p,
        town_id=town.id,
        address=p,
        area=5000.0,
        stations=100,
        contact=p,
        phone=p,
        note=p,
    )
    s.add(carrier)
    s.flush()
    s.add_all(
        [
            Incubatee(carrier_id=carrier.id, team_name=p, entered_on=date(2024, 1, 1), note=p),
            Incubatee(carrier_id=carrier.id, enterprise_id=e.id, entered_on=date(2024, 2, 1)),
            CarrierYear(
                carrier_id=carrier.id,
                year=2025,
                incubatees_reported=5,
                jobs=30,
                financing=12.5,
                events=4,
                grade=p,
            ),
            Platform(
                name=p,
                kind="院士工作站",
                level="省级",
                host_name=p,
                recognized_year=2023,
                department=p,
                town_id=town.id,
                note=p,
            ),
            Platform(
                name=p + "站",
                kind="专家工作站",
                level="市级",
                host_enterprise_id=e.id,
                host_name=e.name,
                recognized_year=2024,
                department=p,
                town_id=town.id,
            ),
        ]
    )
    ind = Indicator(
        code=f"{p}#{i}", name=p, unit=p, department=p, source="manual", note=p, sort_order=i
    )
    s.add(ind)
    s.flush()
    s.add(IndicatorTarget(indicator_id=ind.id, year=2025, target=10.0))
    s.add(IndicatorActual(indicator_id=ind.id, year=2025, value=-3.0, note=p))


def _settings(s: Session) -> None:
    settings = s.get(BureauSettings, 1)
    assert settings is not None
    settings.bureau_name = DDE
    settings.head_of_unit = settings.head_of_statistics = "=1+1"
    settings.preparer, settings.contact_phone = "@SUM(A1)", "-1+1"
    for d in CATALOGUE:
        s.add(
            ReturnLegalMarks(
                return_id=d.id,
                table_no=DDE,
                authority="+1",
                approval_kind="批准机关",
                approval_authority="@x",
                approval_no="-1",
                valid_until="=1",
            )
        )


def _fit_lengths(session: Session, _context: object, _instances: object) -> None:
    """Payloads as PostgreSQL can hold them: no NUL, cut to the column's length (SQLite keeps both)."""
    if session.get_bind().dialect.name == "sqlite":
        return
    for obj in session.new:
        for attr in sa_inspect(obj).mapper.column_attrs:
            length = getattr(attr.columns[0].type, "length", None)
            value = getattr(obj, attr.key, None)
            if isinstance(value, str):
                value = value.replace("\x00", "(NUL)")
                setattr(obj, attr.key, value[:length] if length else value)


@pytest.fixture
def payload_store(store: Store) -> Store:
    """Every payload as every kind of text, written straight into the store's tables."""
    with store.transaction() as s:
        event.listen(s, "before_flush", _fit_lengths)
        types = _type_ids(s)
        for i, p in enumerate(PAYLOADS):
            town = Town(name=p, sort_order=i)
            s.add(town)
            s.flush()
            e = _enterprise(s, i, p, town, types)
            _commissioner(s, i, p, e, town)
            _carrier(s, i, p, e, town)
            _ledger(s, i, p, e, town)
        _settings(s)
    return store


@dataclass
class Written:
    xlsx: list[Path]
    csv: list[Path]


def _error_workbook(store: Store, tmp: Path) -> Path:
    source = tmp / "town.xlsx"
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["企业名称", "统一社会信用代码", "所属镇街", "备注"])
    for p in PAYLOADS:
        ws.append([clean_text(p), "不是代码", clean_text(p), clean_text(p)])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.data_type = "s"  # the town's file holds the payloads as text
    book.save(source)
    plan = drain(plan_import(store, source, ImportOptions(kind="enterprises", year=2025)))
    out = tmp / "errors.xlsx"
    assert write_error_workbook(plan, out) == len(PAYLOADS)
    return out


def _write_everything(store: Store, tmp: Path) -> Written:
    done = Written([], [])
    with store.session() as s:
        for d in CATALOGUE:
            table = compute(d, s, Period(2025), as_of=AS_OF)
            render_xlsx(table, tmp / f"return-{d.id}.xlsx")
            done.xlsx.append(tmp / f"return-{d.id}.xlsx")
            if d.town_filter:
                table = compute(d, s, Period(2025), clean_text(DDE), AS_OF)
                render_xlsx(table, tmp / f"return-{d.id}-town.xlsx")
                done.xlsx.append(tmp / f"return-{d.id}-town.xlsx")
        towns = [t.name for t in s.scalars(select(Town))]
        lists = rd_list_details(s, 2025)
    done.xlsx.append(_error_workbook(store, tmp))
    for kind, schema in SCHEMAS.items():
        write_template(schema, towns, tmp / f"template-{kind}.xlsx")
        done.xlsx.append(tmp / f"template-{kind}.xlsx")
    for kind, spec in KINDS.items():
        for with_ids in (False, True) if spec.ids else (False,):
            scope = ExportScope(None, AS_OF, with_ids)
            for suffix, bucket in ((".xlsx", done.xlsx), (".csv", done.csv)):
                out = tmp / f"export-{kind}-{with_ids}{suffix}"
                drain(export_kind(store, kind, out, scope, "测试员"))
                bucket.append(out)
    expiring = RosterFilter(expiring_within_days=3650)
    for suffix, bucket in ((".xlsx", done.xlsx), (".csv", done.csv)):
        out = tmp / f"expiring{suffix}"
        drain(export_enterprises(store, out, expiring, AS_OF))
        bucket.append(out)
    done.xlsx.append(export_rd_lists(lists, tmp / "rdlists.xlsx"))
    return done


def _xml_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.endswith(".xml")}


def test_no_output_path_writes_a_formula(payload_store: Store, tmp_path: Path) -> None:
    written = _write_everything(payload_store, tmp_path)
    assert len(written.xlsx) > 30 and len(written.csv) > 15
    for path in written.xlsx:
        for name, xml in _xml_parts(path).items():
            assert not FORMULA_ELEMENT.search(xml), f"{path.name}:{name} holds a formula"
            assert b"\x00" not in xml
            for formula in VALIDATION_FORMULA.findall(xml):
                text = formula.decode()
                assert RANGE.match(text), f"{path.name}:{name} validation formula {text!r}"
    for path in written.csv:
        raw = path.read_bytes()
        assert b"\x00" not in raw
        with path.open(encoding="utf-8-sig", newline="") as f:
            for row in csv.reader(f):
                for field in row:
                    if field.startswith(FORMULA_STARTS):
                        float(field)  # only a number may start with - or +
    assert {p.name for p in tmp_path.iterdir() if p.name.startswith(".")} == set()


def test_payload_text_survives_as_plain_text(payload_store: Store, tmp_path: Path) -> None:
    written = _write_everything(payload_store, tmp_path)
    wanted = {clean_text(p) for p in PAYLOADS}
    silent = set()
    for path in written.xlsx:
        book = load_workbook(path)
        texts = {
            c.value: c
            for ws in book.worksheets
            for row in ws.iter_rows()
            for c in row
            if isinstance(c.value, str)
        }
        found = wanted & set(texts)
        silent |= set() if found else {path.name}
        for value in found:
            cell = texts[value]
            assert cell.data_type == "s"
            if is_formula_like(value):
                assert cell.quotePrefix, f"{path.name}: {value!r} without the quote prefix"
    # No text of the store: the platforms return (counts), the figures (codes and numbers), the
    # templates of kinds without a town column.
    townless = {
        f"template-{kind}.xlsx"
        for kind, schema in SCHEMAS.items()
        if all(c.field != "town" for c in schema.columns)
    }
    assert silent <= {"return-platforms.xlsx", "export-figures-False.xlsx"} | townless
    for path in written.csv:
        with path.open(encoding="utf-8-sig", newline="") as f:
            fields = {field for row in csv.reader(f) for field in row}
        if "figures" not in path.name:
            assert fields & {csv_field(p) for p in PAYLOADS}, f"{path.name} shows no payload"


def test_negative_numbers_stay_numbers(payload_store: Store, tmp_path: Path) -> None:
    xlsx, csv_path = tmp_path / "figures.xlsx", tmp_path / "figures.csv"
    for out in (xlsx, csv_path):
        drain(export_kind(payload_store, "figures", out, ExportScope(as_of=AS_OF), "测试员"))
    ws = load_workbook(xlsx).worksheets[0]
    column = [c.value for c in ws[1]].index("研发费用(万元)")
    assert {row[column].value for row in ws.iter_rows(min_row=2)} == {-5.0}
    with csv_path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert {r[column] for r in rows[1:]} == {"-5.0"}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_cell_helpers(payload: str) -> None:
    text = clean_text(payload)
    assert "\x00" not in text
    assert csv_field(payload) == ("'" + text if text.startswith(FORMULA_STARTS) else text)
    assert csv_field(-1.5) == -1.5 and csv_field(date(2025, 1, 2)) == "2025-01-02"
    assert csv_field("安徽=1") == "安徽=1" and csv_field(None) == ""


def test_sheet_titles_and_long_cells() -> None:
    assert sheet_title("名册（城/关?镇）") == "名册（城／关？镇）"
    assert sheet_title("'\t") == "Sheet" and len(sheet_title("长" * 40)) == 31
    book = Workbook()
    ws = book.active
    assert ws is not None
    assert len(put(ws, 1, 1, "注" * 40000).value) == 32767
    assert put(ws, 1, 2, -3).value == -3 and put(ws, 1, 2, -3).data_type == "n"
