"""How an indicator's numbers read on screen: values with units, completion, status colours,
the clerk's typed numbers, and the share of the year gone by that the status is measured against."""

from __future__ import annotations

import math
import unicodedata
from datetime import date

from db.rules.indicators import POINT_KINDS, year_share
from db.services.plans.indicators import NO_TARGET, IndicatorValue
from desktop.ui.common.status import STATUS_COLOURS as COMMON_COLOURS

NEGATIVE_OK = ("growth",)  # a growth may fall; counts, amounts and rates may not

# status → (text colour, background tint); in the table 无目标 has no tint
STATUS_COLOURS: dict[str, tuple[str, str | None]] = {
    **COMMON_COLOURS,
    NO_TARGET: (COMMON_COLOURS[NO_TARGET][0], None),
}
LINK_COLOUR = "#2b5797"


class NumberProblem(ValueError):
    """What the clerk typed is not a usable number (the message says why, in Chinese)."""


def number(value: float | None) -> str:
    """A value without needless decimals: 110, 15.4, 1,234.5; blank for None."""
    if value is None:
        return ""
    if abs(value - round(value)) < 1e-9:
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def with_unit(value: float | None, unit: str) -> str:
    """'110 家', '15.4%', '—' for None."""
    if value is None:
        return "—"
    return f"{number(value)}{unit}" if unit == "%" else f"{number(value)} {unit}".rstrip()


def percent(value: float | None) -> str:
    """A percentage the service gives (87.5 → '87.5%'), blank for None."""
    return "" if value is None else f"{value:.1f}%"


def signed_percent(value: float | None) -> str:
    """A growth (%) with its sign: '+12.3%', blank for None."""
    return "" if value is None else f"{value:+.1f}%"


def completion_text(v: IndicatorValue) -> str:
    """'87.5%' for counts and amounts; '+1.2 个百分点' for rates and growths; blank without target."""
    if v.completion is None:
        return ""
    if v.kind in POINT_KINDS:
        return f"{v.completion:+.1f} 个百分点"
    return percent(v.completion)


def base_text(v: IndicatorValue) -> str:
    """'5（2020）', or just the value when the base year is unknown; a growth's base is the value
    of the series it grows (万元, not %), so only its year is shown, as in the return."""
    if v.kind == "growth":
        return f"{v.base_year}年" if v.base_year is not None else ""
    if v.base_value is None:
        return ""
    return number(v.base_value) + (f"（{v.base_year}）" if v.base_year is not None else "")


def trend_text(v: IndicatorValue) -> str:
    """The trend as plain text (for export and tooltips): '2022 5 → 2023 6 → 2024 —'."""
    return " → ".join(f"{year} {number(value) or '—'}" for year, value in v.trend)


def status_rule(as_of: date) -> str:
    """The status rule explained for a tooltip, with today's bar."""
    share = year_share(as_of.year, as_of) * 100
    return (
        f"统计日期 {as_of.isoformat()}，全年已过 {share:.1f}%（序时进度）。\n"
        f"已完成：完成值达到目标；\n"
        f"序时进度内：完成值 ÷ 目标 ≥ 序时进度 {share:.1f}%；\n"
        f"滞后：完成值 ÷ 目标低于序时进度；\n"
        f"无目标：本年度未设目标。"
    )


def parse_number(text: str, *, negative: bool = False) -> float | None:
    """A typed number ('1,234.5', '１２０', '15%'); None for an empty text (= clear).

    Raises NumberProblem with a Chinese message for anything else.
    """
    cleaned = unicodedata.normalize("NFKC", text).strip()
    cleaned = cleaned.replace(",", "").replace("，", "").replace(" ", "").removesuffix("%")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError as err:
        raise NumberProblem(
            f"“{text.strip()}”不是数字，请输入如 120 或 15.5 的数值（留空则清除）。"
        ) from err
    if not math.isfinite(value):
        raise NumberProblem(f"“{text.strip()}”不是有效的数值。")
    if value < 0 and not negative:
        raise NumberProblem(f"“{text.strip()}”是负数，此处不能为负数。")
    return value
