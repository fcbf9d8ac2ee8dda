"""设置 › 数据位置: where this desk's data is, and switching between the local file and a server.

The section shows the open store (the file, or the server's host, port and database with the
login and its role 查阅 / 录入 / 管理). 测试连接 opens the chosen store off the GUI thread without
changing it (db.server.check_location: upgrade=False, no backup) and reports the role, or why not
in plain words; 切换 does the same check, saves the location in this user's preferences — a server
URL without its password — and offers to reopen the window on it now (desktop/ui/shell/reopen.py;
the password typed here goes along in memory only). Bad input is shown next to its field.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Slot
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QWidget

from db.errors import NewerSchemaError, StoreError
from db.locate import default_store_path, resolve_url, same_file, without_password
from db.roles import ROLE_LABELS, Role
from db.server import DEFAULT_PORT, LocationCheck, PasswordNeeded, ServerAddress
from desktop.progress import CancelToken, Progress
from desktop.ui.common import files
from desktop.ui.settings.location_view import LocationView
from desktop.ui.shell import reopen
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.tasks import TaskHandle, run_task, show_error


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # context "": see packaging/translations.py


@dataclass(frozen=True)
class Choice:
    """A location the clerk chose: what to open now (a server URL may carry the password typed)
    and what to save (never a password; "" for the default file)."""

    target: str
    saved: str


def check_work(target: str, _cancel: CancelToken) -> Generator[Progress, None, LocationCheck]:
    """Background work: open the chosen store without changing it."""
    from db.server import check_location

    yield Progress(0, 0, "正在连接…")
    return check_location(target)


def describe_store(url: str, login: str | None, role: Role) -> str:
    """Where the open store is, as the clerk reads it."""
    address = ServerAddress.of(url)
    if address is None:
        from db.locate import display_name_for

        return _tr("本机数据文件：{0}").format(display_name_for(url))
    label = ROLE_LABELS[role]
    return _tr("服务器数据库：{host}:{port}，数据库 {db}\n账号：{login}（{role}）").format(
        host=address.host,
        port=address.port,
        db=address.database,
        login=login or address.user,
        role=label,
    )


def found_text(check: LocationCheck, address: ServerAddress | None) -> str:
    """What 测试连接 found, in the clerk's words."""
    if address is None:
        where = _tr("数据文件可以使用：{0}").format(check.display_name)
    else:
        where = _tr("连接成功：{place}；账号 {login}，角色：{role}").format(
            place=address.place(),
            login=check.login or address.user,
            role=ROLE_LABELS[check.role],
        )
    state = {
        "current": "",
        "older": _tr("数据结构是旧版本（{0}），将在切换后升级。"),
        "empty": _tr("这里还没有科创台账的数据，切换后将建立数据结构。"),
        "new": _tr("这个文件还不存在，切换后将新建数据文件。"),
    }[check.state]
    return f"{where}\n{state.format(check.revision)}" if state else where


