"""Where the store is: its URL from --db / $BUREAU_DB / the default file, and how it is named.

Light to import (no SQLAlchemy), so the window can name its store before opening it;
`db.store` re-exports these names.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "kechuang-taizhang"
APP_AUTHOR = "bureau"

_SQLITE_FILE = re.compile(r"^sqlite(?:\+\w+)?:///(?P<path>[^?]+)")
_PASSWORD = re.compile(r"^(?P<head>[^:/]+://[^:/@]*:)[^@]*(?P<tail>@)")


def default_store_path() -> Path:
    """The store used when neither --db nor $BUREAU_DB names one."""
    return user_data_path(APP_NAME, APP_AUTHOR) / "bureau.sqlite"


def backups_dir_for(store_path: Path) -> Path:
    """Backups made before upgrades and restores sit beside the store, in `backups/`."""
    return store_path.parent / "backups"


def resolve_url(target: str | os.PathLike[str] | None) -> str:
    """A SQLAlchemy URL from --db (path or URL), else $BUREAU_DB, else the default store file."""
    raw = str(target) if target else os.environ.get("BUREAU_DB", "")
    if not raw:
        raw = str(default_store_path())
    if "://" in raw:
        return raw
    return "sqlite:///" + str(Path(raw).expanduser().resolve())


def display_name_for(target: str | os.PathLike[str] | None) -> str:
    """What the status bar shows before the store is open: the file, or the URL without password."""
    url = resolve_url(target)
    found = _SQLITE_FILE.match(url)
    if found:
        return found.group("path")
    return _PASSWORD.sub(r"\g<head>***\g<tail>", url)
