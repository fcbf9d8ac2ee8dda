"""Import a town spreadsheet: read, find the header, check rows, plan, apply, undo (import.md).

Each long step is a generator yielding Progress and checking a CancelToken (desktop.progress).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from db.rules.normalize import money_unit_of
from db.rules.text import normalize_header, strip_controls
from db.rules.years import record_year_problem
from db.services.imports import batches, undo
from db.services.imports import enterprises as imports
from db.services.imports.batches import BatchInfo, UndoResult
from db.services.imports.bulk import gc_paused
from db.services.imports.enterprises import EnterpriseIncoming, EnterprisePlan
from db.services.imports.mappings import load_mappings
from db.services.imports.other import KindPlan
from db.services.settings import get_settings
from db.services.towns import TownMatcher
from db.store import Store
from desktop.importing.header import (
    HEADER_SEARCH_ROWS,
    Header,
    cell_text,
    find_header,
    head_grid,
    is_column_number_row,
    match_labels,
    pad,
    table_grid,
    title_unit,
    trim_labels,
)
from desktop.importing.notices import cell_errors, sheet_warnings
from desktop.importing.readers import (
    Cell,
    SheetData,
    UnreadableFile,
    iter_nonempty,
    read_workbook,
)
from desktop.importing.rows import (
    ParsedRow,
    Problem,
    RowContext,
    TownChoice,
    is_blank,
    is_footer,
    parse_enterprise_row,
    record_signature,
)
from desktop.importing.schemas import SCHEMAS, Schema
from desktop.progress import CancelToken, Progress, Work

ENTERPRISES = "enterprises"
INSTRUCTION_SHEETS = ("填表说明", "说明", "填报说明")
_STEP = 2000


class ImportRefused(Exception):
    """The file or the options cannot be used (exit 2); the message is for the clerk."""


@dataclass(frozen=True)
class ImportOptions:
    kind: str | None = None
    town: str | None = None
    year: int | None = None
    sheet: str | None = None
    # Normalised header text → field name ("" = ignore the column), on top of auto-matching.
    # None: the mapping saved for the file's town and kind (load_mappings) is used.
    mapping: dict[str, str] | None = None


Mappings = dict[str, dict[str, str]]  # kind → header → field


@dataclass
class RejectedRow:
    row: int
    cells: list[Cell]
    problems: list[Problem]


@dataclass
class ImportPlan:
    """What importing a file would do; nothing is written until apply_import."""

    path: Path
    sha256: str
    kind: str
    sheet: str
    header_row: int  # 1-based
    year: int
    town: str | None
    labels: list[str]
    ignored: list[str]
    plans: list[EnterprisePlan] = field(default_factory=list)
    kind_plans: list[KindPlan] = field(default_factory=list)  # the kinds other than enterprises
    rejected: list[RejectedRow] = field(default_factory=list)
    skipped: int = 0
    warnings: list[Problem] = field(default_factory=list)
    duplicate_of_batch: int | None = None

    def count(self, outcome: str) -> int:
        """How many rows end as created / updated / unchanged."""
        enterprises = sum(1 for p in self.plans if p.outcome == outcome)
        return enterprises + sum(1 for k in self.kind_plans if k.outcome == outcome)

    @property
    def counts(self) -> dict[str, int]:
        """rows = created + updated + unchanged + rejected + skipped."""
        out = {k: self.count(k) for k in ("created", "updated", "unchanged")}
        out["rejected"] = len(self.rejected)
        out["skipped"] = self.skipped
        out["rows"] = sum(out.values())
        return out

    @property
    def is_empty(self) -> bool:
        """No data rows at all (a header-only file): there is nothing to import, no batch."""
        return self.counts["rows"] == 0

    @property
    def errors(self) -> list[Problem]:
        """Every problem of every rejected row, in row order."""
        return [p for r in self.rejected for p in r.problems]


def default_year(today: date | None = None) -> int:
    """The data year when none is given: the previous calendar year."""
    return (today or date.today()).year - 1


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (duplicate detection)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pick_sheet(
    path: Path, options: ImportOptions, mappings: Mappings | None = None
) -> tuple[SheetData, Header, list[list[Cell]]]:
    book = read_workbook(path, options.sheet)
    for sheet in iter_nonempty(book.sheets):
        if options.sheet is None and sheet.name.strip() in INSTRUCTION_SHEETS:
            continue
        found = (
            _find_mapped_header(sheet, options.kind, mappings)
            if mappings
            else find_header(sheet, options.kind)
        )
        if found is not None:
            return sheet, found[0], found[1]
    if not any(True for _ in iter_nonempty(book.sheets)):
        raise UnreadableFile(f"无法导入“{path.name}”：文件中没有任何数据")
    what = f"“{options.kind}”类型的" if options.kind else "任何已知类型的"
    raise UnreadableFile(
        f"无法导入“{path.name}”：前30行中找不到{what}表头（至少需要企业名称、统一社会信用代码等列名）"
    )


def _check_year(year: int | None, today: date) -> int:
    chosen = default_year(today) if year is None else year
    problem = record_year_problem(chosen, today)
    if problem:
        raise ImportRefused(f"数据{problem}：{chosen}")
    return chosen


def _contradicts(first: dict[str, Any], other: dict[str, Any]) -> bool:
    return any(k in first and first[k] != v for k, v in other.items())


def _merge_repeats(
    parsed: list[tuple[ParsedRow, list[Cell]]], plan: ImportPlan
) -> list[EnterpriseIncoming]:
    """Repeats of a code: identical/adding → skipped with a warning; contradicting → all rejected."""
    groups: dict[str, list[tuple[ParsedRow, list[Cell]]]] = {}
    for item in parsed:
        assert item[0].record is not None
        groups.setdefault(item[0].record.fields["uscc"], []).append(item)
    accepted: list[EnterpriseIncoming] = []
    for items in groups.values():
        first = items[0][0].record
        assert first is not None
        if len(items) == 1:  # the common case: nothing to compare
            accepted.append(first)
            continue
        signatures = [record_signature(p.record) for p, _ in items if p.record]
        if any(
            _contradicts(signatures[0], s) or _contradicts(s, signatures[0]) for s in signatures
        ):
            for p, cells in items:
                others = "、".join(str(o.row) for o, _ in items if o.row != p.row)
                code = first.fields["uscc"]
                message = f"与第{others}行的统一社会信用代码相同但内容不一致"
                plan.rejected.append(
                    RejectedRow(p.row, cells, [Problem(p.row, "统一社会信用代码", code, message)])
                )
            continue
        for p, _cells in items[1:]:
            assert p.record is not None
            _absorb(first, p.record)
            plan.skipped += 1
            plan.warnings.append(
                Problem(
                    p.row,
                    "统一社会信用代码",
                    first.fields["uscc"],
                    f"与第{first.row}行重复，已跳过",
                )
            )
        accepted.append(first)
    return accepted


def _absorb(first: EnterpriseIncoming, later: EnterpriseIncoming) -> None:
    for key, value in later.fields.items():
        first.fields.setdefault(key, value)
    for key, value in later.figures.items():
        first.figures.setdefault(key, value)
    first.high_tech = first.high_tech or later.high_tech
    first.tech_sme = first.tech_sme or later.tech_sme


def plan_import(
    store: Store,
    path: Path,
    options: ImportOptions,
    cancel: CancelToken | None = None,
    today: date | None = None,
) -> Work[ImportPlan]:
    """Read and check a file and compare it with the store: the preview. Nothing is written."""
    cancel = cancel or CancelToken()
    today = today or date.today()
    yield Progress(0, 0, "正在读取文件…")
    sha = file_sha256(path)
    sheet, header, grid = _pick_sheet(path, options, _mappings(store, options))
    cancel.raise_if_cancelled()
    if not header.schema.supported:
        raise ImportRefused(f"“{header.schema.title}”（{header.schema.kind}）该类型的导入尚未支持")
    year = _check_year(options.year, today)
    with store.session() as session:
        matcher = TownMatcher.from_session(session)
        province = get_settings(session).province_code
        file_town = _file_town(matcher, options.town)
        plan = ImportPlan(
            path,
            sha,
            header.schema.kind,
            strip_controls(sheet.name),
            header.row + 1,
            year,
            file_town.name if file_town else None,
            header.labels,
            header.ignored,
        )
        ctx = RowContext(header, year, today, _town_lookup(matcher), file_town, province)
        ctx.cell_errors = cell_errors(sheet, header)
        plan.warnings.extend(sheet_warnings(sheet, header))
        if header.schema.kind != ENTERPRISES:
            yield from _plan_other_kind(session, grid, header, ctx, plan, cancel)
        else:
            with gc_paused():  # the rows form no cycles; collector passes only cost time
                parsed = yield from _check_rows(grid, header, ctx, plan, cancel)
                accepted = _merge_repeats(parsed, plan)
            plan.rejected.sort(key=lambda r: r.row)
            yield Progress(0, 0, "正在与库中数据比对…")
            plan.plans = imports.plan_enterprises(session, accepted, year)
        plan.duplicate_of_batch = batches.duplicate_of_batch(session, sha)
    plan.warnings.sort(key=lambda p: p.row)
    return plan


def _file_town(matcher: TownMatcher, written: str | None) -> TownChoice | None:
    if not written:
        return None
    found = matcher.match(written)
    if found is None:
        raise ImportRefused(f"镇街“{written}”不在已设置的镇街中，请先用 bureau towns add 添加")
    return TownChoice(found.id, found.name)


def _town_lookup(matcher: TownMatcher) -> Any:
    cache: dict[str, TownChoice | None] = {}

    def lookup(written: str) -> TownChoice | None:
        if written not in cache:
            found = matcher.match(written)
            cache[written] = TownChoice(found.id, found.name) if found else None
        return cache[written]

    return lookup


def _check_rows(
    grid: list[list[Cell]],
    header: Header,
    ctx: RowContext,
    plan: ImportPlan,
    cancel: CancelToken,
) -> Work[list[tuple[ParsedRow, list[Cell]]]]:
    accepted: list[tuple[ParsedRow, list[Cell]]] = []
    total = len(grid) - header.data_start
    need = header.need
    for offset, written in enumerate(grid[header.data_start :]):
        if offset % _STEP == 0:
            cancel.raise_if_cancelled()
            yield Progress(offset, total, "正在检查数据…")
        if is_blank(written):
            continue
        cells = pad(written, need)
        if is_footer(cells, header):
            plan.skipped += 1
            continue
        row = header.data_start + offset + 1
        parsed = parse_enterprise_row(cells, row, ctx)
        plan.warnings.extend(parsed.warnings)
        if parsed.record is None:
            plan.rejected.append(RejectedRow(row, written, parsed.errors))
        else:
            accepted.append((parsed, cells))
    return accepted


@dataclass(frozen=True)
class ApplyResult:
    batch_id: int | None  # None: the file had no data rows, so no batch was written


def apply_import(
    store: Store, plan: ImportPlan, operator: str, cancel: CancelToken | None = None
) -> Work[ApplyResult]:
    """Commit the accepted rows in one transaction as an import batch; cancel rolls it all back."""
    cancel = cancel or CancelToken()
    if plan.is_empty:
        yield Progress(0, 0, "文件中没有数据行，未写入")
        return ApplyResult(None)
    from db import backups

    yield Progress(0, 0, "正在备份数据…")
    backups.before(store, "import")  # the window's and the CLI's imports alike (reused if recent)
    created = [p for p in plan.plans if p.outcome == "created"]
    updated = [p for p in plan.plans if p.outcome == "updated"]
    total = len(created) + len(updated)
    info = BatchInfo(
        plan.path.name,
        plan.sha256,
        plan.kind,
        plan.sheet,
        plan.town,
        plan.year,
        operator,
        plan.counts,
        {
            "errors": [p.as_json() for p in plan.errors],
            "warnings": [p.as_json() for p in plan.warnings],
        },
    )
    with store.transaction() as session:
        batch_id = batches.create_batch(session, info)
        if plan.kind != ENTERPRISES:
            yield from _apply_other_kind(session, plan, batch_id, operator, cancel)
            total = 0
        yield Progress(0, total, "正在写入…")
        done = 0
        for part, writer in ((created, imports.write_created), (updated, imports.write_updated)):
            for start in range(0, len(part), _STEP):
                cancel.raise_if_cancelled()
                writer(session, batch_id, part[start : start + _STEP], plan.year, operator)
                done += len(part[start : start + _STEP])
                yield Progress(done, total, "正在写入…")
        cancel.raise_if_cancelled()
        yield Progress(total, total, "正在提交…")
    return ApplyResult(batch_id)


def undo_import(
    store: Store, batch_id: int, operator: str, cancel: CancelToken | None = None
) -> Work[UndoResult]:
    """Undo a batch in one transaction (audited); records edited after it are kept and listed."""
    cancel = cancel or CancelToken()
    yield Progress(0, 0, "正在撤销导入…")
    with store.transaction() as session:
        result = undo.undo_batch(session, batch_id, operator)
        cancel.raise_if_cancelled()
    yield Progress(1, 1, "已撤销")
    return result


def rejected_rows(plan: ImportPlan) -> Iterable[RejectedRow]:
    """The rejected rows in sheet order (for the error workbook)."""
    return sorted(plan.rejected, key=lambda r: r.row)


# ---------------------------------------------------------------- the other kinds


def _plan_other_kind(
    session: Any,
    grid: list[list[Cell]],
    header: Header,
    ctx: RowContext,
    plan: ImportPlan,
    cancel: CancelToken,
) -> Work[None]:
    from desktop.importing.kinds.runner import check_and_plan

    outcome = yield from check_and_plan(session, grid, header, ctx, cancel)
    plan.kind_plans = outcome.plans
    plan.rejected = [RejectedRow(row, cells, problems) for row, cells, problems in outcome.rejected]
    plan.warnings.extend(outcome.warnings)
    plan.skipped += outcome.skipped


def _apply_other_kind(
    session: Any, plan: ImportPlan, batch_id: int, operator: str, cancel: CancelToken
) -> Work[None]:
    from desktop.importing.kinds.runner import KindWriteFailed, apply_plans

    try:
        yield from apply_plans(session, plan.kind, plan.kind_plans, batch_id, operator, cancel)
    except KindWriteFailed as exc:
        raise ImportRefused(str(exc)) from exc


# ---------------------------------------------------------------- column mappings


def _mappings(store: Store, options: ImportOptions) -> Mappings:
    """The hand mappings to apply per kind: the options' one, else the saved ones of the town."""
    kinds = [options.kind] if options.kind else list(SCHEMAS)
    if options.mapping is not None:
        given = {normalize_header(h): f for h, f in options.mapping.items()}
        return {k: given for k in kinds} if given else {}
    with store.session() as session:
        town = TownMatcher.from_session(session).match(options.town) if options.town else None
        saved = {k: load_mappings(session, town.name if town else "", k) for k in kinds}
    return {k: m for k, m in saved.items() if m}


