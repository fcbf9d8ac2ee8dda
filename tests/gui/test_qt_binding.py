"""The Qt binding must not corrupt Python's reference counts (PySide6 6.12.0 did, and aborted)."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = """
import sys
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QApplication, QComboBox
app = QApplication([])
combo = QComboBox()
combo.addItem("甲")
before = sys.getrefcount(None)
for _ in range(20000):
    combo.currentData()
    combo.itemData(0)
    QModelIndex().data()
print(sys.getrefcount(None) - before)
"""


def test_empty_values_from_qt_keep_none_alive() -> None:
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, f"the probe crashed: {done.stderr[-500:]}"
    assert abs(int(done.stdout.strip())) < 100
