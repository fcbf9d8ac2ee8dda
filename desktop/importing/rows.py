"""Turn the data rows of an enterprise sheet into normalised records or row problems (import.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from db.rules.identifiers import (
    NUMERIC_CODE_MESSAGE,
    ORG_CODE_WARNING,
    clean_uscc,
    sme_number_year,
    validate_hte_number,
    validate_phone,
    validate_sme_number,
    validate_uscc,
)
from db.rules.normalize import (
    MONEY_FACTORS,
    parse_bool,
    parse_date,
    parse_int,
    parse_money,
    to_wan_yuan,
)
from db.rules.results import Checked
from db.rules.text import EMPTY_MARKERS, is_empty, normalize_text, too_long_in_cell
from db.rules.years import FIRST_RECORD_YEAR
from db.services.imports.enterprises import EnterpriseIncoming
from desktop.importing import fast_cells as fc
from desktop.importing.header import Header, cell_text
from desktop.importing.readers import Cell

_LONGEST_ASCII_MARKER = max(len(m) for m in EMPTY_MARKERS if m.isascii())
FOOTER_MARKERS = (
    "合计",
    "总计",
    "小计",
    "填表人",
    "审核人",
    "单位负责人",
    "联系电话",
    "注：",
    "注:",
    "说明",
)
ENTERPRISE_COLUMNS = ("name", "address", "industry", "legal_rep", "contact", "note")
FIGURE_FIELDS = ("revenue", "rd_expense", "employees", "rd_staff", "rd_activity", "rd_institution")
MIN_YEAR = FIRST_RECORD_YEAR


@dataclass(frozen=True)
class Problem:
    """One problem of one row: {row, column, value, message} in plain Chinese."""

    row: int
    column: str
    value: str
    message: str
    sheet: str = ""  # the sheet of the row (a workbook may have several)

    def as_json(self, with_sheet: bool = False) -> dict[str, Any]:
        """The JSON shape of cli.md (with `sheet` when the file had several matching sheets)."""
        out: dict[str, Any] = {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }
        if with_sheet:
            out["sheet"] = self.sheet
        return out


@dataclass(frozen=True)
class TownChoice:
    id: int
    name: str


@dataclass
class RowContext:
    """What every row of one file is checked against."""

    header: Header
    year: int
    today: date
    match_town: Callable[[str], TownChoice | None]
    file_town: TownChoice | None
    province_code: str
    fast: _FastRows | None = field(default=None, init=False, repr=False)
    # Row (1-based) → errors of its cells that the reader found (a cached #DIV/0! …).
    cell_errors: dict[int, list[Problem]] = field(default_factory=dict, init=False, repr=False)


@dataclass
class ParsedRow:
    row: int
    record: EnterpriseIncoming | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


_NEVER_BLANK = frozenset({float, int, bool, date, datetime})  # cell_text of these is never ""


def is_blank(cells: list[Cell]) -> bool:
    """An entirely blank row (passed over, not counted)."""
    for c in cells:
        if c.__class__ in _NEVER_BLANK:
            return False
        if c is not None and c != "" and cell_text(c):
            return False
    return True


def _surely_filled(value: Cell) -> bool:
    """A cell that is_empty would call non-empty, told cheaply (ASCII text of 3+ characters)."""
    if not isinstance(value, str) or not value.isascii():
        return False
    return len(value.strip()) > _LONGEST_ASCII_MARKER


def is_footer(cells: list[Cell], header: Header) -> bool:
    """A row whose first non-empty cell starts with a total/footer marker (合计, 填表人：李静 …),
    whatever later cells hold (import.md) — unless its code cell holds a valid code (a company
    whose name starts like a marker, in a file without a 序号 column, is data)."""
    for value in cells:
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            return False
        text = normalize_text(value)
        if not text:
            continue
        if not text.startswith(FOOTER_MARKERS):
            return False
        code_col = header.fields.get("uscc")
        code = cells[code_col] if code_col is not None and code_col < len(cells) else None
        return is_empty(code) or not validate_uscc(code).ok
    return False


def with_cell_errors(problems: list[Problem], cell_errors: list[Problem]) -> list[Problem]:
    """A row's problems with its cells' cached errors, which replace what was said of those
    cells (an error value reads as blank: “必须填写” would mislead)."""
    columns = {p.column for p in cell_errors}
    kept = [p for p in problems if p.column not in columns]
    return sorted([*kept, *cell_errors], key=lambda p: p.column not in columns)


def too_long(limit: int, length: int) -> str:
    """The message for a text longer than its column (db.rules.text: one wording of the rule)."""
    return too_long_in_cell(limit, length)


def clip(text: str, size: int = 50) -> str:
    """A long value cut for a message."""
    return text if len(text) <= size else text[:size] + "…"


def shown(value: Cell) -> str:
    """A cell as the clerk sees it, for messages."""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    return cell_text(value)


class _RowReader:
    """Reads the fields of one row, collecting problems as it goes."""

    def __init__(self, cells: list[Cell], row: int, ctx: RowContext) -> None:
        self.cells = cells
        self.row = row
        self.ctx = ctx
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def raw(self, name: str) -> Cell:
        col = self.ctx.header.fields.get(name)
        return None if col is None else self.cells[col]

    def label(self, name: str) -> str:
        col = self.ctx.header.fields.get(name)
        return (
            self.ctx.header.labels[col]
            if col is not None
            else self.ctx.header.schema.column(name).header
        )

    def problem(self, name: str, message: str, warning: bool = False) -> None:
        item = Problem(self.row, self.label(name), shown(self.raw(name)), message)
        (self.warnings if warning else self.errors).append(item)

    def take(self, name: str, checked: Checked[Any]) -> Any:
        for message in checked.errors:
            self.problem(name, message)
        for message in checked.warnings:
            self.problem(name, message, warning=True)
        return checked.value

    def text(self, name: str) -> str | None:
        value = self.raw(name)
        text = None if is_empty(value) else cell_text(value) or None
        return self.fits(name, text)

    def fits(self, name: str, text: str | None) -> str | None:
        """The text, or None with an error when it is longer than the store's column."""
        limit = self.ctx.header.schema.column(name).max_length
        if text is None or limit is None or len(text) <= limit:
            return text
        item = Problem(self.row, self.label(name), clip(text), too_long(limit, len(text)))
        self.errors.append(item)
        return None

    def date(self, name: str) -> date | None:
        parsed: date | None = self.take(name, parse_date(self.raw(name), today=self.ctx.today))
        return parsed

    def money(self, name: str) -> float | None:
        value = self.take(name, parse_money(self.raw(name), self.ctx.header.units.get(name)))
        money: float | None = self.non_negative(name, value)
        return money

    def count(self, name: str) -> int | None:
        number: int | None = self.non_negative(name, self.take(name, parse_int(self.raw(name))))
        return number

    def non_negative(self, name: str, value: Any) -> Any:
        if value is not None and value < 0:
            self.problem(name, "数值不能为负数")
            return None
        return value

    def flag(self, name: str) -> bool | None:
        flag: bool | None = self.take(name, parse_bool(self.raw(name)))
        return flag

    def year(self, name: str) -> int | None:
        value: int | None = self.take(name, parse_int(self.raw(name)))
        if value is not None and not MIN_YEAR <= value <= self.ctx.today.year + 1:
            self.problem(name, f"年度应在{MIN_YEAR}到{self.ctx.today.year + 1}之间")
            return None
        return value


