"""The app's file dialogs: every open and save dialog of the window goes through this module.

Why they are not Qt's static dialogs: on Linux SQLite's locks are POSIX advisory locks, and a
close() of *any other* descriptor on the same file inside this process drops them all (SQLite's
"How To Corrupt" §2.2). Qt's file dialog guesses file types by reading the files it lists
(QMimeDatabase content sniffing in the icon provider): browsing the store's folder opened and
closed the store, its -wal and its -shm. Another process then found the store unused, deleted the
WAL on closing, and every later edit of the window went to a deleted file. So these dialogs

* are Qt's widget dialog on every platform (GTK's native one runs inside this process and reads
  files for previews), with an icon provider that names types from the file name only;
* hide the store's own files (the open store, SQLite's -wal / -shm / -journal, and `*.sqlite`
  unless the dialog picks a store file);
* refuse the open store's files as an answer (importing the store, saving over it, restoring it
  onto itself would each open it a second time).

`protect_store(path)` names the open store (the main window calls it when it attaches).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import (
    QFileInfo,
    QMimeDatabase,
    QMimeType,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
)
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QFileSystemModel, QMessageBox, QWidget

from db.locate import same_file

# SQLite's files beside a database: the WAL, the wal-index, the rollback journal.
SIDECAR_SUFFIXES = ("-wal", "-shm", "-journal")
STORE_SUFFIXES = (".sqlite", ".sqlite3")
STORE_FILTER = "科创台账数据文件 (*.sqlite);;所有文件 (*)"

LABELS = {
    QFileDialog.DialogLabel.LookIn: "查找范围(&I)：",
    QFileDialog.DialogLabel.FileName: "文件名(&N)：",
    QFileDialog.DialogLabel.FileType: "文件类型(&T)：",
}

_protected: list[Path] = []  # the open store(s) of this process: the hazard is process-wide


def protect_store(path: Path | None) -> None:
    """Name the open store's file: the dialogs hide it and never hand it out."""
    if path is None:
        return
    resolved = Path(os.path.abspath(path))
    if resolved not in _protected:
        _protected.append(resolved)


def release_store(path: Path | None) -> None:
    """Forget a store named by `protect_store` (it was closed)."""
    if path is not None:
        resolved = Path(os.path.abspath(path))
        if resolved in _protected:
            _protected.remove(resolved)


def protected_files() -> list[Path]:
    """The open stores' files and SQLite's files beside them."""
    return [
        candidate
        for store in _protected
        for candidate in (store, *(store.with_name(store.name + s) for s in SIDECAR_SUFFIXES))
    ]


def is_store_file(path: str | os.PathLike[str]) -> bool:
    """Whether `path` is the open store or one of SQLite's files beside it."""
    target = Path(os.path.abspath(path))
    return any(same_file(target, candidate) for candidate in protected_files())


def hidden_in_dialogs(name: str, path: str, *, picks_store: bool) -> bool:
    """Whether a dialog leaves this file out of its list (decided from the name, never the content)."""
    lower = name.lower()
    if lower.endswith(SIDECAR_SUFFIXES):
        return True
    if not picks_store and lower.endswith(STORE_SUFFIXES):
        return True
    return is_store_file(path)


class NameOnlyIconProvider(QFileIconProvider):
    """Icons and type names from the file name only: the dialog never opens a file it lists."""

    def __init__(self) -> None:
        super().__init__()
        self.setOptions(QAbstractFileIconProvider.Option.DontUseCustomDirectoryIcons)
        self._mimes = QMimeDatabase()

    def icon(self, what: QFileInfo | QAbstractFileIconProvider.IconType) -> QIcon:
        """The folder or file icon (the file's from its extension)."""
        if not isinstance(what, QFileInfo):
            return super().icon(what)
        if what.isDir():
            return super().icon(QAbstractFileIconProvider.IconType.Folder)
        themed = QIcon.fromTheme(self._mime(what).iconName())
        if themed.isNull():
            return super().icon(QAbstractFileIconProvider.IconType.File)
        return themed

    def type(self, info: QFileInfo) -> str:
        """The type column: 文件夹, or the type named by the extension."""
        if info.isDir():
            return "文件夹"
        mime = self._mime(info)
        return mime.comment() or mime.name()

    def _mime(self, info: QFileInfo) -> QMimeType:
        return self._mimes.mimeTypeForFile(info, QMimeDatabase.MatchMode.MatchExtension)


