"""`bureau returns` as a subprocess: list, render PDF and XLSX, refusals with exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from db.store import Store
from tests.unit.returns import builders


def run_returns(*args: str, db: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command line in a subprocess."""
    argv = [sys.executable, "-c", "import sys; from desktop.cli import main; sys.exit(main())"]
    if db is not None:
        argv += ["--db", str(db)]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(argv + list(args), capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def filled(store: Store, store_path: Path) -> Path:
    with store.transaction() as session:
        builders.small_store(session)
    return store_path


def test_list_json() -> None:
    done = run_returns("returns", "list", "--json")
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    assert listed[0] == {
        "id": "double-breakthrough",
        "title": "高新技术企业和科技型中小企业“双突破”进展情况表",
        "period_kind": "year",
    }
    assert {r["id"] for r in listed} >= {"high-tech-roster", "tech-sme-roster", "hte-expiring"}


def test_render_pdf_and_xlsx(filled: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "双突破.pdf"
    done = run_returns(
        "returns",
        "render",
        "double-breakthrough",
        "--period",
        "2025",
        "--as-of",
        "2025-12-31",
        "--out",
        str(pdf),
        db=filled,
    )
    assert done.returncode == 0, done.stderr
    text = PdfReader(pdf).pages[0].extract_text()
    assert "双突破" in text and "十九里镇" in text
    xlsx = tmp_path / "名册.xlsx"
    done = run_returns(
        "returns",
        "render",
        "high-tech-roster",
        "--period",
        "2025Q4",
        "--town",
        "十九里镇",
        "--out",
        str(xlsx),
        db=filled,
    )
    assert done.returncode == 0, done.stderr
    ws = load_workbook(xlsx).active
    assert ws is not None
    names = {c for row in ws.iter_rows(values_only=True) for c in row}
    assert "亳州濉河科技有限公司" in names


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["double-breakthrough", "--period", "2025Q3", "--out", "x.pdf"], "报告期"),
        (["double-breakthrough", "--period", "20251", "--out", "x.pdf"], "报告期"),
        (["no-such-return", "--period", "2025", "--out", "x.pdf"], "没有这个报表"),
        (["high-tech-roster", "--period", "2025", "--town", "火星镇", "--out", "x.pdf"], "镇街"),
        (["high-tech-roster", "--period", "2025", "--out", "x.docx"], ".pdf"),
    ],
)
def test_bad_arguments_exit_2(filled: Path, tmp_path: Path, args: list[str], message: str) -> None:
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    done = run_returns("returns", "render", *args, db=filled)
    assert done.returncode == 2
    assert message in done.stderr
    assert not list(tmp_path.glob("x.*"))
