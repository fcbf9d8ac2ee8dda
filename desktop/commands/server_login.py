"""Which store a `bureau` command works on, and the server's password when it asks for one.

The store is --db, else $BUREAU_DB, else this user's saved data location (设置 → 数据位置), else the
default file. A server URL is saved without its password: when the server asks for one, a terminal
asks for it (getpass, never echoed, kept in memory for this command only); otherwise libpq's own
PGPASSWORD or pgpass file must supply it, and without them the command exits 2 with
"服务器要求密码：…".
"""

from __future__ import annotations

import getpass
import sys

from db.locate import has_password, is_server_url, resolve_url, url_user, with_password
from desktop.preferences import chosen_store

ATTEMPTS = 3


def store_target(cli_value: str | None) -> str | None:
    """The store the command works on (None: the default file), with a password when needed.

    Raises db.server.PasswordNeeded (exit 2) when the server asks for a password and no terminal
    can ask for it, LoginRefused after the last wrong password typed.
    """
    target = chosen_store(cli_value)
    url = resolve_url(target)
    if not is_server_url(url) or has_password(url):
        return target
    from db.errors import StoreError
    from db.server import LoginRefused, PasswordNeeded, probe

    try:
        probe(url)
    except PasswordNeeded:
        if not _interactive():
            raise
    except StoreError:  # unreachable, no such database…: the command says so when it opens it
        return target
    else:
        return target  # PGPASSWORD, the pgpass file, or a server that trusts this desk
    user = url_user(url) or getpass.getuser()
    for attempt in range(1, ATTEMPTS + 1):
        password = getpass.getpass(f"账号 {user} 的服务器密码：")
        candidate = with_password(url, password)
        try:
            probe(candidate)
        except LoginRefused as exc:
            if attempt == ATTEMPTS:
                raise
            print(f"bureau: {exc}", file=sys.stderr)
        except StoreError:
            return candidate
        else:
            return candidate
    return target  # not reached: the last refusal is raised


def _interactive() -> bool:
    """Whether a clerk at a terminal can type the password."""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False
