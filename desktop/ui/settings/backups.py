"""设置 › 自动备份: the store's automatic backups (time, reason, size) and restoring a chosen one.

The restore asks first, then runs on the one write worker (after any write the window has
queued) as `db.store.restore`: it waits briefly for the store's write lock — another program
writing is refused with its message, nothing changed — saves the current data as a 恢复前 backup
and replaces the content in one transaction. It is not a session operation (it replaces the whole
store), so it goes to the worker through `run_task(write=True)`, the runner `run_op` uses.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from functools import partial
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, Slot
from PySide6.QtWidgets import QMessageBox, QTreeWidgetItem, QWidget

from db.backups import BackupFile, list_backups
from desktop.progress import CancelToken, Progress
from desktop.ui.common import files
from desktop.ui.settings.view import SettingsView
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.tasks import TaskHandle, run_task, show_error

PATH_ROLE = Qt.ItemDataRole.UserRole


def _tr(text: str) -> str:
    return QCoreApplication.translate("settings", text)


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
        if path is None:
            self._say(_tr("服务器数据库请用数据库自身的工具备份和恢复。"))
        self._on_selected(tree.currentItem(), None)
        return found

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
        start = self.ctx.store.path.parent if self.ctx.store.path else Path.home()
        chosen = files.open_store_file(self.owner, _tr("选择要恢复的备份文件"), start)
        if not chosen:
            return None
        path = Path(chosen)
        return self._restore(path, _tr("文件“{name}”").format(name=path.name))

    def _restore(self, backup: Path, what: str) -> TaskHandle[Path | None] | None:
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
