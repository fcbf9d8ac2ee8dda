"""The contract ledger's services, import kinds, returns and exports on a real store."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from db.models import Enterprise, ResultTransfer, TechContract, Town
from db.services.contracts import parties, queries, records, results
from db.services.enterprises.crud import create as create_enterprise
from db.services.errors import DuplicateError, InputError
from db.services.towns import add_towns
from db.store import Store
from desktop.exporting.catalogue import export_kind
from desktop.exporting.scope import ExportScope
from desktop.importing.engine import ImportOptions, apply_import, plan_import
from desktop.progress import drain
from desktop.returns.compute import PeriodError, compute, parse_period
from desktop.returns.definitions import get_definition
from desktop.returns.pdf import render_pdf
from desktop.returns.xlsx import render_xlsx
from tests.fixtures.samples.kinds import make_ledger_samples as samples
from tests.fixtures.samples.kinds.make_samples import JIA, YI, uscc

OP = "测试员"
KINDS = Path(samples.__file__).parent
TODAY = date(2026, 6, 1)


@pytest.fixture
def ledger(store: Store) -> Store:
    """Towns, JIA (十九里镇) and YI (五马镇) in the roster."""
    with store.transaction() as s:
        add_towns(s, ["十九里镇", "五马镇"], OP)
        towns = {n: i for n, i in s.execute(select(Town.name, Town.id))}
        create_enterprise(s, {"name": "甲公司", "uscc": JIA, "town_id": towns["十九里镇"]}, OP)
        create_enterprise(s, {"name": "乙公司", "uscc": YI, "town_id": towns["五马镇"]}, OP)
    return store


def _contract(**over: object) -> dict[str, object]:
    base: dict[str, object] = {
        "reg_no": "2025A001",
        "name": "分拣系统开发",
        "contract_type": "技术开发",
        "seller_name": "甲公司",
        "seller_uscc": JIA,
        "buyer_name": "合肥某公司",
        "buyer_local": False,
        "amount": 100.0,
        "tech_amount": 80.0,
        "registered_on": date(2025, 3, 1),
    }
    return base | over


def test_rules_refuse_bad_contracts(ledger: Store) -> None:
    with ledger.transaction() as s:
        for bad, words in (
            ({"contract_type": "技术入股"}, "合同类型应为"),
            ({"tech_amount": 120.0}, "不能大于合同成交额"),
            ({"registered_on": date(2099, 1, 1)}, "晚于今天"),
        ):
            with pytest.raises(InputError, match=words):
                records.create_contract(s, _contract(**bad), OP, TODAY)
        records.create_contract(s, _contract(), OP, TODAY)
        with pytest.raises(DuplicateError):
            records.create_contract(s, _contract(), OP, TODAY)


def test_both_district_parties_count_in_output_and_absorbed(ledger: Store) -> None:
    with ledger.transaction() as s:
        towns = {n: i for n, i in s.execute(select(Town.name, Town.id))}
        records.create_contract(s, _contract(), OP, TODAY)  # 输出 only
        both = _contract(reg_no="2025A002", buyer_name="乙公司", buyer_uscc=YI, buyer_local=None)
        both_id = records.create_contract(s, both, OP, TODAY)
        local = _contract(reg_no="2025A003", seller_uscc=None, seller_local=False)
        local |= {"buyer_name": "某合作社", "buyer_local": True, "town_id": towns["五马镇"]}
        records.create_contract(s, local, OP, TODAY)
        start, end = date(2025, 1, 1), date(2025, 12, 31)
        out = parties.side_totals(s, parties.OUTPUT, start, end)
        absorbed = parties.side_totals(s, parties.ABSORBED, start, end)
        assert (out.count, out.amount) == (2, 200.0)
        assert (absorbed.count, absorbed.amount) == (2, 200.0)
        assert parties.district_contract_count(s, start, end) == 3
        by_town = parties.side_by(s, parties.ABSORBED, start, end, "town_id")
        assert by_town[towns["五马镇"]].count == 2
        assert (
            parties.side_by(s, parties.OUTPUT, start, end, "town_id")[towns["十九里镇"]].count == 2
        )
        assert queries.get_contract(s, both_id).sides == ("输出", "吸纳")  # type: ignore[union-attr]
        f = queries.ContractFilter(year=2025, side="吸纳", town_id=towns["五马镇"])
        assert len(queries.contract_ids(s, f)) == 2
        assert queries.contract_totals(s, f).amount == 200.0
        q3 = queries.ContractFilter(year=2025, quarter=3)
        assert queries.contract_ids(s, q3) == []
        jia = s.scalar(select(Enterprise.id).where(Enterprise.uscc == JIA))
        assert jia is not None
        mine = queries.ledger_of_enterprise(s, jia)
        assert len(mine.as_seller) == 2 and mine.as_buyer == []


def test_recycle_bin_and_transfer_of_unknown_result(ledger: Store) -> None:
    with ledger.transaction() as s:
        cid = records.create_contract(s, _contract(), OP, TODAY)
        records.delete_contract(s, cid, OP)
        assert queries.contract_ids(s) == []
        assert [d.id for d in records.deleted_contracts(s)] == [cid]
        records.restore_contract(s, cid, OP)
        assert queries.contract_ids(s) == [cid]
        with pytest.raises(InputError, match="科技成果不存在"):
            results.create_transfer(
                s,
                {
                    "result_id": 999,
                    "method": "向他人转让",
                    "taker_name": "乙公司",
                    "transferred_on": date(2025, 5, 1),
                },
                OP,
                TODAY,
            )
        rid = results.create_result(
            s,
            {
                "reg_no": "R1",
                "name": "成果",
                "completer_name": "甲公司",
                "completer_uscc": JIA,
                "registered_on": date(2025, 1, 2),
            },
            OP,
            TODAY,
        )
        tid = results.create_transfer(
            s,
            {
                "result_id": rid,
                "method": "转让",
                "taker_name": "乙公司",
                "taker_uscc": YI,
                "transferred_on": date(2025, 5, 1),
                "contract_reg_no": "2025a001",
            },
            OP,
            TODAY,
        )
        moved = s.get(ResultTransfer, tid)
        assert moved is not None and moved.contract_id == cid and moved.method == "向他人转让"
        start, end = date(2025, 1, 1), date(2025, 12, 31)
        assert parties.results_transferred(s, start, end) == 1
        assert parties.local_rate(s, start, end) == 100.0


def _import(store: Store, name: str) -> object:
    path = KINDS / name
    planned = drain(plan_import(store, path, ImportOptions()))
    drain(apply_import(store, planned, OP))
    return planned


def test_sample_files_import_with_expected_counts(ledger: Store) -> None:
    for name, kinds in samples.EXPECTED.items():
        planned = _import(ledger, name)
        for sheet in planned.sheets:  # type: ignore[attr-defined]
            created, rejected, skipped, bad_rows, words = kinds[sheet.kind]
            counts = sheet.counts
            assert (counts["created"], counts["rejected"], counts["skipped"]) == (
                created,
                rejected,
                skipped,
            ), (name, sheet.kind, counts)
            errors = [e for e in planned.errors if e.sheet in ("", sheet.name)]  # type: ignore[attr-defined]
            assert sorted({e.row for e in errors}) == bad_rows
            for word in words:
                assert any(word in e.message for e in errors), word
    with ledger.session() as s:
        first = s.scalars(
            select(TechContract).where(TechContract.reg_no == "2025341602000101")
        ).one()
        # 1,234,567.89 元 → 123.456789 万元, exactly
        assert Decimal(str(first.amount)) == Decimal("1234567.89") / 10000
        start, end = date(2025, 1, 1), date(2025, 12, 31)
        assert parties.side_totals(s, parties.OUTPUT, start, end).count == 3  # 101, 103, 105
        assert parties.side_totals(s, parties.ABSORBED, start, end).count == 3  # 102, 103, 104
        assert parties.results_transferred(s, start, end) == 3
        linked = s.scalars(select(ResultTransfer.contract_id).order_by(ResultTransfer.id)).first()
        assert linked is not None
    again = drain(plan_import(ledger, KINDS / samples.CONTRACTS, ImportOptions()))
    assert (again.count("created"), again.count("unchanged")) == (0, 6)


def test_exports_reimport_unchanged_and_templates(ledger: Store, tmp_path: Path) -> None:
    for name in samples.EXPECTED:
        _import(ledger, name)
    for kind in ("contracts", "results", "transfers"):
        out = tmp_path / f"{kind}.xlsx"
        drain(export_kind(ledger, kind, out, ExportScope(None, TODAY, False), OP))
        planned = drain(plan_import(ledger, out, ImportOptions()))
        assert planned.kind == kind
        assert planned.count("unchanged") > 0 and planned.count("created") == 0, kind
        assert planned.count("updated") == 0 and not planned.rejected, kind


def test_returns_data_checks_and_renderings(ledger: Store, tmp_path: Path) -> None:
    for name in samples.EXPECTED:
        _import(ledger, name)
    contracts, found = get_definition("contracts"), get_definition("results")
    assert contracts is not None and found is not None
    with ledger.session() as s:
        table = compute(contracts, s, parse_period("2025", contracts))
        total = table.rows[0]
        assert total[0] == "合计" and total[1] == 3 and total[4] == 3
        assert not table.errors
        q3 = compute(contracts, s, parse_period("2025Q3", contracts))
        assert q3.rows[0][1] == 1 and q3.period_text == "2025年第三季度"
        month = compute(found, s, parse_period("2025-09", found))
        assert len(month.rows) == 1 and month.rows[0][6] == "是"
        year = compute(found, s, parse_period("2025", found))
        assert len(year.rows) == 4 and year.total is not None
        render_pdf(table, tmp_path / "c.pdf")
        render_xlsx(year, tmp_path / "r.xlsx")
    assert (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF")
    assert load_workbook(tmp_path / "r.xlsx").active is not None
    with pytest.raises(PeriodError):
        parse_period("2025Q5", contracts)


def test_undo_of_a_ledger_batch(ledger: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Undo restores the store once the ledger's entities are registered with the generic undo
    (db/services/imports/other.py ENTITY_MODELS; registered here as the lead is asked to)."""
    from db.models import TechResult
    from db.services.imports import other
    from desktop.importing.engine import undo_import

    for entity, model in (
        ("tech_contract", TechContract),
        ("tech_result", TechResult),
        ("result_transfer", ResultTransfer),
    ):
        monkeypatch.setitem(other.ENTITY_MODELS, entity, model)
    _import(ledger, samples.CONTRACTS)
    planned = drain(plan_import(ledger, KINDS / samples.RESULTS, ImportOptions()))
    batch = drain(apply_import(ledger, planned, OP)).batch_id
    assert batch is not None
    undone = drain(undo_import(ledger, batch, OP))
    assert undone.reverted == 7 and not undone.kept
    with ledger.session() as s:
        assert s.scalars(select(ResultTransfer.id)).all() == []
        assert len(s.scalars(select(TechContract.id)).all()) == 6


