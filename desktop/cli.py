"""The `bureau` command (spec/cli.md): the application without a window, on the same services.

Exit codes: 0 done · 1 internal error · 2 unusable input or arguments · 3 refused for safety.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from db.errors import NewerSchemaError, StoreError
from desktop.logs import setup_logging
from desktop.preferences import resolve_operator

if TYPE_CHECKING:  # SQLAlchemy is imported by the commands that open the store: fast `bureau gui`
    from db.store import Store

log = logging.getLogger("bureau.cli")

# Modules that add their own commands with `register(subparsers)`; each issue adds its module here.
COMMAND_MODULES: tuple[str, ...] = (
    "desktop.commands.export",
    "desktop.commands.returns",
    "desktop.commands.importing",
)


class UsageError(Exception):
    """Unusable input or arguments: exit 2, message on stderr, nothing written."""


class Refused(Exception):
    """Refused for safety: exit 3."""


@dataclass
class Context:
    """What every command gets: the parsed arguments and the resolved operator."""

    args: argparse.Namespace
    operator: str

    def open(self, *, create: bool = True) -> Store:
        """Open (creating and upgrading as needed) the store named by --db / $BUREAU_DB."""
        from db.store import open_store

        return open_store(self.args.db, create=create)


Handler = Callable[[Context], int]


def emit_json(value: Any) -> None:
    """Print one JSON value, UTF-8, non-ASCII kept."""
    print(json.dumps(value, ensure_ascii=False, indent=1, default=str))


def parse_day(text: str | None) -> date:
    """A YYYY-MM-DD option (default today)."""
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"日期应写作 YYYY-MM-DD：{text}") from exc


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"bureau: 参数错误：{message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: global options, then one sub-command."""
    parser = _Parser(prog="bureau", description="科创台账 — 区科技局科技创新台账")
    parser.add_argument(
        "--db", help="数据文件路径或 SQLAlchemy URL（默认 $BUREAU_DB 或用户数据目录）"
    )
    parser.add_argument("--operator", help="操作人（默认 $BUREAU_OPERATOR、个人设置或系统账户名）")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _register_core(sub)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(sub)
    return parser


def _register_core(sub: argparse._SubParsersAction[_Parser]) -> None:
    p = sub.add_parser("init", help="创建或升级数据文件")
    p.add_argument("--demo", action="store_true", help="填入演示数据")
    p.set_defaults(handler=cmd_init)
    p = sub.add_parser("gui", help="打开主窗口")
    p.set_defaults(handler=cmd_gui)
    towns = sub.add_parser("towns", help="镇街").add_subparsers(dest="towns_command", required=True)
    p = towns.add_parser("list", help="列出镇街")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_towns_list)
    p = towns.add_parser("add", help="添加镇街（已有的保持不变）")
    p.add_argument("names", nargs="+", metavar="NAME")
    p.set_defaults(handler=cmd_towns_add)
    p = sub.add_parser("stats", help="“双突破”统计")
    p.add_argument("--as-of", dest="as_of")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_stats)
    p = sub.add_parser("backup", help="备份数据文件（程序运行时也一致）")
    p.add_argument("--out", required=True)
    p.set_defaults(handler=cmd_backup)
    p = sub.add_parser("restore", help="从备份恢复（先校验，并保留当前数据的副本）")
    p.add_argument("file")
    p.set_defaults(handler=cmd_restore)
    p = sub.add_parser("check", help="数据文件完整性检查")
    p.set_defaults(handler=cmd_check)


def cmd_init(ctx: Context) -> int:
    store = ctx.open()
    try:
        if ctx.args.demo:
            from db import demo

            with store.transaction() as session:
                if demo.has_data(session):
                    raise Refused("数据文件中已有企业数据，未填入演示数据。")
                demo.fill(session, ctx.operator)
        print(f"数据文件已就绪：{store.display_name}")
        for warning in store.warnings:
            print(f"警告：{warning}", file=sys.stderr)
    finally:
        store.close()
    return 0


def cmd_gui(ctx: Context) -> int:
    from desktop.ui.app import run_gui

    return run_gui(ctx.args.db, ctx.operator)


def cmd_towns_list(ctx: Context) -> int:
    from db.services.towns import list_towns

    store = ctx.open()
    with store.session() as session:
        towns = list_towns(session)
    store.close()
    if ctx.args.json:
        emit_json([{"name": t.name, "aliases": list(t.aliases)} for t in towns])
    else:
        for t in towns:
            print(t.name + (f"（别名：{'、'.join(t.aliases)}）" if t.aliases else ""))
    return 0


