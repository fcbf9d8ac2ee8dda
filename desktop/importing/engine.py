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

from db.services import imports
from db.services.imports import BatchInfo, EnterpriseIncoming, EnterprisePlan, UndoResult
from db.services.settings import get_settings
from db.services.towns import TownMatcher
from db.store import Store
from desktop.importing.header import Header, find_header
from desktop.importing.readers import Cell, UnreadableFile, iter_nonempty, read_workbook
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
from desktop.progress import CancelToken, Progress, Work

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
    rejected: list[RejectedRow] = field(default_factory=list)
    skipped: int = 0
    warnings: list[Problem] = field(default_factory=list)
    duplicate_of_batch: int | None = None

    def count(self, outcome: str) -> int:
        """How many rows end as created / updated / unchanged."""
        return sum(1 for p in self.plans if p.outcome == outcome)

    @property
    def counts(self) -> dict[str, int]:
        """rows = created + updated + unchanged + rejected + skipped."""
        out = {k: self.count(k) for k in ("created", "updated", "unchanged")}
        out["rejected"] = len(self.rejected)
        out["skipped"] = self.skipped
        out["rows"] = sum(out.values())
        return out

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


def _pick_sheet(path: Path, options: ImportOptions) -> tuple[str, Header, list[list[Cell]]]:
    book = read_workbook(path, options.sheet)
    for sheet in iter_nonempty(book.sheets):
        if options.sheet is None and sheet.name.strip() in INSTRUCTION_SHEETS:
            continue
        found = find_header(sheet, options.kind)
        if found is not None:
            return sheet.name, found[0], found[1]
    if not any(True for _ in iter_nonempty(book.sheets)):
        raise UnreadableFile(f"无法导入“{path.name}”：文件中没有任何数据")
    what = f"“{options.kind}”类型的" if options.kind else "任何已知类型的"
    raise UnreadableFile(
        f"无法导入“{path.name}”：前30行中找不到{what}表头（至少需要企业名称、统一社会信用代码等列名）"
    )


def _check_year(year: int | None, today: date) -> int:
    chosen = default_year(today) if year is None else year
    if not 1990 <= chosen <= today.year:
        raise ImportRefused(f"数据年度应在1990到{today.year}之间：{chosen}")
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
    sheet, header, grid = _pick_sheet(path, options)
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
            sheet,
            header.row + 1,
            year,
            file_town.name if file_town else None,
            header.labels,
            header.ignored,
        )
        ctx = RowContext(header, year, today, _town_lookup(matcher), file_town, province)
        parsed = yield from _check_rows(grid, header, ctx, plan, cancel)
        accepted = _merge_repeats(parsed, plan)
        plan.rejected.sort(key=lambda r: r.row)
        yield Progress(0, 0, "正在与库中数据比对…")
        plan.plans = imports.plan_enterprises(session, accepted, year)
        plan.duplicate_of_batch = imports.duplicate_of_batch(session, sha)
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
    for offset, cells in enumerate(grid[header.data_start :]):
        if offset % _STEP == 0:
            cancel.raise_if_cancelled()
            yield Progress(offset, total, "正在检查数据…")
        if is_blank(cells):
            continue
        if is_footer(cells, header):
            plan.skipped += 1
            continue
        row = header.data_start + offset + 1
        parsed = parse_enterprise_row(cells, row, ctx)
        plan.warnings.extend(parsed.warnings)
        if parsed.record is None:
            plan.rejected.append(RejectedRow(row, cells, parsed.errors))
        else:
            accepted.append((parsed, cells))
    return accepted


@dataclass(frozen=True)
class ApplyResult:
    batch_id: int


def apply_import(
    store: Store, plan: ImportPlan, operator: str, cancel: CancelToken | None = None
) -> Work[ApplyResult]:
    """Commit the accepted rows in one transaction as an import batch; cancel rolls it all back."""
    cancel = cancel or CancelToken()
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
        batch_id = imports.create_batch(session, info)
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
        result = imports.undo_batch(session, batch_id, operator)
        cancel.raise_if_cancelled()
    yield Progress(1, 1, "已撤销")
    return result


def rejected_rows(plan: ImportPlan) -> Iterable[RejectedRow]:
    """The rejected rows in sheet order (for the error workbook)."""
    return sorted(plan.rejected, key=lambda r: r.row)
