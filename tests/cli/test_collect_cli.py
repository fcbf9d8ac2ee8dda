"""`bureau collect new` and `bureau collect status` (spec/cli.md), run as the real command."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from db.services import rounds
from db.store import open_store
from tests.cli.conftest import TOWNS, Run, import_json
from tests.unit.test_roster_service import make_uscc

YEAR = date.today().year - 1


@pytest.fixture
def seeded(with_towns: Run, tmp_path: Path) -> Run:
    """Three enterprises: two in 十九里镇, one in 五马镇."""
    source = tmp_path / "seed.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [
                ["企业名称", "统一社会信用代码", "所属镇街", "营业收入(万元)"],
                ["甲科技有限公司", make_uscc(1), "十九里镇", "1200"],
                ["乙材料有限公司", make_uscc(2), "十九里镇", "88"],
                ["丙农业有限公司", make_uscc(3), "五马镇", "300"],
            ]
        )
    import_json(with_towns, str(source), "--kind", "enterprises", "--year", str(YEAR))
    return with_towns


def _json(run: Run, *args: str) -> Any:
    done = run(*args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_new_round_writes_one_workbook_per_town(seeded: Run, tmp_path: Path) -> None:
    out = tmp_path / "征集"
    out.mkdir()
    made = _json(
        seeded, "collect", "new", "--kind", "enterprises", "--year", str(YEAR), "--out", str(out)
    )
    assert made["round_id"] == 1 and made["kind"] == "enterprises" and made["year"] == YEAR
    files = {f["town"]: f for f in made["files"]}
    assert list(files) == list(TOWNS)
    assert files["十九里镇"]["rows"] == 2 and files["五马镇"]["rows"] == 1
    assert files["牛集镇"]["rows"] == 0
    first = Path(files["十九里镇"]["file"])
    assert first == out / f"十九里镇-企业名单-{YEAR}.xlsx" and first.is_file()
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{t}-企业名单-{YEAR}.xlsx" for t in TOWNS
    )


def test_status_lists_rounds_towns_and_the_missing(
    seeded: Run, tmp_path: Path, store_path: Path
) -> None:
    assert _json(seeded, "collect", "status") == []
    out = tmp_path / "征集"
    out.mkdir()
    args = ("collect", "new", "--kind", "enterprises", "--year", str(YEAR), "--out", str(out))
    made = _json(seeded, *args, "--town", "十九里镇", "--town", "五马")
    assert [f["town"] for f in made["files"]] == ["十九里镇", "五马镇"]
    # 十九里镇 fills its workbook and the clerk imports it
    path = Path(made["files"][0]["file"])
    book = openpyxl.load_workbook(path)
    book["数据"].cell(2, 4).value = "新城路1号"
    book.save(path)
    town = ("--kind", "enterprises", "--town", "十九里镇", "--year", str(YEAR))
    batch = import_json(seeded, str(path), *town)["batch_id"]
    assert batch is not None
    store = open_store(store_path)
    with store.transaction() as session:  # what the importer does for a round's workbook
        rounds.mark_imported(session, made["round_id"], "十九里镇", batch)
    store.close()
    status = _json(seeded, "collect", "status")
    assert len(status) == 1
    entry = status[0]
    assert {k: entry[k] for k in ("round_id", "kind", "year")} == {
        "round_id": made["round_id"],
        "kind": "enterprises",
        "year": YEAR,
    }
    assert datetime.fromisoformat(entry["created_at"]).date() == date.today()
    towns = {t["town"]: t for t in entry["towns"]}
    assert list(towns) == ["十九里镇", "五马镇"]
    assert towns["十九里镇"]["status"] == "已导入" and towns["十九里镇"]["batch_id"] == batch
    assert towns["十九里镇"]["returned_file"] == path.name
    assert towns["五马镇"] == {
        "town": "五马镇",
        "status": "下发",
        "file": made["files"][1]["file"],
        "returned_file": None,
        "batch_id": None,
    }
    assert entry["missing"] == ["五马镇"]
    plain = seeded("collect", "status")
    assert plain.returncode == 0, plain.stderr
    assert "未报送：五马镇" in plain.stdout and f"批次 {batch}" in plain.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--kind", "bananas"), "未知的征集类型"),
        (("--kind", "commissioners"), "不分镇街"),
        (("--kind", "enterprises", "--year", "1900"), "年度应在"),
        (("--kind", "enterprises", "--year", "3000"), "年度应在"),
        (("--kind", "enterprises", "--town", "火星镇"), "未找到镇街：火星镇"),
    ],
)
def test_bad_input_exits_2(seeded: Run, tmp_path: Path, args: tuple[str, ...], words: str) -> None:
    out = tmp_path / "征集"
    out.mkdir()
    full = ["collect", "new", "--year", str(YEAR), "--out", str(out), *args]
    done = seeded(*full)
    assert done.returncode == 2, done.stderr
    assert words in done.stderr and "Traceback" not in done.stderr
    assert list(out.iterdir()) == []
    assert _json(seeded, "collect", "status") == []


def test_unusable_output_folders_exit_2(seeded: Run, tmp_path: Path) -> None:
    a_file = tmp_path / "a-file.txt"
    a_file.write_text("x", encoding="utf-8")
    for out, words in ((tmp_path / "missing", "不存在"), (a_file, "不是文件夹")):
        done = seeded(
            "collect", "new", "--kind", "enterprises", "--year", str(YEAR), "--out", str(out)
        )
        assert done.returncode == 2 and words in done.stderr, done.stderr
    out = tmp_path / "征集"
    out.mkdir()
    (out / f"五马镇-企业名单-{YEAR}.xlsx").write_bytes(b"the town's own")
    done = seeded("collect", "new", "--kind", "enterprises", "--year", str(YEAR), "--out", str(out))
    assert done.returncode == 2 and "同名文件" in done.stderr
    assert [p.name for p in out.iterdir()] == [f"五马镇-企业名单-{YEAR}.xlsx"]
    assert _json(seeded, "collect", "status") == []


def test_no_towns_configured_exits_2(bureau: Run, tmp_path: Path) -> None:
    done = bureau(
        "collect", "new", "--kind", "enterprises", "--year", str(YEAR), "--out", str(tmp_path)
    )
    assert done.returncode == 2 and "尚未设置镇街" in done.stderr
