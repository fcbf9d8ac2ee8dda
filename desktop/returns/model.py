"""The declarative definition of a return and the plain table it computes to (no Qt, no I/O)."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy.orm import Session

Value = str | int | float | date | None
ColumnType = Literal["text", "int", "decimal", "date", "percent"]
PeriodKind = Literal["year", "quarter", "month", "as_of"]
Orientation = Literal["portrait", "landscape", "auto"]
NUMERIC: frozenset[str] = frozenset({"int", "decimal", "percent"})
QUARTERS = ("一", "二", "三", "四")


@dataclass(frozen=True)
class Column:
    """One column: header text, optional group (two-level header), type, width in mm."""

    key: str
    header: str
    type: ColumnType = "text"
    width: float = 25.0
    group: str | None = None
    decimals: int = 0
    unit: str = ""
    align: Literal["left", "center", "right"] | None = None

    @property
    def numeric(self) -> bool:
        """Numbers are right-aligned and coded 1, 2, 3 …"""
        return self.type in NUMERIC

    @property
    def alignment(self) -> str:
        """left / center / right as this column's cells are drawn."""
        if self.align:
            return self.align
        if self.numeric:
            return "right"
        return "center" if self.type == "date" or self.width <= 22 else "left"


@dataclass(frozen=True)
class LegalMarks:
    """表号, 制表机关, 批准/备案机关, 文号, 有效期至 — a blank line is left out."""

    table_no: str = ""
    authority: str = ""
    approval_kind: str = "批准机关"
    approval_authority: str = ""
    approval_no: str = ""
    valid_until: str = ""

    def merged(self, overrides: Mapping[str, str]) -> LegalMarks:
        """These marks with the stored non-blank overrides applied."""
        known = {k: v for k, v in overrides.items() if k in self.__dataclass_fields__ and v}
        return LegalMarks(**{**self.__dict__, **known})

    def stored(self, values: Mapping[str, str]) -> LegalMarks:
        """These marks with the fields stored in 设置 → 报表 applied, blanks included (a blank
        stored field leaves its line out; a field never stored keeps this default)."""
        known = {k: v for k, v in values.items() if k in self.__dataclass_fields__}
        return LegalMarks(**{**self.__dict__, **known})

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) lines of the marks block, blank ones omitted."""
        kind = self.approval_kind if self.approval_kind in ("批准机关", "备案机关") else "批准机关"
        no_label = "批准文号" if kind == "批准机关" else "备案文号"
        pairs = [
            ("表　　号", self.table_no),
            ("制表机关", self.authority),
            (kind, self.approval_authority),
            (no_label, self.approval_no),
            ("有效期至", self.valid_until),
        ]
        return [(label, value) for label, value in pairs if value]


@dataclass(frozen=True)
class Period:
    """A reporting period: a year, a quarter or a month (as_of-kind returns use its end)."""

    year: int
    quarter: int | None = None
    month: int | None = None

    @property
    def start(self) -> date:
        """First day of the period."""
        if self.month:
            return date(self.year, self.month, 1)
        if self.quarter:
            return date(self.year, self.quarter * 3 - 2, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """Last day of the period."""
        last_month = self.month or (self.quarter * 3 if self.quarter else 12)
        return date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    @property
    def kind(self) -> PeriodKind:
        """year / quarter / month."""
        return "month" if self.month else "quarter" if self.quarter else "year"

    @property
    def code(self) -> str:
        """The period as written on the command line: 2025, 2025Q3, 2025-09."""
        if self.month:
            return f"{self.year}-{self.month:02d}"
        return f"{self.year}Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def text(self) -> str:
        """The period as printed: 2025年, 2025年第三季度, 2025年9月."""
        if self.month:
            return f"{self.year}年{self.month}月"
        if self.quarter:
            return f"{self.year}年第{QUARTERS[self.quarter - 1]}季度"
        return f"{self.year}年"


def date_text(day: date) -> str:
    """2025年12月31日."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class CheckResult:
    """One finding: an error blocks submission, a warning needs a written explanation."""

    level: Literal["error", "warning"]
    key: str
    message: str


