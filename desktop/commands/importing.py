"""`bureau import …` and `bureau template KIND` (spec/cli.md, spec/import.md).

`import` takes files or the words `undo BATCH_ID` / `history` as its positional arguments.
Set BUREAU_PROGRESS=1 to have long steps print their progress on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.commands.context import Context, Refused, UsageError, emit_json, require
from desktop.progress import Progress, drain

if TYPE_CHECKING:
    from db.store import Store


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `import` and `template` commands."""
    p = sub.add_parser("import", help="导入镇街报送的表格；import undo BATCH_ID；import history")
    p.add_argument(
        "targets", nargs="+", metavar="FILE", help="表格文件，或 undo BATCH_ID，或 history"
    )
    p.add_argument("--kind")
    p.add_argument("--town")
    p.add_argument("--year", type=int)
    p.add_argument("--sheet")
    p.add_argument("--dry-run", dest="dry_run", action="store_true")
    p.add_argument("--json", action="store_true")
    p.add_argument("--errors-out", dest="errors_out")
    p.set_defaults(handler=cmd_import)
    p = sub.add_parser("template", help="生成空白导入模板")
    p.add_argument("kind", metavar="KIND")
    p.add_argument("--out", required=True)
    p.set_defaults(handler=cmd_template)


def _progress(step: Progress) -> None:
    from desktop.importing.serial import WAITING

    if step.message == WAITING:  # another desk's import goes first: always said
        print(step.message, file=sys.stderr, flush=True)
    elif os.environ.get("BUREAU_PROGRESS"):
        print(f"progress: {step.message} {step.done}/{step.total}", file=sys.stderr, flush=True)


def cmd_import(ctx: Context) -> int:
    """Dispatch on the first positional word: undo, history, or files to import."""
    targets: list[str] = ctx.args.targets
    if targets[0] == "undo":
        if len(targets) != 2 or not targets[1].isdigit():
            raise UsageError("用法：bureau import undo BATCH_ID")
        return _undo(ctx, int(targets[1]))
    if targets[0] == "history":
        if len(targets) != 1:
            raise UsageError("用法：bureau import history [--json]")
        return _history(ctx)
    if ctx.args.kind:
        from desktop.importing.schemas import SCHEMAS

        if ctx.args.kind not in SCHEMAS:
            raise UsageError(f"未知的导入类型：{ctx.args.kind}（可用：{'、'.join(SCHEMAS)}）")
    results = [_import_one(ctx, Path(t)) for t in targets]
    if ctx.args.json:
        emit_json(results[0] if len(results) == 1 else results)
    return 0


def _import_one(ctx: Context, path: Path) -> dict[str, Any]:
    from db.store import change_stamp
    from desktop.importing.engine import ImportOptions, ImportRefused, plan_import
    from desktop.importing.readers import UnreadableFile, start_reading
    from desktop.importing.serial import ImportTurn

    _check_source(path)
    errors_out = _errors_target(ctx.args.errors_out)
    options = ImportOptions(ctx.args.kind, ctx.args.town, ctx.args.year, ctx.args.sheet)
    try:  # the file is read in a thread while the store opens
        reading = start_reading(path, ctx.args.sheet)
    except UnreadableFile as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        raise UsageError(f"无法读取文件“{path}”：{exc.strerror or exc}") from exc
    store = ctx.open()
    turn = ImportTurn(store, _progress)  # PostgreSQL: one desk's import at a time, plan to commit
    try:
        if not ctx.args.dry_run:
            require(store, "import")
            turn.take()
        if store.read_only and not ctx.args.dry_run:
            from db.errors import StoreReadOnly, read_only_message

            raise StoreReadOnly(read_only_message(store.display_name))
        stamp = None if ctx.args.dry_run else change_stamp(store)
        try:
            plan = drain(plan_import(store, path, options, reading=reading), _progress)
        except (UnreadableFile, ImportRefused) as exc:
            raise UsageError(str(exc)) from exc
        except OSError as exc:
            raise UsageError(f"无法读取文件“{path}”：{exc.strerror or exc}") from exc
        if not ctx.args.dry_run and INDICATORS in {plan.kind, *(s.kind for s in plan.sheets)}:
            require(store, "targets")  # a plan's annex writes the indicators and their targets
        if errors_out is not None and plan.rejected:
            from desktop.importing.workbooks import write_error_workbook

            write_error_workbook(plan, errors_out)
        batch_id = None if stamp is None else _apply(ctx, store, plan, stamp)
    finally:
        turn.release()
        store.close()
    result = _plan_json(plan, batch_id, ctx.args.dry_run)
    if not ctx.args.json:
        _print_summary(result)
    return result


