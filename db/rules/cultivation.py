"""The 高企后备库 (培育库) rules of spec/plans.md — pure arithmetic, no I/O.

* a candidate for year Y has figures for Y, was founded at least `min_years` before 31 Dec Y and
  holds no 高新技术企业 certificate valid on 31 Dec Y+1 (it declares in Y+1);
* R&D expense ÷ revenue over the years held (Y−2 … Y with a revenue: 近三个会计年度, fewer when the
  enterprise has fewer) ≥ 5% when Y's revenue ≤ 5,000万, ≥ 4% up to 2亿, ≥ 3% above (settings;
  国科发火〔2016〕32号); the gap is the R&D expense still lacking, in 万元, rounded up to 0.1;
* R&D staff ≥ 10% of Y's employees (setting); the gap is whole people, rounded up;
* a 科技型中小企业 entry for Y is a plus (加分项), never required;
* the pipeline 培育中 → 已申报 → 已认定 / 未通过, with the transitions of TRANSITIONS.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

# Revenue bands of the R&D ratio test (万元), fixed by 国科发火〔2016〕32号 (the ratios are settings).
SMALL_REVENUE = 5000.0
LARGE_REVENUE = 20000.0
YEARS_HELD = 3  # 近三个会计年度

HIGH_TECH_TRACK = "high_tech"
TECH_SME_TRACK = "tech_sme"
TRACKS = {HIGH_TECH_TRACK: "高新技术企业", TECH_SME_TRACK: "科技型中小企业"}

CULTIVATING, DECLARED, RECOGNISED, FAILED = "培育中", "已申报", "已认定", "未通过"
STAGES = (CULTIVATING, DECLARED, RECOGNISED, FAILED)
OPEN_STAGES = (CULTIVATING, DECLARED)  # closed by a certificate when it is entered
# Which stage may follow which: 撤回申报 (已申报 → 培育中) and 重新培育 (未通过 → 培育中) go back.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    CULTIVATING: (DECLARED,),
    DECLARED: (RECOGNISED, FAILED, CULTIVATING),
    FAILED: (CULTIVATING,),
    RECOGNISED: (),
}

RD_TEST, STAFF_TEST, TECH_SME_TEST = "研发费用占比", "研发人员占比", "科技型中小企业"
ALL_PASSED = "全部达标"


@dataclass(frozen=True)
class Thresholds:
    """The settings the tests read (db/rules/settings.py CANDIDATE_FIELDS)."""

    min_years: int = 1
    rd_ratio_small: float = 5.0
    rd_ratio_mid: float = 4.0
    rd_ratio_large: float = 3.0
    staff_ratio: float = 10.0

    @classmethod
    def of(cls, settings: Any) -> Thresholds:
        """The thresholds of a Settings object."""
        return cls(
            settings.candidate_min_years,
            settings.candidate_rd_ratio_small,
            settings.candidate_rd_ratio_mid,
            settings.candidate_rd_ratio_large,
            settings.candidate_staff_ratio,
        )

    def rd_ratio(self, revenue: float) -> float:
        """The required R&D ratio (%) for a year's revenue (万元)."""
        if revenue <= SMALL_REVENUE:
            return self.rd_ratio_small
        if revenue <= LARGE_REVENUE:
            return self.rd_ratio_mid
        return self.rd_ratio_large


@dataclass(frozen=True, slots=True)
class CandidateTest:
    """One test of a candidate: value and threshold in %, the gap in 万元 or 人 (0 when passed)."""

    test: str
    passed: bool
    value: float | None
    threshold: float | None
    gap: float | None
    gap_text: str  # 研发费用还差 38.2 万元 / 缺少2025年营业收入 / "" when passed
    required: bool = True


def founded_by(year: int, min_years: int) -> date:
    """Latest founding date of a candidate for `year`: registered `min_years` by 31 Dec of it."""
    return date(year - min_years, 12, 31)


def years_window(year: int) -> tuple[int, ...]:
    """The years whose figures the R&D ratio sums: Y, Y−1, Y−2."""
    return tuple(year - n for n in range(YEARS_HELD))