class LocationPanel(QObject):
    """Behaviour of the 数据位置 tab: show, validate, test, switch."""

    def __init__(self, ctx: AppContext, view: LocationView, owner: QWidget) -> None:
        super().__init__(owner)
        self.ctx = ctx
        self.view = view
        self.owner = owner
        self.task: TaskHandle[LocationCheck] | None = None
        self.switched: Choice | None = None  # saved by the last 切换
        view.local_choice.toggled.connect(self._on_kind_changed)
        view.browse.clicked.connect(self._on_browse)
        view.test.clicked.connect(self._on_test_clicked)
        view.switch.clicked.connect(self._on_switch_clicked)
        for edit in (view.file_path, view.host, view.port, view.database, view.account):
            edit.textEdited.connect(self._on_edited)
        view.password.textEdited.connect(self._on_edited)

    # ---- showing ----------------------------------------------------------------------------

    def show_current(self) -> None:
        """Show where the open store is, with the login and its role."""
        store = self.ctx.store
        self.view.current.setText(describe_store(store.url, store.login, store.role))

    def load(self) -> None:
        """Show the open store and fill the choices from it (the password is never shown)."""
        store = self.ctx.store
        v = self.view
        self.show_current()
        address = ServerAddress.of(store.url)
        local = store.path or self._saved_file() or default_store_path()
        v.file_path.setText(str(local))
        if address is not None:
            v.host.setText(address.host)
            v.port.setText(str(address.port))
            v.database.setText(address.database)
            v.account.setText(store.login or address.user)
        v.password.clear()
        (v.local_choice if address is None else v.server_choice).setChecked(True)
        self._on_kind_changed()
        self._clear()

    def _saved_file(self) -> Path | None:
        saved = self.ctx.prefs.store_url
        if saved and ServerAddress.of(resolve_url(saved)) is None:
            return Path(saved)
        return None

    @Slot()
    def _on_kind_changed(self) -> None:
        local = self.view.local_choice.isChecked()
        self.view.local_box.setEnabled(local)
        self.view.server_box.setEnabled(not local)
        self._clear()

    @Slot()
    def _on_edited(self) -> None:
        self._clear()

    @Slot()
    def _on_browse(self) -> None:
        current = Path(self.view.file_path.text().strip() or default_store_path())
        start = current.parent if current.parent.is_dir() else Path.home()
        chosen = files.open_store_file(self.owner, _tr("选择数据文件"), start)
        if chosen:
            self.view.file_path.setText(chosen)
            self._clear()

    # ---- the choice -------------------------------------------------------------------------

    def choice(self) -> Choice | None:
        """The chosen location; None after showing what is wrong next to the fields."""
        self._clear()
        v = self.view
        if v.local_choice.isChecked():
            text = v.file_path.text().strip()
            if not text:
                self._show(v.file_error, v.file_path, _tr("请填写数据文件的路径"))
                return None
            path = Path(text).expanduser()
            if path.is_dir():
                self._show(v.file_error, v.file_path, _tr("这是一个文件夹，请填写数据文件的路径"))
                return None
            default = default_store_path()
            saved = "" if same_file(path, default) else str(path.resolve())
            return Choice(str(path.resolve()), saved)
        host = v.host.text().strip()
        port_text = v.port.text().strip() or str(DEFAULT_PORT)
        database = v.database.text().strip()
        account = v.account.text().strip()
        ok = True
        if not host:
            ok = self._show(v.host_error, v.host, _tr("请填写服务器的地址"))
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            ok = self._show(v.port_error, v.port, _tr("端口应是 1–65535 之间的数字"))
        if not database:
            ok = self._show(v.database_error, v.database, _tr("请填写数据库名称"))
        if not account:
            ok = self._show(v.account_error, v.account, _tr("请填写账号"))
        if not ok:
            return None
        address = ServerAddress(host, int(port_text), database, account)
        return Choice(address.url(v.password.text() or None), address.url())

    # ---- testing and switching --------------------------------------------------------------

    @Slot()
    def _on_test_clicked(self) -> None:
        self.test()

    @Slot()
    def _on_switch_clicked(self) -> None:
        self.switch()

    def test(self) -> TaskHandle[LocationCheck] | None:
        """Check the chosen location off the GUI thread; the result is shown under the buttons."""
        chosen = self.choice()
        if chosen is None:
            return None
        return self._check(chosen, partial(self._on_tested, chosen))

    def switch(self) -> TaskHandle[LocationCheck] | None:
        """Check, then save the chosen location and offer to reopen the window on it."""
        chosen = self.choice()
        if chosen is None:
            return None
        return self._check(chosen, partial(self._on_checked_for_switch, chosen))

    def _check(
        self, chosen: Choice, done: Callable[[LocationCheck], None]
    ) -> TaskHandle[LocationCheck]:
        self._busy(True)
        self._say(_tr("正在连接…"), error=False)
        self.task = run_task(
            self.owner,
            partial(check_work, chosen.target),
            label=_tr("正在连接…"),
            on_done=done,
            on_error=self._on_check_failed,
        )
        return self.task

    def _on_tested(self, chosen: Choice, check: LocationCheck) -> None:
        self._busy(False)
        self._say(found_text(check, ServerAddress.of(chosen.target)), error=False)

    def _on_checked_for_switch(self, chosen: Choice, check: LocationCheck) -> None:
        self._busy(False)
        found = found_text(check, ServerAddress.of(chosen.target))
        prefs = self.ctx.prefs
        prefs.store_url = chosen.saved
        try:
            prefs.save()
        except OSError as exc:
            self._say(_tr("无法保存本机设置：{0}").format(exc), error=True)
            return
        self.switched = chosen
        if self._is_open_store(chosen.target):
            self._say(found + "\n" + _tr("已保存：这就是现在打开的数据。"), error=False)
            return
        self._say(found + "\n" + _tr("已保存：下次打开程序时使用这个数据位置。"), error=False)
        answer = QMessageBox.question(
            self.owner,
            _tr("数据位置"),
            _tr("数据位置已保存。要现在关闭当前数据，用新的数据位置重新打开窗口吗？"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer == QMessageBox.StandardButton.Yes:
            reopen.request(self.owner.window(), chosen.target)

    def _is_open_store(self, target: str) -> bool:
        return without_password(resolve_url(target)) == without_password(self.ctx.store.url)

    @Slot(object)
    def _on_check_failed(self, exc: BaseException) -> None:
        self._busy(False)
        if isinstance(exc, PasswordNeeded):
            self._say("", error=False)
            self._show(self.view.password_error, self.view.password, _tr("服务器要求密码"))
            return
        if isinstance(exc, NewerSchemaError):
            self._say(str(exc) + _tr("不能切换到这里。"), error=True)
            return
        if isinstance(exc, StoreError):
            self._say(str(exc), error=True)
            return
        self._say("", error=False)
        show_error(self.owner, exc)

    # ---- messages ---------------------------------------------------------------------------

    def _busy(self, busy: bool) -> None:
        self.view.test.setEnabled(not busy)
        self.view.switch.setEnabled(not busy)

    def _say(self, text: str, *, error: bool) -> None:
        label = self.view.result
        label.setText(text)
        label.setObjectName("fieldError" if error else "hint")
        label.setVisible(bool(text))
        _repolish(label)

    def _show(self, label: QLabel, field: QLineEdit, message: str) -> bool:
        label.setText(message)
        label.show()
        field.setProperty("invalid", True)
        _repolish(field)
        return False

    def _clear(self) -> None:
        for label in self.view.errors():
            label.clear()
            label.hide()
        for field in (
            self.view.file_path,
            self.view.host,
            self.view.port,
            self.view.database,
            self.view.account,
            self.view.password,
        ):
            if field.property("invalid"):
                field.setProperty("invalid", False)
                _repolish(field)
        self._say("", error=False)


def _repolish(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)
