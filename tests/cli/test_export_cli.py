"""`bureau export KIND` as a subprocess (issue 11, findings 2, 7 and 8): every kind, exit codes,
unusable output paths, masked IDs and the audit of --with-ids, the round trip through import."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook

from db.store import Store
from desktop.exporting.catalogue import KINDS
from tests.cli.conftest import Run, import_json, run_bureau, store_digest
from tests.unit.exports_store import ID_NUMBER, TOWNS, small_district


@pytest.fixture
def district(store: Store, store_path: Path) -> Path:
    with store.transaction() as s:
        small_district(s)
    store.close()
    return store_path


def _cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(path)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or ".part" in p.name)


def test_every_kind_exports_to_xlsx_and_csv(district: Path, tmp_path: Path) -> None:
    for kind in KINDS:
        for suffix in (".xlsx", ".csv"):
            out = tmp_path / f"{kind}{suffix}"
            done = run_bureau(district, "export", kind, "--out", str(out))
            assert done.returncode == 0, (kind, done.stderr)
            assert out.stat().st_size > 0 and "已导出到" in done.stdout
    assert load_workbook(tmp_path / "enterprises.xlsx").sheetnames == ["企业", "资质", "年度数据"]
    done = run_bureau(district, "export", "enterprises", "--out", str(tmp_path / "e.csv"))
    assert "CSV 只含“企业”表" in done.stderr
    assert _leftovers(tmp_path) == []


def test_an_unknown_kind_exits_2(district: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    done = run_bureau(district, "export", "unknown-kind", "--out", str(out))
    assert done.returncode == 2 and "unknown-kind" in done.stderr
    assert "未知的导出类型" in done.stderr
    assert not out.exists()


@pytest.mark.parametrize("where", ["folder", "missing", "under-a-file", "bad-suffix"])
def test_unusable_out_exits_2_and_leaves_nothing(
    district: Path, tmp_path: Path, where: str
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "a-file").write_text("x")
    (folder / "dir.xlsx").mkdir()
    target = {
        "folder": folder / "dir.xlsx",
        "missing": folder / "no-such-folder" / "e.xlsx",
        "under-a-file": folder / "a-file" / "e.xlsx",
        "bad-suffix": folder / "e.txt",
    }[where]
    before = store_digest(district)
    for kind in ("enterprises", "commissioners"):
        done = run_bureau(district, "export", kind, "--out", str(target), "--with-ids")
        assert done.returncode == 2, done.stderr
        assert "内部错误" not in done.stderr and "Traceback" not in done.stderr
        named = target.parent if where in ("missing", "under-a-file") else target
        assert str(named) in done.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["a-file", "dir.xlsx"]
    assert list((folder / "dir.xlsx").iterdir()) == []
    assert store_digest(district) == before  # not even an audit row


def test_read_only_folder_exits_2(district: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        try:
            (folder / "probe").write_text("x")
        except PermissionError:
            pass
        else:
            pytest.skip("running with permissions that ignore a read-only folder")
        done = run_bureau(district, "export", "enterprises", "--out", str(folder / "e.xlsx"))
        assert done.returncode == 2 and "没有权限" in done.stderr and "e.xlsx" in done.stderr
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_ids_masked_unless_with_ids_which_is_audited(district: Path, tmp_path: Path) -> None:
    masked, full = tmp_path / "m.xlsx", tmp_path / "f.csv"
    done = run_bureau(district, "export", "commissioners", "--out", str(masked))
    assert done.returncode == 0 and "--with-ids" in done.stderr
    ids = {r[4] for r in _cells(masked)["科技特派员"][1:]}
    assert ID_NUMBER not in ids and any(i and "*" in str(i) for i in ids)
    with sqlite3.connect(district) as conn:
        assert conn.execute("SELECT count(*) FROM audit_log WHERE action='export'").fetchone() == (
            0,
        )
    done = run_bureau(
        district,
        "--operator",
        "王科长",
        "export",
        "commissioners",
        "--out",
        str(full),
        "--with-ids",
    )
    assert done.returncode == 0, done.stderr
    assert ID_NUMBER in full.read_text(encoding="utf-8-sig")
    with sqlite3.connect(district) as conn:
        rows = conn.execute(
            "SELECT entity, operator, new_value FROM audit_log WHERE action='export'"
        ).fetchall()
    assert [(e, o) for e, o, _v in rows] == [("commissioner", "王科长")]
    assert "f.csv" in rows[0][2]


def test_town_filter(district: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.xlsx"
    done = run_bureau(district, "export", "carriers", "--out", str(out), "--town", "古井")
    assert done.returncode == 0, done.stderr
    assert [r[0] for r in _cells(out)["孵化载体"][1:]] == ["谯城科技企业孵化器"]
    done = run_bureau(district, "export", "commissioners", "--out", str(out), "--town", "古井镇")
    assert done.returncode == 2 and "不按镇街筛选" in done.stderr
    done = run_bureau(district, "export", "carriers", "--out", str(out), "--town", "无此镇")
    assert done.returncode == 2 and "无此镇" in done.stderr


def test_a_nul_in_the_store_does_not_break_the_export(district: Path, tmp_path: Path) -> None:
    with sqlite3.connect(district) as conn:
        conn.execute(
            "UPDATE enterprises SET name = '华信' || char(0) || '生物', note = 'a' || char(1)"
        )
    for suffix in (".xlsx", ".csv"):
        done = run_bureau(district, "export", "enterprises", "--out", str(tmp_path / f"e{suffix}"))
        assert done.returncode == 0, done.stderr
    assert "华信生物" in {r[0] for r in _cells(tmp_path / "e.xlsx")["企业"]}
    assert b"\x00" not in (tmp_path / "e.csv").read_bytes()


ROUND_TRIP = (  # in import order; services after the commissioners and enterprises they name
    ("enterprises", ("--as-of", "2025-12-31")),
    ("commissioners", ("--with-ids",)),
    ("demands", ()),
    ("carriers", ()),
    ("incubatees", ()),
    ("platforms", ()),
    ("services", ("--with-ids",)),
)


def test_export_import_export_gives_the_same_cells(
    district: Path, template_store: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.sqlite"
    shutil.copyfile(template_store, empty)
    assert run_bureau(empty, "towns", "add", *TOWNS).returncode == 0

    def into(db: Path) -> Run:
        return lambda *a, **kw: run_bureau(db, *a, **kw)

    for kind, options in ROUND_TRIP:
        first, second = tmp_path / f"{kind}-1.xlsx", tmp_path / f"{kind}-2.xlsx"
        assert run_bureau(district, "export", kind, "--out", str(first), *options).returncode == 0
        result = import_json(into(empty), str(first), "--year", "2025")
        assert result["rejected"] == 0 and result["created"] > 0, (kind, result["errors"])
        assert result["ignored_columns"] == [], kind
        assert run_bureau(empty, "export", kind, "--out", str(second), *options).returncode == 0
        main = load_workbook(first).sheetnames[0]
        assert _cells(second)[main] == _cells(first)[main], kind
        again = import_json(into(district), str(first), "--year", "2025", "--dry-run")
        assert again["created"] == again["updated"] == 0, (kind, again)


def test_round_trip_keeps_every_sheet(district: Path, template_store: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    shutil.copyfile(template_store, empty)
    assert run_bureau(empty, "towns", "add", *TOWNS).returncode == 0
    first, second = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    assert run_bureau(district, "export", "enterprises", "--out", str(first)).returncode == 0
    import_json(lambda *a, **kw: run_bureau(empty, *a, **kw), str(first), "--year", "2025")
    assert run_bureau(empty, "export", "enterprises", "--out", str(second)).returncode == 0
    assert _cells(second) == _cells(first)
    for day in ("2016-06-01", "2019-06-01", "2022-11-01", "2025-10-31", "2025-11-01"):
        stats = [
            run_bureau(db, "stats", "--as-of", day, "--json").stdout for db in (district, empty)
        ]
        assert stats[0] == stats[1], day
