"""Roster at scale: 100,000 enterprises, 150,000 qualifications, 300,000 yearly figures.

Times the id-holding RosterModel (first page, 2-character search, town filter, sorts) against the
naive QStandardItemModel + QSortFilterProxyModel holding every row. Run: python -m tests.benchmarks.bench_roster
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import multiprocessing
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from db.models import Enterprise, EnterpriseYear, Qualification, QualificationType
from db.rules.identifiers import org_code_check_char, uscc_check_char
from db.rules.validity import add_years
from db.services.enterprises.search_text import pinyin_initials, search_text
from db.services.towns import add_towns, list_towns
from db.store import Store, open_store

ENTERPRISES = 100_000
HTE = 60_000
SME = 90_000
YEARS = (2022, 2023, 2024)
CHARS = "华信生物科技明远机械星河软件绿源农业安徽合肥新材料电子智能制造光伏医药环保信息网络数据精密仪器汽车零部件食品化工建材"
SUFFIXES = ("有限公司", "股份有限公司", "有限责任公司")
TOWNS = [f"{n}镇" for n in ("十九里", "庐阳", "大杨", "三十岗", "双墩", "杨庙", "水湖", "吴山")]


def _uscc(n: int) -> str:
    body = f"MA{n:06d}"
    first17 = "91340100" + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


def _timed(label: str, fn: Callable[[], Any], results: dict[str, float]) -> Any:
    start = time.perf_counter()
    value = fn()
    results[label] = (time.perf_counter() - start) * 1000
    print(f"  {label:<34} {results[label]:9.1f} ms", flush=True)
    return value


def generate(store: Store) -> None:
    """Fill the store through Core inserts."""
    rnd = random.Random(7)
    with store.transaction() as s:
        add_towns(s, TOWNS, "bench")
        town_ids = [t.id for t in list_towns(s)]
        ht = s.scalar(select(QualificationType.id).where(QualificationType.code == "high_tech"))
        sme = s.scalar(select(QualificationType.id).where(QualificationType.code == "tech_sme"))
        rows = []
        for i in range(1, ENTERPRISES + 1):
            name = "".join(rnd.choice(CHARS) for _ in range(rnd.randint(4, 8))) + rnd.choice(
                SUFFIXES
            )
            name = f"{name}{i}" if i % 3 == 0 else name
            uscc = _uscc(i)
            rows.append(
                {
                    "name": name,
                    "uscc": uscc,
                    "town_id": rnd.choice(town_ids) if i % 50 else None,
                    "above_scale": rnd.random() < 0.2,
                    "search_text": search_text(name, uscc),
                    "pinyin_initials": pinyin_initials(name),
                }
            )
        s.execute(insert(Enterprise), rows)
        today = date.today()
        quals = []
        for eid in rnd.sample(range(1, ENTERPRISES + 1), HTE):
            issued = today - timedelta(days=rnd.randint(0, 5 * 365))
            through = add_years(issued, 3) - timedelta(days=1)
            number = f"GR{issued.year}34{eid:06d}"
            quals.append(_q(eid, ht, number, issued, None, issued, through))
        for eid in rnd.sample(range(1, ENTERPRISES + 1), SME):
            year = rnd.choice((2023, 2024, 2025))
            quals.append(_q(eid, sme, None, None, year, date(year, 1, 1), date(year, 12, 31)))
        s.execute(insert(Qualification), quals)
        figures = [
            {
                "enterprise_id": eid,
                "year": y,
                "revenue": round(rnd.uniform(10, 90000), 2),
                "rd_expense": round(rnd.uniform(0, 3000), 2),
                "employees": rnd.randint(3, 900),
            }
            for eid in range(1, ENTERPRISES + 1)
            for y in YEARS
        ]
        s.execute(insert(EnterpriseYear), figures)


def _q(
    eid: int, tid: Any, number: Any, issued: Any, year: Any, frm: date, to: date
) -> dict[str, Any]:
    return {
        "enterprise_id": eid,
        "type_id": tid,
        "number": number,
        "issued_on": issued,
        "evaluation_year": year,
        "valid_from": frm,
        "valid_through": to,
    }


def bench_roster_model(store: Store) -> dict[str, float]:
    """The id-holding model: every step is SQL."""
    from PySide6.QtCore import Qt

    from desktop.preferences import Preferences
    from desktop.ui.enterprises.model import COL_LADDER, COL_NAME, COL_REVENUE, RosterModel
    from desktop.ui.shell.context import AppContext

    ctx = AppContext(store, "bench", Preferences())
    r: dict[str, float] = {}

    def first_page() -> RosterModel:
        m = RosterModel(ctx)
        m.data(m.index(0, COL_NAME))
        return m

    model: RosterModel = _timed("open roster (first page shown)", first_page, r)
    town = list_towns(store.session())[0].id

    def step(**kw: Any) -> Callable[[], None]:
        def run() -> None:
            model.update_filter(**kw)
            model.data(model.index(0, COL_NAME))

        return run

    _timed("2-character search '华信'", step(text="华信"), r)
    _timed("initials search 'hxsw'", step(text="hxsw"), r)
    _timed("filter by town", step(text="", town_id=town), r)
    _timed("expiring within 180 days", step(town_id=None, expiring_within_days=180), r)
    _timed("ladder stage 高企层", step(expiring_within_days=None, ladder_stage=2), r)
    model.update_filter(ladder_stage=None)

    def sort(col: int) -> Callable[[], None]:
        def run() -> None:
            model.sort(col, Qt.SortOrder.AscendingOrder)
            model.data(model.index(0, COL_NAME))

        return run

    _timed("sort by name (all rows)", sort(COL_NAME), r)
    _timed("sort by revenue (all rows)", sort(COL_REVENUE), r)
    _timed("sort by ladder (all rows)", sort(COL_LADDER), r)
    return r


def bench_standard_model(store: Store) -> dict[str, float]:
    """Every row in a QStandardItemModel behind a QSortFilterProxyModel."""
    from PySide6.QtCore import QSortFilterProxyModel, Qt
    from PySide6.QtGui import QStandardItem, QStandardItemModel

    from db.services.enterprises.roster import RosterFilter, RosterQuery

    r: dict[str, float] = {}

    # PySide6 on Python 3.11 leaks a reference to None per appendRow; 400,000 calls would free
    # None itself ("none_dealloc"). Holding extra references keeps the comparison running.
    keep_none = [None] * 5_000_000

    def load() -> QSortFilterProxyModel:
        q = RosterQuery()
        with store.session() as s:
            ids = q.ids(s, RosterFilter())
            model = QStandardItemModel(0, 4)
            for start in range(0, len(ids), 2000):
                for row in q.rows(s, ids[start : start + 2000]):
                    model.appendRow(
                        [
                            QStandardItem(row.name),
                            QStandardItem(row.uscc),
                            QStandardItem(row.town or ""),
                            QStandardItem(f"{row.revenue or 0:.2f}"),
                        ]
                    )
        proxy = QSortFilterProxyModel()
        proxy.setSourceModel(model)
        proxy.setFilterKeyColumn(0)
        proxy._source = model  # type: ignore[attr-defined]
        return proxy

    proxy = _timed("load every row", load, r)
    assert keep_none
    proxy.rowCount()  # the proxy maps lazily: make it build its mapping before timing

    def keystroke() -> None:
        proxy.setFilterFixedString("华信")
        proxy.rowCount()

    def sort() -> None:
        proxy.sort(0, Qt.SortOrder.AscendingOrder)
        proxy.rowCount()

    _timed("filter keystroke '华信'", keystroke, r)
    proxy.setFilterFixedString("")
    proxy.rowCount()
    _timed("sort by name", sort, r)
    return r


def _print_plans(store: Store) -> None:
    """EXPLAIN QUERY PLAN of the ladder sort and the expiring filter (no per-row subqueries)."""
    from sqlalchemy.dialects import sqlite

    from db.services.enterprises.roster import RosterFilter, RosterQuery

    q = RosterQuery()
    cases = (
        ("sort by ladder", q.statement(RosterFilter(), "ladder")),
        ("expiring within 180 days", q.statement(RosterFilter(expiring_within_days=180))),
    )
    with store.session() as s:
        for label, stmt in cases:
            sql = str(
                stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
            )
            print(f"  plan of {label}:")
            for row in s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql):
                print(f"    {row[3]}")


def _generate_file(path: Path) -> None:
    store = open_store(path)
    generate(store)
    store.close()


def _rss_now_mb() -> float:
    """Current resident memory (Linux /proc), to separate it from the peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    """Generate the store, time both approaches, print the figures and the ratios.

    argv: an optional store path (reused when it exists); the tests.benchmarks runner gives none.
    """
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv)
    args = argv or []
    path = Path(args[0]) if args else Path(tempfile.mkdtemp()) / "bench.sqlite"
    if not path.exists():
        # Generated in a child process so the resident memory measured below is the roster's own.
        start = time.perf_counter()
        child = multiprocessing.Process(target=_generate_file, args=(path,))
        child.start()
        child.join()
        print(f"generated {ENTERPRISES} enterprises in {time.perf_counter() - start:.1f} s")
    store = open_store(path)
    print(f"store {path}, resident memory before: {_rss_now_mb():.0f} MB", flush=True)
    print("RosterModel (ids + pages, SQL filter/sort):")
    ours = bench_roster_model(store)
    _print_plans(store)
    rss_ours = _rss_mb()
    print(
        f"  peak resident memory (getrusage)       {rss_ours:9.0f} MB, now {_rss_now_mb():.0f} MB"
    )
    print("QStandardItemModel + QSortFilterProxyModel (all rows in memory):")
    naive = bench_standard_model(store)
    print(
        f"  peak resident memory (getrusage)       {_rss_mb():9.0f} MB, now {_rss_now_mb():.0f} MB"
    )
    print("Ratios (standard / roster):")
    print(f"  open:   {naive['load every row'] / ours['open roster (first page shown)']:.1f}x")
    search = naive["filter keystroke '华信'"] / ours["2-character search '华信'"]
    print(f"  search: {search:.2f}x")
    print(f"  sort:   {naive['sort by name'] / ours['sort by name (all rows)']:.2f}x")
    store.close()
    del app


if __name__ == "__main__":
    main(sys.argv[1:])
