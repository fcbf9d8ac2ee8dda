"""设置 › 自动备份: the store's automatic backups (time, reason, size) and restoring a chosen one;
备份到文件 saves a copy anywhere.

On a server store there are no automatic file backups (the server is backed up by its own
administrator): the list and the retention are off and the section says so; 备份到文件 and 从文件恢复
call `db.store.backup` / `db.store.restore`, which run pg_dump / pg_restore (files *.dump).

The restore asks first, then runs on the one write worker (after any write the window has
queued) as `db.store.restore`: it waits briefly for the store's write lock — another program
writing is refused with its message, nothing changed — saves the current data as a 恢复前 backup
and replaces the content in one transaction. It is not a session operation (it replaces the whole
store), so it goes to the worker through `run_task(write=True)`, the runner `run_op` uses.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from datetime import datetime
from functools import partial
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QTreeWidgetItem, QWidget

from db.backups import BackupFile, folder, list_backups
from desktop.progress import CancelToken, Progress
from desktop.ui.common import files
from desktop.ui.common.export import tell_saved
from desktop.ui.settings.view import AUTO_BACKUP_HINT, SERVER_BACKUP_HINT, SettingsView
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.tasks import TaskHandle, run_task, show_error

PATH_ROLE = Qt.ItemDataRole.UserRole
DUMP_FILTER = "数据库备份 (*.dump);;所有文件 (*)"


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # context "": see packaging/translations.py


def size_text(size: int) -> str:
    """A file size the way Windows Explorer writes it (KB below a megabyte, else MB)."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def restore_work(
    ctx: AppContext, backup: Path, _cancel: CancelToken
) -> Generator[Progress, None, Path | None]:
    """Background work: restore the store from a backup file; returns the safety copy."""
    from db.store import restore

    yield Progress(0, 0, "正在恢复备份…")
    return restore(ctx.store, backup, ctx.operator)


def backup_work(
    ctx: AppContext, out: Path, _cancel: CancelToken
) -> Generator[Progress, None, Path]:
    """Background work: a copy of the whole store in a file (pg_dump on a server)."""
    from db.store import backup

    yield Progress(0, 0, "正在备份…")
    return backup(ctx.store, out)


