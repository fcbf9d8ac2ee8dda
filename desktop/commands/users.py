"""`bureau users …` (spec/cli.md, spec/desks.md): the clerks' logins on a PostgreSQL server.

`users add LOGIN --role viewer|editor|admin` · `users list [--json]` · `users set-role LOGIN ROLE` ·
`users disable LOGIN`. Admin only. The new login's password is asked for twice on a terminal
(never echoed), else read from the first line of stdin; it goes to the server only as a verifier
and is never stored or logged here. A SQLite store has no users: exit 2.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING

from db.roles import GROUPS, ROLE_LABELS, ROLES, Role
from desktop.commands.context import Context, UsageError, emit_json, require

if TYPE_CHECKING:
    from db.desks import DeskUser
    from db.store import Store

NO_USERS_ON_FILE = (
    "单机数据文件没有用户和角色：一台电脑上的数据文件只有一位使用者，拥有全部权限。"
    "几位同事共用时请改用服务器数据库（PostgreSQL，--db postgresql+psycopg://…），"
    "服务器数据库才有用户和角色。"
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `users` with add, list, set-role and disable."""
    group = sub.add_parser("users", help="服务器数据库的用户和角色（查阅、录入、管理）")
    commands = group.add_subparsers(dest="users_command", required=True)
    p = commands.add_parser("add", help="新建用户（密码在终端中输入，或从标准输入读取第一行）")
    p.add_argument("login", metavar="LOGIN")
    p.add_argument("--role", required=True, choices=ROLES)
    p.set_defaults(handler=cmd_add)
    p = commands.add_parser("list", help="列出用户、角色和能否登录")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)
    p = commands.add_parser("set-role", help="改变用户的角色")
    p.add_argument("login", metavar="LOGIN")
    p.add_argument("role", metavar="ROLE", choices=ROLES)
    p.set_defaults(handler=cmd_set_role)
    p = commands.add_parser("disable", help="停用用户（不能再登录）")
    p.add_argument("login", metavar="LOGIN")
    p.set_defaults(handler=cmd_disable)


def _open(ctx: Context) -> Store:
    """The server store, opened by an admin login; a SQLite store is refused (exit 2)."""
    from db.locate import is_server_url, resolve_url

    if not is_server_url(resolve_url(ctx.args.db)):
        raise UsageError(NO_USERS_ON_FILE)
    store = ctx.open(create=False)
    try:
        require(store, "users")
    except BaseException:
        store.close()
        raise
    return store


def _label(role: Role) -> str:
    return f"{ROLE_LABELS[role]}（{GROUPS[role]}）"


def read_password(login: str) -> str:
    """The new login's password: typed twice on a terminal, else stdin's first line."""
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass(f"用户 {login} 的密码：")
        if first != getpass.getpass("再输入一次："):
            raise UsageError("两次输入的密码不一致，没有创建用户。")
    else:
        line = sys.stdin.readline() if sys.stdin is not None else ""
        first = line.rstrip("\r\n")
    if not first:
        raise UsageError("密码不能为空，没有创建用户（在终端中输入，或从标准输入的第一行读取）。")
    return first


def cmd_add(ctx: Context) -> int:
    from db.desks import add_user, login_problem

    login = ctx.args.login
    problem = login_problem(login)
    if problem:
        raise UsageError(problem)
    store = _open(ctx)
    try:
        password = read_password(login)
        with store.engine.begin() as conn:
            user = add_user(conn, login, ctx.args.role, password)
    finally:
        store.close()
    print(f"已添加用户 {user.login}，角色：{_label(user.role)}。")
    print("请把登录名和密码当面交给本人；本程序不保存密码。")
    return 0


def _user_json(user: DeskUser) -> dict[str, object]:
    return {"login": user.login, "role": user.role, "can_login": user.can_login}


def cmd_list(ctx: Context) -> int:
    from db.desks import list_users

    store = _open(ctx)
    try:
        with store.engine.connect() as conn:
            users = list_users(conn)
    finally:
        store.close()
    if ctx.args.json:
        emit_json([_user_json(u) for u in users])
        return 0
    if not users:
        print("还没有用户：用 bureau users add LOGIN --role viewer|editor|admin 添加。")
    for u in users:
        state = "可登录" if u.can_login else "已停用"
        print(f"{u.login}\t{u.role_label}\t{state}")
    return 0


def cmd_set_role(ctx: Context) -> int:
    from db.desks import set_user_role

    store = _open(ctx)
    try:
        with store.engine.begin() as conn:
            user, before = set_user_role(conn, ctx.args.login, ctx.args.role)
    finally:
        store.close()
    if before == user.role:
        print(f"用户 {user.login} 已经是{_label(user.role)}，没有改变。")
    else:
        print(
            f"已把用户 {user.login} 的角色从{_label(before)}改为{_label(user.role)}；"
            "本人的程序重新打开后随之改变。"
        )
    return 0


def cmd_disable(ctx: Context) -> int:
    from db.desks import disable_user

    store = _open(ctx)
    try:
        with store.engine.begin() as conn:
            user = disable_user(conn, ctx.args.login)
    finally:
        store.close()
    print(
        f"已停用用户 {user.login}：不能再登录服务器；已打开的程序在下次连接时被拒绝。"
        "其记录和操作记录保留。"
    )
    return 0
