"""Application set-up: DPI, font, icon, style, log, error hook, show the window, open the store.

Cold start stays fast: the window's frame (navigation, status bar, "正在打开数据…") is shown first,
before SQLAlchemy is imported; the store is opened and the first screen built on the next turn of
the event loop. When the first screen is 首页 and the last run's snapshot of it still shows the
store as it is now (desktop/ui/home/snapshot.py), the window shows 首页 filled at once instead.
Screens load lazily and heavy libraries (reportlab, openpyxl, calamine, QtCharts)
are imported by the screens that use them.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Slot
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from db.errors import StoreError, StoreRefused
from db.locate import display_name_for, resolve_url
from desktop.logs import setup_logging
from desktop.paths import resource
from desktop.preferences import Preferences, chosen_store, resolve_operator
from desktop.ui.common import files
from desktop.ui.shell import editors, reopen
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.errors import install_excepthook
from desktop.ui.shell.instance import StoreClaim, explain_store_in_use
from desktop.ui.shell.main_window import MainWindow, Opening
from desktop.ui.shell.translations import install_translations

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
    return QCoreApplication.translate("", text)  # context "": see packaging/translations.py


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


class GuiThreadCollector(QObject):
    """Python's cyclic garbage collector, run on the GUI thread only.

    Left to itself the collector runs on whichever thread allocates; when that is a background
    task's thread, Python-owned QObjects in a reference cycle (a finished task's relay, say) are
    destroyed off the GUI thread, which crashes PySide (BindingManager::runDeletionInMainThread)
    or deadlocks with the GUI thread. So automatic collection is off and this timer collects,
    by the same generation thresholds, on the GUI thread.
    """

    INTERVAL_MS = 500

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect)
        self._timer.start(self.INTERVAL_MS)

    def stop(self) -> None:
        """Stop collecting here (automatic collection stays off; the caller decides)."""
        self._timer.stop()
        self.deleteLater()

    @Slot()
    def collect(self) -> None:
        counts, thresholds = gc.get_count(), gc.get_threshold()
        generation = 0
        if counts[1] >= thresholds[1]:
            generation = 2 if counts[2] >= thresholds[2] else 1
        gc.collect(generation)


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
    GuiThreadCollector(app)
    return app


def configure_application(app: QApplication) -> None:
    """Names, font, icon, stylesheet and Qt's Chinese texts of the application."""
    install_translations(app)
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

    def __init__(
        self,
        window: MainWindow,
        db: str | None,
        operator: str,
        prefs: Preferences,
        filled_before: bool = False,
    ):
        self.window = window
        self.filled_before = filled_before  # the first screen was filled before the store opened
        self.db = db
        self.operator = operator
        self.prefs = prefs
        self.store: Store | None = None
        self.ctx: AppContext | None = None
        self.exit_code: int | None = None  # set when the store could not be opened

    def start(self) -> None:
        """Log in to a server that asks, open the store; on failure explain and end the loop."""
        target = self._logged_in()
        if isinstance(target, int):
            self._end(target)
            return
        opened = open_store_or_explain(target, self.window)
        if isinstance(opened, int):
            self._end(opened)
            return
        _probe("opened-at")
        self.store = opened
        ctx = AppContext(
            store=opened,
            operator=self.operator,
            prefs=self.prefs,
            enterprise_editor=editors.enterprise_editor,
        )
        self.ctx = ctx
        self.window.attach(ctx)
        from desktop.ui.firstrun import maybe_offer_first_run

        maybe_offer_first_run(self.window, ctx)  # a store with no bureau yet: the wizard
        _probe("built-at")  # the first screen built, its data still loading
        if os.environ.get("BUREAU_STARTUP_PROBE"):
            from desktop.ui.shell.tasks import wait_for_tasks

            wait_for_tasks(60_000)  # the first screen's first refresh delivered
            _probe("live-at" if self.filled_before else "filled-at")
            os._exit(0)  # no teardown

    def _end(self, code: int) -> None:
        self.exit_code = code
        self.window.hide()
        QApplication.exit(code)

    def _logged_in(self) -> str | int | None:
        """The target to open: a server URL with the password the clerk typed when the server
        asks for one; an exit code when the server cannot be used and the clerk quits."""
        from db.locate import has_password, is_server_url, resolve_url

        url = resolve_url(self.db)
        if not is_server_url(url) or has_password(url):
            return self.db
        from db.errors import StoreError
        from db.server import PasswordNeeded, ServerAddress, probe
        from desktop.ui.shell.login import ask_login

        try:
            probe(url)
        except PasswordNeeded:
            address = ServerAddress.of(url)
            logged_in = ask_login(self.window, url, address.place() if address else url)
            if logged_in is not None:
                return logged_in
            return self._offer_local_file(_tr("没有登录服务器。"), 0)
        except StoreError as exc:
            return self._offer_local_file(str(exc), 2)
        return self.db  # PGPASSWORD, the pgpass file, or a server that trusts this desk

    def _offer_local_file(self, why: str, code: int) -> int:
        """The server cannot be used now: open this computer's data file instead, or quit."""
        from db.locate import default_store_path

        local = default_store_path()
        answer = QMessageBox.question(
            self.window,
            _tr("无法使用服务器数据库"),
            _tr(
                "{why}\n\n要改为打开本机数据文件吗？\n{path}\n\n"
                "（设置 → 数据位置中保存的位置不变；选“否”退出程序。）"
            ).format(why=why, path=local),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer == QMessageBox.StandardButton.Yes:
            reopen.ask_later(str(local))
            return 0
        return code


def run_gui(db: str | None, operator: str) -> int:
    """Open the main window on the store named by db, else $BUREAU_DB, else the saved data
    location (设置 → 数据位置), else the default file.

    One window per store: when another window has this store open, say so, bring that one to
    the front and return 0 without opening the store. 数据位置 → 切换 reopens the window on the
    new store in this process (desktop/ui/shell/reopen.py).
    """
    log_file = setup_logging()
    app = make_application()
    install_excepthook()
    target = chosen_store(db)
    reopen.take()  # nothing left over from an earlier window of this process
    while True:
        claim = StoreClaim(target)
        if not claim.owned:
            log.info("store %s is open in another window", claim.identity)
            explain_store_in_use(claim, display_name_for(target))
            return 0
        try:
            code, operator = _run_window(app, claim, target, operator, log_file)
        finally:
            claim.release()
        again = reopen.take()
        if again is None:
            return code
        log.info("window reopening on %s", display_name_for(again.target))
        target = again.target


def _run_window(
    app: QApplication, claim: StoreClaim, db: str | None, operator: str, log_file: Path
) -> tuple[int, str]:
    """Run one window on db until it closes: (exit code, the operator it ended with)."""
    log.info("window starting; log at %s", log_file)
    prefs = Preferences.load()
    window = MainWindow(Opening(display_name_for(db), operator, prefs))
    claim.activated.connect(window.bring_to_front)
    # 首页 filled from the last run's snapshot when it shows the store as it is now (SQLite only)
    filled = window.show_before_store(resolve_url(db)) is not None
    window.show()
    app.processEvents()  # paint the frame (or the filled first screen) before the store is opened
    _probe("shown-at")
    if filled:
        _probe("filled-at")
    starter = _Starter(window, db, operator, prefs, filled)
    QTimer.singleShot(0, starter.start)
    QTimer.singleShot(0, claim.serve)  # after the frame: QtNetwork is not needed to show it
    try:
        code = app.exec()
        code = code if starter.exit_code is None else starter.exit_code
        return code, starter.ctx.operator if starter.ctx is not None else operator
    finally:
        from desktop.ui.shell.tasks import wait_for_tasks

        wait_for_tasks(10_000)
        if starter.store is not None:
            starter.store.close()
            files.release_store(starter.store.path)
        window.deleteLater()


def main() -> int:
    """`python -m desktop`: the window on $BUREAU_DB, the saved data location or the default store."""
    return run_gui(None, resolve_operator())
