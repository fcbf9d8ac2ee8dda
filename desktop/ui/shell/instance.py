"""One window per store: a second window on the same store says so and brings the first to the front.

The claim is a QLockFile in this user's config folder, named from the store's resolved path (or
its URL without the password). The first window holds it for its lifetime and listens on a local
socket of the same name; a second window finds the lock held, tells the clerk, and asks the first
one over the socket to come to the front. A crash never blocks the store: the lock's owner is
gone, so Qt takes the lock over (the OS drops the lock file's flock with the process), and the
socket file a crash leaves is removed by the next owner before it listens.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QCoreApplication, QLockFile, QObject, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from db.locate import display_name_for
from desktop.preferences import Preferences

if TYPE_CHECKING:  # QtNetwork is imported once the window is shown (cold start)
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_MS = 2000
SHOW = b"show\n"


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # context "": see packaging/translations.py


def store_identity(target: str | os.PathLike[str] | None) -> str:
    """What makes two windows "on the same store": the resolved file, or the URL sans password."""
    name = display_name_for(target)
    if "://" in name:
        return name
    return os.path.normcase(os.path.realpath(name))


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "user"


def claim_key(identity: str) -> str:
    """The lock file's and the local socket's name for one store of one user."""
    digest = hashlib.sha256(f"{_user()}\n{identity}".encode()).hexdigest()[:24]
    return f"kechuang-taizhang-{digest}"


def claims_dir() -> Path:
    """Where the claims' lock files live: this user's config folder ($BUREAU_CONFIG_DIR for tests)."""
    return Preferences.path().parent / "instances"


class StoreClaim(QObject):
    """This process's claim on one store: owned, or held by another window of the same user."""

    activated = Signal()  # another window on the same store asked this one to come forward

    def __init__(self, target: str | os.PathLike[str] | None, parent: QObject | None = None):
        super().__init__(parent)
        self.identity = store_identity(target)
        self.key = claim_key(self.identity)
        self.server: QLocalServer | None = None
        self.guarded = True
        folder = claims_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            log.warning("no folder for the single-window lock: %s", folder)
        self.lock = QLockFile(str(folder / f"{self.key}.lock"))
        self.lock.setStaleLockTime(0)  # stale only when its process is gone, never by age
        self.owned = self.lock.tryLock(0)
        if not self.owned and self.lock.error() != QLockFile.LockError.LockFailedError:
            # The lock cannot be written (a read-only config folder…): never keep the clerk out.
            log.warning("single-window lock unavailable (%s): not guarded", self.lock.error())
            self.owned, self.guarded = True, False

    def serve(self) -> bool:
        """Owner only: listen for other windows on the same store (False when that fails)."""
        from PySide6.QtNetwork import QLocalServer

        if not (self.owned and self.guarded) or self.server is not None:
            return False
        QLocalServer.removeServer(self.key)  # left by a crash: we hold the lock, no one owns it
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        server.newConnection.connect(self._on_connection)
        if not server.listen(self.key):
            log.warning("single-window server failed: %s", server.errorString())
            return False
        self.server = server
        return True

    @Slot()
    def _on_connection(self) -> None:
        server = self.server
        while server is not None and (socket := server.nextPendingConnection()) is not None:
            socket.readyRead.connect(self._on_message)
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    @Slot()
    def _on_message(self) -> None:
        socket = self.sender()
        if socket is not None:
            self._read(cast("QLocalSocket", socket))

    def _read(self, socket: QLocalSocket) -> None:
        data = bytes(socket.readAll().data())
        if SHOW.strip() in data:
            self.activated.emit()

    def ask_owner_to_show(self) -> bool:
        """Not the owner: ask the window that owns the store to come to the front."""
        from PySide6.QtNetwork import QLocalSocket

        if sys.platform == "win32":  # let the owner take the foreground from this process
            import ctypes

            ctypes.windll.user32.AllowSetForegroundWindow(-1)  # type: ignore[attr-defined]
        socket = QLocalSocket()
        socket.connectToServer(self.key)
        if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
            log.warning("the window owning the store did not answer: %s", socket.errorString())
            return False
        socket.write(SHOW)
        sent = socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
        socket.disconnectFromServer()
        return sent

    def release(self) -> None:
        """Give the store up (the window closed)."""
        if self.server is not None:
            self.server.close()
            self.server = None
        if self.owned and self.guarded:
            self.lock.unlock()
            self.owned = False


def explain_store_in_use(claim: StoreClaim, store_name: str, parent: QWidget | None = None) -> None:
    """Tell the clerk the store is open in another window, then bring that window forward."""
    QMessageBox.information(
        parent,
        _tr("数据文件已打开"),
        _tr(
            "数据文件 {0} 已在另一个科创台账窗口中打开，不能再打开第二个窗口。\n"
            "点“确定”后将切换到已打开的窗口。"
        ).format(store_name),
    )
    claim.ask_owner_to_show()
