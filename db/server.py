"""A desk's connection to a PostgreSQL server (spec/desks.md): its address, its login, and why a
connection fails, in the clerk's words.

`probe(url)` connects once (with a timeout) and raises one of the `ConnectFailed` kinds:
`PasswordNeeded` (the server asks for a password the desk has not given — the window then shows
its login dialog, a terminal asks with getpass), `LoginRefused` (wrong password or login),
`NoSuchDatabase`, `ServerUnreachable`, or a plain `ConnectFailed`. libpq reads PGPASSWORD and the
pgpass file itself, so a desk set up with either never sees a password prompt.

`check_location(target)` is 设置 → 数据位置's 测试连接: it opens the store without upgrading it and
reports the login, its role and whether the schema is current, older (upgraded on switching) or
absent; a newer schema is refused (NewerSchemaError).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from db.errors import StoreError
from db.locate import is_server_url, resolve_url
from db.server_address import (
    CONNECT_TIMEOUT_S,
    DEFAULT_PORT,
    DRIVER,
    ConnectFailed,
    LoginRefused,
    NoSuchDatabase,
    PasswordNeeded,
    ServerAddress,
    ServerUnreachable,
    explain_connect_error,
)

if TYPE_CHECKING:
    from db.roles import Role


def probe(url: str, timeout: int = CONNECT_TIMEOUT_S) -> None:
    """Connect once and leave: raises a ConnectFailed (or StoreError: no driver) saying why not."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from db.store import make_engine

    try:
        parsed = make_url(url)
    except Exception as exc:
        raise StoreError(f"无法识别的数据库地址：{exc}") from exc
    if "connect_timeout" not in parsed.query:
        parsed = parsed.update_query_dict({"connect_timeout": str(timeout)})
    engine = make_engine(parsed.render_as_string(hide_password=False))
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        raise explain_connect_error(exc, url) from exc
    finally:
        engine.dispose()


__all__ = [
    "CONNECT_TIMEOUT_S",
    "DEFAULT_PORT",
    "DRIVER",
    "ConnectFailed",
    "LocationCheck",
    "LoginRefused",
    "NoSuchDatabase",
    "PasswordNeeded",
    "ServerAddress",
    "ServerUnreachable",
    "check_location",
    "explain_connect_error",
    "probe",
]

SchemaState = Literal["current", "older", "empty", "new"]


@dataclass(frozen=True)
class LocationCheck:
    """What 测试连接 found: the store's name, its login and role, and the schema's state."""

    display_name: str
    login: str | None
    role: Role
    state: SchemaState  # older: upgraded on switching; empty / new: created on switching
    revision: str | None


def check_location(target: str | os.PathLike[str]) -> LocationCheck:
    """Open the store named by target without changing it; raises StoreError saying why not.

    A server is probed first (with a timeout, so a dead address answers in seconds); the store is
    then opened with upgrade=False and no daily backup. A missing file is reported as new.
    """
    from db.store import head_revision, open_store

    url = resolve_url(target)
    if is_server_url(url):
        probe(url)
    else:
        path = _sqlite_file(url)
        if path is not None and not path.exists():
            return LocationCheck(str(path), None, "admin", "new", None)
    try:
        store = open_store(url, upgrade=False, create=False, daily_backup=False)
    except ConnectFailed:
        raise
    except StoreError as exc:  # a connection lost since the probe: the server's reason
        cause = exc.__cause__
        if cause is not None and getattr(cause, "orig", None) is not None and is_server_url(url):
            raise explain_connect_error(cause, url) from exc
        raise
    try:
        revision = store.revision()
        state: SchemaState = "current"
        if revision is None:
            state = "empty"
        elif revision != head_revision():
            state = "older"
        return LocationCheck(store.display_name, store.login, store.role, state, revision)
    finally:
        store.close()


def _sqlite_file(url: str) -> Path | None:
    from db.locate import display_name_for

    if not url.startswith("sqlite"):
        return None
    return Path(display_name_for(url))
