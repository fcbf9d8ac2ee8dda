"""The indicators' arithmetic (db/rules/indicators.py): growth, completion, status, sources, levels."""

from __future__ import annotations

from datetime import date

import pytest

from db.rules import indicators as r


def test_growth_and_average_growth() -> None:
    assert r.growth_pct(120.0, 100.0) == pytest.approx(20.0)
    assert r.growth_pct(100.0, 0.0) is None
    assert r.growth_pct(None, 100.0) is None
    assert r.average_growth_pct(100.0, 121.0, 2020, 2022) == pytest.approx(10.0)
    assert r.average_growth_pct(None, 121.0, 2020, 2022) is None
    assert r.average_growth_pct(100.0, 121.0, 2022, 2022) is None


def test_completion_ratio_or_points() -> None:
    assert r.completion("count", 67, 100) == pytest.approx(67.0)
    assert r.completion("amount", 21.5, 20.0) == pytest.approx(107.5)
    assert r.completion("cumulative", 3, 0) is None
    assert r.completion("rate", 86.0, 90.0) == pytest.approx(-4.0)
    assert r.completion("growth", 16.2, 15.0) == pytest.approx(1.2)
    assert r.completion("count", None, 100) is None
    assert r.completion("count", 5, None) is None


def test_year_share() -> None:
    assert r.year_share(2025, date(2024, 12, 31)) == 0.0
    assert r.year_share(2025, date(2025, 12, 31)) == 1.0
    assert r.year_share(2025, date(2025, 1, 1)) == pytest.approx(1 / 365)
    assert r.year_share(2024, date(2024, 7, 1)) == pytest.approx(183 / 366)


def test_status_against_the_time_of_year() -> None:
    assert r.status("count", 5, None, 0.5) == r.NO_TARGET
    assert r.status("count", 100, 100, 0.2) == r.DONE
    assert r.status("count", 50, 100, 0.5) == r.ON_SCHEDULE
    assert r.status("count", 49, 100, 0.5) == r.BEHIND
    assert r.status("count", None, 100, 0.0) == r.ON_SCHEDULE
    assert r.status("count", None, 100, 1.0) == r.BEHIND
    assert r.status("rate", 90.0, 90.0, 1.0) == r.DONE
    assert r.status("rate", 85.0, 90.0, 1.0) == r.BEHIND
    assert r.status("growth", -1.0, 0.0, 0.3) == r.BEHIND


def test_sources_and_levels() -> None:
    spec = r.parse_source("platforms:院士工作站:省级+")
    assert (spec.name, spec.argument, spec.level, spec.and_above) == (
        "platforms",
        "院士工作站",
        "省级",
        True,
    )
    assert spec.levels == ("国家级", "省级")
    assert r.parse_source("platforms:*:省级及以上").text == "platforms:*:省级+"
    assert r.parse_source("carriers:*:区级+").levels == ("国家级", "省级", "市级", "区级", "县级")
    assert r.parse_source("platforms:*:市级").levels == ("市级",)
    assert r.parse_source("high_tech").text == "high_tech"
    assert r.parse_source("platforms").levels is None
    with pytest.raises(ValueError, match="级别"):
        r.parse_source("platforms:*:乡级+")
    with pytest.raises(ValueError):
        r.parse_source("a:b:c:d")
    assert r.level_text(r.parse_source("platforms:*:省级+")) == "省级及以上"


def test_unit_scale() -> None:
    assert r.unit_scale("亿元") == pytest.approx(1e-4)
    assert r.unit_scale("万元") == 1.0
    assert r.unit_scale("元") == 10_000.0