def _check_source(path: Path) -> None:
    """A file to import must exist and be a file (exit 2 naming it, before the store is opened)."""
    if path.is_dir():
        raise UsageError(f"“{path}”是一个文件夹，不是表格文件：请给出要导入的文件")
    if not path.exists():
        raise UsageError(f"文件不存在：{path}")


def _errors_target(text: str | None) -> Path | None:
    """--errors-out: refused before any work when it is a folder or lies in no usable folder."""
    if not text:
        return None
    from desktop.exporting.files import OutputError, check_target

    out = Path(text)
    try:
        check_target(out)
    except OutputError as exc:
        raise UsageError(f"--errors-out：{exc}") from exc
    return out


INDICATORS = "indicators"
COUNTS = ("rows", "created", "updated", "unchanged", "rejected", "skipped")
STALE_PLAN = (
    "数据文件在预览之后已被其他程序修改（例如同时导入了同一文件，或恢复了备份），"
    "本次导入没有写入任何数据。请重新导入该文件。"
)


def _apply(ctx: Context, store: Store, plan: Any, stamp: tuple[object, ...]) -> int | None:
    """Commit the plan after an automatic backup, unless the store changed since it was read."""
    from sqlalchemy.exc import IntegrityError

    from db import backups
    from db.errors import StoreError
    from db.store import change_stamp
    from desktop.importing.engine import PlanOutdated, apply_import

    try:
        backups.before(store, "import")
    except (StoreError, OSError) as exc:
        print(f"警告：导入前的自动备份没有完成：{exc}", file=sys.stderr)
    if change_stamp(store) != stamp:
        raise Refused(STALE_PLAN)
    try:
        result = drain(apply_import(store, plan, ctx.operator), _progress)
    except PlanOutdated as exc:
        raise Refused(STALE_PLAN) from exc
    except IntegrityError as exc:  # the loser of two imports of the same rows at once …
        if change_stamp(store) == stamp:
            raise  # … and only then: a conflict with an unchanged store is a bug
        raise Refused(STALE_PLAN) from exc
    batch_id: int | None = result.batch_id
    return batch_id


def _plan_json(plan: Any, batch_id: int | None, dry_run: bool) -> dict[str, Any]:
    counts = plan.counts
    return {
        "file": plan.path.name,
        "sha256": plan.sha256,
        "kind": plan.kind,
        "sheet": plan.sheet,
        "header_row": plan.header_row,
        "year": plan.year,
        "town": plan.town,
        "dry_run": dry_run,
        "batch_id": batch_id,
        "duplicate_of_batch": plan.duplicate_of_batch,
        **{k: counts[k] for k in COUNTS},
        "ignored_columns": plan.ignored,
        "errors": [p.as_json(plan.several) for p in plan.errors],
        "warnings": [p.as_json(plan.several) for p in plan.warnings],
        "sheets": [
            {
                "sheet": s.name,
                "kind": s.kind,
                "header_row": s.header_row,
                "town": s.town,
                "town_source": s.town_source,
                **{k: s.counts[k] for k in COUNTS},
            }
            for s in plan.sheets
        ],
        "skipped_sheets": [{"sheet": s.name, "reason": s.reason} for s in plan.skipped_sheets],
    }


def _print_summary(r: dict[str, Any]) -> None:
    head = "预览（未写入）" if r["dry_run"] else f"已导入，批次 {r['batch_id']}"
    several = len(r["sheets"]) > 1
    where = (
        f"{len(r['sheets'])}个工作表"
        if several
        else f"工作表“{r['sheet']}”，表头在第{r['header_row']}行"
    )
    print(f"{r['file']}：{head}；{where}，数据年度 {r['year']}")
    for s in r["sheets"] if several else []:
        town = f"，镇街 {s['town']}（{s['town_source']}）" if s["town"] else ""
        print(
            f"  工作表“{s['sheet']}”：表头在第{s['header_row']}行{town}；共 {s['rows']} 行："
            f"新增 {s['created']}，更新 {s['updated']}，无变化 {s['unchanged']}，"
            f"拒绝 {s['rejected']}，跳过 {s['skipped']}"
        )
    for s in r["skipped_sheets"]:
        print(f"  未导入工作表“{s['sheet']}”：{s['reason']}")
    print(
        f"  共 {r['rows']} 行：新增 {r['created']}，更新 {r['updated']}，无变化 {r['unchanged']}，"
        f"拒绝 {r['rejected']}，跳过 {r['skipped']}"
    )
    if r["duplicate_of_batch"]:
        print(f"  注意：同一文件已在批次 {r['duplicate_of_batch']} 导入过")
    if r["ignored_columns"]:
        print("  未使用的列：" + "、".join(r["ignored_columns"]))
    for e in r["errors"]:
        print(f"  错误 {_where(e)} {e['column']}（{e['value']}）：{e['message']}")
    for w in r["warnings"]:
        print(f"  提示 {_where(w)} {w['column']}（{w['value']}）：{w['message']}")


