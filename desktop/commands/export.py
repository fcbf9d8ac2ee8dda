"""`bureau export KIND --out FILE.xlsx|FILE.csv [--town T] [--as-of DATE] [--with-ids]` (spec/cli.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.commands.context import Context, UsageError, parse_day, require

if TYPE_CHECKING:
    from db.store import Store

SUFFIXES = (".xlsx", ".csv")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `export` command."""
    p = sub.add_parser("export", help="导出数据（可再导入）：enterprises、commissioners 等")
    p.add_argument("kind", metavar="KIND")
    p.add_argument("--out", required=True)
    p.add_argument("--town")
    p.add_argument("--as-of", dest="as_of")
    p.add_argument("--with-ids", dest="with_ids", action="store_true", help="导出完整身份证号码")
    p.set_defaults(handler=cmd_export)


def cmd_export(ctx: Context) -> int:
    """Export one kind in its import columns (of one town when --town is given)."""
    # Imported here so that every other command (and `bureau gui`) starts without openpyxl.
    from desktop.exporting.catalogue import KINDS, export_kind
    from desktop.exporting.files import OutputError, check_target
    from desktop.exporting.scope import ExportScope
    from desktop.progress import drain

    kind = ctx.args.kind
    spec = KINDS.get(kind)
    if spec is None:
        raise UsageError(f"未知的导出类型：{kind}（可用：{'、'.join(KINDS)}）")
    out = Path(ctx.args.out)
    if out.suffix.lower() not in SUFFIXES:
        raise UsageError(f"导出文件应以 .xlsx 或 .csv 结尾：{out}")
    if ctx.args.town and not spec.town:
        raise UsageError(f"“{spec.title}”不按镇街筛选，请去掉 --town")
    as_of = parse_day(ctx.args.as_of)
    try:
        check_target(out)
    except OutputError as exc:
        raise UsageError(str(exc)) from exc
    store = ctx.open(create=False)
    try:
        if ctx.args.with_ids:
            require(store, "export_ids")
        scope = ExportScope(_town_id(store, ctx.args.town), as_of, ctx.args.with_ids)
        result = drain(export_kind(store, kind, out, scope, ctx.operator))
    except OutputError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        store.close()
    if ctx.args.as_of and not spec.as_of:
        print(f"提示：“{spec.title}”的导出与 --as-of 无关，已导出全部记录", file=sys.stderr)
    if result.note:
        print(f"提示：{result.note}", file=sys.stderr)
    if spec.ids and not ctx.args.with_ids:
        print("提示：身份证号码已部分隐去；再导入特派员时请用 --with-ids 导出", file=sys.stderr)
    counts = "，".join(f"{title} {n} 行" for title, n in result.sheets)
    print(f"已导出到：{out}（{counts}）")
    return 0


def _town_id(store: Store, name: str | None) -> int | None:
    from db.services.towns import TownMatcher

    if not name:
        return None
    with store.session() as s:
        town = TownMatcher.from_session(s).match(name)
    if town is None:
        raise UsageError(f"未找到镇街：{name}")
    return town.id
