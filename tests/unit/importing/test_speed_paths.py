"""The fast paths of the import give exactly what the full readers give (issue 4, import speed)."""

from __future__ import annotations

import json
import random
import re
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from db.models import AuditEntry, Enterprise, EnterpriseYear
from db.rules.identifiers import clean_uscc, uscc_check_char, validate_uscc
from db.rules.text import normalize_code, normalize_header, normalize_text
from db.services.enterprises import search_text as search
from db.services.imports import bulk
from db.services.imports import enterprises as imports
from db.services.towns import add_towns
from db.store import Store
from desktop.importing import fast_cells, rows
from desktop.importing.engine import ImportOptions, apply_import, plan_import
from desktop.importing.header import find_header
from desktop.importing.readers import SheetData
from desktop.importing.rows import ParsedRow, RowContext, TownChoice, parse_enterprise_row
from desktop.progress import drain

TODAY = date(2025, 6, 30)
TOWNS = {"古井镇": TownChoice(1, "古井镇"), "五马镇": TownChoice(2, "五马镇")}
HEADER = [
    "企业名称",
    "统一社会信用代码",
    "所属镇街",
    "注册地址",
    "成立日期",
    "行业类别",
    "法定代表人",
    "联系人",
    "联系电话",
    "是否规上工业企业",
    "营业收入(万元)",
    "研发费用(元)",
    "从业人员数",
    "研发人员数",
    "是否有研发活动",
    "是否有研发机构",
    "高新技术企业证书编号",
    "高企发证日期",
    "科技型中小企业入库编号",
    "入库年度",
    "备注",
]


def _uscc(n: int, org_ok: bool = True) -> str:
    body = f"91341602{n:08d}"
    org = rows_org_check(body[8:16])
    if not org_ok:
        org = "1" if org == "0" else "0"
    first17 = body + org
    return first17 + uscc_check_char(first17)


def rows_org_check(body: str) -> str:
    from db.rules.identifiers import org_code_check_char

    return org_code_check_char(body)


TEXTS = [
    "华信生物",
    " 华信  生物 ",
    "ＡＢＣ公司",
    "",
    None,
    "—",
    "无",
    "-",
    "a\u200bb",
    "华信\u3000生物",
    "华信\xa0生物",
    "ﬁ公司",
    "①号",
    "a\tb",
    "x ",
    "A  B",
    12.0,
    3.5,
    7,
]
DATES: list[Any] = [
    date(2020, 1, 2),
    datetime(2020, 1, 2, 0, 0),
    datetime(2020, 1, 2, 8, 30),
    "2020-01-02",
    "2020/1/2",
    "2020年1月2日",
    "20200102",
    "2020.13.40",
    "明年",
    date(2030, 1, 1),
    "2030-01-01",
    43831.0,
    60.0,
    20200102.0,
    "",
    None,
    "—",
]
PHONES: list[Any] = [
    "13905580001",
    "0558-5123456",
    "(0558)5123456",
    "12345",
    13905580001.0,
    "",
    None,
]
FLAGS: list[Any] = [
    "是",
    "否",
    "有",
    "无",
    "Y",
    "n",
    "√",
    "×",
    1.0,
    0.0,
    2.0,
    True,
    "也许",
    "",
    None,
]
MONEY: list[Any] = [1000.5, 0.0, -3.0, "1,234.5", "12万元", "3亿元", "5平方米", "abc", 7, "", None]
COUNTS: list[Any] = [50.0, 3, 2.5, -1.0, "12人", "三", float("nan"), "", None]
HTE: list[Any] = ["GR202034000123", "GR202134000123", "GR202035000123", "GR2020", "", None]
SME: list[Any] = ["2024341602A0000001", "2023341602A0000001", "2024A", "", None]
YEARS: list[Any] = [2024.0, 2024, "2024", 1980.0, 2030.0, "", None]


