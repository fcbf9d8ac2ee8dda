"""Benchmark: the whole indicator table of a year (db.services.plans.indicators) on a big store.

Run: `.venv/bin/python -m tests.benchmarks plans [ENTERPRISES]` (not part of `make test`).
The store is built with Core executemany: 100,000 enterprises with 300,000 yearly figures
(2023–2025), 高企 certificates and 科小 entries, 2,000 platforms, 20,000 technology contracts, 50
carriers with 2,000 incubatees, 2,000 results with 4,000 transfers, 500 commissioners with 1,500
dispatches; the seeded indicators of `bureau init` plus four platform kinds by level, with targets.
Goal (issue 13): the table for a year (every indicator, its town split, growths and trend) < 300 ms.
Also times one click-through (records_behind) of the biggest figure.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from db.models import (
    Carrier,
    Commissioner,
    Dispatch,
    Enterprise,
    EnterpriseYear,
    Incubatee,
    Platform,
    Qualification,
    QualificationType,
    ResultTransfer,
    TechContract,
    TechResult,
)
from db.rules.identifiers import uscc_check_char
from db.services.plans import indicators as ind
from db.services.plans.indicators_seeds import seed_indicators
from db.services.platforms import KINDS as PLATFORM_KINDS
from db.services.towns import add_towns, list_towns
from db.store import Store, open_store

TOWNS = ("十九里镇", "五马镇", "牛集镇", "古井镇", "汤陵街道", "芍花路街道", "魏岗镇")
YEAR = 2025
TARGET_MS = 300.0
OP = "基准测试"
LEVELS = ("国家级", "省级", "省级", "市级", "市级", "市级")


def _enterprises(
    n: int, towns: list[int], types: dict[str, int]
) -> dict[str, list[dict[str, Any]]]:
    firms, quals, years = [], [], []
    for i in range(1, n + 1):
        first17 = f"91341600{i:09d}"
        town = towns[i % len(towns)] if i % 50 else None
        firms.append(
            {
                "id": i,
                "name": f"基准企业{i:06d}有限公司",
                "uscc": first17 + uscc_check_char(first17),
                "town_id": town,
                "above_scale": i % 10 == 0,
            }
        )
        if i % 3 == 0:
            issued = date(2019 + i % 7, 1 + i % 12, 1 + i % 28)
            through = date(issued.year + 3, issued.month, issued.day) - timedelta(days=1)
            quals.append(
                {
                    "enterprise_id": i,
                    "type_id": types["high_tech"],
                    "number": f"GR{issued.year}34{i:06d}",
                    "issued_on": issued,
                    "valid_from": issued,
                    "valid_through": through,
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
        for y in (2023, 2024, 2025):
            years.append(
                {
                    "enterprise_id": i,
                    "year": y,
                    "revenue": float(i % 90000),
                    "rd_expense": float(i % 500) * (1 + (y - 2023) / 10),
                    "rd_activity": (i + y) % 7 != 0,
                    "rd_institution": (i + y) % 3 != 0,
                }
            )
    return {"firms": firms, "quals": quals, "years": years}


def _records(n: int, towns: list[int]) -> dict[Any, list[dict[str, Any]]]:
    t = towns
    platforms = [
        {
            "id": p,
            "name": f"基准平台{p:05d}",
            "kind": PLATFORM_KINDS[p % len(PLATFORM_KINDS)],
            "level": LEVELS[p % len(LEVELS)],
            "host_enterprise_id": 1 + p * 37 % n,
            "host_name": "依托企业",
            "recognized_year": 2012 + p % 14,
            "town_id": t[p % len(t)],
        }
        for p in range(1, 2001)
    ]
    contracts = [
        {
            "id": k,
            "reg_no": f"2025340016{k:06d}",
            "name": f"技术合同{k}",
            "contract_type": "技术开发",
            "seller_name": "卖方",
            "seller_enterprise_id": 1 + k * 13 % n if k % 2 else None,
            "seller_local": None if k % 2 else False,
            "buyer_name": "买方",
            "buyer_enterprise_id": 1 + k * 7 % n if k % 3 else None,
            "buyer_local": True if k % 3 == 0 and k % 6 else None,
            "amount": float(10 + k % 900),
            "registered_on": date(2021 + k % 5, 1 + k % 12, 1 + k % 28),
            "town_id": t[k % len(t)],
        }
        for k in range(1, 20_001)
    ]
    carriers = [
        {
            "id": c,
            "name": f"基准载体{c}",
            "kind": "众创空间",
            "level": "市级",
            "town_id": t[c % len(t)],
        }
        for c in range(1, 51)
    ]
    incubatees = [
        {
            "carrier_id": 1 + i % 50,
            "team_name": f"团队{i}",
            "entered_on": date(2020 + i % 6, 1 + i % 12, 1),
            "exited_on": date(2026, 6, 30) if i % 4 == 0 else None,
        }
        for i in range(1, 2001)
    ]
    results = [
        {
            "id": r,
            "reg_no": f"9340000{r:06d}",
            "name": f"成果{r}",
            "completer_name": "完成单位",
            "completer_enterprise_id": 1 + r * 11 % n if r % 2 else None,
            "completer_local": None if r % 2 else r % 4 == 0,
            "registered_on": date(2020, 1, 1),
            "town_id": t[r % len(t)],
        }
        for r in range(1, 2001)
    ]
    transfers = [
        {
            "result_id": 1 + x % 2000,
            "method": "向他人转让",
            "taker_name": "承接单位",
            "taker_local": x % 3 == 0,
            "transferred_on": date(2021 + x % 5, 1 + x % 12, 1),
        }
        for x in range(1, 4001)
    ]
    people = [{"id": c, "name": f"特派员{c}", "kind": "个人"} for c in range(1, 501)]
    dispatches = [
        {
            "commissioner_id": 1 + d % 500,
            "target_name": "服务对象",
            "town_id": t[d % len(t)],
            "start_on": date(2021 + d % 5, 3, 1),
            "end_on": date(2022 + d % 5, 2, 28) if d % 2 else None,
        }
        for d in range(1, 1501)
    ]
    return {
        Platform: platforms,
        TechContract: contracts,
        Carrier: carriers,
        Incubatee: incubatees,
        TechResult: results,
        ResultTransfer: transfers,
        Commissioner: people,
        Dispatch: dispatches,
    }


def _indicators(store: Store) -> None:
    with store.transaction() as s:
        seed_indicators(s, OP)
        for kind in ("院士工作站", "工程技术研究中心", "企业技术中心", "博士后工作站"):
            code = f"platform_{PLATFORM_KINDS.index(kind)}"
            values = {"code": code, "name": f"省级及以上{kind}", "unit": "个"}
            ind.add_indicator(s, values | {"source": f"platforms:{kind}:省级+"}, OP)
        for d in ind.list_indicators(s):
            ind.update_indicator(s, d.code, {"base_year": 2020, "base_value": 100}, OP)
            ind.set_target(s, d.code, YEAR, 15 if d.kind in ("rate", "growth") else 1000, OP)


def build(store: Store, n: int) -> None:
    """The big store, through Core executemany (no ORM objects)."""
    with store.session() as s:
        types = {c: i for i, c in s.execute(select(QualificationType.id, QualificationType.code))}
    with store.transaction() as s:
        add_towns(s, TOWNS, OP)
        towns = [t.id for t in list_towns(s)]
        rows = _enterprises(n, towns, types)
        s.execute(insert(Enterprise), rows["firms"])
        s.execute(insert(Qualification), rows["quals"])
        s.execute(insert(EnterpriseYear), rows["years"])
        for model, records in _records(n, towns).items():
            s.execute(insert(model), records)
    _indicators(store)


def main(argv: list[str] | None = None) -> int:
    """Build the store, time the year's table five times (after one cold run), print figures."""
    args = argv or []  # the tests.benchmarks runner calls main() without arguments
    n = int(args[0]) if args else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "bench.sqlite"))
        start = time.perf_counter()
        build(store, n)
        print(f"store of {n:,} enterprises built in {time.perf_counter() - start:.1f} s")
        with store.session() as s:
            t = time.perf_counter()
            table = ind.indicator_table(s, YEAR)
            cold = (time.perf_counter() - t) * 1000
            times = []
            for _ in range(5):
                t = time.perf_counter()
                table = ind.indicator_table(s, YEAR)
                times.append((time.perf_counter() - t) * 1000)
            plain = []
            for _ in range(5):
                t = time.perf_counter()
                ind.indicator_table(s, YEAR, trend=False)
                plain.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            behind = ind.records_behind(s, "high_tech_count", YEAR)
            click = (time.perf_counter() - t) * 1000
        store.close()
    median = statistics.median(times)
    print(f"indicator table {YEAR} ({len(table)} indicators, with trends): cold {cold:.0f} ms,")
    print(f"  median {median:.0f} ms of {[round(x) for x in times]} ms")
    print(
        f"  without trends (CLI, return): median {statistics.median(plain):.0f} ms of "
        f"{[round(x) for x in plain]} ms"
    )
    for v in table:
        shown = "—" if v.actual is None else f"{v.actual:,.2f}"
        print(f"  {v.name}：{shown}{v.unit}（{v.status}，{len(v.by_town)} 个镇街）")
    assert behind is not None
    print(f"  click 高企: {len(behind.ids):,} ids in {click:.0f} ms")
    print(f"  target < {TARGET_MS:.0f} ms: {'met' if median < TARGET_MS else 'NOT met'}")
    return 0 if median < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
