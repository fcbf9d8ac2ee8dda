"""Application set-up: DPI, font, icon, style, log, error hook, show the window, open the store.

Cold start stays fast: the window's frame (navigation, status bar, "正在打开数据…") is shown first,
before SQLAlchemy is imported; the store is opened and the first screen built on the next turn of
the event loop. Screens load lazily and heavy libraries (reportlab, openpyxl, calamine, QtCharts)
are imported by the screens that use them.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLibraryInfo, Qt, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from db.errors import StoreError, StoreRefused
from db.locate import display_name_for
from desktop.logs import setup_logging
from desktop.paths import resource
from desktop.preferences import Preferences, resolve_operator
from desktop.ui.common import files
from desktop.ui.shell import editors
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.errors import install_excepthook
from desktop.ui.shell.instance import StoreClaim, explain_store_in_use
from desktop.ui.shell.main_window import MainWindow, Opening

if TYPE_CHECKING:
    from db.store import Store

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


def install_qt_translations(app: QApplication) -> bool:
    """Qt's own texts in Chinese (the file dialogs' buttons and tooltips, the boxes' 确定 / 取消)."""
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load("qtbase_zh_CN", folder):
        log.warning("Qt's Chinese translations not found in %s", folder)
        return False
    return app.installTranslator(translator)


def configure_application(app: QApplication) -> None:
    """Names, font, icon, stylesheet and Qt's Chinese texts of the application."""
    install_qt_translations(app)
    app.setApplicationName(APP_TITLE)
    app.setOrganizationName("bureau")
    app.setApplicationDisplayName(APP_TITLE)
    app.setWindowIcon(app_icon())
    app.setFont(ui_font())
    app.setStyle("Fusion")
    app.setStyleSheet(style_sheet())


def open_store_or_explain(db: str | None, parent: QWidget | None = None) -> Store | int:
    """The open store, or an exit code after telling the clerk why it cannot be opened."""
    from db.store import open_store  # SQLAlchemy: imported once the window is shown

    try:
        store = open_store(db)
    except StoreRefused as exc:  # a newer schema, locked or read-only: refused for safety
        QMessageBox.critical(parent, _tr("无法打开数据文件"), str(exc))
        return 3
    except StoreError as exc:
        QMessageBox.critical(parent, _tr("无法打开数据文件"), str(exc))
        return 2
    for warning in store.warnings:
        QMessageBox.warning(parent, _tr("注意"), warning)
    return store


def _probe(event: str) -> None:
    """Benchmark hook (tests/benchmarks/bench_startup.py): print when `event` happened."""
    if os.environ.get("BUREAU_STARTUP_PROBE"):
        print(f"{event} {time.time():.6f}", flush=True)


class _Starter:
    """Opens the store once the window's frame is shown, then fills the window."""

    def __init__(self, window: MainWindow, db: str | None, operator: str, prefs: Preferences):
        self.window = window
        self.db = db
        self.operator = operator
        self.prefs = prefs
        self.store: Store | None = None
        self.exit_code: int | None = None  # set when the store could not be opened

    def start(self) -> None:
        """Open the store; on failure explain and end the event loop with the exit code."""
        opened = open_store_or_explain(self.db, self.window)
        if isinstance(opened, int):
            self.exit_code = opened
            self.window.hide()
            QApplication.exit(opened)
            return
        self.store = opened
        ctx = AppContext(
            store=opened,
            operator=self.operator,
            prefs=self.prefs,
            enterprise_editor=editors.enterprise_editor,
        )
        self.window.attach(ctx)
        if os.environ.get("BUREAU_STARTUP_PROBE"):
            from desktop.ui.shell.tasks import wait_for_tasks

            wait_for_tasks(60_000)  # the first screen's first refresh delivered
            _probe("filled-at")
            os._exit(0)  # no teardown


def run_gui(db: str | None, operator: str) -> int:
    """Open the main window on the store named by db ($BUREAU_DB / default otherwise).

    One window per store: when another window has this store open, say so, bring that one to
    the front and return 0 without opening the store.
    """
    log_file = setup_logging()
    app = make_application()
    install_excepthook()
    claim = StoreClaim(db)
    if not claim.owned:
        log.info("store %s is open in another window", claim.identity)
        explain_store_in_use(claim, display_name_for(db))
        return 0
    try:
        return _run_window(app, claim, db, operator, log_file)
    finally:
        claim.release()


def _run_window(
    app: QApplication, claim: StoreClaim, db: str | None, operator: str, log_file: Path
) -> int:
    log.info("window starting; log at %s", log_file)
    prefs = Preferences.load()
    window = MainWindow(Opening(display_name_for(db), operator, prefs))
    claim.activated.connect(window.bring_to_front)
    window.show()
    app.processEvents()  # paint the frame before the store is opened
    _probe("shown-at")
    starter = _Starter(window, db, operator, prefs)
    QTimer.singleShot(0, starter.start)
    QTimer.singleShot(0, claim.serve)  # after the frame: QtNetwork is not needed to show it
    try:
        code = app.exec()
        return code if starter.exit_code is None else starter.exit_code
    finally:
        from desktop.ui.shell.tasks import wait_for_tasks

        wait_for_tasks(10_000)
        if starter.store is not None:
            starter.store.close()
            files.release_store(starter.store.path)


def main() -> int:
    """`python -m desktop`: the window on $BUREAU_DB or the default store."""
    return run_gui(None, resolve_operator())
