"""`bureau migrate-to URL` (spec/desks.md): move this desk's SQLite store into a new server database.

Every row of the store named by --db is copied into the empty PostgreSQL database at URL, in one
transaction on the server, then checked (row counts of every table, the 双突破 counts of today);
the store file itself is only read. The service is db/migrate_to.py.
"""

from __future__ import annotations

import argparse
import sys

from desktop.commands.context import Context


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add migrate-to."""
    p = sub.add_parser(
        "migrate-to",
        help="把本机数据文件搬到服务器数据库（一次性，目标须是新建的空数据库）",
        description="把 --db 指定的本机数据文件中的全部数据（含操作记录）搬到服务器上新建的空"
        "数据库，核对每张表的行数和“双突破”统计后才提交；本机数据文件保持不变。"
        "需要目标数据库的“管理”账号（建库的账号）。",
    )
    p.add_argument(
        "url", metavar="URL", help="服务器数据库地址，如 postgresql+psycopg://用户名@服务器/数据库"
    )
    p.set_defaults(handler=cmd_migrate_to)


def cmd_migrate_to(ctx: Context) -> int:
    """Copy, check, commit; then say how the desks reach the server."""
    from db.locate import is_server_url, resolve_url
    from db.migrate_to import move_store
    from db.store import open_store
    from desktop.commands.context import UsageError
    from desktop.commands.server_login import store_target

    if not is_server_url(resolve_url(ctx.args.url)):
        raise UsageError(
            f"目标应是服务器数据库的地址（postgresql+psycopg://用户名@服务器/数据库）：{ctx.args.url}"
        )
    source = ctx.open(create=False)
    try:
        target = open_store(store_target(ctx.args.url))
        try:
            result = move_store(source, target, _progress)
        finally:
            target.close()
    finally:
        source.close()
    print(f"已把 {result.source} 的全部数据搬到服务器数据库 {result.target}：")
    print(
        f"  共 {len(result.counts)} 张表、{result.rows} 行；核对一致（每张表的行数、“双突破”统计）。"
    )
    for table, rows in result.counts:
        if rows:
            print(f"    {table}：{rows} 行")
    print("以后各台电脑都连接这个服务器数据库：")
    print(f"  命令行：bureau --db {result.target} …（或设置环境变量 BUREAU_DB）")
    print("  窗口：设置 → 数据位置 → 服务器数据库，填入上面的地址。")
    print(
        f"本机数据文件 {result.source} 没有改动；搬移后请不要再在它上面录入，以免两处数据不一致。"
    )
    return 0


def _progress(table: str, done: int, total: int) -> None:
    if done and (done == total or done % 10_000 == 0):
        print(f"正在搬移 {table}：{done}/{total} 行", file=sys.stderr)
