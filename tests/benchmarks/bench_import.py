"""Benchmark: bare calamine parse vs. full import (plan + commit) of a 100,000 × 20 workbook.

Run: .venv/bin/python tests/benchmarks/bench_import.py [ROWS]   (default 100000; not collected by pytest)
import.md asks for the full import within 2× the bare parse of the same file, and the preview of
the plan (the wizard's tabs over it) to open in under a second.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HEADER = [
    "序号",
    "企业名称",
    "统一社会信用代码",
    "所属镇街",
    "注册地址",
    "成立日期",
    "行业类别",
    "法定代表人",
    "联系人",
    "联系电话",
    "是否规上工业企业",
    "营业收入(万元)",
    "研发费用(万元)",
    "从业人员数",
    "研发人员数",
    "是否有研发活动",
    "是否有研发机构",
    "高新技术企业证书编号",
    "高企发证日期",
    "备注",
]
TOWNS = ["十九里镇", "五马镇", "牛集镇", "古井镇", "汤陵街道", "芍花路街道"]


def _uscc(n: int) -> str:
    from db.rules.identifiers import uscc_check_char

    body = f"91341602{n:09d}"
    return body + uscc_check_char(body)


def _date_spelling(i: int) -> object:
    d = date(2000, 1, 1) + timedelta(days=i % 8000)
    spellings = (
        d,
        d.isoformat(),
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}年{d.month}月{d.day}日",
        f"{d:%Y%m%d}",
    )
    return spellings[i % len(spellings)]


def _row(i: int) -> list[object]:
    hte = i % 7 == 0
    issued = date(2022, 1, 1) + timedelta(days=i % 900)
    return [
        i + 1,
        f"亳州市测试{i}科技有限公司",
        _uscc(i),
        TOWNS[i % len(TOWNS)],
        f"谯城区某某路{i % 500}号",
        _date_spelling(i),
        "制造业",
        "张三",
        "李四",
        f"1390558{i % 10000:04d}",
        "是" if i % 3 else "否",
        round(1000 + i * 0.37, 2),
        round(20 + i * 0.01, 2),
        50 + i % 300,
        5 + i % 40,
        "是" if i % 2 else "否",
        "有" if i % 5 else "无",
        f"GR{issued.year}34{i:06d}" if hte else "",
        issued if hte else "",
        "基准测试数据",
    ]


def generate(path: Path, rows: int) -> None:
    """A workbook of `rows` enterprise rows, written with openpyxl in write-only mode."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("企业")
    sheet.append(HEADER)
    for i in range(rows):
        sheet.append(_row(i))
    book.save(path)


def bare_parse(path: Path) -> float:
    """Seconds to read every cell with python-calamine."""
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    return time.perf_counter() - start


def full_import(path: Path, folder: Path) -> tuple[float, float, Any, dict[int, str]]:
    """Seconds for plan and for commit into a fresh store, the plan and the towns by id."""
    from sqlalchemy import select

    from db.models import Town
    from db.services.towns import add_towns
    from db.store import open_store
    from desktop.importing.engine import ImportOptions, apply_import, plan_import
    from desktop.progress import drain

    store = open_store(folder / "bench.sqlite")
    with store.transaction() as session:
        add_towns(session, TOWNS, "bench")
    start = time.perf_counter()
    plan = drain(plan_import(store, path, ImportOptions(year=2025)))
    planned = time.perf_counter()
    drain(apply_import(store, plan, "bench"))
    done = time.perf_counter()
    with store.session() as session:
        towns = {t.id: t.name for t in session.scalars(select(Town))}
    store.close()
    return planned - start, done - planned, plan, towns


def preview(plan: Any, towns: dict[int, str]) -> float | None:
    """Seconds for the wizard's preview tabs to show the plan (None without PySide6)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from PySide6.QtWidgets import QApplication
    except ImportError:
        return None
    app = QApplication.instance() or QApplication([])
    from desktop.ui.imports.preview import ImportPreview
    from desktop.ui.imports.sheets import sheets_of

    start = time.perf_counter()
    tabs = ImportPreview()
    tabs.resize(1200, 700)
    tabs.show_plan(plan, sheets_of(plan, towns), {})
    tabs.show()
    app.processEvents()
    seconds = time.perf_counter() - start
    tabs.close()
    return seconds


def pandas_read(path: Path) -> float | None:
    """Seconds for pandas.read_excel (None when pandas is not installed)."""
    try:
        import pandas
    except ImportError:
        return None
    start = time.perf_counter()
    pandas.read_excel(path, sheet_name=None, engine="openpyxl")  # its default engine for xlsx
    return time.perf_counter() - start


def main(rows: int = 100_000) -> None:
    """Generate, time and print the figures and ratios."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "bench.xlsx"
        start = time.perf_counter()
        generate(path, rows)
        print(
            f"generated {rows} × {len(HEADER)} in {time.perf_counter() - start:.1f} s "
            f"({path.stat().st_size / 1e6:.1f} MB)"
        )
        parse = bare_parse(path)
        print(f"bare calamine parse:     {parse:7.2f} s")
        plan_s, commit_s, plan, towns = full_import(path, folder)
        total = plan_s + commit_s
        print(f"full import plan:        {plan_s:7.2f} s")
        print(f"full import commit:      {commit_s:7.2f} s")
        print(
            f"full import total:       {total:7.2f} s  ({total / parse:.2f}× bare parse; goal ≤ 2×)"
        )
        print(f"counts: {plan.counts}")
        shown = preview(plan, towns)
        if shown is not None:
            print(f"preview of the plan:     {shown:7.2f} s  (goal < 1 s)")
        read = pandas_read(path)
        if read is None:
            print("pandas.read_excel:       skipped (pandas is not installed)")
        else:
            print(f"pandas.read_excel:       {read:7.2f} s  ({read / parse:.2f}× bare parse)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
