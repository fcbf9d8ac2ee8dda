"""`bureau` as a process against a store in trouble (issue 11, findings 3, 8 and 9).

A restore and a writer exclude each other; every bad input or refusal is exit 2 or 3 with the
clerk's message naming the file — never 1, never "内部错误", never a `.part` left behind; `--db`
is a path unless it is a URL; automatic backups are taken before imports.
"""

from __future__ import annotations

import csv
import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from db.rules.identifiers import uscc_check_char
from tests.cli.conftest import BUREAU, Run, run_bureau
from tests.pgserver import PgServer

FIXTURE_STORES = Path(__file__).resolve().parents[1] / "fixtures" / "stores"
HEADER = ["企业名称", "统一社会信用代码", "所属镇街", "营业收入(万元)", "研发费用(万元)"]


def uscc(n: int) -> str:
    body = f"91341602{n:09d}"
    return body + uscc_check_char(body)


def enterprises_csv(path: Path, rows: int, first: int = 0) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(first, first + rows):
            writer.writerow([f"测试企业{i}有限公司", uscc(i), "古井镇", f"{i % 997}.5", "12"])
    return path


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def no_leftovers(folder: Path) -> list[str]:
    """Temporary files a failed write would leave (`.part`, `.tmp`, staging copies)."""
    return [
        p.name
        for p in folder.rglob("*")
        if p.suffix in (".part", ".tmp") or p.name.startswith(".restoring-")
    ]


def start_import(db: Path, csv_path: Path, log: Path) -> subprocess.Popen[bytes]:
    env = os.environ | {"PYTHONIOENCODING": "utf-8", "BUREAU_PROGRESS": "1"}
    with log.open("wb") as err:
        return subprocess.Popen(
            [*BUREAU, "--db", str(db), "import", str(csv_path)],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
        )


