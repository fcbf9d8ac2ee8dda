"""Qualification validity and ladder rules from domain.md "Qualifications" and "Indicators"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

LADDER_NAMES: dict[int, str] = {
    0: "未入梯度",
    1: "科技型中小企业层",
    2: "高新技术企业层",
    3: "高成长企业层",
    4: "科技领军企业层",
}

STATUS_REVOKED = "已撤销"
STATUS_NOT_YET = "未生效"
STATUS_EXPIRED = "已过期"
STATUS_EXPIRING = "即将到期"
STATUS_VALID = "有效"

_ONE_DAY = timedelta(days=1)


def add_years(d: date, years: int) -> date:
    """Add whole calendar years; 29 February becomes 28 February in a common year."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


ValidityKind = Literal["years", "evaluation_year", "no_expiry"]
VALIDITY_KINDS: tuple[ValidityKind, ...] = ("years", "evaluation_year", "no_expiry")


@dataclass(frozen=True)
class ValidityRule:
    """How long a qualification type stays valid (catalogue data, domain.md table).

    `last_day_setting`: the bureau's “last day included” setting applies to this type
    (高新技术企业; domain.md: whether the last day is included is a setting).
    """

    kind: ValidityKind
    years: int = 0
    last_day_setting: bool = False

    def __post_init__(self) -> None:
        if self.kind == "years" and self.years < 1:
            raise ValueError("按年计算的有效期至少为1年")


HIGH_TECH_RULE = ValidityRule("years", 3, last_day_setting=True)


def rule_of(kind: str, years: int, code: str) -> ValidityRule:
    """The rule of a catalogue entry (validity kind, years, type code)."""
    if kind not in VALIDITY_KINDS:
        raise ValueError(f"未知的有效期规则：{kind}")
    return ValidityRule(kind, years, last_day_setting=code == "high_tech")


def hte_valid_through(issued_on: date, years: int = 3, last_day_included: bool = True) -> date:
    """Last valid day of a 高新技术企业 certificate: issue date + 3 years − 1 day."""
    rule = ValidityRule("years", years, last_day_setting=True)
    _, through = validity_window(rule, issued_on, None, last_day_included)
    assert through is not None
    return through


def _require(value: int | date | None, what: str) -> None:
    if value is None:
        raise ValueError(f"缺少{what}，无法计算有效期")


def valid_through(
    rule: ValidityRule, issued_on: date | None, evaluation_year: int | None
) -> date | None:
    """Last valid day under a validity rule; None means no expiry.

    Raises ValueError when the date the rule needs (issue date or evaluation year) is missing,
    so that a qualification lacking it is never counted as open-ended by mistake.
    """
    if rule.kind == "no_expiry":
        return None
    if rule.kind == "evaluation_year":
        _require(evaluation_year, "评价年度")
        assert evaluation_year is not None
        return date(evaluation_year, 12, 31)
    _require(issued_on, "发证（认定）日期")
    assert issued_on is not None
    return add_years(issued_on, rule.years) - _ONE_DAY


def valid_from(
    rule: ValidityRule, issued_on: date | None, evaluation_year: int | None
) -> date | None:
    """First valid day under a validity rule: 1 January of the evaluation year, else issue date."""
    if rule.kind == "evaluation_year":
        _require(evaluation_year, "评价年度")
        assert evaluation_year is not None
        return date(evaluation_year, 1, 1)
    if rule.kind == "years":
        _require(issued_on, "发证（认定）日期")
    return issued_on


def validity_window(
    rule: ValidityRule,
    issued_on: date | None,
    evaluation_year: int | None,
    last_day_included: bool = True,
) -> tuple[date | None, date | None]:
    """First and last valid day under a rule (valid_from, valid_through).

    Where the “last day included” setting applies (rule.last_day_setting) and is off, the last
    valid day is one day earlier: issued 2023-01-01 → through 2025-12-30 instead of 2025-12-31.
    """
    start = valid_from(rule, issued_on, evaluation_year)
    through = valid_through(rule, issued_on, evaluation_year)
    if rule.last_day_setting and through is not None and not last_day_included:
        through -= _ONE_DAY
    return start, through


def is_valid_on(
    on: date,
    valid_from: date | None,
    valid_through: date | None,
    revoked_on: date | None,
    kind: ValidityKind = "years",
) -> bool:
    """Whether a qualification counts on a date.

    A revocation stops it from its own date on — except an evaluation-year entry (科技型中小企业),
    which a revocation voids for its whole year (domain.md: counted when “not revoked”). No start
    or no end means open on that side (e.g. 上市高企 without a recognition date).
    """
    if revoked_on is not None and (kind == "evaluation_year" or revoked_on <= on):
        return False
    if valid_from is not None and on < valid_from:
        return False
    return valid_through is None or on <= valid_through


def qualification_status(
    on: date,
    valid_from: date | None,
    valid_through: date | None,
    revoked_on: date | None,
    warn_days: int = 180,
) -> str:
    """Status of a qualification on a date: 已撤销/未生效/已过期/即将到期/有效."""
    if revoked_on is not None and revoked_on <= on:
        return STATUS_REVOKED
    if valid_from is not None and on < valid_from:
        return STATUS_NOT_YET
    if valid_through is None:
        return STATUS_VALID
    if on > valid_through:
        return STATUS_EXPIRED
    return STATUS_EXPIRING if (valid_through - on).days <= warn_days else STATUS_VALID


@dataclass(frozen=True)
class HeldQualification:
    """One qualification held by an enterprise, reduced to what the ladder needs."""

    rank: int
    valid_from: date | None
    valid_through: date | None
    revoked_on: date | None
    kind: ValidityKind = "years"


def ladder_stage(held: Iterable[HeldQualification], on: date) -> int:
    """Ladder stage on a date: the highest rank among qualifications valid then, 0 if none."""
    return max(
        (
            q.rank
            for q in held
            if is_valid_on(on, q.valid_from, q.valid_through, q.revoked_on, q.kind)
        ),
        default=0,
    )


def average_growth(base_value: float, value: float, base_year: int, year: int) -> float | None:
    """Average annual growth: (value / base) ^ (1 / (year − base_year)) − 1."""
    if base_value <= 0 or value < 0 or year <= base_year:
        return None
    return float((value / base_value) ** (1 / (year - base_year)) - 1)
