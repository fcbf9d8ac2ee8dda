"""Commissioner services: validation per kind, demand flow, suggestions, dispatch, services, grades."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from db.models import AuditEntry, Commissioner
from db.rules.identifiers import mask_resident_id, resident_id_check_char
from db.services.commissioners import (
    assessments,
    coverage,
    demands,
    dispatches,
    records,
    roster,
    suggest,
)
from db.services.errors import DuplicateError, InputError
from db.services.towns import add_towns, list_towns
from db.store import Store

OP = "测试员"
TODAY = date(2025, 6, 30)


def person_id(body: str = "34160219800101001") -> str:
    """A valid resident ID from its first 17 digits."""
    return body + resident_id_check_char(body)


def towns(store: Store) -> dict[str, int]:
    with store.transaction() as s:
        add_towns(s, ["十九里镇", "古井镇", "魏岗镇"], OP)
        return {t.name: t.id for t in list_towns(s)}


def new_person(s, name: str, field: str, body: str) -> int:  # type: ignore[no-untyped-def]
    values = {"name": name, "kind": "个人", "id_number": person_id(body), "field": field}
    return roster.create(s, values, OP, today=TODAY)


# ----- validation -----


def test_person_requires_valid_id_and_derives_gender(store: Store) -> None:
    with store.transaction() as s:
        # Not starred in import.md: a 个人 without an ID number is a warning, not an error.
        checked = roster.check({"name": "张三", "kind": "个人"}, TODAY)
        assert checked.ok and any("身份证" in w for w in checked.warnings)
        bad = person_id()[:-1] + ("0" if person_id()[-1] != "0" else "1")
        with pytest.raises(InputError, match="校验位"):
            roster.create(s, {"name": "张三", "kind": "个人", "id_number": bad}, OP)
        cid = roster.create(s, {"name": "张三", "id_number": person_id()}, OP)
        assert roster.get(s, cid).gender == "男"  # order digit 001 is odd
        female = person_id("34160219850505002")
        cid2 = roster.create(s, {"name": "李四", "id_number": female}, OP)
        assert roster.get(s, cid2).gender == "女"
        with pytest.raises(DuplicateError):
            roster.create(s, {"name": "张三二", "id_number": person_id()}, OP)


def test_birth_date_must_be_real_and_past() -> None:
    future = person_id("34160220990101001")
    assert "未来" in roster.check({"name": "甲", "id_number": future}, TODAY).errors["id_number"]
    unreal = person_id("34160219800230001")
    assert (
        "出生日期无效"
        in roster.check({"name": "甲", "id_number": unreal}, TODAY).errors["id_number"]
    )


def test_unknown_region_is_a_warning_only() -> None:
    checked = roster.check({"name": "甲", "id_number": person_id("99160219800101001")}, TODAY)
    assert checked.ok
    assert checked.warnings and "地区代码" in checked.warnings[0]


def test_legal_person_needs_unit_not_contact_nor_id() -> None:
    errors = roster.check({"name": "农科院", "kind": "法人"}, TODAY).errors
    assert set(errors) == {"unit"}  # 联系人 is not starred in import.md
    ok = roster.check(
        {"name": "农科院", "kind": "法人", "unit": "亳州市农科院", "contact_person": "王五"}, TODAY
    )
    assert ok.ok
    assert (
        "id_number"
        in roster.check(
            {"name": "团队", "kind": "团队", "unit": "某大学", "id_number": person_id()}, TODAY
        ).errors
    )
    assert set(roster.check({"name": "工作站", "kind": "工作站"}, TODAY).errors) == {"unit"}


def test_phone_is_validated_and_normalised() -> None:
    base = {"name": "乙", "id_number": person_id()}
    assert "phone" in roster.check(base | {"phone": "12345"}, TODAY).errors
    assert roster.check(base | {"phone": "138 0000 1111"}, TODAY).values["phone"] == "13800001111"


def test_masking_keeps_first_and_last_four() -> None:
    number = person_id()
    assert mask_resident_id(number) == number[:4] + "*" * 10 + number[-4:]
    view = roster.CommissionerView(id=1, name="甲", kind="个人", id_number=number)
    assert view.masked_id == mask_resident_id(number)
    assert number not in view.masked_id


# ----- crud, search, audit -----


def test_update_delete_restore_are_audited_and_searchable(store: Store) -> None:
    with store.transaction() as s:
        cid = new_person(s, "王建国", "中药材种植", "34160219800101001")
        diff = roster.update(s, cid, {"phone": "13800001111", "unit": "亳州学院"}, OP, today=TODAY)
        assert diff["unit"] == (None, "亳州学院")
        assert [v.id for v in roster.search(s, roster.CommissionerFilter(text="wjg"))] == [cid]
        assert [v.id for v in roster.search(s, roster.CommissionerFilter(text="亳州学院"))] == [cid]
        assert roster.search(s, roster.CommissionerFilter(field="中药"))[0].id == cid
        roster.soft_delete(s, cid, OP)
        assert roster.search(s, roster.CommissionerFilter()) == []
        assert roster.search(s, roster.CommissionerFilter(deleted=True))[0].id == cid
        roster.restore(s, cid, OP)
        assert roster.search(s, roster.CommissionerFilter())[0].id == cid
        actions = s.scalars(
            select(AuditEntry.action).where(
                AuditEntry.entity == "commissioner", AuditEntry.entity_id == cid
            )
        ).all()
    assert {"create", "update", "delete", "restore"} <= set(actions)


# ----- demand flow -----


def test_demand_status_flow_refuses_other_steps(store: Store) -> None:
    with store.transaction() as s:
        did = demands.create(
            s,
            {
                "requester": "张庄村",
                "requester_kind": "村",
                "problem": "白芍根腐病",
                "raised_on": TODAY,
            },
            OP,
            today=TODAY,
        )
        with pytest.raises(InputError, match="不能从“待对接”改为“已解决”"):
            demands.set_status(s, did, "已解决", OP)
        demands.set_status(s, did, "已对接", OP)
        demands.set_status(s, did, "已解决", OP)
        with pytest.raises(InputError, match="已办结"):
            demands.set_status(s, did, "已关闭", OP)
        with pytest.raises(InputError, match="晚于今天"):
            demands.create(
                s,
                {"requester": "甲", "problem": "乙", "raised_on": date(2025, 7, 1)},
                OP,
                today=TODAY,
            )


def _known_set(store: Store) -> dict[str, int]:
    """Three commissioners: A exact field + busy, B exact field + served the town, C partial field."""
    t = towns(store)
    with store.transaction() as s:
        a = new_person(s, "甲专家", "中药材种植", "34160219800101001")
        b = new_person(s, "乙专家", "中药材种植", "34160219800101011")
        c = new_person(s, "丙专家", "中药材加工", "34160219800101021")
        d = new_person(s, "丁专家", "机械制造", "34160219800101031")
        for target in ("甲企业", "乙企业"):  # A: two active dispatches elsewhere
            dispatches.dispatch(s, a, target, t["魏岗镇"], date(2025, 1, 1), operator=OP)
        # B: served 十九里镇 in 2024, ended
        dispatches.dispatch(
            s, b, "李楼村", t["十九里镇"], date(2024, 3, 1), date(2024, 12, 31), operator=OP
        )
        did = demands.create(
            s,
            {
                "requester": "张庄村",
                "requester_kind": "村",
                "town_id": t["十九里镇"],
                "field": "中药材种植",
                "problem": "白芍连作障碍",
                "raised_on": date(2025, 5, 1),
            },
            OP,
            today=TODAY,
        )
    return {"a": a, "b": b, "c": c, "d": d, "demand": did, **t}


def test_suggestions_rank_by_field_town_and_load(store: Store) -> None:
    ids = _known_set(store)
    with store.session() as s:
        ranked = suggest.suggest(s, ids["demand"], 2025, today=TODAY)
    assert [r.commissioner_id for r in ranked] == [ids["b"], ids["a"], ids["c"], ids["d"]]
    b, a, c, d = ranked
    assert b.reasons == ("专业领域一致（中药材种植）", "曾在十九里镇服务", "当前无在服对象")
    assert (b.score, a.score, c.score, d.score) == (115, 80, 50, 0)
    assert a.reasons == ("专业领域一致（中药材种植）", "当前在服对象2个")
    assert c.reasons == ("专业领域相近（中药材加工）", "当前无在服对象")


def test_suggestion_ties_are_deterministic(store: Store) -> None:
    with store.transaction() as s:
        did = demands.create(
            s,
            {"requester": "甲", "problem": "乙", "field": "畜牧养殖", "raised_on": TODAY},
            OP,
            today=TODAY,
        )
        for n, name in enumerate(("乙", "甲", "丙")):
            new_person(s, name, "畜牧养殖", f"341602198001010{n}1")
        first = [r.name for r in suggest.suggest(s, did, 2025, today=TODAY)]
        again = [r.name for r in suggest.suggest(s, did, 2025, today=TODAY)]
    assert first == again == sorted(first)


def test_flow_dispatch_services_assessment_summary_coverage(store: Store) -> None:
    ids = _known_set(store)
    with store.transaction() as s:
        top = suggest.suggest(s, ids["demand"], 2025, today=TODAY)[0]
        dis = dispatches.dispatch(
            s,
            top.commissioner_id,
            "张庄村",
            ids["十九里镇"],
            date(2025, 5, 10),
            agreement=True,
            demand_id=ids["demand"],
            operator=OP,
        )
        assert demands.get(s, ids["demand"]).status == "已对接"
        records.add(
            s,
            dis,
            {
                "served_on": date(2025, 5, 20),
                "kind": "现场指导",
                "trained": 12,
                "technologies": 1,
                "benefit": 3.5,
            },
            OP,
            today=TODAY,
        )
        records.add(
            s,
            dis,
            {"served_on": date(2025, 6, 2), "kind": "技术培训", "trained": 30, "benefit": 1.25},
            OP,
            today=TODAY,
        )
        records.add(s, dis, {"served_on": date(2024, 12, 30), "trained": 99}, OP, today=TODAY)
        with pytest.raises(InputError, match="晚于今天"):
            records.add(s, dis, {"served_on": date(2025, 7, 2)}, OP, today=TODAY)
        with pytest.raises(InputError, match="负数"):
            records.add(s, dis, {"served_on": TODAY, "trained": -1}, OP, today=TODAY)
        with pytest.raises(InputError, match="负数"):
            records.add(s, dis, {"served_on": TODAY, "benefit": -0.5}, OP, today=TODAY)
        assessments.set_grade(s, top.commissioner_id, 2025, "优秀", OP)
        with pytest.raises(InputError, match="考核等次"):
            assessments.set_grade(s, top.commissioner_id, 2025, "特优", OP)
        summary = assessments.year_summary(s, top.commissioner_id, 2025)
        assert summary == assessments.YearSummary(2, 42, 1, 4.75)
        rows = {r.commissioner_id: r for r in assessments.assessment_rows(s, 2025)}
        assert rows[top.commissioner_id].grade == "优秀"
        assert rows[top.commissioner_id].summary == summary
        filtered = roster.search(s, roster.CommissionerFilter(year=2025, grade="优秀"))
        assert [v.id for v in filtered] == [top.commissioner_id]
        served = roster.search(s, roster.CommissionerFilter(town_id=ids["十九里镇"], year=2025))
        assert [v.id for v in served] == [top.commissioner_id]
        cov = coverage.coverage(s, 2025)
    by_town = {t.town: t for t in cov.towns}
    assert by_town["十九里镇"].commissioners == 1 and by_town["十九里镇"].units == 1
    assert by_town["魏岗镇"].commissioners == 1 and by_town["魏岗镇"].units == 2
    assert [t.town for t in cov.uncovered] == ["古井镇"]
    assert by_town["十九里镇"].matched_demands == 1 and cov.open_demands == 0
    assert cov.served_units == ("乙企业", "张庄村", "甲企业")


def test_coverage_counts_open_demands_by_town(store: Store) -> None:
    t = towns(store)
    with store.transaction() as s:
        for town in ("古井镇", "古井镇", "魏岗镇"):
            demands.create(
                s,
                {"requester": "甲", "problem": "乙", "town_id": t[town], "raised_on": TODAY},
                OP,
                today=TODAY,
            )
        cov = coverage.coverage(s, 2025)
    pending = {x.town: x.pending_demands for x in cov.towns}
    assert pending == {"十九里镇": 0, "古井镇": 2, "魏岗镇": 1}
    assert len(cov.uncovered) == 3 and cov.open_demands == 3


def test_dispatch_refuses_a_closed_demand_and_bad_period(store: Store) -> None:
    ids = _known_set(store)
    with store.transaction() as s:
        with pytest.raises(InputError, match="结束日期"):
            dispatches.dispatch(s, ids["c"], "甲", None, TODAY, date(2025, 1, 1), operator=OP)
        demands.set_status(s, ids["demand"], "已关闭", OP)
        with pytest.raises(InputError, match="已关闭"):
            dispatches.dispatch(
                s, ids["c"], "甲", None, TODAY, demand_id=ids["demand"], operator=OP
            )
        assert s.scalar(select(Commissioner.search_text).where(Commissioner.id == ids["c"]))
