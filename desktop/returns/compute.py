"""Compute a return from its definition: rows, 合计, header cells, checks and the marks block."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Literal

from sqlalchemy.orm import Session

from db.rules.years import plan_year_problem
from db.services.returns_marks import marks_of
from db.services.settings import get_settings
from desktop.returns.model import (
    Column,
    HeaderCell,
    LegalMarks,
    Period,
    Query,
    ReturnDefinition,
    ReturnTable,
    SourceRows,
    Value,
    column_codes,
    date_text,
)

PORTRAIT_WIDTH_MM = 186.0  # A4 210 mm less margins
MAX_PORTRAIT_COLUMNS = 8
_PERIOD = re.compile(r"^(\d{4})(?:[Qq]([1-4])|-(\d{1,2}))?$")


class PeriodError(ValueError):
    """A period this return does not accept; the message is for the clerk."""


def parse_period(text: str, definition: ReturnDefinition | None = None) -> Period:
    """2025 → year, 2025Q3 → quarter, 2025-09 → month; refused when the return does not allow it."""
    found = _PERIOD.match(text.strip())
    if not found:
        raise PeriodError(f"报告期应写作 2025、2025Q3 或 2025-09：{text}")
    year, quarter, month = found.groups()
    problem = plan_year_problem(int(year))
    if problem:
        raise PeriodError(f"{problem}：{text}")
    if month is not None and not 1 <= int(month) <= 12:
        raise PeriodError(f"月份应在1到12之间：{text}")
    period = Period(int(year), int(quarter) if quarter else None, int(month) if month else None)
    if definition is not None and period.kind not in definition.period_kinds:
        allowed = "、".join(
            {"year": "年", "quarter": "季度", "month": "月"}[k] for k in definition.period_kinds
        )
        raise PeriodError(f"“{definition.title}”的报告期只能按{allowed}：{text}")
    return period


def default_as_of(period: Period, today: date | None = None) -> date:
    """Today when it falls in the period, else the period's last day."""
    today = today or date.today()
    return today if period.start <= today <= period.end else period.end


def orientation(definition: ReturnDefinition) -> Literal["portrait", "landscape"]:
    """Landscape when asked, or (auto) when there are too many columns or they are too wide."""
    if definition.orientation != "auto":
        return definition.orientation
    wide = sum(c.width for c in definition.columns) > PORTRAIT_WIDTH_MM
    many = len(definition.columns) > MAX_PORTRAIT_COLUMNS
    return "landscape" if wide or many else "portrait"


def header_cells(columns: Sequence[Column]) -> tuple[list[HeaderCell], int]:
    """Header cells (group cells merged over their columns) and the number of header rows."""
    two = any(c.group for c in columns)
    cells: list[HeaderCell] = []
    i = 0
    while i < len(columns):
        group = columns[i].group
        if not group:
            cells.append(HeaderCell(columns[i].header, 0, i, rowspan=2 if two else 1))
            i += 1
            continue
        j = i
        while j < len(columns) and columns[j].group == group:
            cells.append(HeaderCell(columns[j].header, 1, j))
            j += 1
        cells.append(HeaderCell(group, 0, i, colspan=j - i))
        i = j
    cells.sort(key=lambda c: (c.row, c.col))
    return cells, 2 if two else 1


def _period_text(definition: ReturnDefinition, period: Period, as_of: date) -> str:
    if definition.period_kind == "as_of":
        return f"截至{date_text(as_of)}"
    if definition.uses_as_of and as_of != period.end:
        return f"{period.text}（截至{date_text(as_of)}）"
    return period.text


def _sum_total(definition: ReturnDefinition, rows: list[dict[str, Value]]) -> dict[str, Value]:
    total: dict[str, Value] = {}
    for c in definition.columns:
        if c.type in ("int", "decimal"):
            values = [v for r in rows if isinstance(v := r.get(c.key), int | float)]
            total[c.key] = sum(values) if values else None
    return total


def _total_row(definition: ReturnDefinition, source: SourceRows) -> list[Value] | None:
    if not definition.totals:
        return None
    total = source.total if source.total is not None else _sum_total(definition, source.rows)
    label_key = definition.total_label_key or definition.columns[0].key
    total = {**total, label_key: "合计"}
    return [total.get(c.key) for c in definition.columns]


def _data_rows(definition: ReturnDefinition, source: SourceRows) -> list[list[Value]]:
    keys = [c.key for c in definition.columns]
    rows: list[list[Value]] = []
    for number, row in enumerate(source.rows, start=1):
        values = [row.get(k) for k in keys]
        if definition.numbered:
            values[0] = number
        rows.append(values)
    return rows


def effective_marks(
    definition: ReturnDefinition, stored: Mapping[str, str], bureau_name: str
) -> LegalMarks:
    """The marks a return prints: its defaults, with what 设置 → 报表 stored applied; 制表机关
    defaults to the bureau's name while it was never set."""
    marks = definition.legal_marks.stored(stored)
    if "authority" not in stored and not marks.authority and bureau_name:
        marks = marks.merged({"authority": bureau_name})
    return marks


def compute(
    definition: ReturnDefinition,
    session: Session,
    period: Period,
    town: str | None = None,
    as_of: date | None = None,
) -> ReturnTable:
    """Compute the table of a return for a period (and town, and as-of date)."""
    day = as_of or default_as_of(period)
    query = Query(period, town if definition.town_filter else None, day)
    source = definition.source(session, query)
    checks = [found for check in definition.checks for found in check(session, query, source)]
    settings = get_settings(session)
    marks = effective_marks(definition, marks_of(session, definition.id), settings.bureau_name)
    cells, header_rows = header_cells(definition.columns)
    title = definition.title if not query.town else f"{definition.title}（{query.town}）"
    return ReturnTable(
        return_id=definition.id,
        title=title,
        period_text=_period_text(definition, period, day),
        period_code=period.code,
        orientation=orientation(definition),
        columns=definition.columns,
        header=cells,
        header_rows=header_rows,
        codes=column_codes(definition.columns),
        rows=_data_rows(definition, source),
        total=_total_row(definition, source),
        checks=checks,
        bureau_name=settings.bureau_name,
        legal_lines=marks.lines(),
        unit=definition.unit,
        signatories=[
            ("单位负责人", settings.head_of_unit),
            ("统计负责人", settings.head_of_statistics),
            ("填表人", settings.preparer),
            ("联系电话", settings.contact_phone),
        ],
        town=query.town,
        as_of=day,
    )
