"""A plan's annex table (kind `indicators`): indicator rows × year columns of targets.

Key = the indicator's name. Every column headed with a year (2021年, 2025年目标, 2023) is a target
for that year, whether or not the template has it; a blank cell leaves that year as it is.
Matching and writing: db/services/plans/indicators_import.py.
"""

from __future__ import annotations

import re

from db.rules.normalize import parse_number
from db.rules.text import is_empty, normalize_header
from db.services.plans.indicators_import import apply_indicator, plan_indicator
from desktop.importing.kinds.base import KindHook, KindParsed, KindReader
from desktop.importing.rows import Problem, shown

YEAR_HEADER = re.compile(r"^(\d{4})(?:年度?)?(?:目标值?|计划)?$")
# What a plan writes around a target number: ≥20, 超过100, 90%
TARGET_MARKS = re.compile(r"^(?:≥|>|＞|不低于|超过|达到)|(?:以上|%|％)$")


def year_of(label: str) -> int | None:
    """The year a column's header names (2021年 → 2021), None for another column."""
    found = YEAR_HEADER.match(normalize_header(label))
    return int(found.group(1)) if found else None


def _targets(r: KindReader) -> dict[int, float]:
    targets: dict[int, float] = {}
    for col, label in enumerate(r.ctx.header.labels):
        year = year_of(label)
        cell = r.cells[col] if col < len(r.cells) else None
        if year is None or is_empty(cell):
            continue
        text = TARGET_MARKS.sub("", str(cell).strip()) if isinstance(cell, str) else cell
        checked = parse_number(text)
        if checked.value is None:
            message = checked.errors[0] if checked.errors else "目标值应为数字"
            r.errors.append(Problem(r.row, label, shown(cell), message))
            continue
        targets[year] = checked.value
    return targets


def parse(r: KindReader) -> KindParsed:
    """One indicator row: its name, unit, base, department and the targets of its year columns."""
    r.check_required()
    values = {
        "name": r.text("name"),
        "unit": r.text("unit"),
        "base_year": r.year("base_year"),
        "base_value": r.take("base_value", parse_number(r.raw("base_value"))),
        "department": r.text("department"),
        "code": r.text("code"),
        "note": r.text("note"),
    }
    refs = {"targets": _targets(r)}
    return r.finish((values["name"],), str(values["name"] or ""), values, refs)


HOOK = KindHook("indicators", parse, plan_indicator, apply_indicator, "name")