class StoreFilesHidden(QSortFilterProxyModel):
    """The dialog's list without the store's own files (folders always shown)."""

    def __init__(self, picks_store: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.picks_store = picks_store

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        """Keep folders; drop the files `hidden_in_dialogs` names."""
        model = self.sourceModel()
        if not isinstance(model, QFileSystemModel):
            return True
        index = model.index(source_row, 0, source_parent)
        if model.isDir(index):
            return True
        return not hidden_in_dialogs(
            model.fileName(index), model.filePath(index), picks_store=self.picks_store
        )


class FileDialog(QFileDialog):
    """Qt's own file dialog, safe to point at the store's folder (see the module's docstring)."""

    def __init__(
        self,
        parent: QWidget | None,
        caption: str,
        start: str | os.PathLike[str] = "",
        filters: str = "",
        *,
        picks_store: bool = False,
    ) -> None:
        super().__init__(parent)
        # Everything that decides what the dialog reads is set before it lists a folder.
        self.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        self.setOption(QFileDialog.Option.DontUseCustomDirectoryIcons, True)
        self.icons = NameOnlyIconProvider()
        self.setIconProvider(self.icons)
        self.setProxyModel(StoreFilesHidden(picks_store, self))
        self.setWindowTitle(caption)
        for label, text in LABELS.items():  # Chinese even where Qt's translation lacks them
            self.setLabelText(label, text)
        if filters:
            self.setNameFilter(filters)
        self._start_at(Path(start) if str(start) else Path.home())

    def _start_at(self, start: Path) -> None:
        if start.is_dir():
            self.setDirectory(str(start))
        else:  # a suggested file name in a folder
            self.setDirectory(str(start.parent))
            self.selectFile(start.name)

    def accept(self) -> None:
        """Refuse the open store's own files; otherwise accept as Qt does."""
        refused = [p for p in self.selectedFiles() if is_store_file(p)]
        if refused:
            QMessageBox.warning(
                self,
                self.tr("不能选择此文件"),
                self.tr(
                    "{0} 是本程序正在使用的数据文件，不能在这里选择它。请另选一个文件。"
                ).format(Path(refused[0]).name),
            )
            return
        super().accept()

    def answers(self, accept_label: str) -> list[str]:
        """Run the dialog (modal) with its accept button so named; the chosen files, [] if cancelled."""
        self.setLabelText(QFileDialog.DialogLabel.Accept, accept_label)
        self.setLabelText(QFileDialog.DialogLabel.Reject, "取消")
        return self.selectedFiles() if self.exec() == QFileDialog.DialogCode.Accepted else []


def save_file_name(
    parent: QWidget | None, caption: str, start: str | os.PathLike[str], filters: str
) -> str:
    """Ask where to save (start: a suggested file or a folder); "" when cancelled."""
    dialog = FileDialog(parent, caption, start, filters)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    return _first(dialog.answers("保存(&S)"))


def open_file_name(
    parent: QWidget | None,
    caption: str,
    start: str | os.PathLike[str],
    filters: str,
    *,
    picks_store: bool = False,
) -> str:
    """Ask for one existing file; "" when cancelled. picks_store: the answer is a store file."""
    dialog = FileDialog(parent, caption, start, filters, picks_store=picks_store)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    return _first(dialog.answers("打开(&O)"))


def open_file_names(
    parent: QWidget | None, caption: str, start: str | os.PathLike[str], filters: str
) -> list[str]:
    """Ask for one or several existing files; [] when cancelled."""
    dialog = FileDialog(parent, caption, start, filters)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    return dialog.answers("打开(&O)")


def open_store_file(parent: QWidget | None, caption: str, start: str | os.PathLike[str]) -> str:
    """Ask for a store file (a backup to restore, another store); never the open store itself."""
    return open_file_name(parent, caption, start, STORE_FILTER, picks_store=True)


def existing_folder(parent: QWidget | None, caption: str, start: str | os.PathLike[str]) -> str:
    """Ask for a folder; "" when cancelled."""
    dialog = FileDialog(parent, caption, start)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    return _first(dialog.answers("选择文件夹"))


def _first(chosen: Iterable[str]) -> str:
    return next(iter(chosen), "")
