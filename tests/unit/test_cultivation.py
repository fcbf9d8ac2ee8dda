"""The 高企后备库 (plans.md Cultivation): candidates, tests and gaps, thresholds from the settings,
the pipeline and its closing by the certificate — on a store built through the services."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from db.models import AuditEntry, CultivationEntry, Qualification
from db.rules import cultivation as rules
from db.rules.cultivation import Thresholds
from db.services import enterprises
from db.services.enterprises import qualifications
from db.services.errors import InputError
from db.services.plans import cultivation
from db.services.plans import cultivation_pipeline as pipeline
from db.services.settings import update_settings
from db.store import Store
from tests.unit.cultivation_store import OP, Y, district, hte, sme, uscc

# ----- the pure rules -----


def test_rd_ratio_bands_and_gap_in_wan_yuan() -> None:
    t = Thresholds()
    assert (t.rd_ratio(5000), t.rd_ratio(5000.1), t.rd_ratio(20000), t.rd_ratio(20000.1)) == (
        5.0,
        4.0,
        4.0,
        3.0,
    )
    result = rules.rd_test(Y, 1000.0, [(1000.0, 11.8)], t)  # needs 50
    assert (result.passed, result.value, result.threshold, result.gap) == (False, 1.18, 5.0, 38.2)
    assert result.gap_text == "研发费用还差 38.2 万元"
    assert rules.rd_test(Y, 1000.0, [(1000.0, 50.0)], t).passed


def test_rd_ratio_sums_the_years_held_and_rounds_the_gap_up() -> None:
    t = Thresholds()
    held = [(3000.0, 100.0), (2000.0, 80.0), (None, 999.0)]  # Y−2 not held: no revenue
    result = rules.rd_test(Y, 3000.0, held, t)
    # 5% of 5000 = 250, held 180 → 70.0 short
    assert (result.value, result.gap) == (3.6, 70.0)
    odd = rules.rd_test(Y, 1000.0, [(1000.0, 49.96)], t)  # 0.04 short → 0.1
    assert odd.gap == 0.1


def test_staff_gap_in_whole_people_and_missing_data() -> None:
    t = Thresholds()
    assert rules.staff_test(30, 3, t).passed  # exactly 10%
    short = rules.staff_test(45, 2, t)  # 4.5 → 5 people needed
    assert (short.passed, short.gap, short.gap_text) == (False, 3.0, "研发人员还差 3 人")
    assert rules.staff_test(None, 2, t).gap_text == "缺少职工总数"
    assert rules.rd_test(Y, None, [], t).gap_text == "缺少2025年营业收入"
    tests = [rules.rd_test(Y, 100.0, [(100.0, 10.0)], t), rules.staff_test(10, 1, t)]
    assert rules.gap_text([*tests, rules.tech_sme_test(False)]) == rules.ALL_PASSED
    assert rules.passes_all([*tests, rules.tech_sme_test(False)])


def test_transitions() -> None:
    assert rules.transition_problem(None, "培育中") is None
    assert rules.transition_problem("培育中", "已申报") is None
    assert rules.transition_problem("已申报", "未通过") is None
    assert rules.transition_problem("未通过", "培育中") is None
    assert "只能改为" in (rules.transition_problem("培育中", "已认定") or "")
    assert "最终阶段" in (rules.transition_problem("已认定", "培育中") or "")
    assert "应为" in (rules.transition_problem("培育中", "完成") or "")


# ----- the candidate list -----


def test_candidates_rule_tests_and_gaps(store: Store) -> None:
    with store.transaction() as s:
        ids = district(s)
    with store.session() as s:
        found = cultivation.candidates(s, Y)
    by_id = {c.enterprise_id: c for c in found.rows}
    assert set(by_id) == {ids["short"], ids["ok"], ids["expiring"], ids["no_founding"]}
    short = by_id[ids["short"]]
    assert found.gap_text(short) == "研发费用还差 38.2 万元；研发人员还差 2 人"
    rd, staff, sme = found.tests(short)
    assert (rd.value, rd.threshold, rd.gap) == (1.18, 5.0, 38.2)
    assert (staff.value, staff.threshold, staff.gap) == (pytest.approx(3.33), 10.0, 2.0)
    assert (sme.passed, sme.required) == (False, False)
    ok = by_id[ids["ok"]]
    assert found.passes_all(ok) and found.gap_text(ok) == "全部达标"
    assert ok.tech_sme is True and found.tests(ok)[2].passed
    assert found.tests(by_id[ids["expiring"]])[0].threshold == 3.0  # revenue > 2亿
    assert all(c.stage is None and c.eligible for c in found.rows)
    # ordered by town (display order), then name; the town filter
    assert [c.town for c in found.rows] == ["十九里镇", "十九里镇", "古井镇", None]
    with store.session() as s:
        gujing = cultivation.candidates(s, Y, town="古井镇")
    assert [c.enterprise_id for c in gujing.rows] == [ids["ok"]]


def test_thresholds_come_from_the_settings(store: Store) -> None:
    with store.transaction() as s:
        ids = district(s)
        changes = {
            "candidate_min_years": 12,
            "candidate_rd_ratio_small": 1.0,
            "candidate_staff_ratio": 3.0,
        }
        update_settings(s, changes, OP)
    with store.session() as s:
        found = cultivation.candidates(s, Y)
    # founded 2015-01-01 is not 12 years by 31 Dec 2025; no founding date on record still counts
    assert [c.enterprise_id for c in found.rows] == [ids["no_founding"]]
    with store.transaction() as s:
        update_settings(s, {"candidate_min_years": 1}, OP)
    with store.session() as s:
        found = cultivation.candidates(s, Y)
    short = next(c for c in found.rows if c.enterprise_id == ids["short"])
    assert found.passes_all(short)  # 1.18% ≥ 1%, 3.33% ≥ 3%


def test_a_fixed_number_of_queries_for_the_list(store: Store) -> None:
    """One SELECT of the candidates with their figures, one of the pipeline's entries, and a few
    small set reads — the same number whatever the number of enterprises."""
    from sqlalchemy import event

    with store.transaction() as s:
        district(s)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        with store.session() as s:
            found = cultivation.candidates(s, Y)
            [found.gap_text(c) for c in found.rows]
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    selects = [q for q in statements if "enterprise_years" in q]
    assert len(selects) == 2
    assert len(statements) <= 6


# ----- the pipeline -----


def test_pipeline_stages_dates_notes_and_audit(store: Store) -> None:
    with store.transaction() as s:
        ids = district(s)
        entry = pipeline.add_entry(s, ids["short"], Y, OP, on=date(2025, 3, 1), note="重点培育")
        with pytest.raises(InputError, match="已在2025年"):
            pipeline.add_entry(s, ids["short"], Y, OP)
        with pytest.raises(InputError, match="只能改为"):
            pipeline.set_stage(s, entry, "已认定", OP)
        pipeline.set_stage(s, entry, "已申报", OP, on=date(2025, 9, 1))
        pipeline.set_stage(s, entry, "未通过", OP, on=date(2025, 12, 1), note="研发费用不足")
        with pytest.raises(InputError, match="晚于今天"):
            pipeline.set_stage(s, entry, "培育中", OP, on=date(2999, 1, 1))
    with store.session() as s:
        view = pipeline.get_entry(s, entry)
        row = cultivation.candidate_of(s, ids["short"], Y)
        fields = set(
            s.scalars(select(AuditEntry.field).where(AuditEntry.entity == pipeline.ENTITY))
        )
    assert (view.stage, view.entered_on, view.declared_on, view.decided_on, view.note) == (
        "未通过",
        date(2025, 3, 1),
        date(2025, 9, 1),
        date(2025, 12, 1),
        "研发费用不足",
    )
    assert row is not None and row.stage == "未通过"
    assert {"stage", "declared_on", "decided_on", "note"} <= fields


def test_soft_delete_and_readd(store: Store) -> None:
    with store.transaction() as s:
        ids = district(s)
        entry = pipeline.add_entry(s, ids["ok"], Y, OP, stage="已申报")
        pipeline.delete_entry(s, entry, OP)
    with store.session() as s:
        assert cultivation.candidate_of(s, ids["ok"], Y).stage is None  # type: ignore[union-attr]
    with store.transaction() as s:
        again = pipeline.add_entry(s, ids["ok"], Y, OP)
    assert again == entry
    with store.session() as s:
        assert pipeline.get_entry(s, entry).stage == "培育中"


def test_certificate_closes_the_entry(store: Store) -> None:
    with store.transaction() as s:
        ids = district(s)
        entry = pipeline.add_entry(s, ids["short"], Y, OP, stage="已申报")
        other = pipeline.add_entry(s, ids["ok"], Y, OP)
        hte(s, ids["short"], date(2026, 1, 10), 9)  # entered by hand: 已认定 is written at once
    with store.session() as s:
        row = cultivation.candidate_of(s, ids["short"], Y)
        assert row is not None and (row.stage, row.eligible) == ("已认定", False)
        view = pipeline.get_entry(s, entry)
        assert (view.stage, view.decided_on) == ("已认定", date(2026, 1, 10))
        assert pipeline.get_entry(s, other).stage == "培育中"
        written = s.execute(
            select(AuditEntry.field, AuditEntry.operator, AuditEntry.batch_id).where(
                AuditEntry.entity == pipeline.ENTITY,
                AuditEntry.entity_id == entry,
                AuditEntry.action == "update",
            )
        ).all()
        counts = pipeline.pipeline_counts(s, Y)
    who = store.login or OP  # a server records its login (migration 0009)
    assert sorted(written) == [("decided_on", who, None), ("stage", who, None)]
    assert counts.district.by_stage == {"培育中": 1, "已申报": 0, "已认定": 1, "未通过": 0}
    assert counts.district.expected_new == 1  # 企业02 passes every test
    assert counts.expected_label == "2026年预计新增"
    assert {t.town: t.by_stage["已认定"] for t in counts.by_town} == {"十九里镇": 1, "古井镇": 0}
    with store.transaction() as s:
        assert pipeline.close_recognised(s, OP) == 0


def test_a_certificate_written_past_the_services_is_read_then_closed(store: Store) -> None:
    """A certificate row written without the qualification service (a bulk write) is read as
    已认定 at once; close_recognised then writes it, dated by the certificate."""
    with store.transaction() as s:
        ids = district(s)
        entry = pipeline.add_entry(s, ids["short"], Y, OP, stage="已申报")
        tid = qualifications.type_id(s, "high_tech")
        s.add(
            Qualification(
                enterprise_id=ids["short"],
                type_id=tid,
                number="GR202634000009",
                issued_on=date(2026, 1, 10),
                valid_from=date(2026, 1, 10),
                valid_through=date(2029, 1, 9),
            )
        )
        s.flush()
    with store.session() as s:
        assert pipeline.get_entry(s, entry).stage == "已申报"
        assert cultivation.candidate_of(s, ids["short"], Y).stage == "已认定"  # type: ignore[union-attr]
    with store.transaction() as s:
        assert pipeline.close_recognised(s, OP) == 1
        assert pipeline.close_recognised(s, OP) == 0
    with store.session() as s:
        view = pipeline.get_entry(s, entry)
    assert (view.stage, view.decided_on) == ("已认定", date(2026, 1, 10))


def test_editing_a_certificate_into_the_year_closes_the_entry(store: Store) -> None:
    with store.transaction() as s:
        ids = district(s)
        entry = pipeline.add_entry(s, ids["short"], Y, OP)
        old = hte(s, ids["short"], date(2024, 6, 1), 9)  # before the entry's year: not its result
        assert pipeline.get_entry(s, entry).stage == "培育中"
        qualifications.edit(
            s, old, {"number": "GR202634000009", "issued_on": date(2026, 1, 10)}, OP
        )
        view = pipeline.get_entry(s, entry)
    assert (view.stage, view.decided_on) == ("已认定", date(2026, 1, 10))


def test_closing_the_whole_pipeline_is_a_fixed_number_of_statements(store: Store) -> None:
    from sqlalchemy import event

    with store.transaction() as s:
        ids = district(s)
        for key in ("short", "ok", "young", "no_figures"):
            pipeline.add_entry(s, ids[key], Y, OP)
        tid = qualifications.type_id(s, "high_tech")
        for n, key in enumerate(("short", "ok", "young", "no_figures")):
            issued = date(2026, 1, 10 + n)
            s.add(
                Qualification(
                    enterprise_id=ids[key],
                    type_id=tid,
                    number=f"GR20263400009{n}",
                    issued_on=issued,
                    valid_from=issued,
                )
            )
        s.flush()
    statements: list[str] = []
    with store.transaction() as s:
        engine = s.get_bind()
        listen = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listen)
        try:
            assert pipeline.close_recognised(s, OP) == 4
        finally:
            event.remove(engine, "before_cursor_execute", listen)
    # a select per track, the entries' updates and the audit rows (each one statement or batch)
    assert len(statements) <= 6, "\n".join(x[:90] for x in statements)


def _qualifications_book(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "资质"
    sheet.append(["统一社会信用代码", "资质类型", "编号", "发证日期"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_an_import_closes_the_pipeline_once_and_its_undo_reopens_it(
    store: Store, tmp_path: Path
) -> None:
    from desktop.importing.engine import ImportOptions, apply_import, plan_import, undo_import
    from desktop.progress import drain

    with store.transaction() as s:
        ids = district(s)
        declared = pipeline.add_entry(s, ids["short"], Y, OP, stage="已申报", on=date(2025, 9, 1))
        noted = pipeline.add_entry(s, ids["ok"], Y, OP)
        kept = pipeline.add_entry(s, ids["young"], Y, OP)
    path = _qualifications_book(
        tmp_path / "2026年认定高企.xlsx",
        [
            [uscc(1), "高新技术企业", "GR202634000091", "2026-01-10"],
            [uscc(2), "高新技术企业", "GR202634000092", "2026-01-12"],
            [uscc(5), "高新技术企业", "GR202634000095", "2026-01-15"],
        ],
    )
    plan = drain(plan_import(store, path, ImportOptions(year=Y), today=date(2026, 6, 1)))
    assert not plan.errors, plan.errors
    batch = drain(apply_import(store, plan, OP)).batch_id
    assert batch is not None
    with store.session() as s:
        stages = {e: pipeline.get_entry(s, e).stage for e in (declared, noted, kept)}
        tagged = set(
            s.scalars(
                select(AuditEntry.entity_id).where(
                    AuditEntry.entity == pipeline.ENTITY, AuditEntry.batch_id == batch
                )
            )
        )
    assert stages == dict.fromkeys((declared, noted, kept), "已认定")
    assert tagged == {declared, noted, kept}  # written once for the batch, tagged with it
    with store.transaction() as s:
        pipeline.set_note(s, noted, "已发证", OP)  # a later note does not keep the entry closed
        enterprises.update(s, ids["young"], {"phone": "0558-5551234"}, OP)  # kept by the undo
    undone = drain(undo_import(store, batch, OP))
    assert [k.uscc for k in undone.kept] == [uscc(5)]
    with store.session() as s:
        back = pipeline.get_entry(s, declared)
        assert (back.stage, back.decided_on, back.declared_on) == ("已申报", None, date(2025, 9, 1))
        again = pipeline.get_entry(s, noted)
        assert (again.stage, again.note) == ("培育中", "已发证")
        # its certificate still stands (the enterprise was edited after the import): still closed
        assert pipeline.get_entry(s, kept).stage == "已认定"


def test_tech_sme_batch_track(store: Store) -> None:
    with store.transaction() as s:
        ids = district(s)
        entry = pipeline.add_entry(s, ids["short"], Y, OP, track="tech_sme")
        pipeline.add_entry(s, ids["expiring"], Y, OP, track="tech_sme")
        sme(s, ids["short"], Y, 5)
    with store.session() as s:
        found = cultivation.candidates(s, Y, track="tech_sme")
        stages = {c.enterprise_id: c.stage for c in found.rows if c.stage}
        high_tech = cultivation.candidates(s, Y)
    assert stages == {ids["short"]: "已认定", ids["expiring"]: "培育中"}
    assert all(c.stage is None for c in high_tech.rows)  # the tracks are separate
    with store.transaction() as s, pytest.raises(InputError, match="最终阶段"):
        pipeline.set_stage(s, entry, "培育中", OP)
    with store.session() as s:
        assert s.get(CultivationEntry, entry).stage == "已认定"  # type: ignore[union-attr]


def test_move_enterprise_adds_then_moves(store: Store) -> None:
    with store.transaction() as s:
        ids = district(s)
        first = pipeline.move_enterprise(s, ids["ok"], Y, "已申报", OP)
        second = pipeline.move_enterprise(s, ids["ok"], Y, "未通过", OP)
        with pytest.raises(InputError, match="新纳入"):
            pipeline.move_enterprise(s, ids["short"], Y, "已认定", OP)
        with pytest.raises(InputError, match="年度应在"):
            pipeline.add_entry(s, ids["short"], 1800, OP)
    assert first == second