def _uscc(reader: _RowReader) -> str | None:
    raw = reader.raw("uscc")
    if is_empty(raw):
        reader.problem("uscc", "统一社会信用代码必须填写")
        return None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        reader.problem("uscc", NUMERIC_CODE_MESSAGE)
        return None
    value: str | None = reader.take("uscc", validate_uscc(raw))
    return value


def _town(reader: _RowReader) -> int | None:
    written = reader.text("town")
    if written:
        found = reader.ctx.match_town(written)
        if found is None:
            reader.problem("town", f"镇街“{written}”不在已设置的镇街中")
            return None
        return found.id
    if reader.ctx.file_town is not None:
        return reader.ctx.file_town.id
    reader.problem("town", "未填写所属镇街，导入后所属镇街为空", warning=True)
    return None


def _phone(reader: _RowReader) -> str | None:
    raw = reader.raw("phone")
    checked = validate_phone(raw)
    if checked.errors:
        text = reader.text("phone")
        if text is not None:
            reader.problem("phone", "电话号码格式不正确，已按原样保存", warning=True)
        return text
    return reader.fits("phone", checked.value)


def _high_tech(reader: _RowReader) -> tuple[str, date] | None:
    issued = reader.date("hte_issued_on")
    number_raw = reader.raw("hte_number")
    number = reader.take(
        "hte_number", validate_hte_number(number_raw, issued, reader.ctx.province_code)
    )
    if number and issued is None and not _has_error(reader, "hte_issued_on"):
        reader.problem("hte_issued_on", "填写了高企证书编号，但没有填写发证日期")
    if issued is not None and is_empty(number_raw):
        reader.problem("hte_number", "填写了高企发证日期，但没有填写证书编号")
    return (number, issued) if number and issued else None


