"""Issue 11 item 4: the app's file dialogs never open the store, so SQLite's locks survive them.

On Linux SQLite locks with POSIX advisory locks, and a close() of any other descriptor on the same
file inside the process drops them all. Qt's file dialog read the files it listed (type sniffing):
browsing the store's folder dropped the window's locks, a read-only `bureau stats` then deleted the
WAL, and every later edit of the window went to a deleted file. The reproduction: the real store
open in this process, the dialog listing the store's folder, `bureau stats` as another process,
edits through the store, and a fresh process reading the file.
"""

from __future__ import annotations

import ast
import ctypes
import json
import os
import struct
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QFileSystemModel

from db.services.towns import add_towns
from db.store import Store
from desktop.ui.common import files
from desktop.ui.common.files import FileDialog

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="POSIX locks as /proc/locks shows them: Linux"
)

ROOT = Path(__file__).resolve().parents[2]
IN_OPEN = 0x20
BUREAU = (sys.executable, "-c", "import sys; from desktop.cli import main; sys.exit(main())")
READ_TOWNS = (
    "import json, sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
    "print(json.dumps([r[0] for r in c.execute('SELECT name FROM towns ORDER BY id')]))"
)


def held_locks(store_path: Path) -> set[tuple[str, str, str, str]]:
    """This process's locks on the store and its -shm, from /proc/locks: (file, kind, start, end)."""
    inodes = {}
    for path in (store_path, store_path.with_name(store_path.name + "-shm")):
        if path.exists():
            inodes[path.stat().st_ino] = path.name
    held = set()
    for line in Path("/proc/locks").read_text().splitlines():
        parts = line.split()
        if len(parts) < 8 or parts[1] == "->" or parts[4] != str(os.getpid()):
            continue
        inode = int(parts[5].rsplit(":", 1)[1])
        if inode in inodes:
            held.add((inodes[inode], parts[3], parts[6], parts[7]))
    return held


