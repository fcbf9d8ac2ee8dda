"""Tests for db.rules.validity (domain.md "Qualifications and their validity")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.rules.validity import (
    LADDER_NAMES,
    HeldQualification,
    ValidityRule,
    add_years,
    average_growth,
    hte_valid_through,
    is_valid_on,
    ladder_stage,
    qualification_status,
    valid_from,
    valid_through,
)

DAY = timedelta(days=1)


def test_add_years_handles_leap_day() -> None:
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert add_years(date(2023, 5, 1), 3) == date(2026, 5, 1)


@pytest.mark.parametrize(
    ("issued", "through"),
    [
        (date(2023, 1, 1), date(2025, 12, 31)),
        (date(2022, 12, 31), date(2025, 12, 30)),
        (date(2023, 10, 16), date(2026, 10, 15)),
        (date(2024, 2, 29), date(2027, 2, 27)),
        (date(2024, 3, 1), date(2027, 2, 28)),
    ],
)
def test_hte_valid_through_examples(issued: date, through: date) -> None:
    assert hte_valid_through(issued) == through


def test_hte_valid_through_without_last_day() -> None:
    assert hte_valid_through(date(2023, 1, 1), last_day_included=False) == date(2025, 12, 30)
    assert hte_valid_through(date(2023, 1, 1), years=1) == date(2023, 12, 31)


@given(st.dates(date(1990, 1, 1), date(2090, 12, 31)))
def test_hte_certificate_lasts_three_years_exactly(issued: date) -> None:
    through = hte_valid_through(issued)
    assert add_years(issued, 3) == through + DAY
    assert is_valid_on(through, issued, through, None)
    assert not is_valid_on(through + DAY, issued, through, None)


def test_validity_rules() -> None:
    years3 = ValidityRule("years", 3)
    evaluation = ValidityRule("evaluation_year")
    forever = ValidityRule("no_expiry")
    issued = date(2023, 1, 1)
    assert valid_through(years3, issued, None) == date(2025, 12, 31)
    assert valid_from(years3, issued, None) == issued
    assert valid_through(evaluation, None, 2024) == date(2024, 12, 31)
    assert valid_from(evaluation, None, 2024) == date(2024, 1, 1)
    assert valid_through(forever, issued, None) is None
    assert valid_from(forever, issued, None) == issued
    assert valid_from(forever, None, None) is None


def test_validity_rules_refuse_missing_dates() -> None:
    with pytest.raises(ValueError):
        valid_through(ValidityRule("years", 3), None, None)
    with pytest.raises(ValueError):
        valid_from(ValidityRule("evaluation_year"), date(2024, 5, 1), None)
    with pytest.raises(ValueError):
        ValidityRule("years")


def test_is_valid_on_boundaries() -> None:
    start, end = date(2023, 1, 1), date(2025, 12, 31)
    assert not is_valid_on(start - DAY, start, end, None)
    assert is_valid_on(start, start, end, None)
    assert is_valid_on(end, start, end, None)
    assert not is_valid_on(end + DAY, start, end, None)
    assert is_valid_on(date(2099, 1, 1), start, None, None)
    assert is_valid_on(date(1990, 1, 1), None, end, None)


def test_revocation_stops_counting_from_its_date() -> None:
    start, end, revoked = date(2023, 1, 1), date(2025, 12, 31), date(2024, 6, 1)
    assert is_valid_on(revoked - DAY, start, end, revoked)
    assert not is_valid_on(revoked, start, end, revoked)
    assert not is_valid_on(revoked + DAY, start, end, revoked)


@pytest.mark.parametrize(
    ("on", "status"),
    [
        (date(2022, 12, 31), "未生效"),
        (date(2023, 1, 1), "有效"),
        (date(2025, 7, 3), "有效"),
        (date(2025, 7, 4), "即将到期"),
        (date(2025, 12, 31), "即将到期"),
        (date(2026, 1, 1), "已过期"),
    ],
)
def test_qualification_status(on: date, status: str) -> None:
    assert qualification_status(on, date(2023, 1, 1), date(2025, 12, 31), None) == status


def test_qualification_status_revoked_and_open_ended() -> None:
    start = date(2023, 1, 1)
    assert qualification_status(date(2024, 1, 1), start, None, date(2024, 1, 1)) == "已撤销"
    assert qualification_status(date(2023, 12, 31), start, None, date(2024, 1, 1)) == "有效"
    assert qualification_status(date(2099, 1, 1), start, None, None) == "有效"
    assert qualification_status(date(2025, 12, 1), start, date(2025, 12, 31), None, 10) == "有效"


def test_ladder_stage() -> None:
    sme = HeldQualification(1, date(2024, 1, 1), date(2024, 12, 31), None)
    hte = HeldQualification(2, date(2023, 6, 1), date(2026, 5, 31), None)
    revoked_giant = HeldQualification(3, date(2023, 1, 1), date(2025, 12, 31), date(2024, 3, 1))
    held = [sme, hte, revoked_giant]
    assert ladder_stage(held, date(2022, 1, 1)) == 0
    assert ladder_stage(held, date(2023, 2, 1)) == 3
    assert ladder_stage(held, date(2024, 3, 1)) == 2
    assert ladder_stage(held, date(2026, 6, 1)) == 0
    assert ladder_stage([sme], date(2024, 7, 1)) == 1
    assert ladder_stage([], date(2024, 7, 1)) == 0
    assert LADDER_NAMES[ladder_stage(held, date(2024, 7, 1))] == "高新技术企业层"


def test_average_growth() -> None:
    assert average_growth(100.0, 121.0, 2020, 2022) == pytest.approx(0.1)
    assert average_growth(5.0, 6.0, 2020, 2023) == pytest.approx((6 / 5) ** (1 / 3) - 1)
    assert average_growth(100.0, 100.0, 2020, 2021) == 0.0
    assert average_growth(0.0, 10.0, 2020, 2023) is None
    assert average_growth(10.0, 20.0, 2023, 2023) is None
    assert average_growth(10.0, -1.0, 2020, 2023) is None
