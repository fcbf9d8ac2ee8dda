"""Where things live: resources (also inside a PyInstaller bundle), logs, config, backups."""

from __future__ import annotations

import sys
from pathlib import Path

from platformdirs import user_config_path, user_log_path

from db.locate import APP_AUTHOR, APP_NAME


def resources_dir() -> Path:
    """The `resources/` folder, from a checkout or from inside a bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    """A file under resources/."""
    return resources_dir().joinpath(*parts)


def config_dir() -> Path:
    """This user's preferences folder."""
    return user_config_path(APP_NAME, APP_AUTHOR)


def log_dir() -> Path:
    """Rotating log files."""
    return user_log_path(APP_NAME, APP_AUTHOR)
