"""What every `bureau` command gets and may raise: the context, the usage and refusal errors, output.

Its own module so that command modules and `desktop.cli` import it without a circle.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # SQLAlchemy is imported by the commands that open the store: fast `bureau gui`
    from db.roles import Action
    from db.store import Store


class UsageError(Exception):
    """Unusable input or arguments: exit 2, message on stderr, nothing written."""


class Refused(Exception):
    """Refused for safety: exit 3."""


@dataclass
class Context:
    """What every command gets: the parsed arguments and the resolved operator.

    On a server store the operator is the login the server knows (spec/desks.md): a name given
    with --operator or $BUREAU_OPERATOR is not used, and a warning says so.
    """

    args: argparse.Namespace
    operator: str

    def open(self, *, create: bool = True, upgrade: bool = True) -> Store:
        """Open (creating and upgrading as needed) the store named by --db / $BUREAU_DB."""
        from db.store import open_store

        store = open_store(self.args.db, create=create, upgrade=upgrade)
        self.follow_login(store)
        return store

    def follow_login(self, store: Store) -> None:
        """Take the server's login as the operator (once warned when another name was given)."""
        login = store.login
        if login is None or login == self.operator:
            return
        given = (getattr(self.args, "operator", None) or "").strip()
        given = given or os.environ.get("BUREAU_OPERATOR", "").strip()
        if given and given != login:
            print(
                f"警告：服务器数据库按登录账号记录操作人：记为 {login}，不用“{given}”。",
                file=sys.stderr,
            )
        self.operator = login

    def unopened(self) -> Store:
        """The store named by --db without opening it: a restore may repair an unusable file."""
        from db.store import store_for

        return store_for(self.args.db)


Handler = Callable[[Context], int]


def require(store: Store, action: Action) -> None:
    """Refuse (exit 3, 没有权限：…) before writing anything when the store's role may not act."""
    from db.roles import require as require_role

    require_role(store.role, action, store.login)


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
