"""The one import pipeline's per-kind steps: parse rows → merge repeats → plan → apply (import.md).

A kind is its schema (schemas.py) plus a `Family`: how one row is parsed, what its key is, how
the accepted rows are planned against the store and how the plans are written. The enterprise
kind plans and writes in bulk (db/services/imports/enterprises.py); every other kind plans and
writes row by row through its service (kinds/*, db/services/imports/kinds.py, holdings.py). The
row loop, blank and footer rows, cell errors and the merging of repeats are the same code for all.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from db.services.errors import InputError, NotFound
from db.services.imports import enterprises as imports
from db.services.imports.enterprises import EnterpriseIncoming, EnterprisePlan
from db.services.imports.other import Incoming, Issue, KindPlan
from desktop.importing.header import Header, pad
from desktop.importing.kinds import hook_for
from desktop.importing.kinds.base import KindHook, KindReader
from desktop.importing.readers import Cell
from desktop.importing.rows import (
    Problem,
    RowContext,
    is_blank,
    is_footer,
    parse_enterprise_row,
    record_signature,
    with_cell_errors,
)
from desktop.progress import CancelToken, Progress, Work

ENTERPRISES = "enterprises"
ENTERPRISE_FAMILY = ("enterprises", "qualifications", "figures")  # planned and applied first
_STEP = 2000


class KindWriteFailed(Exception):
    """A service refused a planned row while writing (the transaction is rolled back)."""


@dataclass
class RejectedRow:
    row: int
    cells: list[Cell]
    problems: list[Problem]
    sheet: str = ""


@dataclass
class Accepted:
    """A data row that parsed without error, with where it came from."""

    record: Any  # EnterpriseIncoming or Incoming
    cells: list[Cell]
    ctx: RowContext
    sheet: str

    @property
    def row(self) -> int:
        """The row as Excel shows it (1-based)."""
        return int(self.record.row)


@dataclass
class Outcome:
    """What the rows of one kind gave: accepted rows, rejected rows, warnings, skipped per sheet."""

    accepted: list[Accepted] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, sheet: str) -> None:
        """One more skipped row on a sheet."""
        self.skipped[sheet] = self.skipped.get(sheet, 0) + 1


@dataclass(frozen=True)
class BatchState:
    """What every kind is planned with: the data year, today, the codes the batch creates."""

    year: int
    today: date
    new_codes: frozenset[str] = frozenset()


def on_sheet(problems: list[Problem], sheet: str) -> list[Problem]:
    """The problems, each naming its sheet."""
    return [p if p.sheet == sheet else replace(p, sheet=sheet) for p in problems]


@dataclass(frozen=True)
class Family:
    """How the pipeline handles one kind."""

    kind: str
    parse: Callable[[list[Cell], int, RowContext], tuple[Any, list[Problem], list[Problem]]]
    key: Callable[[Any], Hashable]
    signature: Callable[[Any], dict[str, Any]]
    absorb: Callable[[Any, Any], None]
    problem: Callable[[Accepted, str, bool], Problem]  # a problem of the row's key column
    plan: Callable[[Session, list[Accepted], BatchState, Outcome, CancelToken], Work[list[Any]]]
    apply: Callable[[Session, list[Any], int, str, int, CancelToken], Work[None]]


# ---------------------------------------------------------------- rows, the same for every kind


def parse_sheet(
    family: Family,
    grid: list[list[Cell]],
    header: Header,
    ctx: RowContext,
    sheet: str,
    out: Outcome,
    cancel: CancelToken,
) -> Work[None]:
    """Every data row of a sheet: blank rows passed over, footers skipped, the rest parsed."""
    total = len(grid) - header.data_start
    need = header.need
    parse = family.parse
    for offset, written in enumerate(grid[header.data_start :]):
        if offset % _STEP == 0:
            cancel.raise_if_cancelled()
            yield Progress(offset, total, "正在检查数据…")
        if is_blank(written):
            continue
        cells = pad(written, need)
        if is_footer(cells, header):
            out.skip(sheet)
            continue
        row = header.data_start + offset + 1
        record, errors, warnings = parse(cells, row, ctx)
        if warnings:
            out.warnings.extend(on_sheet(warnings, sheet))
        if record is None:
            out.rejected.append(RejectedRow(row, written, on_sheet(errors, sheet), sheet))
        else:
            record.sheet = sheet
            out.accepted.append(Accepted(record, cells, ctx, sheet))


def _contradicts(first: dict[str, Any], other: dict[str, Any]) -> bool:
    return any(k in first and first[k] != v for k, v in other.items())


def _where(other: Accepted, this: Accepted) -> str:
    return (
        f"第{other.row}行" if other.sheet == this.sheet else f"工作表“{other.sheet}”第{other.row}行"
    )


def merge_repeats(family: Family, out: Outcome) -> list[Accepted]:
    """Repeats of a key (across all sheets): identical or adding → skipped with a warning naming
    the earlier row; contradicting → every one of them rejected."""
    groups: dict[Hashable, list[Accepted]] = {}
    for item in out.accepted:
        groups.setdefault(family.key(item.record), []).append(item)
    kept: list[Accepted] = []
    for items in groups.values():
        if len(items) == 1:  # the common case: nothing to compare
            kept.append(items[0])
            continue
        signatures = [family.signature(a.record) for a in items]
        if any(
            _contradicts(signatures[0], s) or _contradicts(s, signatures[0]) for s in signatures
        ):
            for a in items:
                others = "、".join(_where(o, a) for o in items if o is not a)
                message = f"与{others}是同一条记录，但内容不一致"
                out.rejected.append(
                    RejectedRow(a.row, a.cells, [family.problem(a, message, False)], a.sheet)
                )
            continue
        first = items[0]
        for a in items[1:]:
            family.absorb(first.record, a.record)
            out.skip(a.sheet)
            out.warnings.append(family.problem(a, f"与{_where(first, a)}重复，已跳过", True))
        kept.append(first)
    return kept


# ---------------------------------------------------------------- enterprises: in bulk


def _parse_enterprise(
    cells: list[Cell], row: int, ctx: RowContext
) -> tuple[Any, list[Problem], list[Problem]]:
    parsed = parse_enterprise_row(cells, row, ctx)
    return parsed.record, parsed.errors, parsed.warnings


def _absorb_enterprise(first: EnterpriseIncoming, later: EnterpriseIncoming) -> None:
    for key, value in later.fields.items():
        first.fields.setdefault(key, value)
    for key, value in later.figures.items():
        first.figures.setdefault(key, value)
    first.high_tech = first.high_tech or later.high_tech
    first.tech_sme = first.tech_sme or later.tech_sme


def _enterprise_problem(item: Accepted, message: str, warning: bool) -> Problem:
    del warning
    code = item.record.fields["uscc"]
    return Problem(item.row, "统一社会信用代码", code, message, item.sheet)


def _plan_enterprises(
    session: Session,
    accepted: list[Accepted],
    state: BatchState,
    out: Outcome,
    cancel: CancelToken,
) -> Work[list[Any]]:
    del out, cancel
    yield Progress(0, 0, "正在与库中数据比对…")
    return list(imports.plan_enterprises(session, [a.record for a in accepted], state.year))


def _apply_enterprises(
    session: Session,
    plans: list[EnterprisePlan],
    batch_id: int,
    operator: str,
    year: int,
    cancel: CancelToken,
) -> Work[None]:
    created = [p for p in plans if p.outcome == "created"]
    updated = [p for p in plans if p.outcome == "updated"]
    total = len(created) + len(updated)
    yield Progress(0, total, "正在写入…")
    done = 0
    with imports.bulk_writes(session, len(created)):  # page cache; big batches defer indexes
        for part, writer in ((created, imports.write_created), (updated, imports.write_updated)):
            for start in range(0, len(part), _STEP):
                cancel.raise_if_cancelled()
                writer(session, batch_id, part[start : start + _STEP], year, operator)
                done += len(part[start : start + _STEP])
                yield Progress(done, total, "正在写入…")


ENTERPRISE = Family(
    ENTERPRISES,
    _parse_enterprise,
    lambda r: r.fields["uscc"],
    record_signature,
    _absorb_enterprise,
    _enterprise_problem,
    _plan_enterprises,
    _apply_enterprises,
)


# ---------------------------------------------------------------- other kinds: row by row


def _kind_parser(
    hook: KindHook,
) -> Callable[[list[Cell], int, RowContext], tuple[Any, list[Problem], list[Problem]]]:
    def parse(
        cells: list[Cell], row: int, ctx: RowContext
    ) -> tuple[Any, list[Problem], list[Problem]]:
        parsed = hook.parse(KindReader(cells, row, ctx))
        if row in ctx.cell_errors:
            parsed.errors = with_cell_errors(parsed.errors, ctx.cell_errors[row])
            parsed.record = None
        return parsed.record, parsed.errors, parsed.warnings

    return parse


def _signature(record: Incoming) -> dict[str, Any]:
    return {**record.values, **{f"ref.{k}": v for k, v in record.refs.items() if v is not None}}


def _absorb(first: Incoming, later: Incoming) -> None:
    for key, value in later.values.items():
        first.values.setdefault(key, value)
    for key, value in later.refs.items():
        if first.refs.get(key) is None:
            first.refs[key] = value


def _issue_problems(item: Accepted, issues: list[Issue], warning: bool) -> list[Problem]:
    reader = KindReader(item.cells, item.row, item.ctx)
    for issue in issues:
        reader.problem(issue.field, issue.message, warning=warning)
    return on_sheet(reader.warnings if warning else reader.errors, item.sheet)


def _kind_planner(
    hook: KindHook,
) -> Callable[[Session, list[Accepted], BatchState, Outcome, CancelToken], Work[list[Any]]]:
    def plan_rows(
        session: Session,
        accepted: list[Accepted],
        state: BatchState,
        out: Outcome,
        cancel: CancelToken,
    ) -> Work[list[Any]]:
        plans: list[KindPlan] = []
        start = getattr(hook, "start", None)  # kinds planned from one index per batch
        if start is not None:
            start(session, [a.record for a in accepted], state.today)
        for done, item in enumerate(accepted):
            if done % 500 == 0:
                cancel.raise_if_cancelled()
                yield Progress(done, len(accepted), "正在与库中数据比对…")
            if hook.in_batch:
                plan = hook.plan(session, item.record, state.today, state.new_codes)
            else:
                plan = hook.plan(session, item.record, state.today)
            if plan.warnings:
                out.warnings.extend(_issue_problems(item, plan.warnings, True))
            if plan.issues:
                problems = _issue_problems(item, plan.issues, False)
                out.rejected.append(RejectedRow(item.row, item.cells, problems, item.sheet))
            else:
                plans.append(plan)
        return plans

    return plan_rows


def _kind_writer(
    hook: KindHook,
) -> Callable[[Session, list[Any], int, str, int, CancelToken], Work[None]]:
    def apply_rows(
        session: Session,
        plans: list[Any],
        batch_id: int,
        operator: str,
        year: int,
        cancel: CancelToken,
    ) -> Work[None]:
        del year
        today = date.today()
        todo = [p for p in plans if p.outcome in ("created", "updated")]
        for done, plan in enumerate(todo):
            if done % 50 == 0:
                cancel.raise_if_cancelled()
                yield Progress(done, len(todo), "正在写入…")
            try:
                hook.apply(session, plan, batch_id, operator, today)
            except (InputError, NotFound) as exc:
                where = f"工作表“{plan.incoming.sheet}”" if plan.incoming.sheet else ""
                raise KindWriteFailed(
                    f"{where}第{plan.incoming.row}行写入失败：{exc}；本次导入未写入任何数据"
                ) from exc
        finish = getattr(hook, "finish", None)  # kinds written in bulk, once per group
        if finish is not None:
            finish(session, batch_id, operator)
        yield Progress(len(todo), len(todo), "正在写入…")

    return apply_rows


def _kind_problem(hook: KindHook) -> Callable[[Accepted, str, bool], Problem]:
    def problem(item: Accepted, message: str, warning: bool) -> Problem:
        reader = KindReader(item.cells, item.row, item.ctx)
        reader.problem(hook.key_field, message, warning=warning)
        return on_sheet(reader.warnings if warning else reader.errors, item.sheet)[0]

    return problem


def family_for(kind: str) -> Family:
    """The pipeline steps of a kind."""
    if kind == ENTERPRISES:
        return ENTERPRISE
    hook = hook_for(kind)
    return Family(
        kind,
        _kind_parser(hook),
        lambda r: r.key,
        _signature,
        _absorb,
        _kind_problem(hook),
        _kind_planner(hook),
        _kind_writer(hook),
    )


# Kinds that may name records other kinds of the batch create: planned and written after them.
_AFTER_THEIR_LISTS = {"incubatees": 1, "services": 1, "demands": 1, "transfers": 2}


def plan_order(kinds: list[str]) -> list[str]:
    """Kinds in the order they are planned and written: enterprises, their qualifications and
    figures (which may name enterprises the batch creates), then the others as they came —
    incubatees and services after the carriers and commissioners they may name, transfers last,
    since they may name results and contracts the batch creates."""
    first = [k for k in ENTERPRISE_FAMILY if k in kinds]
    rest = [k for k in dict.fromkeys(kinds) if k not in ENTERPRISE_FAMILY]
    return first + sorted(rest, key=lambda k: _AFTER_THEIR_LISTS.get(k, 0))