def test_the_three_town_rules_of_parties(ledger: Store) -> None:
    """parties.py's rules (its docstring): a transfer's town is the taker's when local, else the
    completer's; a contract between district parties of two towns counts once in each town and
    once in the district; a district party without a roster town takes the record's 所属镇街."""
    with ledger.transaction() as s:
        towns = {n: i for n, i in s.execute(select(Town.name, Town.id))}
        create_enterprise(s, {"name": "丙公司", "uscc": uscc(977)}, OP)
        # JIA (十九里镇) → YI (五马镇): 输出 in 十九里镇, 吸纳 in 五马镇, counted in each town
        both = _contract(buyer_name="乙公司", buyer_uscc=YI, buyer_local=None)
        records.create_contract(s, both, OP, TODAY)
        # 丙公司 is in the roster without a town: the contract's own 所属镇街 (五马镇) stands in
        untowned = _contract(reg_no="2025A002", seller_name="丙公司", seller_uscc=uscc(977))
        records.create_contract(s, untowned | {"town_id": towns["五马镇"]}, OP, TODAY)
        rid = results.create_result(
            s,
            {
                "reg_no": "R9",
                "name": "成果",
                "completer_name": "甲公司",
                "completer_uscc": JIA,
                "registered_on": date(2025, 1, 2),
            },
            OP,
            TODAY,
        )
        for taker, code, local in (("乙公司", YI, None), ("上海某公司", None, False)):
            values = {"result_id": rid, "method": "许可他人使用", "taker_name": taker}
            values |= {"taker_uscc": code, "taker_local": local}
            results.create_transfer(s, values | {"transferred_on": date(2025, 6, 1)}, OP, TODAY)
        start, end = date(2025, 1, 1), date(2025, 12, 31)
        t1, t2 = towns["十九里镇"], towns["五马镇"]
        # rule 2: once in each town, once in the district
        assert parties.district_contract_count(s, start, end) == 2
        assert parties.district_contract_count(s, start, end, t1) == 1
        assert parties.district_contract_count(s, start, end, t2) == 2
        # rule 3: 丙公司's contract is 五马镇's 输出
        output = parties.side_by(s, parties.OUTPUT, start, end, "town_id")
        assert {k: v.count for k, v in output.items()} == {t1: 1, t2: 1}
        assert parties.side_totals(s, parties.OUTPUT, start, end, t2).count == 1
        # rule 1: to 乙公司 (local) in 五马镇, to 上海某公司 in the completer's 十九里镇
        assert parties.results_transferred(s, start, end) == 1
        assert parties.results_transferred(s, start, end, t1) == 1
        assert parties.results_transferred(s, start, end, t2) == 1
        assert parties.local_rate(s, start, end) == 50.0
        assert parties.local_rate(s, start, end, t2) == 100.0
        assert parties.local_rate(s, start, end, t1) == 0.0
        # the list filters by the same towns
        listed = queries.contract_ids(s, queries.ContractFilter(year=2025, town_id=t2))
        assert len(listed) == 2
