"""The log file: native crashes land in it (faulthandler through crash.log)."""

from __future__ import annotations

import faulthandler
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop import logs

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_logging() -> Iterator[Path]:
    """setup_logging() as at a start, in this test's log folder; undone afterwards."""
    root = logging.getLogger()
    earlier = [h for h in root.handlers if getattr(h, "_bureau", False)]
    for handler in earlier:
        root.removeHandler(handler)
    level = root.level
    try:
        yield logs.setup_logging()
    finally:
        for handler in [h for h in root.handlers if getattr(h, "_bureau", False)]:
            root.removeHandler(handler)
            handler.close()
        for handler in earlier:
            root.addHandler(handler)
        root.setLevel(level)
        faulthandler.enable(file=sys.stderr, all_threads=True)  # as pytest had it


def test_faulthandler_writes_into_the_crash_file_beside_the_log(
    fresh_logging: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert faulthandler.is_enabled()
    crash = logs.crash_log_path()
    assert crash.parent == fresh_logging.parent and crash.exists()
    given: list[object] = []
    real = faulthandler.enable

    def enable(file: object = sys.stderr, all_threads: bool = True) -> None:
        given.append(file)
        real(file=file, all_threads=all_threads)  # type: ignore[arg-type]

    monkeypatch.setattr(faulthandler, "enable", enable)
    assert logs.enable_crash_log() == crash
    [stream] = given
    assert Path(stream.name) == crash and not stream.closed  # type: ignore[attr-defined]


def _run(code: str, log_dir: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, BUREAU_LOG_DIR=str(log_dir), PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )


def test_a_native_crash_lands_in_the_log_at_the_next_start(tmp_path: Path) -> None:
    crashed = _run(
        "from desktop.logs import setup_logging; setup_logging()\n"
        "import ctypes; ctypes.string_at(0)",  # a segmentation fault: no Python handler runs
        tmp_path,
    )
    assert crashed.returncode != 0
    assert "Segmentation fault" in (tmp_path / "crash.log").read_text(encoding="utf-8")
    assert _run("from desktop.logs import setup_logging; setup_logging()", tmp_path).returncode == 0
    text = (tmp_path / "bureau.log").read_text(encoding="utf-8")
    assert "an earlier run ended in a native crash" in text
    assert "Segmentation fault" in text and "<string>" in text  # the traceback's frame
    assert (tmp_path / "crash.log").read_text(encoding="utf-8") == ""  # taken once