def _up(value: float, step: float) -> float:
    """Round up to a multiple of `step`, ignoring float noise (38.20000001 → 38.2)."""
    return math.ceil(round(value / step, 6)) * step


def _wan(amount: float) -> str:
    """38.2 → "38.2", 1049.0 → "1049" (万元 to 0.1, never in exponent form)."""
    return f"{amount:.1f}".removesuffix(".0")


def rd_test(
    year: int,
    revenue: float | None,
    held: Sequence[tuple[float | None, float | None]],
    t: Thresholds,
) -> CandidateTest:
    """R&D expense ÷ revenue over the years held against the band of Y's revenue.

    `held` are (revenue, R&D expense) of Y, Y−1, Y−2 (a year without a revenue is not held; a
    missing R&D expense counts as 0).
    """
    if revenue is None:
        return CandidateTest(RD_TEST, False, None, None, None, f"缺少{year}年营业收入")
    threshold = t.rd_ratio(revenue)
    years = [(r, e or 0.0) for r, e in held if r is not None]
    total_revenue = sum(r for r, _ in years)
    total_rd = sum(e for _, e in years)
    if total_revenue <= 0:
        return CandidateTest(RD_TEST, False, None, threshold, None, "营业收入为0，无法计算研发占比")
    value = round(total_rd / total_revenue * 100, 2)
    lacking = total_revenue * threshold / 100 - total_rd
    if lacking <= 1e-9:
        return CandidateTest(RD_TEST, True, value, threshold, 0.0, "")
    gap = round(_up(lacking, 0.1), 1)
    return CandidateTest(RD_TEST, False, value, threshold, gap, f"研发费用还差 {_wan(gap)} 万元")


def staff_test(employees: int | None, rd_staff: int | None, t: Thresholds) -> CandidateTest:
    """R&D staff ÷ employees of Y against the staff ratio; the gap in whole people."""
    threshold = t.staff_ratio
    if not employees:
        return CandidateTest(STAFF_TEST, False, None, threshold, None, "缺少职工总数")
    staff = rd_staff or 0
    value = round(staff / employees * 100, 2)
    needed = math.ceil(round(employees * threshold / 100, 6))
    if staff >= needed:
        return CandidateTest(STAFF_TEST, True, value, threshold, 0.0, "")
    gap = needed - staff
    return CandidateTest(STAFF_TEST, False, value, threshold, float(gap), f"研发人员还差 {gap} 人")


def tech_sme_test(has_entry: bool) -> CandidateTest:
    """加分项: a 科技型中小企业 entry for Y (never required)."""
    text = "" if has_entry else "尚未入库科技型中小企业（加分项）"
    return CandidateTest(TECH_SME_TEST, has_entry, None, None, None, text, required=False)


def passes_all(tests: Iterable[CandidateTest]) -> bool:
    """Every required test passed (加分项 aside)."""
    return all(r.passed for r in tests if r.required)


def gap_text(tests: Iterable[CandidateTest]) -> str:
    """The gaps of the failed required tests in words, or 全部达标."""
    texts = [r.gap_text for r in tests if r.required and not r.passed and r.gap_text]
    return "；".join(texts) if texts else ALL_PASSED


def transition_problem(old: str | None, new: str) -> str | None:
    """A clerk's message when `old` → `new` is not allowed (None when it is)."""
    if new not in STAGES:
        return f"培育阶段应为：{'、'.join(STAGES)}"
    if old is None:
        return (
            None
            if new in (CULTIVATING, DECLARED)
            else f"新纳入的企业只能是“{CULTIVATING}”或“{DECLARED}”"
        )
    if old == new:
        return f"该企业已是“{new}”"
    allowed = TRANSITIONS[old]
    if new in allowed:
        return None
    if not allowed:
        return f"“{old}”是最终阶段，不能再改为“{new}”"
    return f"“{old}”的企业只能改为" + "或".join(f"“{s}”" for s in allowed)


def stage_date_field(stage: str) -> str:
    """The entry's date column a stage sets: entered_on, declared_on or decided_on."""
    return {CULTIVATING: "entered_on", DECLARED: "declared_on"}.get(stage, "decided_on")