def _random_row(rng: random.Random, clean: bool) -> list[Any]:
    n = rng.randrange(10**8)
    codes: list[Any] = [_uscc(n), _uscc(n, org_ok=False)]
    if not clean:
        codes += [_uscc(n)[:-1] + "0", "123", 9.13e17, "", None, " " + _uscc(n).lower() + " "]
    town: list[Any] = ["古井镇", " 五马镇", "无名镇", "", None] if not clean else ["古井镇"]
    pick = rng.choice
    return [
        pick(TEXTS[:3] if clean else TEXTS),
        pick(codes),
        pick(town),
        pick(TEXTS),
        pick(DATES[:7] if clean else DATES),
        pick(TEXTS),
        pick(TEXTS),
        pick(TEXTS),
        pick(PHONES[:1] if clean else PHONES),
        pick(FLAGS[:4] if clean else FLAGS),
        pick(MONEY[:2] if clean else MONEY),
        pick(MONEY[:2] if clean else MONEY),
        pick(COUNTS[:2] if clean else COUNTS),
        pick(COUNTS[:2] if clean else COUNTS),
        pick(FLAGS[:4] if clean else FLAGS),
        pick(FLAGS[:4] if clean else FLAGS),
        pick(HTE[-2:] if clean else HTE),
        pick(DATES[-3:] if clean else DATES),
        pick(SME[-2:] if clean else SME),
        pick(YEARS[-2:] if clean else YEARS),
        pick(TEXTS),
    ]


def _context(file_town: TownChoice | None) -> RowContext:
    found = find_header(SheetData("s", [list[object](HEADER)]))
    assert found is not None
    header = found[0]
    return RowContext(header, 2024, TODAY, lambda t: TOWNS.get(t), file_town, "34")


def _shape(parsed: ParsedRow) -> Any:
    record = parsed.record
    plain = None
    if record is not None:
        plain = (
            record.row,
            list(record.fields.items()),
            list(record.figures.items()),
            record.high_tech,
            record.tech_sme,
        )
    return plain, parsed.errors, parsed.warnings


@pytest.mark.parametrize("clean", [True, False])
@pytest.mark.parametrize("file_town", [None, TownChoice(2, "五马镇")])
def test_fast_rows_equal_full_reader(clean: bool, file_town: TownChoice | None) -> None:
    rng = random.Random(4 + clean)
    ctx = _context(file_town)
    fast_hits = 0
    for index in range(3000):
        cells = _random_row(rng, clean)
        row = index + 2
        fast = parse_enterprise_row(cells, row, ctx)
        full = rows._parse_slowly(cells, row, ctx)
        assert _shape(fast) == _shape(full), cells
        assert ctx.fast is not None
        fast_hits += ctx.fast.record(cells, row) is not None
    if clean:
        assert fast_hits > 2000  # the clean rows really take the fast path


def test_clean_uscc_agrees_with_validate_uscc() -> None:
    rng = random.Random(7)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXYZIOSV a.+"
    samples = [_uscc(rng.randrange(10**8), rng.random() < 0.5) for _ in range(2000)]
    samples += [
        "".join(rng.choice(alphabet) for _ in range(rng.choice((17, 18, 19)))) for _ in range(3000)
    ]
    samples += [s[:17] + rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for s in samples[:2000]]
    for raw in samples:
        checked = validate_uscc(raw)
        found = clean_uscc(raw)
        if found is None:
            assert checked.errors or checked.value is None, raw
        else:
            code, org_ok = found
            assert checked.value == code and not checked.errors, raw
            assert (not checked.warnings) == org_ok, raw


