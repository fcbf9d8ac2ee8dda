"""Per-user preferences (operator name, window geometry, last folders, the data location) in the
user's config folder.

The bureau's own settings are data in the store (db/services/settings.py); these are this user's only.
The data location (设置 → 数据位置) is this user's choice of default store: "" for the default file,
a file path, or a server URL — always saved without its password.
"""

from __future__ import annotations

import getpass
import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from db.locate import without_password
from desktop.paths import config_dir


@dataclass
class Preferences:
    """One typed object with every preference and its default."""

    operator: str = ""
    last_folder: str = ""
    window_geometry: str = ""  # base64 of QWidget.saveGeometry()
    window_state: str = ""
    roster_columns: list[str] = field(default_factory=list)
    last_screen: str = ""
    store_url: str = ""  # "" = the default file; a file path; a server URL without password

    @classmethod
    def path(cls) -> Path:
        """The JSON file the preferences live in ($BUREAU_CONFIG_DIR overrides, for tests)."""
        base = os.environ.get("BUREAU_CONFIG_DIR")
        return (Path(base) if base else config_dir()) / "preferences.json"

    @classmethod
    def load(cls) -> Preferences:
        """Read the preferences; a missing or damaged file gives the defaults."""
        try:
            raw: Any = json.loads(cls.path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(raw, dict):
            return cls()
        known = {f.name for f in fields(cls)}
        texts = {f.name for f in fields(cls) if isinstance(f.default, str)}
        return cls(
            **{
                k: v
                for k, v in raw.items()
                if k in known and (k not in texts or isinstance(v, str))  # a damaged value: default
            }
        )

    def save(self) -> None:
        """Write atomically so a crash never leaves half a file."""
        path = self.path()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.store_url = without_password(self.store_url.strip())
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)


def os_account() -> str:
    """The OS account name (the operator of last resort)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def resolve_operator(cli_value: str | None = None, prefs: Preferences | None = None) -> str:
    """--operator, else $BUREAU_OPERATOR, else the name in preferences, else the OS account."""
    if cli_value and cli_value.strip():
        return cli_value.strip()
    env = os.environ.get("BUREAU_OPERATOR", "").strip()
    if env:
        return env
    prefs = prefs if prefs is not None else Preferences.load()
    if prefs.operator.strip():
        return prefs.operator.strip()
    return os_account()


def chosen_store(cli_value: str | None = None, prefs: Preferences | None = None) -> str | None:
    """The store to work on: --db, else $BUREAU_DB, else the saved data location, else None.

    None means the default file (db.locate.default_store_path); the window and every `bureau`
    command pick their store this way.
    """
    if cli_value and cli_value.strip():
        return cli_value
    env = os.environ.get("BUREAU_DB", "")
    if env.strip():
        return env
    prefs = prefs if prefs is not None else Preferences.load()
    return prefs.store_url.strip() or None