def _where(problem: dict[str, Any]) -> str:
    sheet = problem.get("sheet")
    return f"工作表“{sheet}”第{problem['row']}行" if sheet else f"第{problem['row']}行"


def _undo(ctx: Context, batch_id: int) -> int:
    from db.services.imports.batches import BatchNotFound, UndoRefused
    from desktop.importing.engine import undo_import

    store = ctx.open()
    try:
        _may_undo(store, batch_id)
        result = drain(undo_import(store, batch_id, ctx.operator), _progress)
    except BatchNotFound as exc:
        raise UsageError(str(exc)) from exc
    except UndoRefused as exc:
        raise Refused(str(exc)) from exc
    finally:
        store.close()
    kept = [{"uscc": k.uscc, "reason": k.reason} for k in result.kept]
    if ctx.args.json:
        emit_json({"batch_id": result.batch_id, "reverted": result.reverted, "kept": kept})
    else:
        print(f"已撤销导入批次 {batch_id}：恢复 {result.reverted} 家企业")
        for k in kept:
            print(f"  保留 {k['uscc']}：{k['reason']}")
    return 0


def _may_undo(store: Store, batch_id: int) -> None:
    """Anyone's batch needs undo_any, one's own undo_own; a plan's annex also needs targets."""
    from sqlalchemy import select

    from db.models import ImportBatch

    require(store, "undo_own")
    with store.session() as session:
        found = session.execute(
            select(ImportBatch.operator, ImportBatch.kind).where(ImportBatch.id == batch_id)
        ).first()
    if found is None:  # undo_import says the batch does not exist
        return
    if store.login is None or found.operator != store.login:
        require(store, "undo_any")
    if found.kind == INDICATORS:
        require(store, "targets")


def _history(ctx: Context) -> int:
    from db.services.imports.batches import history

    store = ctx.open()
    try:
        with store.session() as session:
            batches = history(session)
    finally:
        store.close()
    rows = [
        {
            "batch_id": b.id,
            "file": b.file_name,
            "sha256": b.sha256,
            "kind": b.kind,
            "sheet": b.sheet,
            "town": b.town,
            "year": b.year,
            "operator": b.operator,
            "time": b.created_at.isoformat(sep=" ", timespec="seconds") if b.created_at else None,
            "rows": b.rows,
            "created": b.created,
            "updated": b.updated,
            "unchanged": b.unchanged,
            "rejected": b.rejected,
            "skipped": b.skipped,
            "undone": b.undone_at is not None,
            "undone_at": b.undone_at.isoformat(sep=" ", timespec="seconds")
            if b.undone_at
            else None,
            "undone_by": b.undone_by,
        }
        for b in batches
    ]
    if ctx.args.json:
        emit_json(rows)
        return 0
    for r in rows:
        state = "（已撤销）" if r["undone"] else ""
        print(
            f"批次 {r['batch_id']} {r['time']} {r['operator']} {r['file']}{state}："
            f"新增 {r['created']}，更新 {r['updated']}，拒绝 {r['rejected']}"
        )
    return 0


def cmd_template(ctx: Context) -> int:
    """Write a blank import template for a kind."""
    from db.services.towns import list_towns
    from desktop.importing.schemas import schema_for
    from desktop.importing.workbooks import write_template

    try:
        schema = schema_for(ctx.args.kind)
    except KeyError as exc:
        raise UsageError(str(exc.args[0])) from exc
    store = ctx.open()
    try:
        with store.session() as session:
            towns = [t.name for t in list_towns(session)]
    finally:
        store.close()
    out = Path(ctx.args.out)
    write_template(schema, towns, out)
    print(f"已生成模板：{out}")
    return 0
