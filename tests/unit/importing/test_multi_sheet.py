"""A workbook of several sheets and kinds is one batch; its undo restores the store (issue 12).

The enterprise export's three sheets (企业, 资质, 年度数据) import together — qualifications and
figures may name enterprises the same batch creates — and a workbook can mix kinds (an enterprise
sheet and a commissioner sheet); one undo takes every sheet's writes back.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from db.models import Commissioner, Enterprise, EnterpriseYear, Qualification
from db.services.towns import add_towns
from db.store import Store
from desktop.importing.engine import ImportOptions, apply_import, plan_import, undo_import
from desktop.progress import drain
from tests.unit.importing.crafted import uscc

TODAY = date(2026, 1, 10)
A, B = uscc(11), uscc(12)


def _book(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = Workbook()
    first = book.active
    assert first is not None
    for index, (name, rows) in enumerate(sheets.items()):
        sheet = first if index == 0 else book.create_sheet()
        sheet.title = name
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _counts(store: Store) -> tuple[int, ...]:
    with store.session() as s:
        return tuple(
            int(s.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Enterprise, Qualification, EnterpriseYear, Commissioner)
        )


def _import(store: Store, path: Path) -> tuple[object, int | None]:
    plan = drain(plan_import(store, path, ImportOptions(year=2025), today=TODAY))
    return plan, drain(apply_import(store, plan, "测试员")).batch_id


def test_three_sheets_of_an_export_are_one_batch_and_one_undo(store: Store, tmp_path: Path) -> None:
    with store.transaction() as s:
        add_towns(s, ["十九里镇"], "测试员")
    path = _book(
        tmp_path / "export.xlsx",
        {
            "企业": [
                [
                    "企业名称",
                    "统一社会信用代码",
                    "所属镇街",
                    "营业收入(万元)",
                    "高新技术企业证书编号",
                    "高企发证日期",
                ],
                ["甲科技有限公司", A, "十九里镇", 900, "GR202234000011", "2022-10-01"],
                ["乙科技有限公司", B, "十九里镇", 100, None, None],
            ],
            "资质": [
                [
                    "统一社会信用代码",
                    "资质类型",
                    "编号",
                    "发证日期",
                    "年度",
                    "有效期至",
                    "撤销日期",
                    "撤销原因",
                ],
                [A, "高新技术企业", "GR201934000011", "2019-10-01", None, "2022-09-30", None, None],
                [A, "高新技术企业", "GR202234000011", "2022-10-01", None, "2025-09-30", None, None],
                [
                    B,
                    "科技型中小企业",
                    "2024341602A0000012",
                    None,
                    2024,
                    None,
                    "2024-08-01",
                    "查实不符",
                ],
            ],
            "年度数据": [
                ["统一社会信用代码", "年度", "营业收入(万元)", "研发费用(万元)"],
                [A, 2024, 800, 40],
                [A, 2025, 950, 50],  # the 企业 sheet's 900 is read from here instead
                [B, 2025, 100, 0],
            ],
        },
    )
    plan, batch = _import(store, path)
    assert [s.kind for s in plan.sheets] == ["enterprises", "qualifications", "figures"]
    assert plan.counts["rejected"] == 0, [p.as_json() for p in plan.errors]
    assert plan.counts["created"] == 2 + 3 + 3
    assert any("年度数据表" in w.message for w in plan.warnings)
    assert _counts(store) == (2, 3, 3, 0)
    with store.session() as s:
        revenue = s.scalar(
            select(EnterpriseYear.revenue)
            .where(EnterpriseYear.year == 2025)
            .order_by(EnterpriseYear.enterprise_id)
        )
        revoked = s.scalar(
            select(Qualification.revoke_reason).where(Qualification.revoked_on.is_not(None))
        )
    assert revenue == 950 and revoked == "查实不符"
    again = drain(plan_import(store, path, ImportOptions(year=2025), today=TODAY))
    assert again.counts["unchanged"] == again.counts["rows"] == 8
    assert batch is not None
    result = drain(undo_import(store, batch, "测试员"))
    assert not result.kept and _counts(store) == (0, 0, 0, 0)


def test_qualifications_of_an_unknown_code_are_rejected(store: Store, tmp_path: Path) -> None:
    path = _book(
        tmp_path / "资质.xlsx",
        {
            "资质": [
                ["统一社会信用代码", "资质类型", "编号", "发证日期"],
                [A, "高新技术企业", "GR202234000011", "2022-10-01"],
                [B, "不存在的资质", "X1", "2022-10-01"],
            ]
        },
    )
    plan = drain(plan_import(store, path, ImportOptions(year=2025), today=TODAY))
    messages = {p.row: p.message for p in plan.errors}
    assert "不在企业名录中" in messages[2] and "资质类型“不存在的资质”不存在" in messages[3]


def test_a_workbook_of_two_kinds_is_one_batch_undone_at_once(store: Store, tmp_path: Path) -> None:
    path = _book(
        tmp_path / "混合.xlsx",
        {
            "企业": [["企业名称", "统一社会信用代码"], ["甲科技有限公司", A]],
            "特派员": [["姓名", "类型", "派出单位"], ["农科院", "法人", "亳州市农科院"]],
        },
    )
    plan, batch = _import(store, path)
    assert [s.kind for s in plan.sheets] == ["enterprises", "commissioners"]
    assert _counts(store) == (1, 0, 0, 1)
    assert batch is not None
    result = drain(undo_import(store, batch, "测试员"))
    assert result.reverted == 2 and _counts(store) == (0, 0, 0, 0)


def test_a_plan_made_before_another_write_is_refused_and_writes_nothing(
    store: Store, tmp_path: Path
) -> None:
    from db.services.enterprises import crud
    from desktop.importing.engine import PlanOutdated

    path = _book(
        tmp_path / "a.xlsx", {"企业": [["企业名称", "统一社会信用代码"], ["甲科技有限公司", A]]}
    )
    plan = drain(plan_import(store, path, ImportOptions(year=2025), today=TODAY))
    with store.transaction() as s:
        crud.create(s, {"name": "乙科技有限公司", "uscc": B}, "另一位")
    with pytest.raises(PlanOutdated):
        drain(apply_import(store, plan, "测试员"))
    assert _counts(store) == (1, 0, 0, 0)
    fresh = drain(plan_import(store, path, ImportOptions(year=2025), today=TODAY))
    assert drain(apply_import(store, fresh, "测试员")).batch_id is not None


def test_a_masked_id_sent_back_by_a_town_matches_its_commissioner(
    store: Store, tmp_path: Path
) -> None:
    """An export without --with-ids masks IDs (3416**********0011); the town edits it and sends it
    back: rows are matched by name and masked ID, the stored number is kept, and an unknown
    masked person is refused with what to do."""
    from db.rules.identifiers import mask_resident_id, resident_id_check_char
    from db.services.commissioners import roster

    body = "34160219800101001"
    number = body + resident_id_check_char(body)
    with store.transaction() as s:
        cid = roster.create(s, {"name": "张三", "id_number": number, "unit": "农科院"}, "测试员")
    masked = mask_resident_id(number)
    path = _book(
        tmp_path / "特派员.xlsx",
        {
            "特派员": [
                ["姓名", "类型", "身份证号码", "派出单位", "联系电话"],
                ["张三", "个人", masked, "农科院", "13800000001"],
                ["李四", "个人", masked, "林科院", None],
            ]
        },
    )
    plan = drain(plan_import(store, path, ImportOptions(year=2025), today=TODAY))
    assert plan.counts["updated"] == 1 and plan.counts["rejected"] == 1
    (error,) = plan.errors
    assert error.row == 3 and "已遮盖" in error.message and number not in error.message
    drain(apply_import(store, plan, "测试员"))
    with store.session() as s:
        kept = roster.get(s, cid)
    assert kept.id_number == number and kept.phone == "13800000001"
