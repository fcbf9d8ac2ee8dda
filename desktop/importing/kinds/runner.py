"""Check, de-duplicate, plan and apply the rows of a kind other than enterprises (import.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from db.services.errors import InputError, NotFound
from db.services.imports.other import Incoming, Issue, KindPlan
from desktop.importing.header import Header, pad
from desktop.importing.kinds import hook_for
from desktop.importing.kinds.base import KindHook, KindParsed, KindReader
from desktop.importing.readers import Cell
from desktop.importing.rows import Problem, RowContext, is_blank, is_footer, with_cell_errors
from desktop.progress import CancelToken, Progress, Work

_STEP = 500


class KindWriteFailed(Exception):
    """A service refused a planned row while writing (the transaction is rolled back)."""


@dataclass
class KindOutcome:
    """What checking and planning the rows of a sheet found."""

    plans: list[KindPlan] = field(default_factory=list)
    rejected: list[tuple[int, list[Cell], list[Problem]]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    skipped: int = 0


def _parse_rows(
    grid: list[list[Cell]], header: Header, ctx: RowContext, hook: KindHook, out: KindOutcome
) -> list[tuple[Incoming, list[Cell]]]:
    accepted: list[tuple[Incoming, list[Cell]]] = []
    need = header.need
    for offset, written in enumerate(grid[header.data_start :]):
        if is_blank(written):
            continue
        cells = pad(written, need)
        if is_footer(cells, header):
            out.skipped += 1
            continue
        row = header.data_start + offset + 1
        parsed: KindParsed = hook.parse(KindReader(cells, row, ctx))
        if row in ctx.cell_errors:
            parsed.errors = with_cell_errors(parsed.errors, ctx.cell_errors[row])
            parsed.record = None
        out.warnings.extend(parsed.warnings)
        if parsed.record is None:
            out.rejected.append((row, written, parsed.errors))
        else:
            accepted.append((parsed.record, cells))
    return accepted


def _signature(record: Incoming) -> dict[str, Any]:
    return {**record.values, **{f"ref.{k}": v for k, v in record.refs.items() if v is not None}}


def _contradicts(first: dict[str, Any], other: dict[str, Any]) -> bool:
    return any(k in first and first[k] != v for k, v in other.items())


def _merge_repeats(
    accepted: list[tuple[Incoming, list[Cell]]], ctx: RowContext, hook: KindHook, out: KindOutcome
) -> list[tuple[Incoming, list[Cell]]]:
    """Repeats of a key: identical/adding → skipped with a warning; contradicting → all rejected."""
    groups: dict[tuple[Any, ...], list[tuple[Incoming, list[Cell]]]] = {}
    for item in accepted:
        groups.setdefault(item[0].key, []).append(item)
    kept: list[tuple[Incoming, list[Cell]]] = []
    for items in groups.values():
        first, first_cells = items[0]
        signatures = [_signature(r) for r, _ in items]
        if any(
            _contradicts(signatures[0], s) or _contradicts(s, signatures[0]) for s in signatures
        ):
            for record, cells in items:
                others = "、".join(str(o.row) for o, _ in items if o.row != record.row)
                reader = KindReader(cells, record.row, ctx)
                reader.problem(hook.key_field, f"与第{others}行是同一条记录，但内容不一致")
                out.rejected.append((record.row, cells, reader.errors))
            continue
        for record, cells in items[1:]:
            for key, value in record.values.items():
                first.values.setdefault(key, value)
            for key, value in record.refs.items():
                if first.refs.get(key) is None:
                    first.refs[key] = value
            out.skipped += 1
            reader = KindReader(cells, record.row, ctx)
            reader.problem(hook.key_field, f"与第{first.row}行重复，已跳过", warning=True)
            out.warnings.extend(reader.warnings)
        kept.append((first, first_cells))
    return kept


def _problems(
    issues: Sequence[Issue], cells: list[Cell], row: int, ctx: RowContext
) -> list[Problem]:
    reader = KindReader(cells, row, ctx)
    for issue in issues:
        reader.problem(issue.field, issue.message)
    return reader.errors


def check_and_plan(
    session: Session,
    grid: list[list[Cell]],
    header: Header,
    ctx: RowContext,
    cancel: CancelToken,
) -> Work[KindOutcome]:
    """Parse every data row, merge repeats, and plan the accepted rows against the store."""
    hook = hook_for(header.schema.kind)
    out = KindOutcome()
    yield Progress(0, 0, "正在检查数据…")
    accepted = _merge_repeats(_parse_rows(grid, header, ctx, hook, out), ctx, hook, out)
    yield Progress(0, len(accepted), "正在与库中数据比对…")
    for done, (record, cells) in enumerate(accepted):
        if done % _STEP == 0:
            cancel.raise_if_cancelled()
            yield Progress(done, len(accepted), "正在与库中数据比对…")
        plan = hook.plan(session, record, ctx.today)
        reader = KindReader(cells, record.row, ctx)
        for issue in plan.warnings:
            reader.problem(issue.field, issue.message, warning=True)
        out.warnings.extend(reader.warnings)
        if plan.issues:
            out.rejected.append((record.row, cells, _problems(plan.issues, cells, record.row, ctx)))
        else:
            out.plans.append(plan)
    out.rejected.sort(key=lambda r: r[0])
    return out


def apply_plans(
    session: Session,
    kind: str,
    plans: Sequence[KindPlan],
    batch_id: int,
    operator: str,
    cancel: CancelToken,
    today: date | None = None,
) -> Work[None]:
    """Write the created and updated rows through the kind's services, in file order."""
    hook = hook_for(kind)
    today = today or date.today()
    todo = [p for p in plans if p.outcome in ("created", "updated")]
    for done, plan in enumerate(todo):
        if done % 50 == 0:
            cancel.raise_if_cancelled()
            yield Progress(done, len(todo), "正在写入…")
        try:
            hook.apply(session, plan, batch_id, operator, today)
        except (InputError, NotFound) as exc:
            raise KindWriteFailed(
                f"第{plan.incoming.row}行写入失败：{exc}；本次导入未写入任何数据"
            ) from exc
    yield Progress(len(todo), len(todo), "正在写入…")