def _reference_text(value: object) -> str:
    raw = "" if value is None else unicodedata.normalize("NFKC", str(value))
    return raw.translate(str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff"))


def test_text_normalisation_matches_the_regex_definition() -> None:
    spaces = re.compile(r"\s+")
    rng = random.Random(3)
    points = [chr(c) for c in range(0, 0x3100) if not 0xD800 <= c <= 0xDFFF]
    points += [chr(c) for c in range(0xFE00, 0x10000) if not 0xD800 <= c <= 0xDFFF]
    for ch in points + ["".join(rng.choice(points) for _ in range(6)) for _ in range(3000)]:
        for value in (ch, f" a{ch}{ch}b ", f"{ch}x"):
            base = _reference_text(value)
            assert normalize_text(value) == spaces.sub(" ", base).strip()
            assert normalize_code(value) == spaces.sub("", base).upper()
            assert normalize_header(value) == spaces.sub("", base).translate(
                str.maketrans("", "", "*※()（）[]【】［］〔〕{}｛｝")
            )


def test_character_pinyin_equals_lazy_pinyin_for_every_chinese_character() -> None:
    from pypinyin import Style, lazy_pinyin

    points = [*range(0x3400, 0xA000), *range(0xF900, 0xFB00)]
    for code in points:
        ch = chr(code)
        found = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore")
        expected = found[0] if found else ""
        assert search._char_pinyin(ch) == (expected, expected[:1]), ch


def test_search_text_and_initials() -> None:
    assert search.pinyin_initials(" 华信 生物Ａ ") == "hxswa"
    assert search.search_text("绿色 能源", None, "913") == (
        "绿色 能源|lvsenengyuan|lsny|913|913|913"
    )


def _workbook(path: Path, count: int) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for i in range(count):
        row: list[Any] = [f"测试{i}公司", _uscc(i, org_ok=i % 2 == 0), "古井镇", "", "2020-01-02"]
        row += ["", "", "", "13905580001", "是", 10.5, 2000.0, 5.0, 2.0, "是", "否"]
        row += ["GR202034000123" if i == 1 else "", date(2020, 5, 6) if i == 1 else ""]
        row += ["", "", ""]
        sheet.append(row)
    book.save(path)


def test_bulk_created_rows_keep_ids_figures_and_audit(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    _workbook(path, 30)
    with store.transaction() as session:
        add_towns(session, ["古井镇"], "测试员")
    plan = drain(plan_import(store, path, ImportOptions(year=2024), today=TODAY))
    assert plan.counts["created"] == 30
    assert len(plan.warnings) == 15  # organisation-code check of the odd rows
    drain(apply_import(store, plan, "测试员"))
    with store.session() as session:
        stored = {e.uscc: e for e in session.scalars(select(Enterprise))}
        for p in plan.plans:
            enterprise = stored[p.incoming.fields["uscc"]]
            assert enterprise.id == p.enterprise_id
            assert enterprise.name == p.incoming.fields["name"]
            assert enterprise.search_text.startswith(enterprise.name.lower() + "|ceshi")
        year = session.scalars(select(EnterpriseYear)).first()
        assert year is not None and year.rd_expense == 0.2  # 2000 元 → 0.2 万元
        audits = session.scalars(select(AuditEntry).where(AuditEntry.batch_id.is_not(None)))
        record = {a.entity_id: json.loads(a.new_value or "{}") for a in audits}
        second = stored[plan.plans[1].incoming.fields["uscc"]]
        assert record[second.id]["founded_on"] == "2020-01-02"
        assert record[second.id]["high_tech.issued_on"] == "2020-05-06"
        assert record[second.id]["2024.revenue"] == 10.5


def _sheet(path: Path, rows: list[dict[str, Any]]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for values in rows:
        sheet.append([values.get(label, "") for label in HEADER])
    book.save(path)


def _snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    tables = {
        "enterprises": "id, name, uscc, legal_rep, search_text, pinyin_initials",
        "enterprise_years": "id, enterprise_id, year, revenue, employees",
        "qualifications": "id, enterprise_id, number, issued_on, valid_through",
    }
    with store.engine.connect() as conn:
        return {
            t: [tuple(r) for r in conn.exec_driver_sql(f"SELECT {c} FROM {t} ORDER BY id")]
            for t, c in tables.items()
        }


def _without_search(snapshot: dict[str, list[tuple[Any, ...]]]) -> dict[str, Any]:
    """Undo restores audited fields; the search columns follow the name but are not audited."""
    return snapshot | {"enterprises": [r[:4] for r in snapshot["enterprises"]]}


def test_bulk_updates_then_undo_restore_everything(store: Store, tmp_path: Path) -> None:
    with store.transaction() as session:
        add_towns(session, ["古井镇"], "测试员")
    base = [
        {"企业名称": f"甲{i}公司", "统一社会信用代码": _uscc(i), "所属镇街": "古井镇"}
        | {"营业收入(万元)": 100 + i, "从业人员数": 10, "法定代表人": "张三"}
        for i in range(6)
    ]
    base[0] |= {"高新技术企业证书编号": "GR202034000123", "高企发证日期": date(2020, 5, 6)}
    _sheet(tmp_path / "a.xlsx", base)
    first = drain(plan_import(store, tmp_path / "a.xlsx", ImportOptions(year=2024), today=TODAY))
    drain(apply_import(store, first, "测试员"))
    before = _snapshot(store)
    changed = [dict(r) for r in base]
    changed[0] |= {"高企发证日期": date(2020, 6, 1)}  # qualification field changes
    changed[1] |= {"企业名称": "乙新公司", "法定代表人": "李四"}  # name → search columns
    changed[2] |= {"营业收入(万元)": 999}  # figure of the same year changes
    changed[3] |= {"高新技术企业证书编号": "GR202134000555", "高企发证日期": date(2021, 3, 1)}
    _sheet(tmp_path / "b.xlsx", changed)
    second = drain(plan_import(store, tmp_path / "b.xlsx", ImportOptions(year=2024), today=TODAY))
    assert second.counts["updated"] == 4 and second.counts["unchanged"] == 2
    batch = drain(apply_import(store, second, "测试员")).batch_id
    after = _snapshot(store)
    names = {r[2]: r for r in after["enterprises"]}
    assert names[_uscc(1)][1] == "乙新公司" and names[_uscc(1)][3] == "李四"
    assert names[_uscc(1)][4].startswith("乙新公司|yixingongsi|yxgs|")
    assert names[_uscc(1)][5] == "yxgs"
    assert [r[3] for r in after["enterprise_years"] if r[1] == names[_uscc(2)][0]] == [999.0]
    quals = {r[2]: r for r in after["qualifications"]}
    assert str(quals["GR202034000123"][3]) == date(2020, 6, 1).isoformat()
    assert quals["GR202134000555"][1] == names[_uscc(3)][0]
    from desktop.importing.engine import undo_import

    drain(undo_import(store, batch, "测试员"))
    assert _without_search(_snapshot(store)) == _without_search(before)
    third = drain(plan_import(store, tmp_path / "a.xlsx", ImportOptions(year=2025), today=TODAY))
    assert third.counts["updated"] == 6  # figures of a new year: new rows, audited as created
    year_batch = drain(apply_import(store, third, "测试员")).batch_id
    assert len(_snapshot(store)["enterprise_years"]) == 12
    with store.session() as session:
        created = session.scalars(
            select(AuditEntry).where(
                AuditEntry.batch_id == year_batch, AuditEntry.entity == "enterprise_year"
            )
        ).all()
        years = {y.id: (y.enterprise_id, y.year) for y in session.scalars(select(EnterpriseYear))}
        assert {years[a.entity_id] for a in created} == {
            (r[0], 2025) for r in before["enterprises"]
        }
        assert all(a.action == "create" for a in created)
    drain(undo_import(store, year_batch, "测试员"))
    assert _without_search(_snapshot(store)) == _without_search(before)


@given(st.text(max_size=12) | st.sampled_from([t for t in TEXTS if isinstance(t, str)]))
def test_plain_text_is_what_normalisation_gives_back(value: str) -> None:
    """The fast path takes a text as it is only when normalize_text would not change it."""
    if fast_cells.plain(value):
        assert normalize_text(value) == value
    assert fast_cells.text_of_str(value) == fast_cells.text_of(value)


def test_plain_text_is_told_apart() -> None:
    assert fast_cells.plain("亳州市华信科技有限公司") and fast_cells.plain("A B")
    for value in ("A  B", " A", "A ", "a\tb", "华信\u3000生物", "Ａ", "ﬁ", "a\u200bb", "①"):
        assert not fast_cells.plain(value), value


def _plans_shape(plans: list[Any]) -> list[Any]:
    return [
        (
            p.outcome,
            p.enterprise_id,
            p.changes,
            p.year_row_id,
            p.year_changes,
            [(q.type_code, q.qualification_id, q.values, q.changes) for q in p.qualifications],
        )
        for p in plans
    ]


def test_planning_chunk_by_chunk_gives_the_same_plans(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with store.transaction() as session:
        add_towns(session, ["古井镇"], "测试员")
    base = [
        {"企业名称": f"甲{i}公司", "统一社会信用代码": _uscc(i), "所属镇街": "古井镇"}
        | {"营业收入(万元)": 100 + i, "从业人员数": 10, "成立日期": date(2001, 2, 3 + i)}
        for i in range(7)
    ]
    base[0] |= {"高新技术企业证书编号": "GR202034000123", "高企发证日期": date(2020, 5, 6)}
    _sheet(tmp_path / "a.xlsx", base)
    first = drain(plan_import(store, tmp_path / "a.xlsx", ImportOptions(year=2024), today=TODAY))
    drain(apply_import(store, first, "测试员"))
    changed = [dict(r) for r in base] + [
        {"企业名称": "新公司", "统一社会信用代码": _uscc(99), "所属镇街": "古井镇"}
    ]
    changed[0] |= {"高企发证日期": date(2020, 6, 1)}
    changed[1] |= {"企业名称": "乙新公司", "成立日期": date(2002, 1, 1)}
    changed[2] |= {"营业收入(万元)": 102.0000001}  # within _same's tolerance: unchanged
    changed[3] |= {"营业收入(万元)": 999}
    _sheet(tmp_path / "b.xlsx", changed)
    whole = drain(plan_import(store, tmp_path / "b.xlsx", ImportOptions(year=2024), today=TODAY))
    monkeypatch.setattr(imports, "LOOKUP_CHUNK", 2)
    chunked = drain(plan_import(store, tmp_path / "b.xlsx", ImportOptions(year=2024), today=TODAY))
    assert _plans_shape(chunked.plans) == _plans_shape(whole.plans)
    outcomes = [p.outcome for p in whole.plans]
    assert outcomes.count("updated") == 3 and outcomes.count("created") == 1
    by_code = {p.incoming.fields["uscc"]: p for p in whole.plans}
    assert by_code[_uscc(1)].changes == {
        "name": ("甲1公司", "乙新公司"),
        "founded_on": (date(2001, 2, 4), date(2002, 1, 1)),
    }


def _indexes(store: Store) -> set[tuple[str, str]]:
    with store.engine.connect() as conn:
        found = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        )
        return {(name, sql) for name, sql in found}


def _open_transaction(session: Any) -> Any:
    """The connection of the session, its write transaction begun (as apply_import's batch row
    does before any enterprise is written: the driver begins one at the first write)."""
    conn = session.connection()
    conn.exec_driver_sql("UPDATE towns SET name = name WHERE id < 0")
    return conn


@pytest.mark.sqlite_only  # dropping and rebuilding indexes around a bulk write is SQLite's path
def test_bulk_writes_build_the_indexes_they_drop_again(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "t.xlsx"
    _workbook(path, 30)
    with store.transaction() as session:
        add_towns(session, ["古井镇"], "测试员")
    plan = drain(plan_import(store, path, ImportOptions(year=2024), today=TODAY))
    created = [p for p in plan.plans if p.outcome == "created"]
    before = _indexes(store)
    monkeypatch.setattr(bulk, "DEFER_INDEXES_FROM", 1)
    with pytest.raises(RuntimeError), store.transaction() as session:
        _open_transaction(session)
        with imports.bulk_writes(session, len(created)):
            assert _indexes_in(session) < {name for name, _sql in before}
            imports.write_created(session, None, created, 2024, "测试员")
            raise RuntimeError("cancelled")
    assert _indexes(store) == before
    with store.session() as session:
        assert session.scalars(select(Enterprise)).all() == []
    with store.transaction() as session:
        conn = _open_transaction(session)
        with imports.bulk_writes(session, len(created)):
            names = _indexes_in(session)
            assert "ix_enterprises_name" not in names and "ix_audit_entity" not in names
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -bulk.BULK_CACHE_KIB
            imports.write_created(session, None, created, 2024, "测试员")
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -2000
    assert _indexes(store) == before
    with store.session() as session:
        assert len(session.scalars(select(Enterprise)).all()) == 30
    with store.transaction() as session:  # fewer new rows than the table holds: nothing dropped
        _open_transaction(session)
        with imports.bulk_writes(session, 29):
            assert "ix_enterprises_name" in _indexes_in(session)
    # No write transaction yet (a DROP would commit at once): nothing dropped either.
    with store.transaction() as session, imports.bulk_writes(session, 100):
        assert "ix_enterprises_name" in _indexes_in(session)


def _indexes_in(session: Any) -> set[str]:
    found = session.connection().exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    )
    return {row[0] for row in found}
