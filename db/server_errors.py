"""A PostgreSQL server's refusals in the clerk's words (the SQLite ones are in db/errors.py).

psycopg raises its errors with libpq's English text; `explain_server_error` turns those a clerk can
act on — the role may not write, another desk holds the rows, and (through db/server.py) server
unreachable, wrong password, no such database — into the store's exceptions, naming the server
(never the password). `explain_stale` is the ORM's version clash on either engine.
"""

from __future__ import annotations

from db.errors import StoreBusy, StoreError


def _chain(exc: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        item = todo.pop()
        if item is None or any(item is seen for seen in found):
            continue
        found.append(item)
        todo += [getattr(item, "orig", None), item.__cause__, item.__context__]
    return found


def explain_stale(exc: BaseException) -> StoreError | None:
    """The ORM's version clash (a row another desk saved meanwhile) as the clerk's StaleEdit."""
    from sqlalchemy.orm.exc import StaleDataError

    from db.errors import StaleEdit

    if any(isinstance(item, StaleDataError) for item in _chain(exc)):
        return StaleEdit(
            "保存失败：此记录刚被另一台电脑修改。为免覆盖对方的修改，本次没有保存。请重新载入后再改。"
        )
    return None


def explain_server_error(exc: BaseException, url: str, name: str) -> StoreError | None:
    """The clerk's exception for a PostgreSQL failure on the server store `url` (None: not one).

    Failed connections get db/server.py's reasons (wrong password, no such database, no server …);
    `name` is the store's display name (no password) for the refusals of a working connection.
    """
    try:
        import psycopg
    except ImportError:
        return None
    from db.roles import PermissionRefused
    from db.server_address import ConnectFailed, explain_connect_error

    for item in _chain(exc):
        if not isinstance(item, psycopg.Error):
            continue
        sqlstate = getattr(item, "sqlstate", None) or ""
        if isinstance(item, psycopg.errors.InsufficientPrivilege) or sqlstate == "42501":
            return PermissionRefused(
                f"没有权限：服务器 {name} 拒绝了这次操作（当前账号没有相应的权限）。"
                "本次操作没有写入任何数据；请管理员调整您的角色。"
            )
        if sqlstate in {"40001", "40P01", "55P03"}:  # serialization, deadlock, lock not available
            return StoreBusy(
                f"服务器 {name} 上的数据正被另一台电脑修改，本次操作没有写入任何数据，请稍后再试。"
            )
        if isinstance(item, psycopg.OperationalError):
            reason = explain_connect_error(item, url)
            if type(reason) is not ConnectFailed or str(item).startswith("connection"):
                return reason
    return None


__all__ = ["explain_server_error", "explain_stale"]
