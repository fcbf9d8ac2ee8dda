"""Application set-up: DPI, font, icon, style, log, error hook, open the store, show the window.

Cold start stays fast: only what the first screen needs is imported here; screens load lazily and
heavy libraries (reportlab, openpyxl, calamine, QtCharts) are imported by the screens that use them.
"""

from __future__ import annotations

import logging
import os
import sys
import time

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from db.store import NewerSchemaError, Store, StoreError, open_store
from desktop.logs import setup_logging
from desktop.paths import resource
from desktop.preferences import Preferences, resolve_operator
from desktop.ui.context import AppContext
from desktop.ui.errors import install_excepthook

log = logging.getLogger(__name__)

APP_TITLE = "科创台账"
FONT_POINT_SIZE = 10
PREFERRED_FAMILIES = (
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "PingFang SC",
)
LAST_RESORT_FAMILIES = ("AR PL UMing CN", "AR PL UKai CN")


def _tr(text: str) -> str:
    return QCoreApplication.translate("app", text)


def shipped_font_families() -> list[str]:
    """Register the fonts shipped in resources/fonts and return their families."""
    folder = resource("fonts")
    families: list[str] = []
    if not folder.is_dir():
        return families
    for path in sorted([*folder.glob("*.ttf"), *folder.glob("*.otf"), *folder.glob("*.ttc")]):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return families


def ui_font() -> QFont:
    """A CJK-capable 10 pt UI font: a system sans-serif one, else a shipped one (registered lazily)."""
    available = set(QFontDatabase.families())
    for family in PREFERRED_FAMILIES:
        if family in available:
            return QFont(family, FONT_POINT_SIZE)
    shipped = shipped_font_families()
    for family in (*LAST_RESORT_FAMILIES, *shipped):
        if family in available or family in shipped:
            return QFont(family, FONT_POINT_SIZE)
    font = QGuiApplication.font()
    font.setPointSize(FONT_POINT_SIZE)
    return font


def app_icon() -> QIcon:
    """The application icon."""
    return QIcon(str(resource("icons", "app.svg")))


def style_sheet() -> str:
    """The light stylesheet shipped in resources/ui/style.qss (empty when missing)."""
    try:
        return resource("ui", "style.qss").read_text(encoding="utf-8")
    except OSError:
        return ""


def make_application() -> QApplication:
    """The QApplication, set up once (DPI policy, names, font, icon, stylesheet)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(sys.argv[:1])
    configure_application(app)
    return app


def configure_application(app: QApplication) -> None:
    """Names, font, icon and stylesheet of the application."""
    app.setApplicationName(APP_TITLE)
    app.setOrganizationName("bureau")
    app.setApplicationDisplayName(APP_TITLE)
    app.setWindowIcon(app_icon())
    app.setFont(ui_font())
    app.setStyle("Fusion")
    app.setStyleSheet(style_sheet())


def open_store_or_explain(db: str | None) -> Store | int:
    """The open store, or an exit code after telling the clerk why it cannot be opened."""
    try:
        store = open_store(db)
    except NewerSchemaError as exc:
        QMessageBox.critical(None, _tr("无法打开数据文件"), str(exc))
        return 3
    except StoreError as exc:
        QMessageBox.critical(None, _tr("无法打开数据文件"), str(exc))
        return 2
    for warning in store.warnings:
        QMessageBox.warning(None, _tr("注意"), warning)
    return store


def run_gui(db: str | None, operator: str) -> int:
    """Open the main window on the store named by db ($BUREAU_DB / default otherwise)."""
    log_file = setup_logging()
    app = make_application()
    install_excepthook()
    log.info("window starting; log at %s", log_file)
    opened = open_store_or_explain(db)
    if isinstance(opened, int):
        return opened
    from desktop.ui.main_window import MainWindow

    ctx = AppContext(store=opened, operator=operator, prefs=Preferences.load())
    window = MainWindow(ctx)
    window.show()
    if os.environ.get("BUREAU_STARTUP_PROBE"):
        # Benchmark hook (tests/benchmarks/bench_startup.py): report when the window is shown, exit.
        app.processEvents()
        print(f"shown-at {time.time():.6f}", flush=True)
        os._exit(0)  # no teardown: background refreshes may still be running
    try:
        return app.exec()
    finally:
        from desktop.ui.tasks import wait_for_tasks

        wait_for_tasks(10_000)
        opened.close()


def main() -> int:
    """`python -m desktop`: the window on $BUREAU_DB or the default store."""
    return run_gui(None, resolve_operator())
