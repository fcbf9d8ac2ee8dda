"""The counts grow linearly with the store: measured in SQLite's own steps, not in seconds.

SQLite's progress handler counts the virtual machine's instructions a statement runs, a figure
that does not depend on the machine or its load. Ten times the enterprises must cost about ten
times the steps (a sort adds a little); a count that re-scans a set once per enterprise — as
`by_town` did, joining the certificate holders to every enterprise — costs a hundred times.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from db.models import Enterprise, Qualification, QualificationType
from db.rules.identifiers import uscc_check_char
from db.services.figures import counts
from db.services.towns import add_towns, list_towns
from db.store import Store, open_store

pytestmark = pytest.mark.sqlite_only
AS_OF = date(2025, 6, 30)
SMALL, LARGE = 500, 5_000


def _fill(store: Store, n: int) -> None:
    with store.transaction() as s:
        add_towns(s, ["十九里镇", "五马镇", "古井镇", "魏岗镇"], "测试员")
        towns = [t.id for t in list_towns(s)]
        types = {c: i for c, i in s.execute(select(QualificationType.code, QualificationType.id))}
        firms: list[dict[str, Any]] = []
        quals: list[dict[str, Any]] = []
        for i in range(1, n + 1):
            first17 = f"91341600{i:09d}"
            firms.append(
                {
                    "id": i,
                    "name": f"企业{i:06d}",
                    "uscc": first17 + uscc_check_char(first17),
                    "town_id": towns[i % len(towns)] if i % 50 else None,
                }
            )
            if i % 3 == 0:
                issued = date(2022 + i % 3, 1 + i % 12, 1 + i % 28)
                quals.append(
                    {
                        "enterprise_id": i,
                        "type_id": types["high_tech"],
                        "number": f"GR{issued.year}34{i:06d}",
                        "issued_on": issued,
                        "valid_from": issued,
                        "valid_through": issued.replace(year=issued.year + 3) - timedelta(days=1),
                    }
                )
            if i % 4 == 0:
                quals.append(
                    {
                        "enterprise_id": i,
                        "type_id": types["tech_sme"],
                        "evaluation_year": AS_OF.year,
                        "valid_from": date(AS_OF.year, 1, 1),
                        "valid_through": date(AS_OF.year, 12, 31),
                    }
                )
        s.execute(insert(Enterprise), firms)
        s.execute(insert(Qualification), quals)


def _steps(path: Path, n: int) -> tuple[int, counts.DoubleBreakthrough]:
    store = open_store(path, daily_backup=False)
    try:
        _fill(store, n)
        with store.session() as s:
            raw = s.connection().connection.driver_connection
            ticks = [0]

            def tick() -> int:
                ticks[0] += 1
                return 0

            raw.set_progress_handler(tick, 1000)
            result = counts.double_breakthrough(s, AS_OF)
            raw.set_progress_handler(None, 0)
        return ticks[0] * 1000, result
    finally:
        store.close()


def test_the_double_breakthrough_counts_grow_linearly(tmp_path: Path) -> None:
    small, few = _steps(tmp_path / "small.sqlite", SMALL)
    large, many = _steps(tmp_path / "large.sqlite", LARGE)
    assert many.enterprises == LARGE and sum(t.enterprises for t in many.by_town) == LARGE
    assert sum(t.high_tech for t in many.by_town) == many.high_tech > 10 * few.high_tech - 10
    growth = large / small
    assert growth < 20, f"{LARGE // SMALL}× the enterprises cost {growth:.0f}× the steps"
