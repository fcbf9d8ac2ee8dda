"""The demo's 培育库 is not empty: entries of both tracks, 2024's closed by their certificates."""

from __future__ import annotations

from db.services.plans import cultivation_pipeline as pipeline
from db.store import Store
from desktop import demo


def test_demo_pipeline(store: Store) -> None:
    with store.transaction() as s:
        demo.fill(s, "演示")
    with store.session() as s:
        now = pipeline.pipeline_counts(s, 2025)
        before = pipeline.pipeline_counts(s, 2024)
        batch = pipeline.pipeline_counts(s, 2025, "tech_sme")
        closed = pipeline.close_recognised(s)
    assert now.district.by_stage["已申报"] >= 1 and now.district.by_stage["培育中"] >= 1
    assert now.district.expected_new >= 1
    assert before.district.by_stage["已认定"] >= 1 and before.district.by_stage["未通过"] == 1
    assert batch.district.total >= 1
    assert closed == 0  # the demo wrote the closing stages itself
