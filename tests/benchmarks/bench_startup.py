"""Cold start of `bureau gui` to the main window shown (demo store) vs a bare PySide6 QMainWindow.

Target (issue 2): ≤ 3× the bare start, offscreen. Each is a fresh process; medians of 5 runs.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 5
BARE = """
import time, sys
t0 = float(sys.argv[1])
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1200, 800); w.show(); app.processEvents()
print(time.time() - t0)
"""
APP = """
import time, sys
t0 = float(sys.argv[1])
from desktop.ui.app import measure_startup
print(measure_startup(sys.argv[2], t0))
"""


def _run(code: str, *args: str) -> float:
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", code, str(time.time()), *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.sqlite"
        env = os.environ | {"BUREAU_CONFIG_DIR": tmp, "BUREAU_LOG_DIR": tmp}
        subprocess.run(
            [sys.executable, "-m", "desktop.cli", "--db", str(db), "init", "--demo"],
            check=True,
            env=env,
            capture_output=True,
        )
        os.environ.update({"BUREAU_CONFIG_DIR": tmp, "BUREAU_LOG_DIR": tmp})
        _run(BARE)  # warm the OS file cache for both
        _run(APP, str(db))
        bare = statistics.median(_run(BARE) for _ in range(RUNS))
        app = statistics.median(_run(APP, str(db)) for _ in range(RUNS))
    print(f"bare PySide6 QMainWindow shown: {bare:.3f} s (anchor ≈ 0.14 s measured here)")
    print(f"bureau gui, demo store, main window shown: {app:.3f} s")
    print(f"ratio: {app / bare:.2f}× (target ≤ 3×) — {'OK' if app <= 3 * bare else 'OVER TARGET'}")
