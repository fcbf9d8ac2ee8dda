"""Round trip: `bureau export enterprises` → import into an empty store → export again: same content."""

from __future__ import annotations

import shutil
from pathlib import Path

from openpyxl import load_workbook

from tests.cli.conftest import SAMPLES, TOWNS, import_json, run_bureau


def _cells(path: Path) -> list[tuple[object, ...]]:
    sheet = load_workbook(path).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_export_import_export_gives_the_same_workbook(template_store: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first.sqlite", tmp_path / "second.sqlite"
    for db in (first, second):
        shutil.copyfile(template_store, db)
        assert run_bureau(db, "towns", "add", *TOWNS).returncode == 0
    for name, args in (
        ("十九里镇-2025年科技型企业统计表.xlsx", ("--town", "十九里镇")),
        ("牛集镇古井镇-汇总.xls", ()),
        ("汤陵街道.csv", ()),
    ):
        import_json(lambda *a: run_bureau(first, *a), str(SAMPLES / name), "--year", "2025", *args)
    exported = tmp_path / "export-1.xlsx"
    done = run_bureau(
        first, "export", "enterprises", "--out", str(exported), "--as-of", "2025-12-31"
    )
    assert done.returncode == 0, done.stderr

    result = import_json(lambda *a: run_bureau(second, *a), str(exported), "--year", "2025")
    assert result["rejected"] == 0, result["errors"]
    sheets = {s["sheet"]: s for s in result["sheets"]}  # 企业, 资质 and 年度数据: one batch
    assert list(sheets) == ["企业", "资质", "年度数据"] and sheets["企业"]["created"] == 48
    again = tmp_path / "export-2.xlsx"
    done = run_bureau(second, "export", "enterprises", "--out", str(again), "--as-of", "2025-12-31")
    assert done.returncode == 0, done.stderr
    assert _cells(again) == _cells(exported)
    assert len(_cells(exported)) == 49  # the header and 48 enterprises

    unchanged = import_json(lambda *a: run_bureau(second, *a), str(exported), "--year", "2025")
    assert (unchanged["unchanged"], unchanged["created"], unchanged["updated"]) == (
        result["created"],
        0,
        0,
    )
    assert unchanged["sheets"][0]["unchanged"] == 48
