"""Cold start of `bureau gui` (demo store) to the first screen filled vs a bare PySide6 window shown.

Target (issue 16): the first screen (首页) FILLED WITH ITS DATA within 3× a bare PySide6
QMainWindow shown, offscreen, both measured in this run. Each run is a fresh interpreter, timed
from just before the process is launched to the probe line it prints; medians of RUNS runs.

`bureau gui` with BUREAU_STARTUP_PROBE=1 prints (desktop/ui/shell/app.py `_probe`):
* `shown-at`  the window's frame is painted (menu bar, navigation, "正在打开数据…");
* `opened-at` the store is open (SQLAlchemy and the models imported, schema checked);
* `built-at`  the first screen is built and its reads started;
* `filled-at` every read of the first screen delivered and shown — what the target measures —
  then it exits without teardown.
Each phase's median is printed beside the anchor, with the process's CPU time (user + system,
less sensitive to other work on the machine than the wall clock).

Both processes run with Python's bytecode cache on (in a temporary PYTHONPYCACHEPREFIX, warmed by
one run each), as an installed program has it: a shell with PYTHONDONTWRITEBYTECODE=1 would
otherwise make every run compile the program's modules again, which no clerk's start does.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 7
TARGET = 3.0
EVENTS = ("shown", "opened", "built", "filled")
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


def measure() -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """(bare runs, app runs), interleaved so that other load on the machine hits both alike."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.sqlite"
        env = environment(tmp)
        subprocess.run(
            [sys.executable, "-m", "desktop.cli", "--db", str(db), "init", "--demo"],
            check=True,
            env=env,
            capture_output=True,
        )
        bare_cmd = [sys.executable, "-c", BARE]
        app_cmd = [sys.executable, "-c", APP, "--db", str(db), "gui"]
        _times(bare_cmd, env)  # warm the file and bytecode caches for both (and the day's backup)
        _times(app_cmd, env)
        bare_runs: list[dict[str, float]] = []
        app_runs: list[dict[str, float]] = []
        for _ in range(RUNS):
            bare_runs.append(_times(bare_cmd, env))
            app_runs.append(_times(app_cmd, env))
    return bare_runs, app_runs


def main() -> None:
    """Measure and print the phases of the start beside the anchor, and the verdict."""
    bare_runs, app_runs = measure()
    bare, bare_cpu = _median(bare_runs, "shown"), _median(bare_runs, "cpu")
    print(f"anchor: bare PySide6 QMainWindow shown: {bare:.3f} s (CPU {bare_cpu:.3f} s)")
    labels = {
        "shown": "window frame shown",
        "opened": "store opened",
        "built": "first screen (首页) built",
        "filled": "first screen (首页) filled",
    }
    for event in EVENTS:
        value = _median(app_runs, event)
        print(f"bureau gui, {labels[event]}: {value:.3f} s = {value / bare:.2f}× the anchor")
    filled, cpu = _median(app_runs, "filled"), _median(app_runs, "cpu")
    print(f"bureau gui CPU to filled: {cpu:.3f} s = {cpu / bare_cpu:.2f}× the anchor's CPU")
    ratio = filled / bare
    verdict = "meets" if ratio <= TARGET else f"MISSES (by {filled - TARGET * bare:.3f} s)"
    print(f"ratio, first screen filled: {ratio:.2f}× — {verdict} the target of ≤ {TARGET:g}×")


if __name__ == "__main__":
    main()
