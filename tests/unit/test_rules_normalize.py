"""Tests for db.rules.normalize (domain.md "Units, dates, booleans in data from towns")."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.rules.normalize import (
    money_unit_of,
    parse_bool,
    parse_date,
    parse_int,
    parse_money,
    parse_number,
    to_wan_yuan,
)
from db.rules.results import Checked

TODAY = date(2025, 6, 30)


def to_full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def excel_serial(d: date) -> int:
    return (d - date(1899, 12, 30)).days


def spellings(d: date) -> list[object]:
    return [
        d,
        datetime(d.year, d.month, d.day, 0, 0),
        excel_serial(d),
        float(excel_serial(d)) + 0.25,
        d.isoformat(),
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}.{d.month}.{d.day}",
        f"{d.year}年{d.month}月{d.day}日",
        f"{d:%Y年%m月%d日}",
        f"{d:%Y%m%d}",
        f"{d.isoformat()} 00:00:00",
        to_full_width(f"{d.year}年{d.month}月{d.day}日"),
        to_full_width(d.isoformat()),
    ]


# ---------------------------------------------------------------- dates


@given(st.dates(date(1990, 1, 1), date(2030, 12, 31)))
def test_every_spelling_of_a_date_round_trips(d: date) -> None:
    for spelling in spellings(d):
        assert parse_date(spelling) == Checked(d), spelling


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
        (45047, date(2023, 5, 1)),
    ],
)
def test_excel_serial_boundaries(serial: int, expected: date) -> None:
    assert parse_date(serial).value == expected


def test_excel_serial_60_does_not_exist() -> None:
    result = parse_date(60)
    assert result.value is None and result.errors[0].startswith("日期不存在")


@pytest.mark.parametrize("cell", [None, "", "—", "-", "/", "无", "  "])
def test_empty_date_cells(cell: object) -> None:
    assert parse_date(cell) == Checked(None)


@pytest.mark.parametrize("cell", ["abc", "2023-05", "2023-5/1", "5/1/2023", 0, 200000, True])
def test_unrecognised_dates(cell: object) -> None:
    result = parse_date(cell)
    assert result.value is None and result.errors[0].startswith("日期无法识别")


def test_unrecognised_date_message_names_value() -> None:
    assert parse_date("明年").errors == ("日期无法识别：明年",)


@pytest.mark.parametrize("cell", ["2023-02-30", "2023年13月1日", "20230231", "2023/4/31"])
def test_impossible_dates(cell: str) -> None:
    assert parse_date(cell).errors == (f"日期不存在：{cell}",)


def test_future_dates() -> None:
    tomorrow = TODAY + timedelta(days=1)
    assert parse_date(tomorrow, today=TODAY).errors == ("日期晚于今天：2025-07-01",)
    assert parse_date(tomorrow, today=TODAY, allow_future=True).value == tomorrow
    assert parse_date(TODAY, today=TODAY).value == TODAY
    assert parse_date(tomorrow).value == tomorrow


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (12, 12.0),
        (1.5, 1.5),
        ("1,234.5", 1234.5),
        ("1,234.5万元", 1234.5),
        ("１，２３４．５", 1234.5),
        ("-3.25", -3.25),
        ("500平方米", 500.0),
        ("500m²", 500.0),
        ("500㎡", 500.0),
        ("15%", 15.0),
        ("30 人", 30.0),
        ("12家", 12.0),
        ("1,000,000元", 1_000_000.0),
    ],
)
def test_parse_number(cell: object, expected: float) -> None:
    assert parse_number(cell) == Checked(expected)


@pytest.mark.parametrize("cell", [None, "", "—", "--", "/", "无", "－", float("nan")])
def test_empty_number_cells(cell: object) -> None:
    assert parse_number(cell) == Checked(None)


@pytest.mark.parametrize("cell", ["abc", "1,2", "12,34.5", "1.2.3", "约100", "inf", True])
def test_unrecognised_numbers(cell: object) -> None:
    result = parse_number(cell)
    assert result.value is None and result.errors[0].startswith("数字无法识别")


def test_unrecognised_number_message_names_value() -> None:
    assert parse_number("约100").errors == ("数字无法识别：约100",)


@given(
    st.integers(-(10**12), 10**12),
    st.integers(0, 99),
    st.booleans(),
    st.sampled_from(["", "万元", "元", "千元", "人", "个", "家", "%", "平方米"]),
)
def test_formatted_numbers_round_trip(whole: int, cents: int, full_width: bool, unit: str) -> None:
    expected = whole + (cents / 100 if whole >= 0 else -cents / 100)
    text = f"{expected:,.2f}{unit}"
    text = to_full_width(text) if full_width else text
    result = parse_number(text)
    assert result.ok and result.value == pytest.approx(expected, abs=1e-6)


def test_parse_int() -> None:
    assert parse_int("1,200人") == Checked(1200)
    assert parse_int(3.0) == Checked(3)
    assert parse_int("—") == Checked(None)
    assert parse_int("2.5").errors == ("应为整数：2.5",)
    assert not parse_int("abc").ok


# ---------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("营业收入(元)", "元"),
        ("营业收入元", "元"),
        ("单位：千元", "千元"),
        ("营业收入（万元）", "万元"),
        ("融资额(亿元)", "亿元"),
        ("营业收入", None),
        ("单元数", None),
        ("XX镇2025年科技型企业统计表", None),
    ],
)
def test_money_unit_of(text: str, unit: str | None) -> None:
    assert money_unit_of(text) == unit


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        (12345.0, "元", 1.2345),
        (12345.0, "千元", 1234.5),
        (12.5, "万元", 12.5),
        (12.5, None, 12.5),
        (1.5, "亿元", 15000.0),
        (0.1 + 0.2, "万元", 0.3),
    ],
)
def test_to_wan_yuan(amount: float, unit: str | None, expected: float) -> None:
    assert to_wan_yuan(amount, unit) == expected


def test_to_wan_yuan_rejects_unknown_unit() -> None:
    with pytest.raises(ValueError, match="美元"):
        to_wan_yuan(1.0, "美元")


@given(st.integers(0, 10**10))
def test_to_wan_yuan_units_agree(yuan: int) -> None:
    via_yuan = to_wan_yuan(float(yuan), "元")
    assert to_wan_yuan(yuan / 1000, "千元") == pytest.approx(via_yuan, abs=1e-6)
    assert to_wan_yuan(yuan / 10**8, "亿元") == pytest.approx(via_yuan, abs=1e-3)
    assert to_wan_yuan(via_yuan, "万元") == via_yuan


def test_parse_money() -> None:
    assert parse_money("1,234.5", None) == Checked(1234.5)
    assert parse_money("12,345", "元") == Checked(1.2345)
    assert parse_money(2000, "千元") == Checked(200.0)
    assert parse_money("100万元", "元") == Checked(100.0)  # the cell's unit wins
    assert parse_money("5000元", "万元") == Checked(0.5)
    assert parse_money("—", "元") == Checked(None)
    assert not parse_money("30人", "万元").ok
    assert not parse_money("abc", None).ok


# ---------------------------------------------------------------- yes / no


@pytest.mark.parametrize(
    "cell", ["是", "有", "√", "✓", "Y", "y", "yes", "TRUE", "1", 1, 1.0, "对", True, "Ｙ"]
)
def test_true_values(cell: object) -> None:
    assert parse_bool(cell) == Checked(True)


@pytest.mark.parametrize(
    "cell", ["否", "无", "×", "✗", "N", "no", "false", "0", 0, 0.0, "错", False]
)
def test_false_values(cell: object) -> None:
    assert parse_bool(cell) == Checked(False)


@pytest.mark.parametrize("cell", [None, "", " ", "—", "/", "-"])
def test_empty_bool_cells(cell: object) -> None:
    assert parse_bool(cell) == Checked(None)


@pytest.mark.parametrize("cell", ["可能", 2, "是否"])
def test_invalid_bool(cell: object) -> None:
    assert parse_bool(cell).errors == (f"应填“是”或“否”：{cell}",)
