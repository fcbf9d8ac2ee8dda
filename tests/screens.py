"""Look at every screen as a clerk would: screenshots, clipped cells, English text, off-screen parts.

    xvfb-run -a -s "-screen 0 1920x1080x24" python -m tests.screens --out /tmp/shots --scale 1.5
    xvfb-run -a -s "-screen 0 1366x768x24" python -m tests.screens --out /tmp/shots

It opens the main window on a demo store (made once, `--db` to name another), maximised on the
screen, shows each screen in turn (`--screens home,enterprises` for some), waits for its data,
saves `<key>-<width>x<height>@<scale>.png` and prints what a clerk would stumble on:
* `offscreen`: the window's minimum size is larger than the screen's available area;
* `clipped`: table cells (first rows shown) whose text is elided, labels and buttons cut short;
* `english`: visible text with Latin words that are not names (PDF, Excel, ID …).
Exit code 1 when anything was found, so a check can be scripted. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

# Latin words a clerk may see: names of formats, products and codes, not English sentences.
ALLOWED = {
    "PDF",
    "Excel",
    "ID",
    "XLSX",
    "xlsx",
    "CSV",
    "csv",
    "ODS",
    "ods",
    "WPS",
    "PostgreSQL",
    "SQLite",
    "Ctrl",
    "Shift",
    "Alt",
    "Enter",
    "Esc",
    "F1",
    "F5",
    "Tab",
    "GB",
    "MB",
    "KB",
    "R&D",
    "IP",
    "URL",
    "sqlite",
    "xls",
    "txt",
    "xlsm",  # file formats named in 导入's drop hint: "xlsm", "Unicode 文本" (Excel's own name)
    "Unicode",
    "Delete",  # a key, like Enter and Esc ("Delete 键")
    "GAP",  # 良好农业规范, in the names of services (白芍规范化种植(GAP)技术指导)
    "PGPASSWORD",  # PostgreSQL's own names, in 设置 → 数据位置
    "pgpass",
    "kechuang",  # the example database name there
}
_WORD = re.compile(r"[A-Za-z][A-Za-z&]+")


def _english(text: str) -> list[str]:
    text = re.sub(r"[\w.-]+\.(xlsx|xls|ods|csv|pdf|sqlite|txt)\b", "", text)  # file names
    text = re.sub(r"\S+@\S+|postgresql\S*|(?:[A-Za-z]:)?(?:[/\\][\w.~-]+)+", "", text)  # paths
    text = re.sub(r"\b\w*\d\w*\b", "", text)  # codes: 91341602MAG3XTCR58, GB/T 4754
    return [w for w in _WORD.findall(text) if w not in ALLOWED]


def audit(window: object, key: str) -> list[str]:
    """What a clerk would stumble on in the window as shown now."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import (
        QAbstractButton,
        QApplication,
        QComboBox,
        QGroupBox,
        QLabel,
        QLineEdit,
        QTableView,
        QTabWidget,
        QWidget,
    )

    from desktop.ui.common.cells import cell_fits

    assert isinstance(window, QWidget)
    found: list[str] = []
    screen = window.screen().availableGeometry()
    hint = window.minimumSizeHint()
    if hint.width() > screen.width() or hint.height() > screen.height():
        found.append(
            f"offscreen: window needs {hint.width()}x{hint.height()} > {screen.width()}x{screen.height()}"
        )
    frame = window.geometry()
    for w in window.findChildren(QWidget):
        if not w.isVisible():
            continue
        texts: list[str] = []
        if isinstance(w, QLabel | QAbstractButton):
            texts.append(w.text())
        elif isinstance(w, QGroupBox):
            texts.append(w.title())
        elif isinstance(w, QLineEdit):
            texts.append(w.placeholderText())
        elif isinstance(w, QComboBox):
            texts += [w.itemText(i) for i in range(w.count())]
        elif isinstance(w, QTabWidget):
            texts += [w.tabText(i) for i in range(w.count())]
        if w.toolTip():
            texts.append(w.toolTip())
        for text in texts:
            plain = re.sub(r"<[^>]+>", "", text or "")
            words = _english(plain)
            if words:
                found.append(f"english: {type(w).__name__} {plain[:60]!r}: {' '.join(words)}")
        if isinstance(w, QAbstractButton) and w.text():
            need = w.fontMetrics().horizontalAdvance(w.text().replace("&", ""))
            if w.width() < need + 8 and w.width() > 0:
                found.append(f"clipped: button {w.text()!r} {w.width()} < {need}")
        right = w.mapTo(window, w.rect().bottomRight())
        if isinstance(w, QAbstractButton) and (
            right.x() > frame.width() or right.y() > frame.height()
        ):
            found.append(f"offscreen: button {w.text()!r} ends at {right.x()},{right.y()}")
        if isinstance(w, QTableView) and w.model() is not None:
            model = w.model()
            header = w.horizontalHeader()
            for col in range(model.columnCount()):
                title = str(model.headerData(col, Qt.Orientation.Horizontal) or "")
                words = _english(title)
                if words and not w.isColumnHidden(col):
                    found.append(f"english: column title {title!r}")
                if (
                    not w.isColumnHidden(col)
                    and header.sectionSize(col)
                    < header.fontMetrics().horizontalAdvance(title.split("\n")[0]) + 8
                ):
                    found.append(f"clipped: column title {title!r}")
            rows = min(model.rowCount(), 30)
            for row in range(rows):
                for col in range(model.columnCount()):
                    if w.isColumnHidden(col) or w.visualRect(model.index(row, col)).isEmpty():
                        continue
                    if not getattr(w.itemDelegateForColumn(col), "draws_text", True):
                        continue  # a drawn cell (a sparkline): its text is for export only
                    text = model.index(row, col).data()
                    if text and not cell_fits(w, row, col):
                        title = model.headerData(col, Qt.Orientation.Horizontal)
                        found.append(f"clipped: cell {title!r} row {row}: {str(text)[:40]!r}")
                    if text and _english(str(text)):
                        found.append(f"english: cell {str(text)[:40]!r}")
    del QApplication
    return [f"{key}: {f}" for f in dict.fromkeys(found)]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument(
        "--db", help="a store to show (default: a demo store made once in the temp folder)"
    )
    p.add_argument("--screens", help="keys, comma-separated (default: every screen)")
    args = p.parse_args(argv)
    os.environ["QT_SCALE_FACTOR"] = str(args.scale)
    os.environ.setdefault("BUREAU_HOME", tempfile.mkdtemp(prefix="kc-shots-home-"))
    db = args.db or str(Path(tempfile.gettempdir()) / "kc-screens-demo.sqlite")
    if not args.db and not Path(db).exists():
        import subprocess

        subprocess.run(
            [sys.executable, "-m", "desktop.cli", "--db", db, "init", "--demo"], check=True
        )

    from db.store import open_store
    from desktop.preferences import Preferences
    from desktop.ui.shell import editors
    from desktop.ui.shell.app import make_application
    from desktop.ui.shell.context import AppContext
    from desktop.ui.shell.main_window import MainWindow
    from desktop.ui.shell.screens import SCREENS
    from desktop.ui.shell.tasks import wait_for_tasks

    app = make_application()
    store = open_store(db, daily_backup=False)
    ctx = AppContext(
        store=store,
        operator="演示员",
        prefs=Preferences.load(),
        enterprise_editor=editors.enterprise_editor,
    )
    window = MainWindow(ctx)
    window.show()
    window.setGeometry(
        window.screen().availableGeometry()
    )  # maximised (Xvfb has no window manager)
    keys = args.screens.split(",") if args.screens else [s.key for s in SCREENS]
    args.out.mkdir(parents=True, exist_ok=True)
    size = window.screen().geometry()
    tag = f"{round(size.width() * args.scale)}x{round(size.height() * args.scale)}@{args.scale:g}"
    problems: list[str] = []
    for key in keys:
        window.navigate(key)
        for _ in range(20):
            app.processEvents()
            wait_for_tasks(20_000)
        app.processEvents()
        shot = args.out / f"{key}-{tag}.png"
        window.grab().save(str(shot))
        problems += audit(window, key)
        print(f"saved {shot}")
    for line in problems:
        print(line)
    wait_for_tasks(10_000)
    window.close()
    store.close()
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
