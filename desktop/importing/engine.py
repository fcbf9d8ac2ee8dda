"""Import a town spreadsheet: read, pick sheets, find headers, check rows, plan, apply, undo.

One pipeline for every kind (import.md): every visible sheet whose header matches a kind is read
(sheets.py), its rows parsed by the kind's family (pipeline.py), repeats merged across the whole
file, the accepted rows planned against the store — enterprises first, then their qualifications
and figures, then the other kinds — and written in one transaction as one import batch.
Each long step is a generator yielding Progress and checking a CancelToken (desktop.progress).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db.rules.years import record_year_problem
from db.services.imports.bulk import gc_paused
from db.store import Store, change_stamp
from desktop.importing.readers import WorkbookData, start_reading
from desktop.importing.serial import hold_import_lock
from desktop.progress import CancelToken, Progress, Work

if TYPE_CHECKING:  # at run time: _load, below
    from sqlalchemy.orm import Session

    from db.services.imports.batches import UndoResult
    from db.services.imports.enterprises import EnterprisePlan
    from db.services.imports.other import KindPlan
    from db.services.towns import TownMatcher
    from desktop.importing.pipeline import (
        ENTERPRISES,
        Outcome,
        RejectedRow,
    )
    from desktop.importing.rows import Problem, TownChoice
    from desktop.importing.sheets import (
        FoundSheet,
        SkippedSheet,
    )


_PIPELINE = (  # what plan_import imports while calamine reads (~0.6 s: models, kinds, services)
    "db.services.imports.batches",
    "db.services.imports.names",
    "db.services.imports.undo",
    "db.services.settings",
    "db.services.towns",
    "desktop.importing.collect",
    "desktop.importing.mapping",
    "desktop.importing.notices",
    "desktop.importing.pipeline",
    "desktop.importing.sheets",
)


def _load() -> None:
    """Import the pipeline's modules. Not when this module is imported: plan_import does it
    while calamine reads the file in its thread, so the two take one stretch of time, not two.
    The functions below then import their names from the loaded modules (a dictionary look-up)."""
    for module in _PIPELINE:
        import_module(module)


def __getattr__(name: str) -> Any:
    """The pipeline's names this module re-exports (ENTERPRISES, RejectedRow), loaded on use."""
    if name in ("ENTERPRISES", "RejectedRow"):
        from desktop.importing import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ENTERPRISES",
    "ApplyResult",
    "ImportOptions",
    "ImportPlan",
    "ImportRefused",
    "PlanOutdated",
    "RejectedRow",
    "SheetPlan",
    "apply_import",
    "default_year",
    "plan_import",
    "rejected_rows",
    "undo_import",
]

# Columns of an enterprise sheet read from the workbook's own 资质 / 年度数据 sheet instead.
_COVERED = {
    "qualifications": ("hte_number", "hte_issued_on", "sme_number", "sme_year"),
    "figures": ("revenue", "rd_expense", "employees", "rd_staff", "rd_activity", "rd_institution"),
}
_OUTCOMES = ("created", "updated", "unchanged")


class ImportRefused(Exception):
    """The file or the options cannot be used (exit 2); the message is for the clerk."""


class PlanOutdated(Exception):
    """The store changed after the preview was made (exit 3): nothing was written."""


OUTDATED = (
    "数据在预览之后已被修改（例如在别处编辑了记录、同时导入了文件或恢复了备份），"
    "本次导入没有写入任何数据。请重新预览后再导入。"
)


@dataclass(frozen=True)
class ImportOptions:
    kind: str | None = None
    town: str | None = None
    year: int | None = None
    sheet: str | None = None
    # Normalised header text → field name ("" = ignore the column), on top of auto-matching.
    # None: the mapping saved for the file's town and kind (load_mappings) is used.
    mapping: dict[str, str] | None = None


