"""Cell normalisation rules from domain.md "Units, dates, booleans in data from towns".

Every parser returns a Checked value and raises nothing: empty cells give None without error.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import TypeGuard

from db.rules.results import Checked
from db.rules.text import is_empty, normalize_text

# Excel's 1900 date system, including its fictitious 1900-02-29 (serial 60).
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_BUG_SERIAL = 60
_EXCEL_MAX_SERIAL = 80000
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DATE_PATTERNS = (
    re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME),
    re.compile(r"(\d{4})(年)(\d{1,2})月(\d{1,2})日?" + _TIME),
    re.compile(r"(\d{4})()(\d{2})(\d{2})"),
)

_NUMBER_UNITS = ("平方米", "万元", "千元", "亿元", "m2", "元", "人", "个", "家", "%")
_MONEY_FACTORS = {"元": 1e-4, "千元": 1e-1, "万元": 1.0, "亿元": 1e4}
MONEY_FACTORS = _MONEY_FACTORS  # unit → factor to 万元
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_MINUS_SIGNS = str.maketrans({c: "-" for c in "−‐‑‒–"})
_BARE_YUAN = re.compile(r"(?<![单美公纪次欧日港韩澳台])元")

_Number = int | float | Decimal
_TRUE_WORDS = frozenset({"是", "有", "√", "✓", "✔", "y", "yes", "true", "t", "1", "1.0", "对"})
_FALSE_WORDS = frozenset(
    {"否", "无", "没有", "×", "✗", "✘", "n", "no", "false", "f", "0", "0.0", "错"}
)


def _shown(value: object) -> str:
    """The cell as the user wrote it, for messages."""
    return normalize_text(value)


def _is_number(value: object) -> TypeGuard[_Number]:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _is_nan(value: object) -> bool:
    return isinstance(value, (float, Decimal)) and math.isnan(value)


# ---------------------------------------------------------------- dates


def _excel_serial_date(serial: _Number) -> Checked[date]:
    whole = math.floor(serial)
    if whole == _EXCEL_BUG_SERIAL:
        return Checked(None, (f"日期不存在：{_shown(serial)}（1900-02-29）",))
    shift = 1 if whole < _EXCEL_BUG_SERIAL else 0
    return Checked(_EXCEL_EPOCH + timedelta(days=whole + shift))


def _date_from_number(value: _Number) -> Checked[date]:
    if not math.isfinite(value):
        return Checked(None, (f"日期无法识别：{_shown(value)}",))
    if 1 <= value < _EXCEL_MAX_SERIAL:
        return _excel_serial_date(value)
    if value == int(value) and 10_000_000 <= value <= 99_991_231:
        return _date_from_text(str(int(value)))
    return Checked(None, (f"日期无法识别：{_shown(value)}",))


def _date_from_text(text: str) -> Checked[date]:
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, _, month, day = match.groups()
            try:
                return Checked(date(int(year), int(month), int(day)))
            except ValueError:
                return Checked(None, (f"日期不存在：{text}",))
    return Checked(None, (f"日期无法识别：{text}",))


@lru_cache(maxsize=8192)
def _date_of_str(text: str) -> Checked[date]:
    """parse_date of a text cell before the future check; cached (columns repeat dates)."""
    if is_empty(text):
        return Checked(None)
    return _date_from_text(_shown(text))


def _date_of(value: object) -> Checked[date]:
    if isinstance(value, datetime):
        return Checked(value.date())
    if isinstance(value, date):
        return Checked(value)
    if _is_number(value):
        return _date_from_number(value)
    return _date_from_text(_shown(value))


def parse_date(
    value: object, today: date | None = None, allow_future: bool = False
) -> Checked[date]:
    """Parse a date cell (Excel serial, 2023-05-01, 2023/5/1, 2023.5.1, 2023年5月1日, 20230501)."""
    if isinstance(value, str):
        checked = _date_of_str(value)
    elif is_empty(value):
        return Checked(None)
    else:
        checked = _date_of(value)
    parsed = checked.value
    if parsed is not None and today is not None and not allow_future and parsed > today:
        return Checked(None, (f"日期晚于今天：{parsed.isoformat()}",))
    return checked


# ---------------------------------------------------------------- numbers


def _split_unit(text: str) -> tuple[str, str | None]:
    lowered = text.lower()
    for unit in _NUMBER_UNITS:
        if lowered.endswith(unit):
            return text[: -len(unit)].strip(), unit
    return text, None


def _number_from_text(text: str) -> float | None:
    text = text.replace(" ", "").translate(_MINUS_SIGNS)
    if "," in text:
        if not _GROUPED.fullmatch(text):
            return None
        text = text.replace(",", "")
    if not _PLAIN_NUMBER.fullmatch(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def _number_and_unit(value: object) -> tuple[Checked[float], str | None]:
    """Parse a number cell, also returning the unit written in the cell."""
    if is_empty(value):
        return Checked(None), None
    if _is_number(value):
        number = float(value)
        if math.isfinite(number):
            return Checked(number), None
        return Checked(None, (f"数字无法识别：{_shown(value)}",)), None
    text, unit = _split_unit(_shown(value))
    parsed = _number_from_text(text)
    if parsed is None:
        return Checked(None, (f"数字无法识别：{_shown(value)}",)), None
    return Checked(parsed), unit


def parse_number(value: object) -> Checked[float]:
    """Parse a number cell: thousands separators, full-width digits, trailing unit (1,234.5万元)."""
    return _number_and_unit(value)[0]


def parse_int(value: object) -> Checked[int]:
    """Parse a whole-number cell (counts of people, stations …)."""
    checked = parse_number(value)
    if checked.value is None:
        return Checked(None, checked.errors, checked.warnings)
    rounded = round(checked.value)
    if abs(checked.value - rounded) > 1e-9:
        return Checked(None, (f"应为整数：{_shown(value)}",))
    return Checked(int(rounded))


# ---------------------------------------------------------------- money


def money_unit_of(text: str) -> str | None:
    """Find the money unit (亿元/万元/千元/元) stated in a header or title, longest first."""
    normalized = normalize_text(text)
    for unit in ("亿元", "万元", "千元"):
        if unit in normalized:
            return unit
    return "元" if _BARE_YUAN.search(normalized) else None


def to_wan_yuan(amount: float, unit: str | None) -> float:
    """Convert an amount to 万元 (domain.md: district tables use 万元); raises on unknown units."""
    if unit is None:
        return round(amount, 6)
    if unit not in _MONEY_FACTORS:
        raise ValueError(f"未知的金额单位：{unit}")
    return round(amount * _MONEY_FACTORS[unit], 6)


def parse_money(value: object, unit: str | None) -> Checked[float]:
    """Parse a money cell into 万元; a unit written in the cell wins over the column's unit."""
    checked, cell_unit = _number_and_unit(value)
    if checked.value is None:
        return checked
    if cell_unit is not None and cell_unit not in _MONEY_FACTORS:
        return Checked(None, (f"金额单位不正确：{_shown(value)}",))
    if unit is not None and unit not in _MONEY_FACTORS:
        return Checked(None, (f"未知的金额单位：{unit}",))
    return Checked(to_wan_yuan(checked.value, cell_unit or unit))


