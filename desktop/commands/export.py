"""`bureau export KIND --out FILE.xlsx|FILE.csv [--town T] [--as-of DATE]` (spec/cli.md)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.commands.context import Context, UsageError, parse_day

if TYPE_CHECKING:
    from db.store import Store

KINDS = ("enterprises",)
SUFFIXES = (".xlsx", ".csv")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `export` command."""
    p = sub.add_parser("export", help="导出数据（目前支持 enterprises：企业名录）")
    p.add_argument("kind", metavar="KIND")
    p.add_argument("--out", required=True)
    p.add_argument("--town")
    p.add_argument("--as-of", dest="as_of")
    p.set_defaults(handler=cmd_export)


def cmd_export(ctx: Context) -> int:
    """Export the live enterprises (of one town when --town is given) in the import columns."""
    if ctx.args.kind not in KINDS:
        raise UsageError(f"暂不支持导出该类型：{ctx.args.kind}")
    out = Path(ctx.args.out)
    if out.suffix.lower() not in SUFFIXES:
        raise UsageError("导出文件应以 .xlsx 或 .csv 结尾")
    # Imported here so that every other command (and `bureau gui`) starts without openpyxl.
    from db.services.enterprises.roster import RosterFilter
    from desktop.exporting.enterprises import export_enterprises
    from desktop.progress import drain

    as_of = parse_day(ctx.args.as_of)
    store = ctx.open(create=False)
    try:
        f = RosterFilter(town_id=_town_id(store, ctx.args.town))
        drain(export_enterprises(store, out, f, as_of))
    finally:
        store.close()
    print(f"已导出到：{out}")
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