def _has_error(reader: _RowReader, name: str) -> bool:
    label = reader.label(name)
    return any(p.column == label for p in reader.errors)


def _tech_sme(reader: _RowReader) -> tuple[str | None, int] | None:
    year = reader.year("sme_year")
    raw = reader.raw("sme_number")
    number = reader.take("sme_number", validate_sme_number(raw, year))
    if number:
        return number, year or sme_number_year(number) or 0
    if year is not None and is_empty(raw):
        return None, year
    return None


def parse_enterprise_row(cells: list[Cell], row: int, ctx: RowContext) -> ParsedRow:
    """Normalise and check one data row; every problem is collected, not just the first."""
    if ctx.fast is None:
        ctx.fast = _FastRows(ctx)
    if ctx.cell_errors and row in ctx.cell_errors:
        parsed = _parse_slowly(cells, row, ctx)
        parsed.errors = with_cell_errors(parsed.errors, ctx.cell_errors[row])
        parsed.record = None
        return parsed
    record = ctx.fast.record(cells, row)
    if record is None:
        return _parse_slowly(cells, row, ctx)
    if ctx.fast.code_warnings:
        return ParsedRow(row, record, [], ctx.fast.code_warning_problems(cells, row))
    return ParsedRow(row, record)


def _parse_slowly(cells: list[Cell], row: int, ctx: RowContext) -> ParsedRow:
    """The full reader: collects every error and warning of a row with its column and value."""
    reader = _RowReader(cells, row, ctx)
    fields: dict[str, Any] = {k: reader.text(k) for k in ENTERPRISE_COLUMNS}
    if not fields["name"] and not _has_error(reader, "name"):
        reader.problem("name", "企业名称必须填写")
    fields["uscc"] = _uscc(reader)
    fields["town_id"] = _town(reader)
    fields["founded_on"] = reader.date("founded_on")
    fields["phone"] = _phone(reader)
    fields["above_scale"] = reader.flag("above_scale")
    figures = {
        "revenue": reader.money("revenue"),
        "rd_expense": reader.money("rd_expense"),
        "employees": reader.count("employees"),
        "rd_staff": reader.count("rd_staff"),
        "rd_activity": reader.flag("rd_activity"),
        "rd_institution": reader.flag("rd_institution"),
    }
    high_tech = _high_tech(reader)
    tech_sme = _tech_sme(reader)
    result = ParsedRow(row, None, reader.errors, reader.warnings)
    if not reader.errors:
        kept = {k: v for k, v in fields.items() if v is not None}
        figs = {k: v for k, v in figures.items() if v is not None}
        result.record = EnterpriseIncoming(row, kept, figs, high_tech, tech_sme)
    return result


