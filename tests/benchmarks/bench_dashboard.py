"""Benchmark: the dashboard refresh (db.services.figures.dashboard) on a 100,000-enterprise store.

Run: `.venv/bin/python -m tests.benchmarks.bench_dashboard [ROWS]` (not part of `make test`).
Reuses the store generator of bench_roster when it exists (100,000 enterprises, 150,000
qualifications, 300,000 yearly figures), then sets the year's targets and the 两清零 answers of the
figures so every card has something to count; target: median of 5 refreshes < 300 ms. Also times
the click-through (ids_for) of the biggest figures.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from db.models import Enterprise, EnterpriseYear, Qualification, QualificationType
from db.rules.identifiers import uscc_check_char
from db.services.figures.dashboard import Dashboard, dashboard
from db.services.figures.selectors import Figure, ids_for
from db.services.settings import set_count_target
from db.services.towns import add_towns, list_towns
from db.store import Store, open_store

TOWNS = ("十九里镇", "五马镇", "牛集镇", "古井镇", "汤陵街道", "芍花路街道", "魏岗镇")
AS_OF = date(2025, 12, 31)
TARGET_MS = 300.0


def _type_ids(store: Store) -> dict[str, int]:
    with store.session() as s:
        return {
            code: i for i, code in s.execute(select(QualificationType.id, QualificationType.code))
        }


def _rows(n: int, town_ids: list[int], types: dict[str, int]) -> dict[str, list[dict[str, Any]]]:
    firms, quals, years = [], [], []
    for i in range(1, n + 1):
        first17 = f"91341600{i:09d}"
        firms.append(
            {
                "id": i,
                "name": f"基准企业{i:06d}有限公司",
                "uscc": first17 + uscc_check_char(first17),
                "town_id": town_ids[i % len(town_ids)] if i % 50 else None,
                "above_scale": i % 10 == 0,
            }
        )
        if i % 3 == 0:
            issued = date(2019 + i % 7, 1 + i % 12, 1 + i % 28)
            quals.append(
                {
                    "enterprise_id": i,
                    "type_id": types["high_tech"],
                    "number": f"GR{issued.year}34{i:06d}",
                    "issued_on": issued,
                    "valid_from": issued,
                    "valid_through": date(issued.year + 3, issued.month, issued.day)
                    - timedelta(days=1),
                }
            )
        if i % 4 == 0:
            y = 2019 + i % 7
            quals.append(
                {
                    "enterprise_id": i,
                    "type_id": types["tech_sme"],
                    "evaluation_year": y,
                    "valid_from": date(y, 1, 1),
                    "valid_through": date(y, 12, 31),
                }
            )
        if i % 10 == 0:
            years.append(
                {
                    "enterprise_id": i,
                    "year": 2024,
                    "revenue": float(i % 90000),
                    "rd_activity": i % 7 != 0,
                    "rd_institution": i % 3 != 0,
                }
            )
    return {"firms": firms, "quals": quals, "years": years}


def fill(store: Store, n: int) -> None:
    """`n` enterprises with certificates, tech-SME entries and 2024 figures (bulk Core)."""
    types = _type_ids(store)
    with store.transaction() as s:
        add_towns(s, TOWNS, "基准测试")
        town_ids = [t.id for t in list_towns(s)]
        rows = _rows(n, town_ids, types)
        s.execute(insert(Enterprise), rows["firms"])
        s.execute(insert(Qualification), rows["quals"])
        s.execute(insert(EnterpriseYear), rows["years"])
        set_count_target(s, "high_tech", 2025, n // 8, "基准测试")
        set_count_target(s, "tech_sme", 2025, n // 25, "基准测试")


def realistic(store: Store, n: int) -> None:
    """Targets of the year and the R&D answers of the yearly figures (bench_roster has neither)."""
    with store.transaction() as s:
        set_count_target(s, "high_tech", AS_OF.year, n * 4 // 10, "基准测试")
        set_count_target(s, "tech_sme", AS_OF.year, n * 35 // 100, "基准测试")
        s.execute(
            update(EnterpriseYear).values(
                rd_activity=EnterpriseYear.enterprise_id % 7 != 0,
                rd_institution=EnterpriseYear.enterprise_id % 3 != 0,
            )
        )


def _generator(n: int) -> Any:
    """bench_roster's 100,000-enterprise generator when asked for that size, else ours."""
    try:
        from tests.benchmarks import bench_roster
    except ImportError:
        bench_roster = None  # type: ignore[assignment]
    if n == 100_000 and bench_roster is not None and hasattr(bench_roster, "generate"):

        def generate(store: Store, size: int) -> None:
            bench_roster.generate(store)
            realistic(store, size)

        return generate
    return fill


def _clicks(store: Store, r: Dashboard) -> None:
    """Time listing the enterprises of the biggest figures (what a click does)."""
    figures: list[tuple[str, Figure]] = [
        ("在库企业", r.enterprises),
        ("高企", r.high_tech.count),
        ("科小", r.tech_sme.count),
        ("未入梯度", r.ladder[0].figure),
        ("180天内到期", r.expiring_within(180).figure),
        ("首个镇街高企", r.towns[0].high_tech),
    ]
    with store.session() as s:
        for label, found in figures:
            t = time.perf_counter()
            ids = ids_for(s, found.selector)
            ms = (time.perf_counter() - t) * 1000
            assert len(ids) == found.value, label
            print(f"  click {label}: {len(ids):,} ids in {ms:.0f} ms")


def main(argv: list[str] | None = None) -> int:
    """Build the store, time five dashboard refreshes, print the figures."""
    args = argv or []  # the tests.benchmarks runner calls main() without arguments
    n = int(args[0]) if args else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "bench.sqlite"))
        start = time.perf_counter()
        _generator(n)(store, n)
        print(f"store of {n:,} enterprises built in {time.perf_counter() - start:.1f} s")
        times = []
        with store.session() as s:
            for _ in range(5):
                t = time.perf_counter()
                r = dashboard(s, AS_OF)
                times.append((time.perf_counter() - t) * 1000)
        _clicks(store, r)
        store.close()
    median = statistics.median(times)
    print(f"dashboard refresh: median {median:.0f} ms of {[round(x) for x in times]} ms")
    print(
        f"  高企 {r.high_tech.count.value:,} (目标 {r.high_tech.target}, 年末 "
        f"{r.projection_high_tech.value:,}); 科小 {r.tech_sme.count.value:,}"
    )
    print(
        f"  到期 90天 {r.expiring_within(90).figure.value:,} / 180天 "
        f"{r.expiring_within(180).figure.value:,}; 两清零 A {r.rd_list_a.value:,} "
        f"B {r.rd_list_b.value:,}"
    )
    print("  梯度 " + ", ".join(f"{b.name} {b.figure.value:,}" for b in r.ladder))
    print(f"  target < {TARGET_MS:.0f} ms: {'met' if median < TARGET_MS else 'NOT met'}")
    return 0 if median < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