def apply_mapping(header: Header, mapping: dict[str, str]) -> None:
    """Override the auto-matched fields of a header by hand: header text → field ("" = ignore)."""
    schema = header.schema
    known = {c.field for c in schema.columns}
    for index, label in enumerate(header.labels):
        wanted = mapping.get(normalize_header(label))
        if wanted is None or (wanted and wanted not in known):
            continue
        for name in [f for f, i in header.fields.items() if i == index or f == wanted]:
            del header.fields[name]
            header.units.pop(name, None)
        if wanted:
            header.fields[wanted] = index
            unit = money_unit_of(normalize_header(label))
            if schema.column(wanted).is_money and unit:
                header.units[wanted] = unit
    used = set(header.fields.values())
    header.ignored = [t for i, t in enumerate(header.labels) if t and i not in used]


def _qualifies(schema: Schema, fields: dict[str, int]) -> bool:
    return len(fields) >= 2 and all(f in fields for f in schema.required)


def _find_mapped_header(
    sheet: SheetData, kind: str | None, mappings: Mappings
) -> tuple[Header, list[list[Cell]]] | None:
    """find_header, then the hand mapping; when auto-matching finds nothing, rows are tried with
    the mapping applied (single-row headers)."""
    found = find_header(sheet, kind)
    if found is not None:
        header, grid = found
        mapping = mappings.get(header.schema.kind)
        if mapping:
            apply_mapping(header, mapping)
            if not _qualifies(header.schema, header.fields):
                missing = "、".join(
                    header.schema.column(f).header
                    for f in header.schema.required
                    if f not in header.fields
                )
                raise ImportRefused(f"按已保存的列对应关系，缺少必需的列：{missing}")
        return found
    grid = head_grid(sheet)
    for row in range(min(HEADER_SEARCH_ROWS, len(grid))):
        labels = trim_labels([cell_text(v) for v in grid[row]])
        for name, mapping in mappings.items():
            schema = SCHEMAS[name]
            fields, units = match_labels(schema, labels)
            header = Header(schema, row, row + 1, fields, labels, units)
            apply_mapping(header, mapping)
            if not _qualifies(schema, header.fields):
                continue
            if header.data_start < len(grid) and is_column_number_row(grid[header.data_start]):
                header.data_start += 1
            _title_units(header, grid)
            return header, table_grid(sheet, header)
    return None


def _title_units(header: Header, grid: list[list[Cell]]) -> None:
    unit = title_unit(grid, header.row)
    if unit:
        for column in header.schema.columns:
            if column.is_money and column.field in header.fields:
                header.units.setdefault(column.field, unit)
