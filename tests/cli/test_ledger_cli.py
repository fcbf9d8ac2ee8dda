"""`bureau import|template|export|returns render` for contracts, results and transfers."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.cli.conftest import SAMPLES, Run, import_json
from tests.fixtures.samples.kinds.make_ledger_samples import CONTRACTS, EXPECTED, RESULTS

KINDS = SAMPLES / "kinds"


def test_registry_files_import_export_and_render(
    with_towns: Run, store_path: Path, tmp_path: Path
) -> None:
    assert import_json(with_towns, str(KINDS / "企业名录.csv"), "--year", "2025")["created"] == 2
    done = import_json(with_towns, str(KINDS / CONTRACTS))
    created, rejected, skipped, bad_rows, words = EXPECTED[CONTRACTS]["contracts"]
    assert (done["kind"], done["created"], done["rejected"], done["skipped"]) == (
        "contracts",
        created,
        rejected,
        skipped,
    )
    assert sorted({e["row"] for e in done["errors"]}) == bad_rows
    assert all(any(w in e["message"] for e in done["errors"]) for w in words)
    both = import_json(with_towns, str(KINDS / RESULTS))
    assert both["created"] == 7 and both["rejected"] == 3
    with sqlite3.connect(store_path) as conn:
        amount = conn.execute(
            "SELECT amount FROM tech_contracts WHERE reg_no = '2025341602000101'"
        ).fetchone()[0]
    assert amount == 123.456789
    for kind in ("contracts", "results", "transfers"):
        template = with_towns("template", kind, "--out", str(tmp_path / f"t-{kind}.xlsx"))
        assert template.returncode == 0, template.stderr
        out = tmp_path / f"{kind}.xlsx"
        exported = with_towns("export", kind, "--out", str(out))
        assert exported.returncode == 0, exported.stderr
        again = import_json(with_towns, str(out))
        assert again["created"] == again["updated"] == again["rejected"] == 0, (kind, again)
    for rid, period in (("contracts", "2025Q3"), ("results", "2025-09"), ("contracts", "2025")):
        pdf = tmp_path / f"{rid}-{period}.pdf"
        rendered = with_towns("returns", "render", rid, "--period", period, "--out", str(pdf))
        assert rendered.returncode == 0, rendered.stderr
        assert pdf.read_bytes().startswith(b"%PDF")
    bad = with_towns("returns", "render", "contracts", "--period", "2025Q9", "--out", str(pdf))
    assert bad.returncode == 2
