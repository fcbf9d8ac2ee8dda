"""`bureau collect new …` and `bureau collect status` (spec/cli.md): collection rounds (征集).

bureau collect new --kind K --year Y --out DIR [--town T …] [--json]
bureau collect status [--json]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.commands.context import Context, UsageError, emit_json, require

if TYPE_CHECKING:
    from db.services.rounds import RoundView


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `collect` command group."""
    group = sub.add_parser("collect", help="征集：向各镇街下发预填的表格，跟踪回收和导入")
    commands = group.add_subparsers(dest="collect_command", required=True)
    p = commands.add_parser("new", help="新建一轮征集：每个镇街一个预填的表格")
    p.add_argument("--kind", required=True, help="enterprises、carriers、platforms、demands 等")
    p.add_argument("--year", required=True, type=int, help="数据年度")
    p.add_argument("--out", required=True, help="输出文件夹")
    p.add_argument("--town", action="append", help="只发给这个镇街（可重复）；默认全部镇街")
    p.add_argument("--note", help="备注")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_new)
    p = commands.add_parser("status", help="各轮征集的下发、回收、导入情况和未报送的镇街")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_status)


def cmd_new(ctx: Context) -> int:
    """Create a round and write one pre-filled workbook per town into --out."""
    from db.services.errors import InputError
    from desktop.exporting.files import OutputError
    from desktop.importing.collect import CollectRefused, check_round_options
    from desktop.importing.collecting import new_round
    from desktop.progress import drain

    args = ctx.args
    folder = Path(args.out)
    try:
        check_round_options(args.kind, args.year, folder)
    except (CollectRefused, OutputError) as exc:
        raise UsageError(str(exc)) from exc
    store = ctx.open()
    try:
        require(store, "import")
        if store.read_only:
            from db.errors import StoreReadOnly, read_only_message

            raise StoreReadOnly(read_only_message(store.display_name))
        work = new_round(store, args.kind, args.year, args.town, folder, ctx.operator, args.note)
        made = drain(work)
    except (CollectRefused, InputError, OutputError) as exc:
        raise UsageError(str(exc)) from exc
    finally:
        store.close()
    if args.json:
        emit_json(
            {
                "round_id": made.round_id,
                "kind": made.kind,
                "year": made.year,
                "files": [
                    {"town": f.town, "file": str(f.path), "rows": f.rows} for f in made.files
                ],
            }
        )
        return 0
    print(
        f"已新建征集第 {made.round_id} 轮（{made.kind}，{made.year}年度），共 {len(made.files)} 个文件："
    )
    for f in made.files:
        print(f"  {f.town}\t{f.rows} 行\t{f.path}")
    return 0


def _round_json(view: RoundView) -> dict[str, Any]:
    return {
        "round_id": view.id,
        "kind": view.kind,
        "year": view.year,
        "created_at": view.created_at.isoformat(sep=" ", timespec="seconds"),
        "created_by": view.created_by,
        "note": view.note,
        "towns": [
            {
                "town": t.town,
                "status": t.status,
                "file": t.sent_file,
                "returned_file": t.returned_file,
                "batch_id": t.batch_id if t.status == "已导入" else None,
            }
            for t in view.towns
        ],
        "missing": view.missing,
    }


def cmd_status(ctx: Context) -> int:
    """Every round, newest first: each town's status and the towns that have not returned."""
    from db.services import rounds

    store = ctx.open()
    try:
        with store.session() as session:
            views = rounds.list_rounds(session)
    finally:
        store.close()
    if ctx.args.json:
        emit_json([_round_json(v) for v in views])
        return 0
    if not views:
        print("还没有征集。用 bureau collect new --kind K --year Y --out DIR 新建一轮。")
        return 0
    for view in views:
        done = view.count(rounds.IMPORTED)
        print(
            f"第 {view.id} 轮  {view.kind}  {view.year}年度  {view.created_at:%Y-%m-%d %H:%M}"
            f"  已导入 {done}/{len(view.towns)}"
        )
        for t in view.towns:
            batch = f"（批次 {t.batch_id}）" if t.status == rounds.IMPORTED else ""
            print(f"  {t.town}\t{t.status}{batch}")
        if view.missing:
            print(f"  未报送：{'、'.join(view.missing)}")
    return 0
