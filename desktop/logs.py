"""Rotating log file shared by the window and the command line, and where native crashes go.

A native crash (a segmentation fault in Qt, say) kills the process before Python's logging can
write: `faulthandler` writes its traceback into `crash.log` beside the log, through a handle kept
open for the life of the process. It is a file of its own because the rotating log is renamed when
it grows, which Windows refuses while a handle is open. At the next start the crash is copied into
the log (an ERROR record naming the earlier run) and crash.log is emptied, so the log file is the
one place a clerk sends to the maintainer.
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import os
from pathlib import Path
from typing import TextIO

from desktop.paths import log_dir

CRASH_FILE = "crash.log"
MAX_CRASH_CHARS = 64_000  # what is copied of an earlier crash into the log

_crash_stream: list[TextIO] = []  # the open handle faulthandler writes to (never closed)


def log_path() -> Path:
    """The current log file ($BUREAU_LOG_DIR overrides, for tests)."""
    base = os.environ.get("BUREAU_LOG_DIR")
    return (Path(base) if base else log_dir()) / "bureau.log"


def crash_log_path() -> Path:
    """Where faulthandler writes a native crash's traceback (beside the log)."""
    return log_path().with_name(CRASH_FILE)


def setup_logging() -> Path:
    """Send log records to a rotating file (5 × 2 MB), native crashes to crash.log; returns the
    log's path."""
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
    enable_crash_log()
    return path


def enable_crash_log() -> Path | None:
    """Log an earlier run's native crash, then have faulthandler write into crash.log (all
    threads); None when the file cannot be opened (faulthandler is left as it was)."""
    path = crash_log_path()
    _take_earlier_crash(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        stream = open(path, "a", encoding="utf-8")  # noqa: SIM115 — stays open for faulthandler
    except OSError:
        logging.getLogger(__name__).warning("cannot open %s for native crashes", path)
        return None
    faulthandler.enable(file=stream, all_threads=True)
    _crash_stream[:] = [stream]  # the earlier handle (a test's) is dropped, not closed under it
    return path


def _take_earlier_crash(path: Path) -> None:
    """Copy what faulthandler wrote in an earlier run into the log, and empty crash.log."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return
    if not text:
        return
    if len(text) > MAX_CRASH_CHARS:
        text = "…\n" + text[-MAX_CRASH_CHARS:]
    logging.getLogger("crash").error("an earlier run ended in a native crash:\n%s", text)
    try:
        path.write_text("", encoding="utf-8")
    except OSError:
        logging.getLogger(__name__).warning("cannot empty %s", path)
