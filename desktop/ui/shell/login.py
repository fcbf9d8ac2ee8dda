"""登录服务器: the password a server store asks for, before the main window opens on it.

A server location is saved without its password (desktop/preferences.py). When the server asks
for one (libpq found none in PGPASSWORD or the pgpass file), the window shows this dialog: the
login prefilled from the URL, the password typed (never echoed, kept in memory for this session
only). 登录 tries the login off the GUI thread; the server's refusal is shown in plain words in the
dialog, which stays open for another try. 取消 leaves the choice to the caller (the start-up offers
the local data file or quitting).
"""

from __future__ import annotations

from collections.abc import Generator
from functools import partial

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.locate import url_user, with_password
from desktop.progress import CancelToken, Progress
from desktop.ui.shell.tasks import TaskHandle, run_task, show_error


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # context "": see packaging/translations.py


def login_url(url: str, account: str, password: str) -> str:
    """The server URL as this account, with this password (in memory only)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url).set(username=account or None)
    return with_password(parsed.render_as_string(hide_password=False), password)


def try_login(url: str, _cancel: CancelToken) -> Generator[Progress, None, str]:
    """Background work: one connection as the login; returns the URL that worked."""
    from db.server import probe

    yield Progress(0, 0, "正在连接服务器…")
    probe(url)
    return url


class LoginDialog(QDialog):
    """Account and password for a server store; `url` is set once the server accepted them."""

    def __init__(self, url: str, place: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_tr("登录服务器"))
        self.setModal(True)
        self._url = url
        self.url: str | None = None  # the accepted URL, with its password
        self.task: TaskHandle[str] | None = None
        self.intro = QLabel(
            _tr("数据在服务器上：{0}\n请输入登录服务器的账号和密码。").format(place)
        )
        self.intro.setWordWrap(True)
        self.account = QLineEdit(url_user(url) or "")
        self.account.setMaxLength(63)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMinimumWidth(240)
        self.message = QLabel()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QDialogButtonBox()
        self.login_button = QPushButton(_tr("登录"))
        self.login_button.setObjectName("primary")
        self.login_button.setDefault(True)
        self.cancel_button = QPushButton(_tr("取消"))
        buttons.addButton(self.login_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.login_button.clicked.connect(self._on_login_clicked)
        self.cancel_button.clicked.connect(self.reject)
        body = QFormLayout()
        body.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        body.addRow(_tr("账号"), self.account)
        body.addRow(_tr("密码"), self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(body)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        (self.password if self.account.text() else self.account).setFocus()

    @Slot()
    def _on_login_clicked(self) -> None:
        self.attempt()

    def attempt(self) -> TaskHandle[str] | None:
        """Try the typed account and password off the GUI thread (None when they are missing)."""
        account = self.account.text().strip()
        if not account:
            self._say(_tr("请填写账号"))
            return None
        if not self.password.text():
            self._say(_tr("请输入密码"))
            return None
        self._say("")
        self.login_button.setEnabled(False)
        url = login_url(self._url, account, self.password.text())
        self.task = run_task(
            self,
            partial(try_login, url),
            label=_tr("正在连接服务器…"),
            on_done=self._on_logged_in,
            on_error=self._on_refused,
        )
        return self.task

    @Slot(object)
    def _on_logged_in(self, url: str) -> None:
        self.url = url
        self.login_button.setEnabled(True)
        self.accept()

    @Slot(object)
    def _on_refused(self, exc: BaseException) -> None:
        from db.errors import StoreError

        self.login_button.setEnabled(True)
        if not isinstance(exc, StoreError):
            show_error(self, exc)
            return
        self._say(str(exc))
        self.password.selectAll()
        self.password.setFocus()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))


def ask_login(parent: QWidget | None, url: str, place: str) -> str | None:
    """Show the login dialog; the accepted URL (with its password), or None when cancelled."""
    dialog = LoginDialog(url, place, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.url
    finally:
        dialog.deleteLater()
