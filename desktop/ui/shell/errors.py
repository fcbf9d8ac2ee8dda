"""How the window reports problems: a plain message for bad input, one logged dialog otherwise."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import (
    QCoreApplication,
    QMessageLogContext,
    QtMsgType,
    QUrl,
    qInstallMessageHandler,
)
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.logs import log_path

log = logging.getLogger("desktop.ui")
qt_log = logging.getLogger("qt")

QT_LEVELS = {
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}  # qDebug is left out: it is Qt's chatter, not a problem
QT_REPEATS = 20  # the same Qt message is logged this many times, then no more (no log flood)
_qt_seen: dict[str, int] = {}

_showing = False  # one unexpected-error dialog at a time: no dialog storm


def clerk_errors() -> tuple[type[BaseException], ...]:
    """The exceptions whose message is meant for the clerk (imported on first use: cold start)."""
    from db.errors import StoreError
    from db.services.errors import InputError, NotFound
    from db.services.settings import SettingsError
    from db.services.towns import TownError
    from desktop.exporting.files import OutputError
    from desktop.importing.engine import ImportRefused, PlanOutdated
    from desktop.importing.readers import UnreadableFile

    return (
        InputError,
        NotFound,
        SettingsError,
        TownError,
        StoreError,
        OutputError,
        ImportRefused,
        PlanOutdated,
        UnreadableFile,
    )


def is_clerk_error(exc: BaseException) -> bool:
    """Whether the exception carries a message meant for the clerk (bad input, unusable store)."""
    return isinstance(exc, clerk_errors())


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # context "": see packaging/translations.py


def show_message(parent: QWidget | None, message: str, title: str = "") -> None:
    """A warning box with a message a clerk understands."""
    QMessageBox.warning(parent, title or _tr("提示"), message)


def show_unexpected(parent: QWidget | None, exc: BaseException) -> None:
    """Log an unexpected exception and show one dialog pointing to the log file."""
    log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    global _showing
    if _showing or QApplication.instance() is None:
        return
    _showing = True
    try:
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(_tr("程序出错"))
        box.setText(_tr("程序遇到了意外错误，刚才的操作可能没有完成。"))
        box.setInformativeText(
            _tr("错误信息已记录在日志文件中，请把它发给维护人员：\n{path}").format(path=log_path())
        )
        box.setDetailedText("".join(traceback.format_exception(exc)))
        folder = box.addButton(_tr("打开日志文件夹"), QMessageBox.ButtonRole.ActionRole)
        box.folder_button = folder  # type: ignore[attr-defined]  # tests click it
        close = box.addButton(_tr("关闭"), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(close)
        box.setEscapeButton(close)
        box.buttonClicked.connect(lambda button: _open_log_folder(button, folder))
        box.exec()
    finally:
        _showing = False


def _open_log_folder(button: object, folder: object) -> None:
    if button is folder:  # as desktop.ui.common.export.open_folder (which imports the tasks)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_path().parent)))


def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """sys.excepthook for the window: log, then one dialog (never a storm)."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    if exc.__traceback__ is None and tb is not None:
        exc = exc.with_traceback(tb)
    show_unexpected(QApplication.activeWindow(), exc)


def qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's message handler: warnings, criticals and fatals go to the log (logger "qt")."""
    level = QT_LEVELS.get(kind)
    if level is None:
        return
    seen = _qt_seen.get(message, 0)
    if seen >= QT_REPEATS:
        return
    if len(_qt_seen) < 1000:
        _qt_seen[message] = seen + 1
    where = f" ({context.category})" if context.category and context.category != "default" else ""
    qt_log.log(level, "%s%s", message, where)


def install_qt_message_handler() -> None:
    """Qt's warnings (a failed font, a bad connection, a printer's complaint) into the log."""
    qInstallMessageHandler(qt_message)


def install_excepthook() -> None:
    """Route uncaught exceptions (also from slots) to the logged dialog, Qt's messages to the log."""
    sys.excepthook = excepthook
    install_qt_message_handler()