@dataclass
class SourceRows:
    """What a row source returns: data rows keyed by column key, and the 合计 row if it has one."""

    rows: list[dict[str, Value]]
    total: dict[str, Value] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Query:
    """The arguments of one computation."""

    period: Period
    town: str | None
    as_of: date


RowSource = Callable[[Session, Query], SourceRows]
Check = Callable[[Session, Query, SourceRows], list[CheckResult]]


@dataclass(frozen=True)
class ReturnDefinition:
    """A return, declared once; rendered to PDF and XLSX from the same table."""

    id: str
    title: str
    period_kind: PeriodKind
    columns: tuple[Column, ...]
    source: RowSource
    legal_marks: LegalMarks = LegalMarks()
    unit: str = ""
    orientation: Orientation = "auto"
    numbered: bool = False  # the first column is 序号, filled 1, 2, 3 …
    totals: bool = False  # a 合计 row (from the source, or summed over numeric columns)
    total_label_key: str | None = None
    checks: tuple[Check, ...] = ()
    town_filter: bool = True
    uses_as_of: bool = False  # the period line shows 截至… when the as-of date is not its end
    accepts: tuple[PeriodKind, ...] = ()

    @property
    def period_kinds(self) -> tuple[PeriodKind, ...]:
        """Which period forms (2025 / 2025Q3 / 2025-09) this return accepts."""
        if self.accepts:
            return self.accepts
        order: tuple[PeriodKind, ...] = ("year", "quarter", "month")
        if self.period_kind == "as_of":
            return order
        return order[: order.index(self.period_kind) + 1]


@dataclass(frozen=True)
class HeaderCell:
    """A header cell of the table, possibly merged (row/col 0-based within the header)."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass
class ReturnTable:
    """A computed return: everything both renderers need, and what the archive keeps."""

    return_id: str
    title: str
    period_text: str
    period_code: str
    orientation: Literal["portrait", "landscape"]
    columns: tuple[Column, ...]
    header: list[HeaderCell]
    header_rows: int
    codes: list[str]
    rows: list[list[Value]]
    total: list[Value] | None
    checks: list[CheckResult]
    bureau_name: str
    legal_lines: list[tuple[str, str]]
    unit: str
    signatories: list[tuple[str, str]]
    town: str | None
    as_of: date
    submitted_on: date | None = None  # 报出日期, filled when the return is submitted (报出)

    @property
    def signature_line(self) -> str:
        """The footer: signatories as set, 报出日期 filled once submitted (blanks to write in)."""
        parts = [f"{label}：{value or '　　　'}" for label, value in self.signatories]
        day = self.submitted_on
        when = date_text(day) if day else "　　年　　月　　日"
        parts.append(f"报出日期：{when}")
        return "　　".join(parts)

    @property
    def errors(self) -> list[CheckResult]:
        """Findings that block submission."""
        return [c for c in self.checks if c.level == "error"]

    @property
    def warnings(self) -> list[CheckResult]:
        """Findings that need an explanation before submission."""
        return [c for c in self.checks if c.level == "warning"]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready copy of the table (dates as ISO text) for the archive."""

        def plain(v: Value) -> Any:
            return v.isoformat() if isinstance(v, date) else v

        return {
            "return_id": self.return_id,
            "title": self.title,
            "period": self.period_text,
            "town": self.town,
            "as_of": self.as_of.isoformat(),
            "submitted_on": None if self.submitted_on is None else self.submitted_on.isoformat(),
            "columns": [c.header for c in self.columns],
            "rows": [[plain(v) for v in row] for row in self.rows],
            "total": None if self.total is None else [plain(v) for v in self.total],
        }


def format_value(column: Column, value: Value) -> str:
    """The cell text: fixed decimals for numbers, blank for empty numeric cells, ISO dates."""
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if column.numeric and isinstance(value, int | float):
        return f"{value:.{column.decimals}f}"
    return str(value)


def column_codes(columns: Sequence[Column]) -> list[str]:
    """甲 乙 丙 … for text columns, 1 2 3 … for numeric ones."""
    stems = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
    codes: list[str] = []
    texts = numbers = 0
    for c in columns:
        if c.numeric:
            numbers += 1
            codes.append(str(numbers))
        else:
            codes.append(stems[texts % len(stems)])
            texts += 1
    return codes
