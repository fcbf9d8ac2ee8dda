"""How the window reports problems: a plain message for bad input, one logged dialog otherwise."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.logs import log_path

log = logging.getLogger("desktop.ui")

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
    return QCoreApplication.translate("errors", text)


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
        box.exec()
    finally:
        _showing = False


def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """sys.excepthook for the window: log, then one dialog (never a storm)."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    if exc.__traceback__ is None and tb is not None:
        exc = exc.with_traceback(tb)
    show_unexpected(QApplication.activeWindow(), exc)


def install_excepthook() -> None:
    """Route uncaught exceptions (also from slots) to the logged dialog."""
    sys.excepthook = excepthook
