"""Peak memory of `bureau import --dry-run` on crafted files within the limits of import.md.

Run: .venv/bin/python -m tests.benchmarks import_memory   (not collected by pytest)
Each file is imported by a fresh process; its peak resident memory comes from the kernel (wait4's
rusage), so nothing in the process measures itself. Goal (import.md, issue 11): no file within the
limits takes more than ~500 MB or crashes the process. Anchors: before issue 11, a 1.8 KB xlsx with
one cell at XFD1048576 aborted the process (SIGABRT: "memory allocation of 549755813888 bytes
failed") and a cell at XFD5000 took 3.2 GB and 24 s.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.unit.importing import crafted

GOAL_MB = 500
APP = "import sys; from desktop.cli import main; sys.exit(main(sys.argv[1:]))"
TOWNS = ["十九里镇", "牛集镇"]


def _header_stray(path: Path) -> Path:
    """10,000 rows under a header with one stray cell at XFD1 (the header is 16,384 wide)."""
    return crafted.xlsx(path, crafted.rows(10_000), far="XFD1")


def _many_far(path: Path) -> Path:
    """20,000 rows, each with one more cell at column XFD: 3 × 10⁸ cells by range."""
    crafted.xlsx(path, crafted.rows(20_000))
    far = r'<row r="\1"\2>\3<c r="XFD\1" t="inlineStr"><is><t>x</t></is></c></row>'
    return crafted.patch_sheet(
        path, lambda text: re.sub(r'<row r="(\d+)"([^>]*)>(.*?)</row>', far, text)
    )


def _ref_far(path: Path) -> Path:
    crafted.xlsx(path, crafted.rows(3))
    return crafted.add_row_xml(
        path, '<row r="4"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    )


CASES: list[tuple[str, str, Callable[[Path], Path]]] = [
    (
        "xfd1048576.xlsx",
        "3 rows + one cell at XFD1048576",
        lambda p: crafted.xlsx(p, crafted.rows(3), far="XFD1048576"),
    ),
    (
        "xfd5000.xlsx",
        "3 rows + one cell at XFD5000",
        lambda p: crafted.xlsx(p, crafted.rows(3), far="XFD5000"),
    ),
    ("ref.xlsx", "a row 4 whose cell says XFD1048576", _ref_far),
    ("header-stray.xlsx", "10,000 rows, stray header cell at XFD1", _header_stray),
    ("many-far.xlsx", "20,000 rows, each with a cell at XFD", _many_far),
    (
        "far.ods",
        "ods: 2 rows, 1,048,000 repeated rows, a cell at XFD",
        lambda p: crafted.ods_far_cell(p, crafted.rows(2)),
    ),
    ("bomb.ods", "ods: 1.6 × 10⁹ repeated cells (refused)", crafted.ods_bomb),
    (
        "far.xls",
        "xls: 3 rows + one cell at IV65536 (read by its records, xls.py)",
        lambda p: crafted.xls_far_cell(p, crafted.rows(3)),
    ),
    (
        "dense-20000.xlsx",
        "reference: 20,000 ordinary rows",
        lambda p: crafted.xlsx(p, crafted.rows(20_000)),
    ),
]


def peak(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Peak resident MB, seconds and exit status of one process."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if child.stderr is not None:
        child.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024, seconds, code


def main() -> None:
    """Make each file, import it with --dry-run in its own process, print figure and verdict."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = os.environ | {"BUREAU_CONFIG_DIR": tmp, "BUREAU_LOG_DIR": tmp}
        db = folder / "bench.sqlite"
        base = [sys.executable, "-c", APP, "--db", str(db)]
        subprocess.run([*base, "init"], env=env, check=True, capture_output=True)
        subprocess.run([*base, "towns", "add", *TOWNS], env=env, check=True, capture_output=True)
        anchor, _, _ = peak([*base, "stats"], env)
        print(f"anchor: `bureau stats` on an empty store peaks at {anchor:.0f} MB")
        worst = 0.0
        for name, what, make in CASES:
            path = make(folder / name)
            mb, seconds, code = peak([*base, "import", str(path), "--dry-run", "--json"], env)
            crashed = code < 0 or code == 1
            verdict = "MISSES" if crashed or mb > GOAL_MB else "meets"
            worst = max(worst, mb)
            size = path.stat().st_size / 1024
            print(
                f"{what} ({size:.0f} KB): peak {mb:.0f} MB, {seconds:.1f} s, exit {code} — "
                f"goal ≤ {GOAL_MB} MB, no crash: {verdict}"
            )
        print(f"worst peak: {worst:.0f} MB (goal ≤ {GOAL_MB} MB)")


if __name__ == "__main__":
    main()
