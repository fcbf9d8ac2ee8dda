"""The arithmetic of the plans' indicators (spec/plans.md "Indicators") — pure, no I/O.

* growth (同比增长) = value_Y / value_{Y−1} − 1; average growth (年均增长) since the base year =
  (value_Y / base)^(1 / (Y − base_year)) − 1 (validity.average_growth, its one home); both in %.
* completion (完成率): for counts, amounts and cumulative totals actual ÷ target in %; for rates and
  growths the actual minus the target in percentage points (a rate of 86% against 90% is −4.0).
* status: 无目标 without a target; 已完成 when the actual reaches the target; 序时进度内 when the
  share of the target reached is at least the share of the year gone by on the as-of date; else 滞后.
  For rates and growths "share of the target reached" is actual ÷ target (a positive target); a zero
  or negative target is either reached (已完成) or not (滞后). A missing actual reaches nothing.
* sources are written `name[:argument][:LEVEL[+]]`; levels are ordered 国家级 > 省级 > 市级 > 区级/县级,
  and `省级+` means 省级 and above.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from db.rules.validity import average_growth

KINDS = ("count", "amount", "rate", "growth", "cumulative")
KIND_LABELS = {
    "count": "计数",
    "amount": "金额",
    "rate": "比率",
    "growth": "增长率",
    "cumulative": "累计",
}
POINT_KINDS = frozenset({"rate", "growth"})
DONE, ON_SCHEDULE, BEHIND, NO_TARGET = "已完成", "序时进度内", "滞后", "无目标"
STATUSES = (DONE, ON_SCHEDULE, BEHIND, NO_TARGET)

# Rank of each level, highest first; 区级 and 县级 are the same rung.
LEVEL_RANKS = {"国家级": 0, "省级": 1, "市级": 2, "区级": 3, "县级": 3}
LEVEL_ALIASES = {"国家": "国家级", "省": "省级", "市": "市级", "区": "区级", "县": "县级"}
LEVEL_ALIASES |= {"区/县级": "区级", "区县级": "区级"}


def growth_pct(value: float | None, previous: float | None) -> float | None:
    """Year-on-year growth in %: (value / previous − 1) × 100; None when it cannot be computed."""
    if value is None or previous is None or previous <= 0 or value < 0:
        return None
    return (value / previous - 1) * 100


def average_growth_pct(
    base_value: float | None, value: float | None, base_year: int | None, year: int
) -> float | None:
    """Average yearly growth since the base year in % (validity.average_growth × 100)."""
    if base_value is None or value is None or base_year is None:
        return None
    found = average_growth(base_value, value, base_year, year)
    return None if found is None else found * 100


def completion(kind: str, actual: float | None, target: float | None) -> float | None:
    """完成率: actual ÷ target in % (counts, amounts, cumulative), actual − target in points
    (rates, growths); None without a target or an actual, or with a zero target of a count."""
    if target is None or actual is None:
        return None
    if kind in POINT_KINDS:
        return actual - target
    if target == 0:
        return None
    return actual / target * 100


def year_share(year: int, as_of: date) -> float:
    """The share of `year` gone by on `as_of` (0 before it starts, 1 from 31 December on)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    if as_of < first:
        return 0.0
    if as_of >= last:
        return 1.0
    return ((as_of - first).days + 1) / ((last - first).days + 1)


def status(kind: str, actual: float | None, target: float | None, share: float) -> str:
    """已完成 / 序时进度内 / 滞后 / 无目标 of an actual against a target at `share` of the year."""
    if target is None:
        return NO_TARGET
    if actual is not None and actual >= target:
        return DONE
    if target <= 0:
        return BEHIND
    reached = 0.0 if actual is None else actual / target
    return ON_SCHEDULE if reached >= share else BEHIND


def canonical_level(text: str) -> str | None:
    """国家级 / 省级 / 市级 / 区级 / 县级 for a written level (省 → 省级), None when unknown."""
    text = text.strip()
    text = LEVEL_ALIASES.get(text, text)
    return text if text in LEVEL_RANKS else None


def levels_at_or_above(level: str) -> tuple[str, ...]:
    """The levels a `LEVEL+` counts: `省级` → (国家级, 省级)."""
    rank = LEVEL_RANKS[level]
    return tuple(name for name, r in LEVEL_RANKS.items() if r <= rank)


@dataclass(frozen=True)
class SourceSpec:
    """A parsed source: `platforms:院士工作站:省级+` → name platforms, argument 院士工作站, level
    省级, and_above True. Argument `*` (or none) means every kind."""

    name: str
    argument: str | None = None
    level: str | None = None
    and_above: bool = False

    @property
    def levels(self) -> tuple[str, ...] | None:
        """The levels counted, None for every level."""
        if self.level is None:
            return None
        return levels_at_or_above(self.level) if self.and_above else (self.level,)

    @property
    def text(self) -> str:
        """The source written back in its canonical form."""
        parts = [self.name]
        if self.argument is not None or self.level is not None:
            parts.append(self.argument or "*")
        if self.level is not None:
            parts.append(self.level + ("+" if self.and_above else ""))
        return ":".join(parts)


def parse_source(text: str) -> SourceSpec:
    """Split a source into name, argument and level; ValueError (Chinese) when malformed."""
    parts = [p.strip() for p in text.strip().split(":")]
    if not parts[0]:
        raise ValueError("数据来源不能为空")
    if len(parts) > 3:
        raise ValueError(f"数据来源写法不对：{text}（应为 名称[:类型][:级别+]）")
    argument = parts[1] if len(parts) > 1 and parts[1] not in ("", "*") else None
    level, above = None, False
    if len(parts) == 3 and parts[2]:
        written = parts[2]
        above = written.endswith("+")
        level = canonical_level(written.rstrip("+").replace("及以上", ""))
        above = above or written.endswith("及以上")
        if level is None:
            raise ValueError(f"级别应为国家级、省级、市级或区级（可加“+”表示及以上）：{written}")
    return SourceSpec(parts[0], argument, level, above)


def level_text(spec: SourceSpec) -> str:
    """How a source's level reads: 省级及以上, 市级, or '' for every level."""
    if spec.level is None:
        return ""
    return spec.level + ("及以上" if spec.and_above and spec.level != "国家级" else "")


def unit_scale(unit: str) -> float:
    """Factor from 万元 (how the store keeps money) to an indicator's unit: 亿元 ÷ 10,000, 元 × 10,000."""
    unit = unit.strip()
    if unit.startswith("亿"):
        return 1 / 10_000
    if unit == "元":
        return 10_000.0
    return 1.0
