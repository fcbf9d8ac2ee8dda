"""The import kinds other than enterprises through the engine: parse, plan, apply, undo, mapping."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from db.models import (
    AuditEntry,
    Carrier,
    Commissioner,
    Demand,
    Dispatch,
    Incubatee,
    ServiceRecord,
)
from db.rules.identifiers import (
    mask_resident_id,
    org_code_check_char,
    resident_id_check_char,
    uscc_check_char,
)
from db.services import carriers as carrier_service
from db.services.imports.batches import UndoRefused
from db.services.imports.mappings import load_mappings, save_mappings
from db.services.towns import add_towns
from db.store import Store
from desktop.importing.engine import (
    ImportOptions,
    ImportPlan,
    ImportRefused,
    apply_import,
    plan_import,
    undo_import,
)
from desktop.importing.schemas import COMMISSIONERS
from desktop.progress import drain

OPERATOR = "测试员"


def uscc(n: int) -> str:
    """A valid 统一社会信用代码 numbered n."""
    org = f"{n:08d}"
    body = f"91341602{org}{org_code_check_char(org)}"
    return body + uscc_check_char(body)


def resident_id(seq: int) -> str:
    """A valid resident ID (odd → 男)."""
    body = f"34160219800101{seq:03d}"
    return body + resident_id_check_char(body)


def write_csv(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def plan(store: Store, path: Path, **options: Any) -> ImportPlan:
    return drain(plan_import(store, path, ImportOptions(**options)))


def commit(store: Store, path: Path, **options: Any) -> tuple[ImportPlan, int]:
    planned = plan(store, path, **options)
    return planned, drain(apply_import(store, planned, OPERATOR)).batch_id


@pytest.fixture
def towns(store: Store) -> Store:
    with store.transaction() as s:
        add_towns(s, ["十九里镇", "五马镇"], OPERATOR)
    return store


def test_commissioner_schema_requires_exactly_the_starred_columns(
    towns: Store, tmp_path: Path
) -> None:
    assert COMMISSIONERS.column("field").header == "专业领域"
    assert COMMISSIONERS.required == ("name", "unit")  # 姓名*, 派出单位* (import.md)
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["姓名", "类型", "身份证号码", "派出单位", "专业领域", "联系人"],
            ["张三", "个人", resident_id(1), "亳州学院", "果树", ""],
            ["专家团队", "团队", "", "", "蔬菜", ""],
            ["示范站", "工作站", "", "亳州学院", "中药材", ""],
            ["农科院", "法人", "", "亳州市农科院", "", ""],  # 联系人 is not starred
        ],
    )
    planned, _batch = commit(towns, path)
    assert planned.kind == "commissioners"
    assert planned.counts["created"] == 3 and planned.counts["rejected"] == 1
    problem = planned.errors[0]
    assert problem.row == 3 and problem.column == "派出单位" and "必须填写" in problem.message
    with towns.session() as s:
        rows = {c.name: c for c in s.scalars(select(Commissioner))}
    assert rows["张三"].field == "果树" and rows["张三"].gender == "男"
    assert rows["示范站"].unit == "亳州学院" and rows["示范站"].kind == "工作站"


def test_commissioner_id_numbers_are_masked_in_problems(towns: Store, tmp_path: Path) -> None:
    good = resident_id(3)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    born_wrong = "341602" + "19801345" + "0011"
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["特派员姓名", "类型", "身份证号", "工作单位"],
            ["甲", "个人", bad, ""],
            ["乙", "个人", born_wrong, ""],
            ["丙", "个人", "", ""],
        ],
    )
    planned = plan(towns, path)
    assert planned.counts["rejected"] == 3
    text = json.dumps([p.as_json() for p in planned.errors + planned.warnings], ensure_ascii=False)
    assert bad not in text and born_wrong not in text and "19801345" not in text
    assert mask_resident_id(bad) in text
    # 派出单位 is starred (import.md); a 个人 without an ID number is only a warning.
    assert any(p.row == 4 and p.column == "工作单位" for p in planned.errors)
    assert any(p.row == 4 and "未填写身份证号码" in p.message for p in planned.warnings)


def test_update_shows_diffs_and_blank_never_erases(towns: Store, tmp_path: Path) -> None:
    header = ["载体名称", "载体类型", "场地面积", "联系电话", "镇街"]
    first = write_csv(
        tmp_path / "a.csv",
        [header, ["甲孵化器", "科技企业孵化器", "1000", "13800000001", "十九里"]],
    )
    commit(towns, first)
    second = write_csv(
        tmp_path / "b.csv", [header, ["甲孵化器", "科技企业孵化器", "1,200", "", ""]]
    )
    planned, _batch = commit(towns, second)
    assert planned.counts["updated"] == 1
    assert planned.kind_plans[0].shown_changes(2025) == {"area": (1000.0, 1200.0)}
    with towns.session() as s:
        carrier = s.scalars(select(Carrier)).one()
        assert (carrier.area, carrier.phone) == (1200.0, "13800000001")
        assert carrier.town_id is not None
    assert plan(towns, second).counts["unchanged"] == 1


def test_repeats_in_a_file_skip_or_reject(towns: Store, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["载体名称", "载体类型", "工位数"],
            ["甲", "众创空间", "10"],
            ["甲", "众创空间", ""],
            ["乙", "众创空间", "5"],
            ["乙", "众创空间", "6"],
        ],
    )
    planned = plan(towns, path)
    counts = planned.counts
    assert (counts["created"], counts["skipped"], counts["rejected"]) == (1, 1, 2)
    assert any(w.row == 3 and "与第2行重复" in w.message for w in planned.warnings)
    assert {p.row for p in planned.errors} == {4, 5}


def test_incubatee_rules_and_roster_link(towns: Store, tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "e.csv", [["企业名称", "统一社会信用代码"], ["甲公司", uscc(11)]])
    commit(towns, roster, year=2025)
    commit(towns, write_csv(tmp_path / "c.csv", [["载体名称", "载体类型"], ["孵化器A", "加速器"]]))
    path = write_csv(
        tmp_path / "i.csv",
        [
            [
                "载体名称",
                "企业名称或团队名称",
                "统一社会信用代码",
                "入孵日期",
                "离孵日期",
                "离孵方式",
            ],
            ["孵化器A", "甲公司", uscc(11), "2023-01-01", "2024-12-31", "毕业"],
            ["孵化器A", "团队B", "", "2024-01-01", "", ""],
            ["孵化器A", "乙公司", uscc(12), "2024-01-01", "", ""],
            ["孵化器A", "团队C", "", "2024-05-01", "2024-01-01", "迁出"],
            ["孵化器A", "团队D", "", "2024-05-01", "2024-06-01", ""],
            ["孵化器B", "团队E", "", "2024-05-01", "", ""],
        ],
    )
    planned, _batch = commit(towns, path)
    assert planned.counts["created"] == 2 and planned.counts["rejected"] == 4
    by_row = {p.row: p for p in planned.errors}
    assert uscc(12) in by_row[4].message and by_row[4].column == "统一社会信用代码"
    assert "不能早于" in by_row[5].message
    assert "离孵方式" in by_row[6].message
    assert "孵化器B" in by_row[7].message
    with towns.session() as s:
        rows = list(s.scalars(select(Incubatee).order_by(Incubatee.id)))
    assert rows[0].enterprise_id is not None and rows[0].team_name is None
    assert rows[1].team_name == "团队B"


def _commissioner_and_roster(store: Store, tmp_path: Path) -> None:
    commit(
        store,
        write_csv(
            tmp_path / "c.csv",
            [["姓名", "身份证号码", "派出单位"], ["张三", resident_id(1), "农大"]],
        ),
    )
    commit(
        store,
        write_csv(tmp_path / "e.csv", [["企业名称", "统一社会信用代码"], ["甲公司", uscc(21)]]),
        year=2025,
    )


def test_services_find_or_create_the_dispatch_and_convert_thousand_yuan(
    towns: Store, tmp_path: Path
) -> None:
    _commissioner_and_roster(towns, tmp_path)
    header = ["特派员姓名", "服务对象", "所属镇街", "服务日期", "服务方式", "经济效益（千元）"]
    path = write_csv(
        tmp_path / "s.csv",
        [
            header,
            ["张三", "甲公司", "五马镇", "2025-03-01", "现场指导", "50"],
            ["张三", "甲公司", "五马镇", "2025-04-01", "技术培训", ""],
            ["张三", "李庄村", "", "2025-05-01", "", "12"],
            ["李四", "李庄村", "", "2025-05-01", "", ""],
        ],
    )
    planned, batch = commit(towns, path)
    assert planned.counts["created"] == 3 and planned.counts["rejected"] == 1
    assert "李四" in planned.errors[0].message
    with towns.session() as s:
        dispatches = list(s.scalars(select(Dispatch).order_by(Dispatch.id)))
        records = list(s.scalars(select(ServiceRecord).order_by(ServiceRecord.id)))
        tagged = s.scalars(select(AuditEntry.entity).where(AuditEntry.batch_id == batch)).all()
    assert [d.target_name for d in dispatches] == ["甲公司", "李庄村"]
    assert dispatches[0].enterprise_id is not None and dispatches[0].town_id is not None
    assert [r.dispatch_id for r in records] == [dispatches[0].id] * 2 + [dispatches[1].id]
    assert records[0].benefit == pytest.approx(5.0) and records[2].kind == "现场指导"
    assert sorted(set(tagged)) == ["dispatch", "service_record"]
    again = write_csv(tmp_path / "s2.csv", [header, ["张三", "甲公司", "", "2025-06-01", "", ""]])
    commit(towns, again)
    with towns.session() as s:
        assert s.scalar(select(ServiceRecord.dispatch_id).order_by(ServiceRecord.id.desc())) == (
            dispatches[0].id
        )


def test_undo_restores_and_keeps_records_edited_later(towns: Store, tmp_path: Path) -> None:
    header = ["载体名称", "载体类型", "工位数"]
    commit(towns, write_csv(tmp_path / "a.csv", [header, ["甲", "众创空间", "10"]]))
    _plan, batch = commit(
        towns,
        write_csv(tmp_path / "b.csv", [header, ["甲", "众创空间", "20"], ["乙", "众创空间", "5"]]),
    )
    _plan, third = commit(towns, write_csv(tmp_path / "c.csv", [header, ["丙", "加速器", "1"]]))
    with towns.transaction() as s:
        other = s.scalar(select(Carrier.id).where(Carrier.name == "丙"))
        assert other is not None
        carrier_service.update_carrier(s, other, {"stations": 2}, OPERATOR)
    result = drain(undo_import(towns, batch, OPERATOR))
    assert result.reverted == 2 and not result.kept
    with towns.session() as s:
        assert {c.name: c.stations for c in s.scalars(select(Carrier))} == {"甲": 10, "丙": 2}
    kept = drain(undo_import(towns, third, OPERATOR))
    assert kept.reverted == 0 and [k.uscc for k in kept.kept] == ["丙"]
    with pytest.raises(UndoRefused):
        drain(undo_import(towns, batch, OPERATOR))


def test_demand_status_follows_the_flow_and_links_the_enterprise(
    towns: Store, tmp_path: Path
) -> None:
    commit(
        towns,
        write_csv(tmp_path / "e.csv", [["企业名称", "统一社会信用代码"], ["甲公司", uscc(31)]]),
        year=2025,
    )
    header = ["需求方", "统一社会信用代码", "需求内容", "提出日期", "状态"]
    path = write_csv(
        tmp_path / "d.csv",
        [
            header,
            ["甲公司", uscc(31), "病虫害", "2025-01-02", "已解决"],
            ["乙村", "", "养殖", "2025-01-03", ""],
        ],
    )
    planned, batch = commit(towns, path)
    assert planned.counts["created"] == 2
    back = write_csv(
        tmp_path / "d2.csv", [header, ["甲公司", "", "病虫害", "2025-01-02", "待对接"]]
    )
    refused = plan(towns, back)
    assert (
        refused.counts["rejected"] == 1
        and "不能从“已解决”改为“待对接”" in refused.errors[0].message
    )
    with towns.session() as s:
        first = s.scalars(select(Demand).order_by(Demand.id)).first()
        assert first is not None and first.status == "已解决" and first.enterprise_id is not None
    drain(undo_import(towns, batch, OPERATOR))
    with towns.session() as s:
        assert s.scalars(select(Demand)).first() is None


def test_column_mapping_override_and_saved_mapping(towns: Store, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "m.csv",
        [["基地名", "载体类型", "工位数", "备注栏"], ["甲基地", "星创天地", "8", "x"]],
    )
    with pytest.raises(Exception, match="表头"):
        plan(towns, path)
    mapped = plan(towns, path, mapping={"基地名": "name", "工位数": ""})
    assert mapped.kind == "carriers" and mapped.counts["created"] == 1
    assert "工位数" in mapped.ignored and "备注栏" in mapped.ignored
    assert "stations" not in mapped.kind_plans[0].incoming.values
    with towns.transaction() as s:
        save_mappings(s, "十九里镇", "carriers", {"基地 名": "name"})
    with towns.session() as s:
        assert load_mappings(s, "十九里镇", "carriers") == {"基地名": "name"}
        assert load_mappings(s, None, "carriers") == {}
    saved = plan(towns, path, town="十九里")
    assert saved.counts["created"] == 1 and saved.kind_plans[0].incoming.values["stations"] == 8
    with pytest.raises(Exception, match="表头"):
        plan(towns, path, town="五马镇")
    with pytest.raises(ImportRefused, match="载体名称"):
        auto = write_csv(tmp_path / "a.csv", [["载体名称", "载体类型"], ["甲", "加速器"]])
        plan(towns, auto, mapping={"载体名称": ""})


def test_mapping_override_applies_to_enterprises(towns: Store, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "e.csv",
        [["企业名称", "统一社会信用代码", "营收"], ["甲公司", uscc(41), "100"]],
    )
    planned = plan(towns, path, year=2025, mapping={"营收": "revenue"})
    assert planned.plans[0].incoming.figures == {"revenue": 100.0}
    assert plan(towns, path, year=2025).ignored == ["营收"]


def test_write_refused_by_a_service_rolls_back(towns: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [["载体名称", "载体类型"], ["甲", "加速器"]])
    planned = plan(towns, path)
    commit(towns, path)
    planned.stamp = None  # past the stale-preview guard (its own test: test_multi_sheet.py)
    with pytest.raises(ImportRefused, match="第2行"):
        drain(apply_import(towns, planned, OPERATOR))
    with towns.session() as s:
        assert len(s.scalars(select(Carrier)).all()) == 1
