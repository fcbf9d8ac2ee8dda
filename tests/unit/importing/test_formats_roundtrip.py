"""Generated rosters read the same from xlsx, xls, ods, GBK CSV and UTF-16 text (issue 12).

The same rows are written in each format a town sends; planning each file against the same store
gives the same parsed records (fields, figures, certificates) and the same outcomes.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from db.services.towns import add_towns
from db.store import Store
from desktop.importing.engine import ImportOptions, plan_import
from desktop.progress import drain
from tests.unit.importing import crafted

HEADER = [
    "企业名称",
    "统一社会信用代码",
    "所属镇街",
    "成立日期",
    "营业收入(万元)",
    "从业人员数",
    "是否有研发活动",
    "高新技术企业证书编号",
    "高企发证日期",
]
TOWNS = ("十九里镇", "五马镇", "魏岗镇")
NAME_PARTS = "华信瑞丰鑫源涡河芍花德昌泰和古井"


@st.composite
def rosters(draw: st.DrawFn) -> list[list[object]]:
    """Rows of distinct codes with text, dates as text, amounts, counts, flags, certificates."""
    numbers = draw(st.lists(st.integers(1, 9999), min_size=1, max_size=12, unique=True))
    rows: list[list[object]] = []
    for n in numbers:
        name = "".join(draw(st.lists(st.sampled_from(NAME_PARTS), min_size=2, max_size=6)))
        founded = draw(st.dates(date(1990, 1, 1), date(2024, 12, 31)))
        cert = draw(st.booleans())
        rows.append(
            [
                f"亳州市{name}有限公司",
                crafted.uscc(n),
                draw(st.sampled_from(("", *TOWNS))),
                founded.isoformat(),
                draw(st.integers(0, 10**8)) / 100,
                draw(st.integers(0, 5000)),
                draw(st.sampled_from(("", "是", "否"))),
                f"GR2023340{n:05d}" if cert else "",
                "2023-11-01" if cert else "",
            ]
        )
    return rows


def _xlsx(path: Path, rows: list[list[object]]) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [HEADER, *rows]:
        sheet.append([None if v == "" else v for v in row])
    book.save(path)


def _xls(path: Path, rows: list[list[object]]) -> None:
    cells = [
        (r, c, v) for r, row in enumerate([HEADER, *rows]) for c, v in enumerate(row) if v != ""
    ]
    crafted.xls(path, cells)


def _ods(path: Path, rows: list[list[object]]) -> None:
    body = "".join(crafted.ods_row([None if v == "" else v for v in r]) for r in [HEADER, *rows])
    crafted.ods(path, body)


def _text(rows: list[list[object]], delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows([HEADER, *rows])
    return out.getvalue()


def _gbk_csv(path: Path, rows: list[list[object]]) -> None:
    path.write_bytes(_text(rows, ",").encode("gbk"))


def _utf16_text(path: Path, rows: list[list[object]]) -> None:
    path.write_bytes(b"\xff\xfe" + _text(rows, "\t").encode("utf-16-le"))


WRITERS: dict[str, Callable[[Path, list[list[object]]], None]] = {
    "roster.xlsx": _xlsx,
    "roster.xls": _xls,
    "roster.ods": _ods,
    "roster.csv": _gbk_csv,
    "roster.txt": _utf16_text,
}


def _parsed(store: Store, path: Path) -> list[tuple[Any, ...]]:
    plan = drain(plan_import(store, path, ImportOptions(year=2025), today=date(2026, 1, 10)))
    assert not plan.rejected, [p.as_json() for p in plan.errors]
    return [
        (
            p.outcome,
            sorted(p.incoming.fields.items()),
            sorted(p.incoming.figures.items()),
            p.incoming.high_tech,
        )
        for p in plan.plans
    ]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=rosters())
def test_every_format_reads_the_same_roster(store: Store, rows: list[list[object]]) -> None:
    with store.transaction() as session:
        add_towns(session, list(TOWNS), "测试员")  # an existing town is left as it is
    folder = Path(tempfile.mkdtemp(prefix="formats-"))
    results = {}
    for name, write in WRITERS.items():
        write(folder / name, rows)
        results[name] = _parsed(store, folder / name)
    first = results["roster.xlsx"]
    assert len(first) == len(rows)
    for name, parsed in results.items():
        assert parsed == first, name
