"""Where the store is: its URL from --db / $BUREAU_DB / the default file, and how it is named.

The window and the command line put this user's saved location (desktop/preferences.py, 设置 →
数据位置) before the default file; a server URL is saved without its password, which the desk
asks for and keeps in memory (`without_password`, `with_password`).

`--db` is a file path unless it starts with a URL scheme (`sqlite:///…`, `postgresql://…`,
`postgresql+psycopg://…`): in a path, `%`, `?` and `#` are part of the file's name, so the path is
escaped when it is written into the SQLAlchemy URL (SQLAlchemy decodes them again).
Light to import (no SQLAlchemy), so the window can name its store before opening it;
`db.store` re-exports these names.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from platformdirs import user_data_path

APP_NAME = "kechuang-taizhang"
APP_AUTHOR = "bureau"

# A scheme of two letters or more, so that a Windows drive ("C:/…") is never taken for one.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+://")
_SQLITE_FILE = re.compile(r"^sqlite(?:\+\w+)?:///(?P<path>[^?]+)")
_PASSWORD = re.compile(r"^(?P<head>[^:/]+://[^:/@]*:)[^@]*(?P<tail>@)")


def default_store_path() -> Path:
    """The store used when neither --db nor $BUREAU_DB names one."""
    return user_data_path(APP_NAME, APP_AUTHOR) / "bureau.sqlite"


def backups_dir_for(store_path: Path) -> Path:
    """Backups made before upgrades and restores sit beside the store, in `backups/`."""
    return store_path.parent / "backups"


def is_url(text: str) -> bool:
    """Whether --db names a URL (it has a scheme such as sqlite:/// or postgresql://)."""
    return bool(_SCHEME.match(text))


def is_server_url(text: str) -> bool:
    """Whether a target names a PostgreSQL server (`postgresql://…`, `postgresql+psycopg://…`)."""
    return text.startswith("postgresql")


def _split_netloc(netloc: str) -> tuple[str | None, str | None, str]:
    """(user, password, host[:port]) of a URL's netloc, the first two still %-escaped."""
    userinfo, at, hostport = netloc.rpartition("@")
    if not at:
        return None, None, netloc
    user, colon, password = userinfo.partition(":")
    return user, (password if colon else None), hostport


def has_password(url: str) -> bool:
    """Whether a URL carries a password (in its user part or as a `password=` parameter)."""
    parts = urlsplit(url)
    _user, password, _host = _split_netloc(parts.netloc)
    return password is not None or any(k == "password" for k, _v in parse_qsl(parts.query))


def url_user(url: str) -> str | None:
    """The login named in a URL (unescaped), or None when it names none."""
    user, _password, _host = _split_netloc(urlsplit(url).netloc)
    return unquote(user) if user else None


def without_password(url: str) -> str:
    """The URL with its password taken out: what may be saved in this user's preferences."""
    if not is_url(url):
        return url
    parts = urlsplit(url)
    user, _password, hostport = _split_netloc(parts.netloc)
    netloc = f"{user}@{hostport}" if user is not None else hostport
    query = parts.query
    pairs = parse_qsl(query, keep_blank_values=True)
    if any(k == "password" for k, _v in pairs):
        query = urlencode([(k, v) for k, v in pairs if k != "password"], safe="/")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def with_password(url: str, password: str) -> str:
    """The URL with this password (kept in memory for the session only, never saved)."""
    parts = urlsplit(without_password(url))
    user, _password, hostport = _split_netloc(parts.netloc)
    netloc = f"{user or ''}:{quote(password, safe='')}@{hostport}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file, its name escaped (`%`, `?`, `#` are part of it)."""
    text = str(path).replace("%", "%25").replace("?", "%3F").replace("#", "%23")
    return "sqlite:///" + text


def resolve_url(target: str | os.PathLike[str] | None) -> str:
    """A SQLAlchemy URL from --db (path or URL), else $BUREAU_DB, else the default store file."""
    raw = os.fspath(target) if target else os.environ.get("BUREAU_DB", "")
    if not raw:
        raw = str(default_store_path())
    if is_url(raw):
        return raw
    return sqlite_url(Path(raw).expanduser().resolve())


def display_name_for(target: str | os.PathLike[str] | None) -> str:
    """What the status bar shows before the store is open: the file, or the URL without password."""
    url = resolve_url(target)
    found = _SQLITE_FILE.match(url)
    if found:
        return unquote(found.group("path"))
    return _PASSWORD.sub(r"\g<head>***\g<tail>", url)


def same_file(a: Path, b: Path) -> bool:
    """Same path, or the same file through a link (stat only: nothing is opened)."""
    if os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b)):
        return True
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)
