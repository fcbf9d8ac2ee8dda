"""`bureau indicators list|add|set` and the seeds of `bureau init` (spec/cli.md)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.cli.conftest import Run

KEYS = {
    "code",
    "name",
    "unit",
    "kind",
    "source",
    "year",
    "base_year",
    "base_value",
    "target",
    "actual",
    "completion",
    "status",
    "yoy_growth",
    "avg_growth",
    "department",
    "by_town",
}


def _list(bureau: Run, *args: str) -> list[dict[str, object]]:
    done = bureau("indicators", "list", "--json", *args)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert isinstance(found, list)
    return found


def test_init_seeds_the_computed_indicators_once(bureau: Run, store_path: Path) -> None:
    assert bureau("init").returncode == 0
    assert bureau("init").returncode == 0  # idempotent
    with sqlite3.connect(store_path) as conn:
        codes = [c for (c,) in conn.execute("SELECT code FROM indicators")]
        targets = conn.execute("SELECT count(*) FROM indicator_targets").fetchone()[0]
    assert len(codes) == len(set(codes))
    assert {"high_tech_count", "tech_sme_count", "tech_contracts", "platforms_provincial"} <= set(
        codes
    )
    assert targets == 0


def test_list_json_shape_and_set(with_towns: Run) -> None:
    bureau = with_towns
    assert bureau("init").returncode == 0
    done = bureau("indicators", "set", "tech_contracts", "--year", "2025", "--target", "20")
    assert done.returncode == 0, done.stderr
    done = bureau(
        "indicators",
        "set",
        "high_tech_count",
        "--year",
        "2025",
        "--target",
        "3",
        "--town",
        "十九里镇",
    )
    assert done.returncode == 0, done.stderr
    rows = {r["code"]: r for r in _list(bureau, "--year", "2025", "--as-of", "2025-06-30")}
    contracts = rows["tech_contracts"]
    assert set(contracts) == KEYS
    assert (contracts["unit"], contracts["kind"], contracts["source"]) == (
        "亿元",
        "amount",
        "contracts_absorbed",
    )
    assert (contracts["target"], contracts["actual"], contracts["completion"]) == (20.0, 0.0, 0.0)
    assert contracts["status"] == "滞后"
    ht = rows["high_tech_count"]
    towns = {t["town"]: t for t in ht["by_town"]}  # type: ignore[union-attr]
    assert towns["十九里镇"] == {"town": "十九里镇", "target": 3.0, "actual": 0.0}
    assert towns["古井镇"]["target"] is None
    narrowed = _list(bureau, "--year", "2025", "--town", "十九里镇")
    assert {r["code"] for r in narrowed} >= {"high_tech_count"}
    assert "rd_growth" not in {r["code"] for r in narrowed}


def test_add_and_manual_actual(bureau: Run) -> None:
    assert bureau("init").returncode == 0
    done = bureau(
        "indicators",
        "add",
        "gdp_share",
        "--name",
        "高新技术产业增加值占比",
        "--unit",
        "%",
        "--source",
        "manual",
        "--kind",
        "rate",
        "--base-year",
        "2020",
        "--base-value",
        "40.5",
        "--department",
        "区统计局",
    )
    assert done.returncode == 0, done.stderr
    assert (
        bureau("indicators", "set", "gdp_share", "--year", "2025", "--actual", "47.2").returncode
        == 0
    )
    assert (
        bureau("indicators", "set", "gdp_share", "--year", "2025", "--target", "45").returncode == 0
    )
    row = next(r for r in _list(bureau, "--year", "2025") if r["code"] == "gdp_share")
    assert (row["actual"], row["target"], row["completion"], row["status"]) == (
        47.2,
        45.0,
        2.2,
        "已完成",
    )
    assert (row["base_year"], row["base_value"], row["department"]) == (2020, 40.5, "区统计局")
    text = bureau("indicators", "list", "--year", "2025")
    assert text.returncode == 0 and "高新技术产业增加值占比：完成 47.2%" in text.stdout


def test_bad_input_exits_2_in_chinese(bureau: Run) -> None:
    assert bureau("init").returncode == 0
    cases = [
        ("indicators", "set", "nope", "--year", "2025", "--target", "1"),
        ("indicators", "set", "high_tech_count", "--year", "2025", "--actual", "5"),
        ("indicators", "set", "high_tech_count", "--year", "2025", "--target", "abc"),
        (
            "indicators",
            "set",
            "high_tech_count",
            "--year",
            "2025",
            "--target",
            "1",
            "--town",
            "火星镇",
        ),
        ("indicators", "add", "x1", "--name", "x", "--unit", "个", "--source", "platforms:*:乡级+"),
        (
            "indicators",
            "add",
            "high_tech_count",
            "--name",
            "x",
            "--unit",
            "个",
            "--source",
            "manual",
        ),
        ("indicators", "list", "--year", "2025", "--as-of", "2024-01-01"),
        ("indicators", "list", "--year", "abc"),
    ]
    for args in cases:
        done = bureau(*args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert done.stdout == ""
        assert any("\u4e00" <= ch <= "\u9fff" for ch in done.stderr), done.stderr