def cmd_towns_add(ctx: Context) -> int:
    from db.services.towns import TownError, add_towns

    store = ctx.open()
    try:
        with store.transaction() as session:
            added = add_towns(session, ctx.args.names, ctx.operator)
    except TownError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        store.close()
    for name in ctx.args.names:
        print(("已添加：" if name.strip() in added else "已存在：") + name.strip())
    return 0


def stats_json(result: Any) -> dict[str, Any]:
    """The JSON shape of `bureau stats --json` (spec/cli.md)."""
    return {
        "as_of": result.as_of.isoformat(),
        "year": result.year,
        "enterprises": result.enterprises,
        "high_tech": result.high_tech,
        "tech_sme": result.tech_sme,
        "both": result.both,
        "targets": {"high_tech": result.target_high_tech, "tech_sme": result.target_tech_sme},
        "projection_year_end": {
            "high_tech": result.projection_high_tech,
            "tech_sme": result.projection_tech_sme,
        },
        "by_town": [
            {"town": t.town, "high_tech": t.high_tech, "tech_sme": t.tech_sme}
            for t in result.by_town
        ],
    }


def cmd_stats(ctx: Context) -> int:
    from db.services.counts import double_breakthrough

    as_of = parse_day(ctx.args.as_of)
    store = ctx.open()
    with store.session() as session:
        result = double_breakthrough(session, as_of)
    store.close()
    if ctx.args.json:
        emit_json(stats_json(result))
        return 0
    print(f"截至 {as_of.isoformat()}（{result.year}年），在库企业 {result.enterprises} 家")
    for key, label in (("high_tech", "高新技术企业"), ("tech_sme", "科技型中小企业")):
        target = result.target_high_tech if key == "high_tech" else result.target_tech_sme
        count = result.high_tech if key == "high_tech" else result.tech_sme
        done = result.completion(key)
        extra = f"，目标 {target}，差 {result.gap(key)}，完成 {done:.0%}" if target else ""
        print(f"  {label}：{count} 家{extra}")
    print(f"  两者兼有：{result.both} 家；高企年末预计：{result.projection_high_tech} 家")
    for t in result.by_town:
        print(f"    {t.town or '未填镇街'}：高企 {t.high_tech}，科小 {t.tech_sme}")
    return 0


def cmd_backup(ctx: Context) -> int:
    from db.store import backup

    store = ctx.open(create=False)
    try:
        out = backup(store, Path(ctx.args.out))
    finally:
        store.close()
    print(f"已备份到：{out}")
    return 0


def cmd_restore(ctx: Context) -> int:
    from db.store import restore, validate_store_file

    source = Path(ctx.args.file)
    validate_store_file(source)
    store = ctx.open()
    try:
        safety = restore(store, source)
    finally:
        store.close()
    print(f"已从 {source} 恢复；恢复前的数据已保存到：{safety}")
    return 0


def cmd_check(ctx: Context) -> int:
    from db.store import integrity_problems

    store = ctx.open(create=False)
    try:
        problems = integrity_problems(store)
    finally:
        store.close()
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        return 2
    print(f"检查通过：{store.display_name}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `bureau` console script."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    setup_logging()
    args = build_parser().parse_args(argv)
    ctx = Context(args, resolve_operator(args.operator))
    try:
        code: int = args.handler(ctx)
        return code
    except NewerSchemaError as exc:
        print(f"bureau: {exc}", file=sys.stderr)
        return 3
    except Refused as exc:
        print(f"bureau: {exc}", file=sys.stderr)
        return 3
    except (UsageError, StoreError) as exc:
        print(f"bureau: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader of our output went away (`bureau … | head`): nothing to report.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("bureau: 已中断", file=sys.stderr)
        return 1
    except Exception as exc:
        log.exception("bureau %s failed", args.command)
        from desktop.logs import log_path

        print(f"bureau: 内部错误：{exc}（详情见日志 {log_path()}）", file=sys.stderr)
        return 1


if __name__ == "__main__":
    # Run the imported module's main: under `python -m`, this file is `__main__`, and command modules
    # raise the errors of `desktop.cli`, which must be the classes main() catches.
    from desktop.cli import main as module_main

    sys.exit(module_main())
