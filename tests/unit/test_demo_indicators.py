"""The demo's indicators: the seeds' real set with a 2020 base and targets 2021–2026, and a table
for 2025 where every indicator has an actual (desktop/demo/indicators.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from db.models import Indicator, IndicatorTarget
from db.services.plans import indicators as ind
from db.services.plans.indicators_seeds import SEEDS, seed_indicators
from db.store import Store
from desktop import demo


def test_demo_table_for_2025_and_2026(store: Store) -> None:
    with store.transaction() as s:
        demo.fill(s, "演示")
        assert seed_indicators(s, "演示") == []  # already seeded: nothing added twice
    with store.session() as s:
        codes = set(s.scalars(select(Indicator.code)))
        years = set(
            s.scalars(
                select(IndicatorTarget.year)
                .join(Indicator, Indicator.id == IndicatorTarget.indicator_id)
                .where(Indicator.code == "platforms_provincial")
            )
        )
        table = {v.code: v for v in ind.indicator_table(s, 2025, as_of=date(2025, 12, 31))}
        later = {v.code: v for v in ind.indicator_table(s, 2026, as_of=date(2026, 6, 30))}
    assert {code for code, *_ in SEEDS} <= codes
    assert {"platform_academician", "platform_engineering", "platform_postdoc"} <= codes
    assert years == set(range(2021, 2027))
    assert all(v.actual is not None for v in table.values()), [
        v.code for v in table.values() if v.actual is None
    ]
    assert table["tech_contracts"].status == ind.DONE  # about 20亿元 absorbed in 2025
    assert table["transferred_results"].actual is not None
    assert table["transferred_results"].actual >= 100
    assert table["platforms_provincial"].base_year == 2020
    assert table["platform_academician"].source == "platforms:院士工作站:省级+"
    assert table["rd_growth"].avg_growth is not None
    assert later["high_tech_count"].target == 110 and later["high_tech_count"].actual is not None