@dataclass
class SheetPlan:
    """One imported sheet: its kind, header, town (and where it came from) and counts."""

    name: str
    kind: str
    title: str
    header_row: int  # 1-based
    town: str | None
    town_source: str | None  # 指定 / 征集表 / 工作表名 / 标题行, or None
    labels: list[str]
    ignored: list[str]
    mapped: dict[str, str] = field(default_factory=dict)  # header → field, from a hand mapping
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class KindItems:
    """The plans of one kind (across all sheets of that kind)."""

    kind: str
    items: list[Any] = field(default_factory=list)  # EnterprisePlan or KindPlan


@dataclass
class ImportPlan:
    """What importing a file would do; nothing is written until apply_import."""

    path: Path
    sha256: str
    year: int
    town: str | None  # the file's town (given, or every sheet's own when they agree)
    sheets: list[SheetPlan] = field(default_factory=list)
    skipped_sheets: list[SkippedSheet] = field(default_factory=list)
    groups: list[KindItems] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    skipped_rows: dict[str, int] = field(default_factory=dict)
    duplicate_of_batch: int | None = None
    town_names: dict[int, str] = field(default_factory=dict)
    round_id: int | None = None  # a collection round's returned workbook
    stamp: tuple[object, ...] | None = None  # the store's change stamp the preview was made on
    outcomes: dict[str, int] = field(default_factory=dict)  # outcome → rows, set by plan_import
    # (sheet, row) of a created enterprise → the id of the stored namesake under another code
    namesakes: dict[tuple[str, int], int] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """The kind of the first imported sheet (the batch's kind)."""
        return self.sheets[0].kind

    @property
    def sheet(self) -> str:
        """The first imported sheet's name."""
        return self.sheets[0].name

    @property
    def header_row(self) -> int:
        """The first imported sheet's header row (1-based)."""
        return self.sheets[0].header_row

    @property
    def labels(self) -> list[str]:
        """The first imported sheet's header labels."""
        return self.sheets[0].labels

    @property
    def ignored(self) -> list[str]:
        """Columns used by no field, on any sheet (each named once)."""
        return list(dict.fromkeys(t for s in self.sheets for t in s.ignored))

    @property
    def several(self) -> bool:
        """Whether more than one sheet is imported (problems then name their sheet)."""
        return len(self.sheets) > 1

    @property
    def plans(self) -> list[EnterprisePlan]:
        """The plans of the enterprise rows."""
        from desktop.importing.pipeline import ENTERPRISES

        return [p for g in self.groups if g.kind == ENTERPRISES for p in g.items]

    @property
    def kind_plans(self) -> list[KindPlan]:
        """The plans of the rows of every other kind."""
        from desktop.importing.pipeline import ENTERPRISES

        return [p for g in self.groups if g.kind != ENTERPRISES for p in g.items]

    @property
    def skipped(self) -> int:
        """Rows skipped (footers, repeats) on every sheet."""
        return sum(self.skipped_rows.values())

    def count(self, outcome: str) -> int:
        """How many rows end as created / updated / unchanged (counted once, when planned)."""
        if not self.outcomes:
            return sum(1 for g in self.groups for p in g.items if p.outcome == outcome)
        return self.outcomes.get(outcome, 0)

    @property
    def counts(self) -> dict[str, int]:
        """rows = created + updated + unchanged + rejected + skipped."""
        out = {k: self.count(k) for k in _OUTCOMES}
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


def _check_year(year: int | None, today: date) -> int:
    chosen = default_year(today) if year is None else year
    problem = record_year_problem(chosen, today)
    if problem:
        raise ImportRefused(f"数据{problem}：{chosen}")
    return chosen


def _file_town(matcher: TownMatcher, written: str | None) -> TownChoice | None:
    from desktop.importing.rows import TownChoice

    if not written:
        return None
    found = matcher.match(written)
    if found is None:
        raise ImportRefused(f"镇街“{written}”不在已设置的镇街中，请先用 bureau towns add 添加")
    return TownChoice(found.id, found.name)


def _town_lookup(matcher: TownMatcher) -> Any:
    from desktop.importing.rows import TownChoice

    cache: dict[str, TownChoice | None] = {}

    def lookup(written: str) -> TownChoice | None:
        if written not in cache:
            found = matcher.match(written)
            cache[written] = TownChoice(found.id, found.name) if found else None
        return cache[written]

    return lookup