# ---------------------------------------------------------------- yes / no


def _bool_from_number(value: _Number) -> Checked[bool]:
    if value in (0, 1):
        return Checked(value == 1)
    return Checked(None, (f"应填“是”或“否”：{_shown(value)}",))


@lru_cache(maxsize=1024)
def _bool_of_str(text: str) -> Checked[bool]:
    """parse_bool of a text cell; cached (a yes/no column holds a handful of words)."""
    word = _shown(text).lower()
    if word in _TRUE_WORDS:
        return Checked(True)
    if word in _FALSE_WORDS:
        return Checked(False)
    if is_empty(text):
        return Checked(None)
    return Checked(None, (f"应填“是”或“否”：{_shown(text)}",))


def parse_bool(value: object) -> Checked[bool]:
    """Parse a yes/no cell: 是/否, 有/无, √/×, Y/N, 1/0, 对/错, true/false."""
    if isinstance(value, str):
        return _bool_of_str(value)
    if isinstance(value, bool):
        return Checked(value)
    if _is_nan(value):
        return Checked(None)
    if _is_number(value):
        return _bool_from_number(value)
    word = _shown(value).lower()
    if word in _TRUE_WORDS:
        return Checked(True)
    if word in _FALSE_WORDS:
        return Checked(False)
    if is_empty(value):
        return Checked(None)
    return Checked(None, (f"应填“是”或“否”：{_shown(value)}",))