def wait_for(log: Path, words: str, proc: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while words not in log.read_text(encoding="utf-8", errors="replace"):
        assert proc.poll() is None, log.read_text(encoding="utf-8", errors="replace")
        assert time.monotonic() < deadline, f"no “{words}” in {log}"
        time.sleep(0.05)


@pytest.fixture
def gujing(bureau: Run) -> Run:
    done = bureau("towns", "add", "古井镇")
    assert done.returncode == 0, done.stderr
    return bureau


# ---- finding 3: a restore during an import -----------------------------------------------------


@pytest.mark.slow
def test_restore_during_a_big_import_loses_nothing(
    gujing: Run, store_path: Path, tmp_path: Path
) -> None:
    assert gujing("import", str(enterprises_csv(tmp_path / "small.csv", 48))).returncode == 0
    saved = tmp_path / "saved.sqlite"
    assert gujing("backup", "--out", str(saved)).returncode == 0
    big = enterprises_csv(tmp_path / "big.csv", 30000, first=1000)
    log = tmp_path / "import.log"
    proc = start_import(store_path, big, log)
    wait_for(log, "正在写入", proc)  # the import's transaction is open and filling
    restored = gujing("restore", str(saved))
    assert proc.wait(timeout=300) == 0
    # Refused whether the import still wrote after the short wait or committed during it.
    assert restored.returncode == 3, restored.stderr
    assert "有其他程序正在写入" in restored.stderr and "内部错误" not in restored.stderr
    assert count(store_path, "enterprises") == 30048


def test_restore_is_refused_while_another_program_writes(
    gujing: Run, store_path: Path, tmp_path: Path
) -> None:
    saved = tmp_path / "saved.sqlite"
    assert gujing("backup", "--out", str(saved)).returncode == 0
    writer = sqlite3.connect(store_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO towns (name, sort_order) VALUES ('五马镇', 1)")
    try:
        done = gujing("restore", str(saved))
    finally:
        writer.execute("COMMIT")
        writer.close()
    assert done.returncode == 3, done.stderr
    assert "有其他程序正在写入" in done.stderr and str(store_path) in done.stderr
    assert count(store_path, "towns") == 2
    assert no_leftovers(tmp_path) == []


# ---- finding 8: exit codes -------------------------------------------------------------------


def test_missing_file_and_directory_imports_are_2_naming_them(gujing: Run, tmp_path: Path) -> None:
    for target, words in ((tmp_path / "没有这个文件.xlsx", "不存在"), (tmp_path, "文件夹")):
        done = gujing("import", str(target), "--json")
        assert done.returncode == 2, done.stderr
        assert str(target) in done.stderr and words in done.stderr
        assert done.stdout == "" and "内部错误" not in done.stderr


def test_truncated_and_corrupt_backups_are_2(gujing: Run, store_path: Path, tmp_path: Path) -> None:
    saved = tmp_path / "saved.sqlite"
    assert gujing("backup", "--out", str(saved)).returncode == 0
    data = saved.read_bytes()
    truncated = tmp_path / "truncated.sqlite"
    truncated.write_bytes(data[: len(data) // 3])
    corrupt = tmp_path / "corrupt.sqlite"
    corrupt.write_bytes(data[:4096] + b"\x00garbage" * 2048 + data[4096 + 16384 :])
    before = count(store_path, "towns")
    for bad in (truncated, corrupt):
        done = gujing("restore", str(bad))
        assert done.returncode == 2, done.stderr
        assert bad.name in done.stderr and "内部错误" not in done.stderr
    assert count(store_path, "towns") == before


def test_output_paths_that_are_folders_are_2_and_leave_nothing(gujing: Run, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    bad = tmp_path / "bad.csv"
    bad.write_text("企业名称,统一社会信用代码,所属镇街\n甲公司,123,古井镇\n", encoding="utf-8")
    for args in (
        ("backup", "--out", str(folder)),
        ("import", str(bad), "--errors-out", str(folder)),
        ("import", str(bad), "--dry-run", "--errors-out", str(folder)),
    ):
        done = gujing(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert str(folder) in done.stderr and "内部错误" not in done.stderr
    assert list(folder.iterdir()) == []
    assert no_leftovers(tmp_path) == []


def test_backup_never_replaces_something_that_is_no_file(gujing: Run, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    done = gujing("backup", "--out", str(fifo))
    assert done.returncode == 2 and "不是普通文件" in done.stderr
    assert fifo.is_fifo()


@pytest.mark.slow
def test_a_locked_store_is_3_after_the_busy_timeout(gujing: Run, store_path: Path) -> None:
    holder = sqlite3.connect(store_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        done = gujing("towns", "add", "五马镇")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 3, done.stderr
    assert "数据文件被其他程序占用" in done.stderr and str(store_path) in done.stderr
    assert "内部错误" not in done.stderr


def read_only_prefix() -> list[str]:
    """How to run a process that file permissions bind (root ignores them unless told)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: file permissions cannot bind the command")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


@pytest.mark.parametrize("folder_writable", [True, False], ids=["file", "file-and-folder"])
def test_a_read_only_store_refuses_writes_with_3_and_can_be_checked(
    gujing: Run, store_path: Path, tmp_path: Path, folder_writable: bool
) -> None:
    prefix = read_only_prefix()
    csv_path = enterprises_csv(tmp_path / "in.csv", 3)
    assert gujing("stats").returncode == 0
    for sidecar in ("-wal", "-shm"):
        store_path.with_name(store_path.name + sidecar).unlink(missing_ok=True)
    env = os.environ | {"PYTHONIOENCODING": "utf-8"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*prefix, *BUREAU, "--db", str(store_path), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            timeout=120,
        )

    store_path.chmod(0o444)
    if not folder_writable:
        store_path.parent.chmod(0o555)
    try:
        results = {
            "towns": run("towns", "add", "五马镇"),
            "import": run("import", str(csv_path)),
            "check": run("check"),
            "stats": run("stats", "--json"),
            "dry-run": run("import", str(csv_path), "--dry-run"),
        }
    finally:
        store_path.parent.chmod(0o755)
        store_path.chmod(0o644)
    for key in ("towns", "import"):
        assert results[key].returncode == 3, results[key].stderr
        assert "只读" in results[key].stderr and str(store_path) in results[key].stderr
    for key in ("check", "stats", "dry-run"):
        assert results[key].returncode == 0, (key, results[key].stderr)
    assert "只读" in results["check"].stdout
    assert all("内部错误" not in r.stderr for r in results.values())
    assert count(store_path, "towns") == 1 and count(store_path, "enterprises") == 0


def test_the_loser_of_two_simultaneous_imports_is_3(
    gujing: Run, store_path: Path, tmp_path: Path
) -> None:
    rows = enterprises_csv(tmp_path / "same.csv", 3000)
    holder = sqlite3.connect(store_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # both previews run; both commits must wait
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    procs = [start_import(store_path, rows, log) for log in logs]
    try:
        for proc, log in zip(procs, logs, strict=True):
            wait_for(log, "正在与库中数据比对", proc)
        time.sleep(1.0)  # both reach their commit and wait for the store
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    codes = sorted(proc.wait(timeout=300) for proc in procs)
    errors = " ".join(log.read_text(encoding="utf-8") for log in logs)
    assert codes == [0, 3], errors
    assert "内部错误" not in errors
    assert "其他程序" in errors
    assert count(store_path, "enterprises") == 3000
    assert count(store_path, "import_batches") == 1


def test_returns_with_a_town_excel_cannot_name_a_sheet_after_are_2(
    gujing: Run, tmp_path: Path
) -> None:
    for town in ("甲/乙", "甲?乙", "甲\\乙"):
        assert gujing("towns", "add", town).returncode == 0
        out = tmp_path / "r.xlsx"
        done = gujing(
            "returns", "render", "high-tech-roster", "--period", "2025", "--town", town,
            "--out", str(out),
        )  # fmt: skip
        assert done.returncode == 2, done.stderr
        assert town in done.stderr and "内部错误" not in done.stderr
        assert not out.exists()
        pdf = gujing(
            "returns", "render", "high-tech-roster", "--period", "2025", "--town", town,
            "--out", str(tmp_path / "r.pdf"),
        )  # fmt: skip
        assert pdf.returncode == 0, pdf.stderr


@pytest.mark.parametrize(
    "url", ["postgresql://clerk@localhost/bureau", "postgresql+psycopg://clerk:pw@db/bureau"]
)
def test_a_server_url_without_its_driver_is_2(url: str) -> None:
    # A build without the driver (it is a dependency): its import fails.
    no_driver = "import sys; sys.modules['psycopg'] = sys.modules['psycopg2'] = None; "
    bureau = (BUREAU[0], BUREAU[1], no_driver + BUREAU[2])
    done = subprocess.run(
        [*bureau, "--db", url, "stats"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=os.environ | {"PYTHONIOENCODING": "utf-8"},
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "PostgreSQL 驱动" in done.stderr and "内部错误" not in done.stderr
    assert ":pw@" not in done.stderr


# ---- finding 9: paths ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["x%41.sqlite", "q?mode=ro.sqlite", "井#1 %20.sqlite"])
def test_db_is_a_path_whatever_its_characters(tmp_path: Path, name: str) -> None:
    db = tmp_path / name
    assert run_bureau(db, "towns", "add", "古井镇").returncode == 0
    listed = run_bureau(db, "towns", "list")
    assert listed.returncode == 0 and "古井镇" in listed.stdout
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [name]
    assert count(db, "towns") == 1


def test_an_empty_store_file_is_refused_not_replaced(tmp_path: Path, store_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    for args in (("stats",), ("init",), ("towns", "add", "古井镇")):
        done = run_bureau(empty, *args)
        assert done.returncode == 2, done.stderr
        assert "0 字节" in done.stderr and str(empty) in done.stderr
        assert empty.stat().st_size == 0
    saved = tmp_path / "saved.sqlite"
    assert run_bureau(store_path, "backup", "--out", str(saved)).returncode == 0
    done = run_bureau(empty, "restore", str(saved))  # what the message advises works
    assert done.returncode == 0, done.stderr
    assert run_bureau(empty, "check").returncode == 0


# ---- automatic backups and check ----------------------------------------------------------


def test_imports_take_an_automatic_backup_first(
    gujing: Run, store_path: Path, tmp_path: Path
) -> None:
    first = enterprises_csv(tmp_path / "a.csv", 5)
    second = enterprises_csv(tmp_path / "b.csv", 5, first=100)
    assert gujing("import", str(first)).returncode == 0
    assert gujing("import", str(second)).returncode == 0
    assert gujing("import", str(second), "--dry-run").returncode == 0
    folder = store_path.parent / "backups"
    before_import = sorted(folder.glob("bureau-before-import-*.sqlite"))
    assert len(before_import) == 1  # the second import, minutes later, reuses it
    assert count(before_import[0], "enterprises") == 0  # the state before the first import
    assert list(folder.glob("bureau-daily-*.sqlite"))


def test_check_never_upgrades(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    shutil.copyfile(FIXTURE_STORES / "schema-0002.sqlite", old)
    done = run_bureau(old, "check")
    assert done.returncode == 0, done.stderr
    assert "较旧" in done.stdout
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0002",)


def test_server_refusals_are_2_in_plain_chinese(pg_server: PgServer, tmp_path: Path) -> None:
    """No server, no such database, a wrong password: exit 2 with the clerk's reason, no trace."""
    cases = [
        (
            f"postgresql+psycopg://desk:pw@/kc?host={tmp_path}&port=5432",
            "无法连接服务器",
        ),
        (pg_server.url("no_such_database"), "没有名为“no_such_database”的数据库"),
        (pg_server.url("postgres", password="wrong"), "密码不正确"),
    ]
    for url, words in cases:
        done = run_bureau(url, "stats")
        assert done.returncode == 2, (url, done.stderr)
        assert words in done.stderr and "Traceback" not in done.stderr, done.stderr
        assert "wrong" not in done.stderr and "test-password" not in done.stderr