def _cover(found: list[FoundSheet]) -> list[Problem]:
    """Enterprise sheets leave their certificate / figure columns to the file's own 资质 /
    年度数据 sheet (which holds every one, not only the latest); a note per sheet says so."""
    from desktop.importing.pipeline import ENTERPRISES
    from desktop.importing.rows import Problem

    kinds = {f.header.schema.kind for f in found}
    notes: list[Problem] = []
    for f in found:
        if f.header.schema.kind != ENTERPRISES:
            continue
        for kind, columns in _COVERED.items():
            hit = [c for c in columns if kind in kinds and c in f.header.fields]
            if not hit:
                continue
            labels = [f.header.labels[f.header.fields[c]] for c in hit]
            for c in hit:
                del f.header.fields[c]
            other = "资质" if kind == "qualifications" else "年度数据"
            message = f"本文件另有{other}表，企业表中的这些列按{other}表导入"
            notes.append(Problem(f.header.row + 1, "、".join(labels), "", message, f.sheet.name))
    return notes


def plan_import(
    store: Store,
    path: Path,
    options: ImportOptions,
    cancel: CancelToken | None = None,
    today: date | None = None,
    reading: Callable[[], WorkbookData] | None = None,
) -> Work[ImportPlan]:
    """Read and check a file and compare it with the store: the preview. Nothing is written.

    `reading` is a read of `path` already begun with readers.start_reading (the command line
    starts it before it opens the store, so the two overlap)."""
    cancel = cancel or CancelToken()
    today = today or date.today()
    yield Progress(0, 0, "正在读取文件…")
    stamp = change_stamp(store)  # before anything is read: a later write makes the plan stale
    sha = file_sha256(path)
    with gc_paused():  # millions of cells, no cycles: collector passes would only cost time
        if reading is None:
            reading = start_reading(path, options.sheet)  # calamine reads on in its thread …
        _load()  # … while this one imports the pipeline
        book = reading()
        from db.services.imports import batches
        from desktop.importing.collect import marker_of
        from desktop.importing.mapping import MappingRefused, wanted_mappings
        from desktop.importing.sheets import FROM_ROUND, GIVEN, select_sheets

        marker = marker_of(book)
        if marker is not None:
            options = ImportOptions(
                options.kind or marker.kind,
                options.town or marker.town,
                options.year if options.year is not None else marker.year,
                options.sheet,
                options.mapping,
            )
        try:
            mappings = wanted_mappings(store, options.kind, options.town, options.mapping)
            found, skipped = select_sheets(book, options.kind, mappings, options.sheet)
        except MappingRefused as exc:
            raise ImportRefused(str(exc)) from exc
    cancel.raise_if_cancelled()
    for f in found:
        if not f.header.schema.supported:
            schema = f.header.schema
            raise ImportRefused(f"“{schema.title}”（{schema.kind}）该类型的导入尚未支持")
    year = _check_year(options.year, today)
    notes = _cover(found)
    with store.session() as session:
        source = FROM_ROUND if marker is not None and options.town == marker.town else GIVEN
        plan = yield from _plan(session, path, sha, options, source, found, year, today, cancel)
        if marker is not None and options.town == marker.town:
            from db.services import rounds

            plan.round_id = rounds.matching_round(
                session, marker.round_id, plan.kind, year, marker.town
            )
        plan.skipped_sheets = skipped
        plan.stamp = stamp
        plan.warnings.extend(notes)
        plan.duplicate_of_batch = batches.duplicate_of_batch(session, sha)
    plan.warnings.sort(key=lambda p: (_sheet_index(plan, p.sheet), p.row))
    plan.rejected.sort(key=lambda r: (_sheet_index(plan, r.sheet), r.row))
    _count_sheets(plan)
    return plan


def _sheet_index(plan: ImportPlan, name: str) -> int:
    for index, sheet in enumerate(plan.sheets):
        if sheet.name == name:
            return index
    return 0


