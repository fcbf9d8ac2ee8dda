"""Benchmark: a 5,000-enterprise high-tech roster to PDF (reportlab) vs LibreOffice converting the
same rows from .xlsx to PDF, and the one-page double-breakthrough return.

Run: `.venv/bin/python -m tests.benchmarks.bench_returns [ROWS]` (not part of `make test`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from db.models import Enterprise, Qualification, QualificationType
from db.rules.identifiers import uscc_check_char
from db.services.towns import add_towns, list_towns
from db.store import Store, open_store
from desktop.returns.compute import compute
from desktop.returns.definitions import BY_ID
from desktop.returns.model import Period
from desktop.returns.pdf import render_pdf
from desktop.returns.xlsx import render_xlsx

TOWNS = ("十九里镇", "五马镇", "牛集镇", "古井镇", "汤陵街道", "芍花路街道")
AS_OF = date(2025, 12, 31)


def fill(store: Store, rows: int) -> None:
    """`rows` enterprises, each with a high-tech certificate valid at the end of 2025 (bulk Core)."""
    with store.transaction() as session:
        add_towns(session, TOWNS, "基准测试")
        town_ids = [t.id for t in list_towns(session)]
        type_id = session.scalar(
            select(QualificationType.id).where(QualificationType.code == "high_tech")
        )
        firms = []
        for i in range(1, rows + 1):
            first17 = f"91341600{i:09d}"
            firms.append(
                {
                    "id": i,
                    "name": f"亳州市谯城区第{i:05d}号科技有限公司",
                    "uscc": first17 + uscc_check_char(first17),
                    "town_id": town_ids[i % len(town_ids)],
                    "industry": "计算机、通信和其他电子设备制造业" if i % 3 else "医药制造业",
                }
            )
        session.execute(insert(Enterprise), firms)
        certs = []
        for i in range(1, rows + 1):
            issued = date(2023 + i % 3, 1 + i % 12, 1 + i % 28)
            through = date(issued.year + 3, issued.month, issued.day) - timedelta(days=1)
            certs.append(
                {
                    "enterprise_id": i,
                    "type_id": type_id,
                    "number": f"GR{issued.year}34{i:06d}",
                    "issued_on": issued,
                    "valid_from": issued,
                    "valid_through": through,
                }
            )
        session.execute(insert(Qualification), certs)


def _install_libreoffice() -> str | None:
    """Install Debian's headless LibreOffice Calc when running as root (the comparison needs it)."""
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return None
    print("LibreOffice missing: installing libreoffice-calc-nogui …", flush=True)
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "libreoffice-calc-nogui"],
    ):
        if subprocess.run(cmd, env=env, capture_output=True).returncode != 0:
            return None
    return shutil.which("soffice")


def soffice_convert(xlsx: Path, out_dir: Path) -> float | None:
    """Seconds LibreOffice takes to convert the .xlsx to PDF headless (None when not installed)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice") or _install_libreoffice()
    if soffice is None:
        print("LibreOffice not found: install it with `apt-get install libreoffice-calc-nogui`")
        print("to compare; skipping the LibreOffice side.")
        return None
    start = time.perf_counter()
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out_dir), str(xlsx)],
        check=True,
        capture_output=True,
        timeout=1800,
    )
    return time.perf_counter() - start


def _one_page(session: Session, work: Path) -> float:
    """Seconds to compute and render the one-page double-breakthrough return."""
    start = time.perf_counter()
    summary = compute(BY_ID["double-breakthrough"], session, Period(2025), as_of=AS_OF)
    render_pdf(summary, work / "summary.pdf")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Print the timings and the ratio."""
    rows = int(argv[0]) if argv else 5000
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        store = open_store(work / "bench.sqlite")
        fill(store, rows)
        with store.session() as session:
            cold = _one_page(session, work)  # includes loading the fonts
            warm = _one_page(session, work)
            start = time.perf_counter()
            table = compute(BY_ID["high-tech-roster"], session, Period(2025), as_of=AS_OF)
            computed = time.perf_counter() - start
            start = time.perf_counter()
            pages = render_pdf(table, work / "roster.pdf")
            rendered = time.perf_counter() - start
        store.close()
        size = (work / "roster.pdf").stat().st_size
        print(f"high-tech roster: {len(table.rows)} rows, {pages} pages, {size / 1e6:.1f} MB")
        print(f"  compute {computed:.2f} s, reportlab PDF {rendered:.2f} s")
        print(
            f"double-breakthrough (compute + PDF, one page): {cold:.2f} s first, {warm:.2f} s after"
        )
        start = time.perf_counter()
        render_xlsx(table, work / "roster.xlsx")
        print(f"  (openpyxl XLSX of the same rows {time.perf_counter() - start:.2f} s)")
        office = soffice_convert(work / "roster.xlsx", work / "office")
        if office is not None:
            print(
                f"LibreOffice xlsx → PDF: {office:.2f} s; ratio LibreOffice / reportlab = "
                f"{office / rendered:.1f}×"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