@contextmanager
def files_opened_in(folder: Path) -> Iterator[set[str]]:
    """The names of the folder's files opened (by anyone) inside the block, as inotify saw them."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
    assert fd >= 0 and libc.inotify_add_watch(fd, str(folder).encode(), IN_OPEN) >= 0
    opened: set[str] = set()
    try:
        yield opened
    finally:
        while True:
            try:
                data = os.read(fd, 65536)
            except BlockingIOError:
                break
            at = 0
            while at < len(data):
                _wd, _mask, _cookie, size = struct.unpack_from("iIII", data, at)
                name = data[at + 16 : at + 16 + size].rstrip(b"\0").decode()
                if name:
                    opened.add(name)
                at += 16 + size
        os.close(fd)


def edit(store: Store, town: str) -> None:
    """One edit through the store, as the write worker makes it."""
    with store.transaction() as session:
        add_towns(session, [town], "测试员")


def towns_on_disk(store_path: Path) -> list[str]:
    """What a fresh process reads from the file."""
    done = subprocess.run(
        [sys.executable, "-c", READ_TOWNS, str(store_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return list(json.loads(done.stdout))


def bureau_stats(store_path: Path) -> None:
    """The read-only command of the finding, as another process."""
    env = os.environ | {"PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [*BUREAU, "--db", str(store_path), "stats"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def browse(qtbot: Any, dialog: QFileDialog, folder: Path) -> None:
    """Show the dialog on the folder, let it list the files with their icons and types, close it."""
    model = dialog.findChild(QFileSystemModel)
    assert model is not None
    loaded: list[str] = []
    model.directoryLoaded.connect(loaded.append)
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    dialog.setDirectory(str(folder))
    dialog.show()
    qtbot.waitUntil(lambda: str(folder) in loaded, timeout=10_000)
    parent = model.index(str(folder))
    for row in range(model.rowCount(parent)):  # what the views ask for, asked at once
        index: QModelIndex = model.index(row, 0, parent)
        model.fileIcon(index)
        model.type(index)
        for column in range(model.columnCount(parent)):
            model.data(model.index(row, column, parent), Qt.ItemDataRole.DisplayRole)
            model.data(model.index(row, column, parent), Qt.ItemDataRole.DecorationRole)
    qtbot.wait(500)  # the file-info thread's last answers
    dialog.reject()
    dialog.deleteLater()
    QApplication.processEvents()


@pytest.fixture
def open_store(store: Store, store_path: Path) -> Iterator[Store]:
    """The store open in this process, as the window has it: a pooled connection, WAL and -shm."""
    edit(store, "一号镇")
    assert store_path.with_name(store_path.name + "-wal").exists()
    assert any(name == "bureau.sqlite" for name, *_ in held_locks(store_path))
    files.protect_store(store_path)
    yield store
    files.release_store(store_path)


def dialog_then_cli_then_edits(qtbot: Any, store: Store, store_path: Path, dialog: Any) -> None:
    """The finding's sequence: dialog on the store's folder, `bureau stats`, edits, stats again."""
    browse(qtbot, dialog, store_path.parent)
    bureau_stats(store_path)
    edit(store, "二号镇")
    bureau_stats(store_path)
    edit(store, "三号镇")
    edit(store, "四号镇")
    bureau_stats(store_path)


def test_the_apps_dialog_keeps_the_locks_and_every_edit_reaches_the_file(
    qtbot: Any, open_store: Store, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(store_path.parent)  # where Qt's dialog lists before it is told a folder
    before = held_locks(store_path)
    assert any(name == "bureau.sqlite" for name, *_ in before)  # the WAL reader's SHARED lock
    dialog = FileDialog(None, "导出Excel", store_path.parent, "Excel 工作簿 (*.xlsx)")
    assert dialog.iconProvider() is dialog.icons
    with files_opened_in(store_path.parent) as opened:
        browse(qtbot, dialog, store_path.parent)
    assert not opened & {"bureau.sqlite", "bureau.sqlite-wal", "bureau.sqlite-shm"}
    assert held_locks(store_path) == before
    bureau_stats(store_path)
    assert store_path.with_name(store_path.name + "-wal").exists()  # not taken for unused
    dialog_then_cli_then_edits(
        qtbot, open_store, store_path, FileDialog(None, "导入", store_path.parent, "所有文件 (*)")
    )
    assert held_locks(store_path) == before
    assert towns_on_disk(store_path) == ["一号镇", "二号镇", "三号镇", "四号镇"]


def test_qts_default_dialog_is_the_hazard_this_guards_against(
    qtbot: Any, open_store: Store, store_path: Path
) -> None:
    """The control: Qt's dialog as the app used it before sniffs the store and the edits are lost."""
    before = held_locks(store_path)
    dialog = QFileDialog(None, "导出Excel", str(store_path.parent), "Excel 工作簿 (*.xlsx)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    with files_opened_in(store_path.parent) as opened:
        browse(qtbot, dialog, store_path.parent)
    if held_locks(store_path) == before:
        pytest.skip("this system's Qt names the store's files without reading them")
    assert "bureau.sqlite" in opened
    bureau_stats(store_path)
    assert not store_path.with_name(store_path.name + "-wal").exists()  # deleted under the window
    edit(open_store, "二号镇")
    bureau_stats(store_path)
    assert "二号镇" not in towns_on_disk(store_path)


def test_dialogs_hide_the_stores_files(qtbot: Any, open_store: Store, store_path: Path) -> None:
    (store_path.parent / "企业名录.xlsx").write_bytes(b"")
    (store_path.parent / "backup.sqlite").write_bytes(b"")
    for picks_store, shown in (
        (False, {"企业名录.xlsx"}),
        (True, {"企业名录.xlsx", "backup.sqlite"}),
    ):
        dialog = FileDialog(
            None, "选择", store_path.parent, "所有文件 (*)", picks_store=picks_store
        )
        qtbot.addWidget(dialog)
        proxy = dialog.proxyModel()
        source = proxy.sourceModel()
        assert isinstance(source, QFileSystemModel)
        qtbot.waitUntil(lambda s=source: s.rowCount(s.index(str(store_path.parent))) >= 5)
        root = proxy.mapFromSource(source.index(str(store_path.parent)))
        names = {proxy.index(r, 0, root).data() for r in range(proxy.rowCount(root))}
        assert names - {"backups"} == shown


def answer(respond: Any) -> None:
    """Call respond(dialog) once the modal FileDialog is up."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, FileDialog) and dialog.isVisible():
            respond(dialog)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def test_saving_over_the_store_is_refused(
    qtbot: Any, open_store: Store, store_path: Path, message_boxes: Any
) -> None:
    def respond(dialog: FileDialog) -> None:
        assert dialog.labelText(QFileDialog.DialogLabel.Accept) == "保存(&S)"
        assert dialog.labelText(QFileDialog.DialogLabel.FileName) == "文件名(&N)："
        dialog.selectFile(store_path.name)
        dialog.accept()  # refused: the dialog stays open
        assert dialog.isVisible()
        dialog.selectFile("企业名录.xlsx")
        dialog.accept()

    answer(respond)
    chosen = files.save_file_name(None, "导出Excel", store_path.parent, "Excel 工作簿 (*.xlsx)")
    assert chosen == str(store_path.parent / "企业名录.xlsx")
    [(kind, _title, text)] = message_boxes.shown
    assert kind == "warning" and "bureau.sqlite 是本程序正在使用的数据文件" in text
    assert files.is_store_file(store_path.with_name("bureau.sqlite-wal"))
    assert not files.is_store_file(store_path.with_name("other.sqlite"))


def test_restoring_the_store_onto_itself_is_refused(
    qtbot: Any, open_store: Store, store_path: Path, message_boxes: Any
) -> None:
    def respond(dialog: FileDialog) -> None:
        dialog.selectFile(str(store_path))
        dialog.accept()
        dialog.reject()

    answer(respond)
    assert files.open_store_file(None, "选择备份", store_path.parent) == ""
    assert [kind for kind, *_ in message_boxes.shown] == ["warning"]


def test_cancel_gives_nothing(qtbot: Any, tmp_path: Path) -> None:
    answer(lambda dialog: dialog.reject())
    assert files.open_file_names(None, "选择要导入的文件", tmp_path, "表格文件 (*.xlsx)") == []
    answer(lambda dialog: dialog.reject())
    assert files.existing_folder(None, "选择文件夹", tmp_path) == ""


def test_the_main_window_protects_its_store(main_window: Any) -> None:
    assert files.is_store_file(main_window.ctx.store.path)


def test_no_file_dialog_outside_the_helper() -> None:
    """Every open/save dialog of the window is the helper's (a Qt static one would sniff the store)."""
    found = []
    for path in (ROOT / "desktop").rglob("*.py"):
        if path == ROOT / "desktop" / "ui" / "common" / "files.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            named = (isinstance(node, ast.Name) and node.id == "QFileDialog") or (
                isinstance(node, ast.Attribute) and node.attr == "QFileDialog"
            )
            if named or (isinstance(node, ast.alias) and node.name == "QFileDialog"):
                found.append(f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}")
    assert not found, "use desktop.ui.common.files instead of QFileDialog: " + ", ".join(found)