class BackupsPanel(QObject):
    """Behaviour of the 自动备份 group: list, pick, confirm, restore."""

    def __init__(
        self, ctx: AppContext, view: SettingsView, owner: QWidget, restored: Callable[[], None]
    ) -> None:
        super().__init__(owner)
        self.ctx = ctx
        self.view = view
        self.owner = owner
        self._restored_hook = restored
        self.restore_task: TaskHandle[Path | None] | None = None
        view.backups.currentItemChanged.connect(self._on_selected)
        view.restore_backup.clicked.connect(self._on_restore_clicked)
        view.restore_file.clicked.connect(self._on_restore_file_clicked)
        view.backup_file.clicked.connect(self._on_backup_file_clicked)
        view.open_backup_folder.clicked.connect(self.open_folder)
        self.backup_task: TaskHandle[Path] | None = None
        self.notice: QMessageBox | None = None  # the last 已备份 notice (tests close it)

    def on_server(self) -> bool:
        """Whether the store is a server database (no automatic file backups)."""
        return self.ctx.store.path is None

    def reload(self) -> list[BackupFile]:
        """List the store's automatic backups, newest first."""
        path = self.ctx.store.path
        found = list_backups(path) if path is not None else []
        tree = self.view.backups
        tree.clear()
        for b in found:
            item = QTreeWidgetItem(
                [b.taken_at.strftime("%Y-%m-%d %H:%M:%S"), b.reason_text, size_text(b.size)]
            )
            item.setData(0, PATH_ROLE, str(b.path))
            item.setToolTip(0, str(b.path))
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            tree.addTopLevelItem(item)
        server = path is None  # no automatic file backups: no list, no retention
        tree.setVisible(not server)
        self.view.restore_backup.setVisible(not server)
        for spin in (self.view.keep_daily, self.view.keep_weekly):
            self.view.backup_keep.setRowVisible(spin, not server)
        self.view.backup_box.setTitle(_tr("备份") if server else _tr("自动备份"))
        self.view.backup_hint.setText(
            _tr(SERVER_BACKUP_HINT) + _tr("。") if server else _tr(AUTO_BACKUP_HINT)
        )
        where = self.backup_folder()
        self.view.backup_folder.setVisible(where is not None)
        self.view.open_backup_folder.setVisible(where is not None)
        if where is not None:
            self.view.backup_folder.setText(_tr("备份文件夹：{0}").format(where))
            self.view.open_backup_folder.setEnabled(where.is_dir())
            self.view.open_backup_folder.setToolTip("" if where.is_dir() else _tr("还没有备份"))
        self._on_selected(tree.currentItem(), None)
        return found

    def backup_folder(self) -> Path | None:
        """The folder of the automatic backups (None on a server store)."""
        path = self.ctx.store.path
        return None if path is None else folder(path)

    @Slot()
    def open_folder(self) -> bool:
        """Show the automatic backups' folder in the file manager."""
        where = self.backup_folder()
        return where is not None and QDesktopServices.openUrl(QUrl.fromLocalFile(str(where)))

    def selected_backup(self) -> Path | None:
        """The backup file selected in the list."""
        item = self.view.backups.currentItem()
        return None if item is None else Path(str(item.data(0, PATH_ROLE)))

    @Slot(QTreeWidgetItem, QTreeWidgetItem)
    def _on_selected(self, item: QTreeWidgetItem | None, _old: QTreeWidgetItem | None) -> None:
        self.view.restore_backup.setEnabled(item is not None and self.restore_task is None)

    @Slot()
    def _on_restore_clicked(self) -> None:
        self.restore_selected()

    def restore_selected(self) -> TaskHandle[Path | None] | None:
        """Ask, then restore the selected backup on the write worker (None when not asked to)."""
        item = self.view.backups.currentItem()
        backup = self.selected_backup()
        if item is None or backup is None:
            return None
        what = _tr("{when} 的备份（{why}）").format(when=item.text(0), why=item.text(1))
        return self._restore(backup, what)

    def _on_restore_file_clicked(self) -> None:
        self.restore_from_file()

    def restore_from_file(self) -> TaskHandle[Path | None] | None:
        """Pick any backup file (never the open store), ask, then restore it (None when not)."""
        caption = _tr("选择要恢复的备份文件")
        if self.on_server():
            chosen = files.open_file_name(self.owner, caption, self._start_folder(), DUMP_FILTER)
        else:
            chosen = files.open_store_file(self.owner, caption, self._start_folder())
        if not chosen:
            return None
        path = Path(chosen)
        return self._restore(path, _tr("文件“{name}”").format(name=path.name))

    def _start_folder(self) -> Path:
        path = self.ctx.store.path
        if path is not None:
            return path.parent
        last = Path(self.ctx.prefs.last_folder) if self.ctx.prefs.last_folder else None
        return last if last is not None and last.is_dir() else Path.home()

    def _on_backup_file_clicked(self) -> None:
        self.backup_to_file()

    def backup_to_file(self) -> TaskHandle[Path] | None:
        """Ask where, then save a copy of the whole store there (None when not asked to)."""
        server = self.on_server()
        suffix = ".dump" if server else ".sqlite"
        name = f"科创台账备份-{datetime.now():%Y%m%d-%H%M}{suffix}"
        chosen = files.save_file_name(
            self.owner,
            _tr("备份到文件"),
            self._start_folder() / name,
            DUMP_FILTER if server else files.STORE_FILTER,
        )
        if not chosen:
            return None
        out = Path(chosen)
        if not out.suffix:
            out = out.with_suffix(suffix)
        self.view.backup_file.setEnabled(False)
        self._say(_tr("正在备份…"))
        self.backup_task = run_task(
            self.owner,
            partial(backup_work, self.ctx, out),
            label=_tr("正在备份…"),
            on_done=self._on_backed_up,
            on_error=self._on_backup_failed,
        )
        return self.backup_task

    @Slot(object)
    def _on_backed_up(self, out: Path) -> None:
        self.backup_task = None
        self.view.backup_file.setEnabled(True)
        self._say(_tr("已备份到：{0}").format(out))
        self.notice = tell_saved(
            self.owner, out, _tr("已把全部数据备份到：\n{0}").format(out), _tr("备份到文件")
        )

    @Slot(object)
    def _on_backup_failed(self, exc: BaseException) -> None:
        self.backup_task = None
        self.view.backup_file.setEnabled(True)
        self._say("")
        show_error(self.owner, exc)

    def _restore(self, backup: Path, what: str) -> TaskHandle[Path | None] | None:
        if self.on_server():
            question = _tr(
                "用{what}替换服务器数据库中的全部数据吗？\n\n"
                "所有连接这个数据库的电脑都会看到恢复后的数据。"
                "建议先用“备份到文件”保存当前数据。"
            ).format(what=what)
        else:
            question = _tr(
                "用{what}替换当前的全部数据吗？\n\n"
                "当前数据会先另存为“恢复前”备份，需要时可以再恢复回来。"
            ).format(what=what)
        answer = QMessageBox.question(
            self.owner,
            _tr("恢复备份"),
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        self.view.restore_backup.setEnabled(False)
        self.view.restore_file.setEnabled(False)
        self._say(_tr("正在恢复…"))
        self.restore_task = run_task(
            self.owner,
            partial(restore_work, self.ctx, backup),
            label=_tr("正在恢复备份…"),
            on_done=self._on_restored,
            on_error=self._on_restore_failed,
            write=True,
        )
        return self.restore_task

    @Slot(object)
    def _on_restored(self, safety: Path | None) -> None:
        self.restore_task = None
        self.view.restore_file.setEnabled(True)
        self._restored_hook()
        self.reload()
        kept = _tr("恢复前的数据已另存为：{0}").format(safety.name) if safety else ""
        self._say(_tr("已恢复。") + kept)

    @Slot(object)
    def _on_restore_failed(self, exc: BaseException) -> None:
        self.restore_task = None
        self.view.restore_file.setEnabled(True)
        self._say("")
        self._on_selected(self.view.backups.currentItem(), None)
        show_error(self.owner, exc)

    def _say(self, text: str) -> None:
        label = self.view.backup_message
        label.setText(text)
        label.setObjectName("hint")
        label.setVisible(bool(text))
        label.style().unpolish(label)
        label.style().polish(label)