def _plan(
    session: Session,
    path: Path,
    sha: str,
    options: ImportOptions,
    source: str,
    found: list[FoundSheet],
    year: int,
    today: date,
    cancel: CancelToken,
) -> Work[ImportPlan]:
    from db.rules.text import strip_controls
    from db.services.imports.bulk import gc_paused
    from db.services.settings import get_settings
    from db.services.towns import TownMatcher
    from desktop.importing.notices import cell_errors, sheet_warnings
    from desktop.importing.pipeline import (
        ENTERPRISES,
        BatchState,
        Outcome,
        family_for,
        merge_repeats,
        on_sheet,
        parse_sheet,
        plan_order,
    )
    from desktop.importing.rows import RowContext
    from desktop.importing.sheets import sheet_town

    matcher = TownMatcher.from_session(session)
    province = get_settings(session).province_code
    given_town = _file_town(matcher, options.town)
    given = (given_town, source) if given_town is not None else None
    plan = ImportPlan(path, sha, year, given_town.name if given_town else None)
    plan.town_names = {t.id: t.name for t in matcher.towns}
    lookup = _town_lookup(matcher)
    outcomes: dict[str, Outcome] = {}
    for f in found:
        town, town_source = sheet_town(matcher, given, f)
        header = f.header
        name = strip_controls(f.sheet.name)
        plan.sheets.append(
            SheetPlan(
                name,
                header.schema.kind,
                header.schema.title,
                header.row + 1,
                town.name if town else None,
                town_source,
                header.labels,
                header.ignored,
                f.mapped,
            )
        )
        ctx = RowContext(header, year, today, lookup, town, province)
        ctx.cell_errors = cell_errors(f.sheet, header)
        plan.warnings.extend(on_sheet(sheet_warnings(f.sheet, header), name))
        out = outcomes.setdefault(header.schema.kind, Outcome())
        with gc_paused():  # the rows form no cycles; collector passes only cost time
            yield from parse_sheet(
                family_for(header.schema.kind), f.grid, header, ctx, name, out, cancel
            )
    if plan.town is None and len({s.town for s in plan.sheets}) == 1:
        plan.town = plan.sheets[0].town
    state = BatchState(year, today)
    for kind in plan_order([s.kind for s in plan.sheets]):
        family, out = family_for(kind), outcomes[kind]
        with gc_paused():
            out.accepted = merge_repeats(family, out)
        items = yield from family.plan(session, out.accepted, state, out, cancel)
        if kind == ENTERPRISES:
            created = [p.incoming for p in items if p.outcome == "created"]
            state = BatchState(year, today, frozenset(i.fields["uscc"] for i in created))
            plan.warnings.extend(_namesake_warnings(session, created, plan.namesakes))
        plan.groups.append(KindItems(kind, items))
        plan.rejected.extend(out.rejected)
        plan.warnings.extend(out.warnings)
        for sheet, count in out.skipped.items():
            plan.skipped_rows[sheet] = plan.skipped_rows.get(sheet, 0) + count
    return plan


def _namesake_warnings(
    session: Session, created: list[Any], ids: dict[tuple[str, int], int]
) -> list[Problem]:
    from db.services.imports import names
    from desktop.importing.rows import Problem

    found = names.namesakes(session, created)
    ids.update(
        {(n.incoming.sheet, n.incoming.row): n.other_id for n in found if n.other_id is not None}
    )
    return [
        Problem(
            n.incoming.row, "企业名称", str(n.incoming.fields["name"]), n.message, n.incoming.sheet
        )
        for n in found
    ]


