"""Rotating log file shared by the window and the command line."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from desktop.paths import log_dir


def log_path() -> Path:
    """The current log file ($BUREAU_LOG_DIR overrides, for tests)."""
    base = os.environ.get("BUREAU_LOG_DIR")
    return (Path(base) if base else log_dir()) / "bureau.log"


def setup_logging() -> Path:
    """Send log records to a rotating file (5 × 2 MB); returns its path."""
    path = log_path()
    root = logging.getLogger()
    if any(getattr(h, "_bureau", False) for h in root.handlers):
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._bureau = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path
