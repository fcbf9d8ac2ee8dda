"""The core commands of `bureau` (spec/cli.md): init, gui, towns, stats, backup, restore, check."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.commands.context import (
    Context,
    Refused,
    UsageError,
    emit_json,
    parse_day,
    require,
)

if TYPE_CHECKING:
    from db.store import Store


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add init, gui, towns, stats, backup, restore and check."""
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
    p = sub.add_parser(
        "backup",
        help="备份数据文件（程序运行时也一致）",
        description="备份数据：本机数据文件复制为一致的副本；服务器数据库用 pg_dump 备份"
        "（仅“管理”角色，需本机装有 PostgreSQL 客户端工具）。每日自动备份只针对本机数据文件；"
        "服务器数据库以单位自己对服务器做的备份为准，本命令的备份是额外的一份。",
    )
    p.add_argument("--out", required=True)
    p.set_defaults(handler=cmd_backup)
    p = sub.add_parser(
        "restore",
        help="从备份恢复（先校验，并保留当前数据的副本）",
        description="从备份恢复：先校验备份文件，并把当前数据另存一份。服务器数据库用 pg_restore"
        " 恢复 bureau backup 做的备份（仅“管理”角色），恢复前的数据保存在备份文件所在的文件夹。",
    )
    p.add_argument("file")
    p.set_defaults(handler=cmd_restore)
    p = sub.add_parser("check", help="数据文件完整性检查")
    p.set_defaults(handler=cmd_check)


def cmd_init(ctx: Context) -> int:
    from db.roles import may

    store = ctx.open()
    try:
        if store.path is None:
            _ensure_roles(store)
        if not store.read_only and may(store.role, "targets"):
            from db.services.plans.indicators_seeds import seed_indicators

            # the computed indicators of plans.md, without targets
            with store.transaction() as session:
                seed_indicators(session, ctx.operator)
        if ctx.args.demo:
            from desktop import demo

            _require_admin(store, "填入演示数据")
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


def _ensure_roles(store: Store) -> None:
    """The server's group roles and grants (db/desks.py); an admin is told when it cannot."""
    from db.desks import RolesRefused, ensure_roles

    try:
        with store.engine.begin() as conn:
            ensure_roles(conn)
    except RolesRefused as exc:
        if store.role == "admin":
            raise
        print(f"警告：{exc}", file=sys.stderr)


def _require_admin(store: Store, what: str) -> None:
    from db.roles import ROLE_LABELS, PermissionRefused

    if store.role != "admin":
        who = f"当前账号 {store.login} " if store.login else "当前账号"
        raise PermissionRefused(
            f"没有权限：{what}需要“{ROLE_LABELS['admin']}”角色，"
            f"{who}是“{ROLE_LABELS[store.role]}”角色。"
        )


def cmd_gui(ctx: Context) -> int:
    from desktop.ui.shell.app import run_gui

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
        require(store, "towns")
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
    from db.services.figures.counts import double_breakthrough

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
        require(store, "backup")
        out = backup(store, Path(ctx.args.out))
    finally:
        store.close()
    print(f"已备份到：{out}")
    return 0


def cmd_restore(ctx: Context) -> int:
    """Validate the backup, then replace the store's content while no other program writes."""
    from db.store import restore, validate_store_file

    source = Path(ctx.args.file)
    store = ctx.unopened()  # a damaged or empty store file is what a restore repairs
    try:
        if store.path is not None:  # a server's backup is checked by restore (pg_restore)
            validate_store_file(source)
        safety = restore(store, source, ctx.operator)
    finally:
        store.close()
    kept = f"恢复前的数据已保存到：{safety}" if safety else "原数据文件为空，无需另存"
    print(f"已从 {source} 恢复；{kept}")
    return 0


def cmd_check(ctx: Context) -> int:
    """Integrity check; never writes the store (no upgrade), so a read-only store is checked too."""
    from db.store import head_revision, integrity_problems

    store = ctx.open(create=False, upgrade=False)
    try:
        problems = integrity_problems(store)
        revision = store.revision()
    finally:
        store.close()
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        return 2
    print(f"检查通过：{store.display_name}")
    if revision != head_revision():
        print(
            f"  结构版本 {revision} 较旧：下次以可写方式打开时自动升级到 {head_revision()}（升级前自动备份）"
        )
    if store.read_only:
        print("  该数据文件是只读的：只能查看，不能修改。")
    return 0
