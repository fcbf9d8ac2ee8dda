"""Benchmark: the contract ledger at 100,000 contracts (issue 14).

Run: .venv/bin/python -m tests.benchmarks contracts      (BENCH_CONTRACT_ROWS to change the size)

- import: `bureau import FILE --json` of a 100,000-row 技术合同登记 workbook (amounts in 元) into
  a fresh store, against a bare python-calamine parse of the same file — whole processes, like
  bench_import.py; goal ≤ 2×;
- the `contracts` return for a year on the filled store (goal < 1 s);
- a filtered list query (year + 吸纳 + town + text) with its totals (goal < 100 ms).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

from tests.benchmarks.bench_import import APP, PARSE, TOWNS
from tests.unit.importing.crafted import uscc

ROWS = int(os.environ.get("BENCH_CONTRACT_ROWS", "100000"))
HEADER = [
    "序号",
    "合同登记号",
    "项目名称",
    "合同类别",
    "卖方",
    "卖方统一社会信用代码",
    "卖方所在地",
    "买方",
    "买方统一社会信用代码",
    "买方所在地",
    "成交金额(元)",
    "技术交易额(元)",
    "登记日期",
    "技术领域",
]
TYPES = ("技术开发", "技术转让", "技术许可", "技术咨询", "技术服务")


def generate(path: Path, rows: int) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("技术合同登记明细")
    sheet.append(["2025年度技术合同登记明细表"])
    sheet.append(["单位：元"])
    sheet.append(HEADER)
    for i in range(rows):
        inside = i % 3
        amount = 10000 + (i * 7919) % 5_000_000
        sheet.append(
            [
                i + 1,
                f"2025341602{i:06d}",
                f"技术项目{i}",
                TYPES[i % 5],
                f"卖方单位{i % 997}",
                uscc(i % 997 + 1) if inside != 1 else None,
                "区内" if inside != 1 else "区外",
                f"买方单位{i % 991}",
                None,
                "区内" if inside else "区外",
                amount,
                amount * 0.8,
                date(2021, 1, 1) + timedelta(days=i % 1800),
                "生物医药",
            ]
        )
    sheet.append(["合计"])
    book.save(path)


def _timed(args: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return time.perf_counter() - start


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-contracts-"))
    book = folder / "contracts.xlsx"
    generate(book, ROWS)
    db = folder / "s.sqlite"
    subprocess.run([*APP, "--db", str(db), "init"], check=True, capture_output=True)
    subprocess.run([*APP, "--db", str(db), "towns", "add", *TOWNS], check=True, capture_output=True)
    parse = _timed([sys.executable, "-c", PARSE, str(book)])
    imported = _timed([*APP, "--db", str(db), "import", str(book), "--json"])
    ratio = imported / parse
    print(
        f"import {ROWS} contracts: {imported:.2f} s; bare parse {parse:.2f} s; "
        f"ratio {ratio:.2f}× (goal ≤ 2×: {'met' if ratio <= 2 else 'missed'})"
    )
    from db.services.contracts import queries
    from db.store import open_store
    from desktop.returns.compute import compute, parse_period
    from desktop.returns.definitions import get_definition

    store = open_store(db)
    definition = get_definition("contracts")
    assert definition is not None
    with store.session() as s:
        start = time.perf_counter()
        compute(definition, s, parse_period("2023", definition))
        spent = time.perf_counter() - start
        print(
            f"contracts return for 2023: {spent * 1000:.0f} ms (goal < 1 s: {'met' if spent < 1 else 'missed'})"
        )
        f = queries.ContractFilter(year=2023, side="吸纳", text="卖方单位1")
        start = time.perf_counter()
        ids = queries.contract_ids(s, f)
        queries.contract_totals(s, f)
        queries.contract_views(s, ids[:100])
        spent = time.perf_counter() - start
        print(
            f"filtered list ({len(ids)} ids + totals + first page): {spent * 1000:.0f} ms "
            f"(goal < 100 ms: {'met' if spent < 0.1 else 'missed'})"
        )
        plain = queries.ContractFilter(year=2024)
        start = time.perf_counter()
        ids = queries.contract_ids(s, plain)
        queries.contract_totals(s, plain)
        spent = time.perf_counter() - start
        print(f"year filter ({len(ids)} ids + totals): {spent * 1000:.0f} ms")
    store.close()


if __name__ == "__main__":
    main()
