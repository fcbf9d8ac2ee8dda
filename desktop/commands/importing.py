"""`bureau import …` and `bureau template KIND` (spec/cli.md, spec/import.md).

`import` takes files or the words `undo BATCH_ID` / `history` as its positional arguments.
Set BUREAU_PROGRESS=1 to have long steps print their progress on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from desktop.commands.context import Context, Refused, UsageError, emit_json
from desktop.progress import Progress, drain


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
    if os.environ.get("BUREAU_PROGRESS"):
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
    from desktop.importing.engine import (
        ImportOptions,
        ImportRefused,
        apply_import,
        plan_import,
    )
    from desktop.importing.readers import UnreadableFile

    options = ImportOptions(ctx.args.kind, ctx.args.town, ctx.args.year, ctx.args.sheet)
    store = ctx.open()
    try:
        try:
            plan = drain(plan_import(store, path, options), _progress)
        except (UnreadableFile, ImportRefused) as exc:
            raise UsageError(str(exc)) from exc
        if ctx.args.errors_out and plan.rejected:
            from desktop.importing.workbooks import write_error_workbook

            write_error_workbook(plan, Path(ctx.args.errors_out))
        batch_id = None
        if not ctx.args.dry_run:
            batch_id = drain(apply_import(store, plan, ctx.operator), _progress).batch_id
    finally:
        store.close()
    result = _plan_json(plan, batch_id, ctx.args.dry_run)
    if not ctx.args.json:
        _print_summary(result)
    return result


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
        **{
            k: counts[k] for k in ("rows", "created", "updated", "unchanged", "rejected", "skipped")
        },
        "ignored_columns": plan.ignored,
        "errors": [p.as_json() for p in plan.errors],
        "warnings": [p.as_json() for p in plan.warnings],
    }


def _print_summary(r: dict[str, Any]) -> None:
    head = "预览（未写入）" if r["dry_run"] else f"已导入，批次 {r['batch_id']}"
    print(
        f"{r['file']}：{head}；工作表“{r['sheet']}”，表头在第{r['header_row']}行，数据年度 {r['year']}"
    )
    print(
        f"  共 {r['rows']} 行：新增 {r['created']}，更新 {r['updated']}，无变化 {r['unchanged']}，"
        f"拒绝 {r['rejected']}，跳过 {r['skipped']}"
    )
    if r["duplicate_of_batch"]:
        print(f"  注意：同一文件已在批次 {r['duplicate_of_batch']} 导入过")
    if r["ignored_columns"]:
        print("  未使用的列：" + "、".join(r["ignored_columns"]))
    for e in r["errors"]:
        print(f"  错误 第{e['row']}行 {e['column']}（{e['value']}）：{e['message']}")
    for w in r["warnings"]:
        print(f"  提示 第{w['row']}行 {w['column']}（{w['value']}）：{w['message']}")


def _undo(ctx: Context, batch_id: int) -> int:
    from db.services.imports.batches import BatchNotFound, UndoRefused
    from desktop.importing.engine import undo_import

    store = ctx.open()
    try:
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
            "time": b.created_at.isoformat(sep=" ") if b.created_at else None,
            "rows": b.rows,
            "created": b.created,
            "updated": b.updated,
            "unchanged": b.unchanged,
            "rejected": b.rejected,
            "skipped": b.skipped,
            "undone": b.undone_at is not None,
            "undone_at": b.undone_at.isoformat(sep=" ") if b.undone_at else None,
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
