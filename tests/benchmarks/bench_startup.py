"""Cold start of `bureau gui` (demo store) to the first screen filled vs a bare PySide6 window shown.

Target (issue 16): the first screen (首页) FILLED WITH ITS DATA within 3× a bare PySide6
QMainWindow shown, offscreen, both measured in this run. Each run is a fresh interpreter, timed
from just before the process is launched to the probe line it prints; medians of RUNS runs.

Two starts of `bureau gui` are measured, interleaved with the anchor:
* "snapshot": 首页's start-up snapshot of the last run is valid (the store unchanged since, the
  same day: desktop/ui/home/snapshot.py) — 首页 is shown filled before the store is opened;
* "no snapshot": none is valid (the first start of a day, or the store changed since) — each run
  starts with the snapshot removed, so the store is opened before 首页 can be filled.

`bureau gui` with BUREAU_STARTUP_PROBE=1 prints (desktop/ui/shell/app.py `_probe`):
* `shown-at`  the window is painted: its frame ("正在打开数据…"), or 首页 filled from the snapshot;
* `filled-at` the first screen shows its data — what the target measures: at `shown-at` from a
  snapshot, else when every read of the first screen was delivered and shown;
* `opened-at` the store is open (SQLAlchemy and the models imported, schema checked);
* `built-at`  the first screen is built (or handed the store) and its reads started;
* `live-at`   after a snapshot: every live read delivered and shown (the refresh that follows);
then it exits without teardown. Each phase's median is printed beside the anchor, with the
process's CPU time (user + system, less sensitive to other work on the machine than the wall
clock).

Both processes run with Python's bytecode cache on (in a temporary PYTHONPYCACHEPREFIX, warmed by
one run each), as an installed program has it: a shell with PYTHONDONTWRITEBYTECODE=1 would
otherwise make every run compile the program's modules again, which no clerk's start does.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 7
TARGET = 3.0
EVENTS = ("shown", "filled", "opened", "built", "live")
BARE = """
import time
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1200, 800); w.show(); app.processEvents()
print(f"shown-at {time.time():.6f}", flush=True)
"""
APP = "import sys; from desktop.cli import main; sys.exit(main(sys.argv[1:]))"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _times(argv: list[str], env: dict[str, str]) -> dict[str, float]:
    """Seconds from launch to each probe line the process printed, and its CPU seconds (`cpu`)."""
    cpu = _children_cpu()
    start = time.time()
    out = subprocess.run(argv, capture_output=True, text=True, env=env, check=True, timeout=120)
    found: dict[str, float] = {"cpu": _children_cpu() - cpu}
    for line in out.stdout.splitlines():
        event, _, stamp = line.partition("-at ")
        if event in EVENTS and stamp:
            found[event] = float(stamp) - start
    if "shown" not in found:
        raise RuntimeError(f"no shown-at line from {argv[:3]}: {out.stdout!r} {out.stderr!r}")
    return found


def _median(runs: list[dict[str, float]], event: str) -> float:
    return statistics.median(r[event] for r in runs if event in r)


def environment(tmp: str) -> dict[str, str]:
    """The processes' environment: offscreen, own config and logs, the bytecode cache on."""
    env = os.environ | {
        "BUREAU_CONFIG_DIR": tmp,
        "BUREAU_LOG_DIR": tmp,
        "QT_QPA_PLATFORM": "offscreen",
        "BUREAU_STARTUP_PROBE": "1",
        "PYTHONPYCACHEPREFIX": str(Path(tmp) / "pycache"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def measure() -> tuple[list[dict[str, float]], list[dict[str, float]], list[dict[str, float]]]:
    """(bare runs, runs with a valid snapshot, runs without), interleaved so that other load on
    the machine hits all alike."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.sqlite"
        env = environment(tmp)
        subprocess.run(
            [sys.executable, "-m", "desktop.cli", "--db", str(db), "init", "--demo"],
            check=True,
            env=env,
            capture_output=True,
        )
        cold_cache = Path(tmp) / "no-snapshot"
        cold_env = env | {"BUREAU_CACHE_DIR": str(cold_cache)}
        warm_env = env | {"BUREAU_CACHE_DIR": str(Path(tmp) / "snapshot")}
        bare_cmd = [sys.executable, "-c", BARE]
        app_cmd = [sys.executable, "-c", APP, "--db", str(db), "gui"]
        _times(bare_cmd, env)  # warm the file and bytecode caches (and the day's backup)
        _times(app_cmd, warm_env)  # and save the snapshot
        bare_runs: list[dict[str, float]] = []
        warm_runs: list[dict[str, float]] = []
        cold_runs: list[dict[str, float]] = []
        for _ in range(RUNS):
            bare_runs.append(_times(bare_cmd, env))
            warm_runs.append(_times(app_cmd, warm_env))
            shutil.rmtree(cold_cache, ignore_errors=True)
            cold_runs.append(_times(app_cmd, cold_env))
        if any("live" not in r for r in warm_runs):
            raise RuntimeError("a start meant to show the snapshot did not")
    return bare_runs, warm_runs, cold_runs


LABELS = {
    "shown": "window shown",
    "filled": "first screen (首页) filled",
    "opened": "store opened",
    "built": "first screen built / handed the store",
    "live": "live refresh shown",
}


def _report(title: str, runs: list[dict[str, float]], bare: float, bare_cpu: float) -> float:
    print(f"bureau gui, {title}:")
    for event in EVENTS:
        if any(event in r for r in runs):
            value = _median(runs, event)
            print(f"  {LABELS[event]}: {value:.3f} s = {value / bare:.2f}× the anchor")
    cpu = _median(runs, "cpu")
    print(f"  CPU of the whole run: {cpu:.3f} s = {cpu / bare_cpu:.2f}× the anchor's CPU")
    return _median(runs, "filled")


def main() -> None:
    """Measure and print the phases of both starts beside the anchor, and the verdicts."""
    bare_runs, warm_runs, cold_runs = measure()
    bare, bare_cpu = _median(bare_runs, "shown"), _median(bare_runs, "cpu")
    print(f"anchor: bare PySide6 QMainWindow shown: {bare:.3f} s (CPU {bare_cpu:.3f} s)")
    for title, runs in (
        ("snapshot valid (same day, store unchanged)", warm_runs),
        ("no valid snapshot (first start of the day, or the store changed)", cold_runs),
    ):
        filled = _report(title, runs, bare, bare_cpu)
        ratio = filled / bare
        verdict = "meets" if ratio <= TARGET else f"MISSES (by {filled - TARGET * bare:.3f} s)"
        print(f"  ratio, first screen filled: {ratio:.2f}× — {verdict} the target of ≤ {TARGET:g}×")


if __name__ == "__main__":
    main()
