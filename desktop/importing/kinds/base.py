"""The kind hook and the row reader shared by the import kinds other than enterprises.

A kind provides a `KindHook`: `parse` turns one data row into an `Incoming` (its key, its model
values, lookup references) or row problems, using the generic cell parsers of db.rules like the
enterprise kind; `plan` and `apply` (db/services/imports/kinds.py) compare with the store and write
through the services with the batch id; undo is generic over the batch's audit rows
(db/services/imports/undo.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from db.rules.identifiers import (
    NUMERIC_CODE_MESSAGE,
    is_masked_resident_id,
    mask_resident_id,
    validate_phone,
    validate_resident_id,
    validate_uscc,
)
from db.rules.normalize import parse_bool, parse_date, parse_int, parse_money, parse_number
from db.rules.results import Checked
from db.rules.text import is_empty, normalize_code
from db.rules.years import FIRST_RECORD_YEAR
from db.services.imports.kinds import Writer
from db.services.imports.other import Incoming, KindPlan
from desktop.importing.header import cell_text
from desktop.importing.readers import Cell
from desktop.importing.rows import Problem, RowContext, clip, shown, too_long

MIN_YEAR = FIRST_RECORD_YEAR


@dataclass
class KindParsed:
    """One data row of another kind: the record, or the problems that reject it."""

    row: int
    record: Incoming | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


class KindReader:
    """Reads the fields of one row, collecting every problem (ID numbers are masked in them)."""

    def __init__(self, cells: list[Cell], row: int, ctx: RowContext) -> None:
        self.cells = cells
        self.row = row
        self.ctx = ctx
        self.schema = ctx.header.schema
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def raw(self, name: str) -> Cell:
        """The cell of a field (None when the file has no such column)."""
        col = self.ctx.header.fields.get(name)
        return None if col is None or col >= len(self.cells) else self.cells[col]

    def label(self, name: str) -> str:
        """The column's header as the town wrote it, else the template header."""
        col = self.ctx.header.fields.get(name)
        if col is not None:
            return self.ctx.header.labels[col]
        try:
            return self.schema.column(name).header
        except KeyError:
            return name

    def shown(self, name: str) -> str:
        """A cell as the clerk sees it; ID numbers masked."""
        text = shown(self.raw(name))
        if text and self._is_id(name):
            return mask_resident_id(normalize_code(text))
        return text

    def _is_id(self, name: str) -> bool:
        try:
            return self.schema.column(name).parser == "id"
        except KeyError:
            return False

    def problem(self, name: str, message: str, warning: bool = False) -> None:
        """Record a problem of a field for this row."""
        item = Problem(self.row, self.label(name), self.shown(name), message)
        (self.warnings if warning else self.errors).append(item)

    def take(self, name: str, checked: Checked[Any]) -> Any:
        """The checked value, its errors and warnings recorded."""
        for message in checked.errors:
            self.problem(name, message)
        for message in checked.warnings:
            self.problem(name, message, warning=True)
        return checked.value

    def check_required(self) -> None:
        """Every required column of the kind must be filled."""
        for column in self.schema.columns:
            if column.required and is_empty(self.raw(column.field)):
                self.problem(column.field, f"{column.header}必须填写")

    def text(self, name: str) -> str | None:
        """Normalised text, None when blank; longer than the store's column → an error."""
        value = self.raw(name)
        return self.fits(name, None if is_empty(value) else cell_text(value) or None)

    def fits(self, name: str, text: str | None) -> str | None:
        """The text, or None with an error when it is longer than the store's column."""
        try:
            limit = self.schema.column(name).max_length
        except KeyError:
            return text
        if text is None or limit is None or len(text) <= limit:
            return text
        self.errors.append(
            Problem(self.row, self.label(name), clip(text), too_long(limit, len(text)))
        )
        return None

    def choice(self, name: str) -> str | None:
        """Text that must be one of the column's choices (when it declares some)."""
        value = self.text(name)
        choices = self.schema.column(name).choices
        if value is not None and choices and value not in choices:
            self.problem(name, f"{self.schema.column(name).header}应为：" + "、".join(choices))
            return None
        return value

    def any_date(self, name: str) -> date | None:
        """A date that may lie in the future (an expiry)."""
        parsed: date | None = self.take(name, parse_date(self.raw(name)))
        return parsed

    def date(self, name: str) -> date | None:
        """A date, not in the future."""
        parsed: date | None = self.take(name, parse_date(self.raw(name), today=self.ctx.today))
        return parsed

    def money(self, name: str) -> float | None:
        """An amount in 万元 (converted from the column's unit, e.g. 千元)."""
        unit = self.ctx.header.units.get(name)
        value: float | None = self._non_negative(
            name, self.take(name, parse_money(self.raw(name), unit))
        )
        return value

    def count(self, name: str) -> int | None:
        """A whole number ≥ 0."""
        value = self._non_negative(name, self.take(name, parse_int(self.raw(name))))
        return None if value is None else int(value)

    def number(self, name: str) -> float | None:
        """A number ≥ 0."""
        value: float | None = self._non_negative(
            name, self.take(name, parse_number(self.raw(name)))
        )
        return value

    def _non_negative(self, name: str, value: Any) -> Any:
        if value is not None and value < 0:
            self.problem(name, "数值不能为负数")
            return None
        return value

    def flag(self, name: str) -> bool | None:
        """是/否."""
        value: bool | None = self.take(name, parse_bool(self.raw(name)))
        return value

    def year(self, name: str) -> int | None:
        """A year between FIRST_RECORD_YEAR and next year."""
        value: int | None = self.take(name, parse_int(self.raw(name)))
        if value is not None and not MIN_YEAR <= value <= self.ctx.today.year + 1:
            self.problem(name, f"年度应在{MIN_YEAR}到{self.ctx.today.year + 1}之间")
            return None
        return value

    def uscc(self, name: str) -> str | None:
        """An optional 统一社会信用代码 (a code read as a number cannot be recovered)."""
        raw = self.raw(name)
        if is_empty(raw):
            return None
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            self.problem(name, NUMERIC_CODE_MESSAGE)
            return None
        value: str | None = self.take(name, validate_uscc(raw))
        return value

    def masked_id(self, name: str) -> str | None:
        """A resident ID as the app masks it (3416**********123X, from an export without
        --with-ids), normalised; None for anything else."""
        raw = self.raw(name)
        return normalize_code(raw) if is_masked_resident_id(raw) else None

    def resident_id(self, name: str) -> str | None:
        """An optional resident ID; messages never show the number (nor its birth date).

        A masked ID (masked_id) is no error here: it is no number to store, and the planner
        matches it with the name against the stored commissioners."""
        if self.masked_id(name) is not None:
            return None
        checked = validate_resident_id(self.raw(name), self.ctx.today)
        for message in checked.errors:
            safe = message.split("：")[0] if message.startswith("出生日期") else message
            self.problem(name, "身份证号码" + safe)
        for message in checked.warnings:
            self.problem(name, message, warning=True)
        return checked.value

    def phone(self, name: str) -> str | None:
        """A phone number; a malformed one is kept as written with a warning."""
        checked = validate_phone(self.raw(name))
        if checked.errors:
            text = self.text(name)
            if text is not None:
                self.problem(name, "电话号码格式不正确，已按原样保存", warning=True)
            return text
        return self.fits(name, checked.value)

    def town(self, name: str = "town") -> int | None:
        """The row's town (its own column, else the file's town); unknown → error."""
        written = self.text(name)
        if written:
            found = self.ctx.match_town(written)
            if found is None:
                self.problem(name, f"镇街“{written}”不在已设置的镇街中")
                return None
            return found.id
        if self.ctx.file_town is not None:
            return self.ctx.file_town.id
        return None

    def finish(
        self, key: tuple[Any, ...], label: str, values: dict[str, Any], refs: dict[str, Any]
    ) -> KindParsed:
        """The parsed row: a record when no error was found (blank values dropped)."""
        result = KindParsed(self.row, None, self.errors, self.warnings)
        if not self.errors:
            kept = {k: v for k, v in values.items() if v is not None}
            result.record = Incoming(self.row, key, label, kept, refs)
        return result


Parse = Callable[[KindReader], KindParsed]


@dataclass(frozen=True)
class KindHook:
    """What the engine needs of a kind: parse a row, plan it against the store, apply it."""

    kind: str
    parse: Parse
    plan: Callable[..., KindPlan]
    apply: Writer
    key_field: str  # the column named in repeat messages
    # Planned knowing the codes of the enterprises the same batch creates (qualifications, figures).
    in_batch: bool = False


@dataclass(frozen=True)
class ListHook(KindHook):
    """A list other sheets of the same workbook may name (carriers, commissioners): its `start`
    begins the batch's index of the records it creates (db/services/imports/batch_lists.py)."""

    start: Callable[[Session, Sequence[Incoming], date], None] | None = None
