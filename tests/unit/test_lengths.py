"""A text longer than its column's String(n) is refused on every audited write (issue 11, item 10).

One rule (db.rules.text.too_long) with the column's declared length and the clerk's name of the
field (db.services.lengths), called by audit.add_created / apply_changes / apply_year: the message
names the field ("企业名称不能超过200个字") and nothing is written.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import String, Text, func, select, update
from sqlalchemy.orm import Session

from db.models import AuditEntry, Base, Carrier, Enterprise
from db.rules.identifiers import org_code_check_char, uscc_check_char
from db.rules.text import too_long
from db.services import carriers, enterprises, platforms
from db.services.commissioners import demands, dispatches, records, roster
from db.services.enterprises import qualifications
from db.services.errors import InputError
from db.services.imports import kinds
from db.services.imports.other import Incoming, Issue
from db.services.lengths import LABELS, length_problems
from db.services.towns import add_towns
from db.store import Store
from desktop.importing.engine import ImportOptions, apply_import, plan_import
from desktop.progress import drain

OP = "测试员"
MEGABYTE = "华" * (1 << 20)
# Tables no clerk writes through the audited services (settings, catalogue, history, returns).
INTERNAL = {
    "audit_log",
    "import_batches",
    "column_mappings",
    "bureau_settings",
    "qualification_types",
    "indicator_actuals",  # entered_by: the operator, not typed
    "return_legal_marks",
    "submitted_returns",
}


def uscc(n: int) -> str:
    """A valid 统一社会信用代码 numbered n."""
    org = f"{n:08d}"
    body = f"91341602{org}{org_code_check_char(org)}"
    return body + uscc_check_char(body)


def _count(s: Session, model: Any) -> int:
    return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_the_rule() -> None:
    assert too_long("企业名称", "甲" * 200, 200) is None
    assert too_long("企业名称", "甲" * 201, 200) == "企业名称不能超过200个字"
    assert too_long("企业名称", None, 200) is None and too_long("工位数", 10**9, 2) is None


def test_every_limited_column_a_clerk_writes_has_a_label() -> None:
    for table in Base.metadata.sorted_tables:
        if table.name in INTERNAL:
            continue
        for column in table.c:
            limited = isinstance(column.type, String) and not isinstance(column.type, Text)
            if limited and column.type.length:
                assert column.name in LABELS.get(table.name, {}), (table.name, column.name)


def test_a_megabyte_company_name_is_refused_and_nothing_written(store: Store) -> None:
    with store.transaction() as s:
        with pytest.raises(InputError) as refused:
            enterprises.create(s, {"name": MEGABYTE, "uscc": uscc(1)}, OP)
        assert (str(refused.value), refused.value.field) == ("企业名称不能超过200个字", "name")
    with store.session() as s:
        assert _count(s, Enterprise) == 0 and _count(s, AuditEntry) == 0


def test_update_is_refused_before_anything_changes(store: Store) -> None:
    with store.transaction() as s:
        eid = enterprises.create(s, {"name": "甲" * 200, "uscc": uscc(1)}, OP)
        with pytest.raises(InputError, match="注册地址不能超过300个字") as refused:
            enterprises.update(s, eid, {"legal_rep": "张三", "address": "路" * 301}, OP)
        assert refused.value.field == "address"
        assert enterprises.get(s, eid).legal_rep is None
        enterprises.update(s, eid, {"legal_rep": "张" * 50}, OP)


@pytest.mark.sqlite_only  # PostgreSQL never stored a text longer than its column
def test_an_old_too_long_value_does_not_block_other_edits(store: Store) -> None:
    """Stores written before the rule may hold longer texts: editing another field still works."""
    with store.transaction() as s:
        eid = enterprises.create(s, {"name": "甲公司", "uscc": uscc(1)}, OP)
    with store.transaction() as s:
        s.execute(update(Enterprise).where(Enterprise.id == eid).values(name="甲" * 300))
    with store.transaction() as s:
        assert enterprises.update(s, eid, {"name": "甲" * 300, "legal_rep": "张三"}, OP) == {
            "legal_rep": (None, "张三")
        }


def _carrier(s: Session) -> int:
    return carriers.create_carrier(s, {"name": "甲基地", "kind": "众创空间"}, OP)


def _commissioner(s: Session) -> int:
    return roster.create(s, {"name": "张三", "kind": "团队", "unit": "农科院"}, OP)


def _dispatch(s: Session) -> int:
    return dispatches.dispatch(s, _commissioner(s), "某合作社", None, date(2025, 1, 2), operator=OP)


def _enterprise(s: Session) -> int:
    return enterprises.create(s, {"name": "甲公司", "uscc": uscc(2)}, OP)


def _qualification(s: Session) -> int:
    eid = _enterprise(s)
    tid = qualifications.type_id(s, "high_tech")
    values = {"type_id": tid, "number": "GR202034000123", "issued_on": date(2020, 5, 6)}
    return qualifications.add(s, eid, values, OP)


WRITES: dict[str, tuple[Callable[[Session], object], str, str]] = {
    "enterprise name": (
        lambda s: enterprises.create(s, {"name": MEGABYTE, "uscc": uscc(1)}, OP),
        "name",
        "企业名称不能超过200个字",
    ),
    "carrier name": (
        lambda s: carriers.create_carrier(s, {"name": MEGABYTE, "kind": "众创空间"}, OP),
        "name",
        "载体名称不能超过200个字",
    ),
    "carrier operator, update": (
        lambda s: carriers.update_carrier(s, _carrier(s), {"operator": "运" * 201}, OP),
        "operator",
        "运营主体不能超过200个字",
    ),
    "incubatee team": (
        lambda s: carriers.add_incubatee(
            s, _carrier(s), {"team_name": "队" * 201, "entered_on": date(2025, 1, 2)}, OP
        ),
        "team_name",
        "团队名称不能超过200个字",
    ),
    "platform host": (
        lambda s: platforms.create_platform(
            s,
            {"name": "甲中心", "kind": "工程技术研究中心", "level": "省级", "host_name": MEGABYTE},
            OP,
        ),
        "host_name",
        "依托单位不能超过200个字",
    ),
    "commissioner unit": (
        lambda s: roster.create(s, {"name": "张三", "kind": "团队", "unit": MEGABYTE}, OP),
        "unit",
        "派出单位不能超过200个字",
    ),
    "commissioner title, update": (
        lambda s: roster.update(s, _commissioner(s), {"title": "职" * 51}, OP),
        "title",
        "职称不能超过50个字",
    ),
    "demand requester": (
        lambda s: demands.create(
            s, {"requester": MEGABYTE, "problem": "病虫害", "raised_on": date(2025, 1, 2)}, OP
        ),
        "requester",
        "需求方不能超过200个字",
    ),
    "dispatch target": (
        lambda s: dispatches.dispatch(
            s, _commissioner(s), "对" * 201, None, date(2025, 1, 2), operator=OP
        ),
        "target_name",
        "服务对象不能超过200个字",
    ),
    "service place": (
        lambda s: records.add(
            s, _dispatch(s), {"served_on": date(2025, 2, 1), "place": MEGABYTE}, OP
        ),
        "place",
        "服务地点不能超过200个字",
    ),
    "qualification revoke reason": (
        lambda s: qualifications.revoke(s, _qualification(s), date(2024, 1, 1), MEGABYTE, OP),
        "revoke_reason",
        "撤销原因不能超过200个字",
    ),
}


@pytest.mark.parametrize("case", list(WRITES))
def test_every_service_refuses_a_too_long_text(store: Store, case: str) -> None:
    write, field, message = WRITES[case]
    with store.transaction() as s:
        with pytest.raises(InputError) as refused:
            write(s)
        assert (str(refused.value), refused.value.field) == (message, field)


def test_length_problems_name_each_field() -> None:
    table = Carrier.__table__
    assert length_problems(table, {"name": "甲" * 201, "stations": 5, "note": MEGABYTE}) == {
        "name": "载体名称不能超过200个字"
    }


def _csv(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_an_import_row_of_another_kind_with_a_too_long_text_is_rejected(
    store: Store, tmp_path: Path
) -> None:
    """The row is rejected before writing (naming the column), the others are written."""
    with store.transaction() as s:
        add_towns(s, ["古井镇"], OP)
    rows = [["载体名称", "载体类型", "运营主体"], ["甲基地", "众创空间", "运" * 201]]
    rows.append(["乙基地", "众创空间", "某公司"])
    plan = drain(plan_import(store, _csv(tmp_path / "c.csv", rows), ImportOptions()))
    assert plan.counts["rejected"] == 1 and plan.counts["created"] == 1
    problem = plan.errors[0]
    assert (problem.row, problem.column) == (2, "运营主体") and "200" in problem.message
    drain(apply_import(store, plan, OP))
    with store.session() as s:
        assert list(s.scalars(select(Carrier.name))) == ["乙基地"]


def _incoming(values: dict[str, Any], **refs: Any) -> Incoming:
    return Incoming(2, ("甲",), "甲", values, refs)


def test_the_planners_of_the_other_kinds_reject_a_too_long_text(store: Store) -> None:
    """Whatever the sheet reader lets through, planning refuses the row, naming the field."""
    today = date(2025, 6, 1)
    with store.transaction() as s:
        roster.create(s, {"name": "张三", "kind": "团队", "unit": "农科院"}, OP)
        carrier = kinds.plan_carrier(s, _incoming({"name": "甲", "operator": "运" * 201}), today)
        assert carrier.issues == [Issue("operator", "运营主体不能超过200个字")]
        values = {"served_on": date(2025, 2, 1)}
        service = kinds.plan_service(
            s, _incoming(values, commissioner="张三", target="对" * 201), today
        )
        assert service.issues == [Issue("target", "服务对象不能超过200个字")]
        platform = kinds.plan_platform(s, _incoming({"name": MEGABYTE}), today)
        assert platform.issues == [Issue("name", "平台名称不能超过200个字")]