def record_signature(record: EnterpriseIncoming) -> dict[str, Any]:
    """Every value of a record, for comparing repeats of one code within a file."""
    out: dict[str, Any] = dict(record.fields)
    out.update({f"y.{k}": v for k, v in record.figures.items()})
    if record.high_tech:
        out["hte"] = record.high_tech
    if record.tech_sme:
        out["sme"] = record.tech_sme
    return out


# ---------------------------------------------------------------- fast path
#
# Most rows of a town file are clean. _FastRows reads such a row with cached, type-specific
# conversions and gives exactly the record the full reader would give; at the first sign of any
# problem (error or warning) it gives up and the row is read again by _parse_slowly, which
# words the messages. So results never differ, only the time taken.


class _FastRows:
    """Column positions and settings of one file, resolved once for the fast path."""

    def __init__(self, ctx: RowContext) -> None:
        self.ctx = ctx
        fields = ctx.header.fields
        self.col = {name: fields.get(name) for name in _ALL_FIELDS}
        schema = ctx.header.schema
        self.limit = {
            n: schema.column(n).max_length or 1 << 62 for n in (*ENTERPRISE_COLUMNS, "phone")
        }
        # A column the sheet lacks reads as None: no value and no problem, so it is left out.
        # With a memo per column: industries, contacts, notes … repeat down a town's file.
        self.texts: list[tuple[str, int, int, dict[str, str | None]]] = [
            (n, c, self.limit[n], {})
            for n in ENTERPRISE_COLUMNS
            if (c := fields.get(n)) is not None
        ]
        self.units = {name: ctx.header.units.get(name) for name in ("revenue", "rd_expense")}
        date_of = fc.memo(self._date)
        flag_of = fc.memo(fc.flag_of)
        count_of = fc.memo(fc.count_of)
        converters: list[tuple[bool, str, Callable[[Cell], Any]]] = [
            (True, "founded_on", date_of),
            (True, "phone", fc.phone_of),
            (True, "above_scale", flag_of),
            (False, "revenue", self._money_reader("revenue")),
            (False, "rd_expense", self._money_reader("rd_expense")),
            (False, "employees", count_of),
            (False, "rd_staff", count_of),
            (False, "rd_activity", flag_of),
            (False, "rd_institution", flag_of),
        ]
        self.steps = [
            (is_field, name, col, convert)
            for is_field, name, convert in converters
            if (col := fields.get(name)) is not None
        ]
        self.town_of = fc.memo(self._town_id)
        self.issued_of = date_of
        self.code_warnings: tuple[str, ...] = ()
        self.code_label = _RowReader([], 0, ctx).label("uscc")
        self.code_col = self.col["uscc"]
        self.town_col = self.col["town"]
        self.hte = (self.col["hte_issued_on"], self.col["hte_number"])
        self.sme = (self.col["sme_year"], self.col["sme_number"])

    def record(self, cells: list[Cell], row: int) -> EnterpriseIncoming | None:
        """The record of a clean row, or None when the full reader must look at the row."""
        try:
            return self._record(cells, row)
        except fc.Slow:
            return None

    def _cell(self, cells: list[Cell], name: str) -> Cell:
        col = self.col[name]
        return None if col is None else cells[col]

    def _record(self, cells: list[Cell], row: int) -> EnterpriseIncoming:
        fields: dict[str, Any] = {}
        for name, col, limit, known in self.texts:  # fc.memo(fc.text_of), without its call
            value = cells[col]
            if value.__class__ is str:
                text = known.get(value, _UNKNOWN)
                if text is _UNKNOWN:
                    text = fc.text_of_str(value)
                    if len(known) < fc.MEMO_SIZE:
                        known[value] = text
            else:
                text = fc.text_of(value)
            if text is not None:
                if len(text) > limit:
                    raise fc.Slow
                fields[name] = text
        if "name" not in fields:
            raise fc.Slow
        fields["uscc"] = self._code(cells)
        town = self.town_of(None if self.town_col is None else cells[self.town_col])
        if town is not None:
            fields["town_id"] = town
        figures: dict[str, Any] = {}
        for is_field, name, col, convert in self.steps:
            if (value := convert(cells[col])) is not None:
                (fields if is_field else figures)[name] = value
        if len(fields.get("phone") or "") > self.limit["phone"]:
            raise fc.Slow
        issued, number = self.hte
        year, code = self.sme
        return EnterpriseIncoming(
            row,
            fields,
            figures,
            self._high_tech(
                None if issued is None else cells[issued], None if number is None else cells[number]
            ),
            self._tech_sme(
                None if year is None else cells[year], None if code is None else cells[code]
            ),
        )

    def _code(self, cells: list[Cell]) -> str:
        found = clean_uscc(None if self.code_col is None else cells[self.code_col])
        if found is None:
            raise fc.Slow
        code, org_ok = found
        # A valid code whose organisation-code part does not check only warns.
        self.code_warnings = () if org_ok else (ORG_CODE_WARNING,)
        return code

    def code_warning_problems(self, cells: list[Cell], row: int) -> list[Problem]:
        """The warnings _parse_slowly gives for the code of the row just read."""
        value = shown(self._cell(cells, "uscc"))
        return [Problem(row, self.code_label, value, message) for message in self.code_warnings]

    def _town_id(self, value: Cell) -> int | None:
        written = fc.text_of(value)
        if written:
            found = self.ctx.match_town(written)
            if found is None:
                raise fc.Slow
            return found.id
        if self.ctx.file_town is None:
            raise fc.Slow  # the full reader warns that the town is missing
        return self.ctx.file_town.id

    def _date(self, value: Cell) -> date | None:
        if value is None:
            return None
        if value.__class__ is date:
            assert isinstance(value, date)
            if value > self.ctx.today:
                raise fc.Slow
            return value
        parsed: date | None = fc.checked(parse_date(value, today=self.ctx.today))
        return parsed

    def _money_reader(self, name: str) -> Callable[[Cell], float | None]:
        unit = self.units[name]
        factor = 1.0 if unit is None else MONEY_FACTORS.get(unit)

        def money(value: Cell) -> float | None:
            if factor is not None and value.__class__ is float and value - value == 0.0:
                amount: float | None = fc.non_negative(to_wan_yuan(value, unit))
                return amount
            if value is None:
                return None
            found: float | None = fc.non_negative(fc.checked(parse_money(value, unit)))
            return found

        return money

    def _high_tech(self, issued_raw: Cell, raw: Cell) -> tuple[str, date] | None:
        if (issued_raw is None or issued_raw == "") and (raw is None or raw == ""):
            return None
        issued = self.issued_of(issued_raw)
        if issued is None and (raw is None or raw == ""):
            return None
        number = fc.checked(validate_hte_number(raw, issued, self.ctx.province_code))
        if (number and issued is None) or (issued is not None and is_empty(raw)):
            raise fc.Slow
        return (number, issued) if number and issued else None

    def _tech_sme(self, year_raw: Cell, raw: Cell) -> tuple[str | None, int] | None:
        if year_raw is None and raw is None:
            return None
        if (year_raw == "" or year_raw is None) and (raw == "" or raw is None):
            return None
        year: int | None = fc.checked(parse_int(year_raw))
        if year is not None and not MIN_YEAR <= year <= self.ctx.today.year + 1:
            raise fc.Slow
        number = fc.checked(validate_sme_number(raw, year))
        if number:
            return number, year or sme_number_year(number) or 0
        if year is not None and is_empty(raw):
            return None, year
        return None


_UNKNOWN: Any = object()

_ALL_FIELDS = (
    *ENTERPRISE_COLUMNS,
    "uscc",
    "town",
    "founded_on",
    "phone",
    "above_scale",
    *FIGURE_FIELDS,
    "hte_number",
    "hte_issued_on",
    "sme_year",
    "sme_number",
)
