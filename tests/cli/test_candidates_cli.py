"""`bureau candidates` as a subprocess: the JSON of spec/cli.md, the table, stage moves, refusals."""

from __future__ import annotations

import json
from pathlib import Path

from db.store import Store
from tests.cli.conftest import Run
from tests.unit.cultivation_store import district, uscc


def test_json_shape_and_stage(store: Store, store_path: Path, bureau: Run) -> None:
    with store.transaction() as s:
        district(s)
    store.close()
    done = bureau("candidates", "--year", "2025", "--json")
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    assert [c["uscc"] for c in listed] == [uscc(1), uscc(3), uscc(2), uscc(7)]
    first = listed[0]
    assert set(first) == {"uscc", "name", "town", "stage", "tests", "gap_text"}
    assert (first["name"], first["town"], first["stage"]) == ("企业01", "十九里镇", None)
    assert first["tests"] == [
        {"test": "研发费用占比", "passed": False, "value": 1.18, "threshold": 5.0, "gap": 38.2},
        {"test": "研发人员占比", "passed": False, "value": 3.33, "threshold": 10.0, "gap": 2},
        {
            "test": "科技型中小企业（加分项）",
            "passed": False,
            "value": None,
            "threshold": None,
            "gap": None,
        },
    ]
    assert first["gap_text"] == "研发费用还差 38.2 万元；研发人员还差 2 人"
    assert listed[2]["gap_text"] == "全部达标" and listed[2]["tests"][2]["passed"] is True

    moved = bureau(
        "candidates", "stage", uscc(1), "--year", "2025", "--stage", "已申报", "--note", "九月申报"
    )
    assert moved.returncode == 0, moved.stderr
    town = json.loads(bureau("candidates", "--year", "2025", "--town", "十九里", "--json").stdout)
    assert [(c["name"], c["stage"]) for c in town] == [("企业01", "已申报"), ("企业03", None)]
    table = bureau("candidates", "--year", "2025")
    assert table.returncode == 0 and "研发费用还差 38.2 万元" in table.stdout
    refused = bureau("candidates", "stage", uscc(1), "--year", "2025", "--stage", "已申报")
    assert refused.returncode == 2 and "已是“已申报”" in refused.stderr


def test_bad_input_exits_2(bureau: Run) -> None:
    for args, message in (
        (("candidates", "--year", "20x5"), "年度应为4位数字"),
        (("candidates", "--year", "1800"), "年度应在2000到2100之间"),
        (("candidates",), "请用 --year 指定数据年度"),
        (("candidates", "--year", "2025", "--town", "无此镇"), "没有这个镇街：无此镇"),
        (
            ("candidates", "stage", uscc(99), "--year", "2025", "--stage", "培育中"),
            "名录中没有统一社会信用代码",
        ),
    ):
        done = bureau(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert message in done.stderr and done.stdout == ""
