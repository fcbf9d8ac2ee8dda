"""Year bounds: the one home of the years a value may take.

* a year something happened (recognised, selected, founded, figures of) lies between
  FIRST_RECORD_YEAR and this year (next year for an evaluation year, entered ahead);
* a year the bureau plans or reports for (targets, returns, carriers' operation data) lies between
  FIRST_PLAN_YEAR and LAST_PLAN_YEAR.
"""

from __future__ import annotations

from datetime import date

FIRST_RECORD_YEAR = 1980
FIRST_PLAN_YEAR = 2000
LAST_PLAN_YEAR = 2100


def record_year_problem(year: int, today: date, *, ahead: int = 0) -> str | None:
    """A clerk's message when a record's year is out of range (None when fine)."""
    last = today.year + ahead
    if FIRST_RECORD_YEAR <= year <= last:
        return None
    return f"年度应在{FIRST_RECORD_YEAR}到{last}之间"


def plan_year_problem(year: int) -> str | None:
    """A clerk's message when a planning or reporting year is out of range (None when fine)."""
    if FIRST_PLAN_YEAR <= year <= LAST_PLAN_YEAR:
        return None
    return f"年度应在{FIRST_PLAN_YEAR}到{LAST_PLAN_YEAR}之间"