def _count_sheets(plan: ImportPlan) -> None:
    for sheet in plan.sheets:
        sheet.counts = {k: 0 for k in (*_OUTCOMES, "rejected", "skipped")}
    by_name = {s.name: s for s in plan.sheets}
    totals = dict.fromkeys(_OUTCOMES, 0)
    for group in plan.groups:
        for item in group.items:
            outcome = item.outcome
            totals[outcome] += 1
            target = by_name.get(item.incoming.sheet)
            if target is not None:
                target.counts[outcome] += 1
    for rejected in plan.rejected:
        if rejected.sheet in by_name:
            by_name[rejected.sheet].counts["rejected"] += 1
    for name, count in plan.skipped_rows.items():
        if name in by_name:
            by_name[name].counts["skipped"] += count
    for sheet in plan.sheets:
        sheet.counts["rows"] = sum(sheet.counts.values())
    plan.outcomes = totals


@dataclass(frozen=True)
class ApplyResult:
    batch_id: int | None  # None: the file had no data rows, so no batch was written


def apply_import(
    store: Store, plan: ImportPlan, operator: str, cancel: CancelToken | None = None
) -> Work[ApplyResult]:
    """Commit the accepted rows in one transaction as an import batch; cancel rolls it all back."""
    from db.services.imports import batches
    from db.services.imports.batches import BatchInfo
    from desktop.importing.pipeline import KindWriteFailed, family_for

    cancel = cancel or CancelToken()
    if plan.is_empty:
        yield Progress(0, 0, "文件中没有数据行，未写入")
        return ApplyResult(None)
    from db import backups

    yield Progress(0, 0, "正在备份数据…")
    backups.before(store, "import")  # the window's and the CLI's imports alike (reused if recent)
    info = BatchInfo(
        plan.path.name,
        plan.sha256,
        plan.kind,
        "、".join(s.name for s in plan.sheets)[:100],
        plan.town,
        plan.year,
        operator,
        plan.counts,
        {
            "errors": [p.as_json(plan.several) for p in plan.errors],
            "warnings": [p.as_json(plan.several) for p in plan.warnings],
            "sheets": [{"sheet": s.name, **s.counts} for s in plan.sheets],
        },
    )
    with store.transaction() as session:
        yield from hold_import_lock(session, cancel)  # another desk's batch first (PostgreSQL)
        # Checked holding the write lock: no other write can slip in between check and write.
        if plan.stamp is not None and change_stamp(store) != plan.stamp:
            raise PlanOutdated(OUTDATED)
        batch_id = batches.create_batch(session, info)
        for group in plan.groups:
            try:
                yield from family_for(group.kind).apply(
                    session, group.items, batch_id, operator, plan.year, cancel
                )
            except KindWriteFailed as exc:
                raise ImportRefused(str(exc)) from exc
        from desktop.importing.pipeline import ENTERPRISE_FAMILY

        if any(g.kind in ENTERPRISE_FAMILY for g in plan.groups):  # certificates came in
            from db.services.plans.cultivation_pipeline import close_recognised

            close_recognised(session, operator, batch_id=batch_id)  # once, the whole pipeline
        if plan.round_id is not None and plan.town is not None:
            from db.services import rounds

            rounds.mark_imported(session, plan.round_id, plan.town, batch_id)
        cancel.raise_if_cancelled()
        yield Progress(1, 1, "正在提交…")
    return ApplyResult(batch_id)


def undo_import(
    store: Store, batch_id: int, operator: str, cancel: CancelToken | None = None
) -> Work[UndoResult]:
    """Undo a batch in one transaction (audited); records edited after it are kept and listed."""
    from db.services.imports import undo

    cancel = cancel or CancelToken()
    yield Progress(0, 0, "正在撤销导入…")
    with store.transaction() as session:
        yield from hold_import_lock(session, cancel)
        result = undo.undo_batch(session, batch_id, operator)
        from db.services.plans.cultivation_pipeline import reopen_batch

        reopen_batch(session, batch_id, operator)  # the entries the batch's certificates closed
        cancel.raise_if_cancelled()
    yield Progress(1, 1, "已撤销")
    return result


def rejected_rows(plan: ImportPlan) -> Iterable[RejectedRow]:
    """The rejected rows in sheet order (for the error workbook)."""
    return sorted(plan.rejected, key=lambda r: (_sheet_index(plan, r.sheet), r.row))
