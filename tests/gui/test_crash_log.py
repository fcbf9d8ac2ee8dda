"""Operations: Qt's warnings land in the log; the crash dialog opens the log's folder."""

from __future__ import annotations

import faulthandler
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl, qInstallMessageHandler, qWarning
from PySide6.QtGui import QDesktopServices, QPainter
from PySide6.QtWidgets import QMessageBox

from desktop import logs
from desktop.ui.shell import errors


@pytest.fixture
def log_file() -> Iterator[Path]:
    """The app's logging and Qt message handler as at a start, in this test's log folder."""
    root = logging.getLogger()
    earlier = [h for h in root.handlers if getattr(h, "_bureau", False)]
    for handler in earlier:
        root.removeHandler(handler)
    level = root.level
    errors._qt_seen.clear()
    try:
        path = logs.setup_logging()
        errors.install_qt_message_handler()
        yield path
    finally:
        qInstallMessageHandler(None)
        for handler in [h for h in root.handlers if getattr(h, "_bureau", False)]:
            root.removeHandler(handler)
            handler.close()
        for handler in earlier:
            root.addHandler(handler)
        root.setLevel(level)
        faulthandler.enable(file=sys.stderr, all_threads=True)


def _flushed(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_qt_warnings_land_in_the_log(log_file: Path, qapp: Any) -> None:
    qWarning("打印机没有响应")
    QPainter().end()  # a real one: Qt warns that the painter was not active
    text = _flushed(log_file)
    assert "WARNING qt: 打印机没有响应" in text
    assert "QPainter::end: Painter not active" in text


def test_a_repeated_qt_warning_is_logged_a_bounded_number_of_times(log_file: Path) -> None:
    for _ in range(errors.QT_REPEATS + 30):
        qWarning("同一条警告")
    assert _flushed(log_file).count("同一条警告") == errors.QT_REPEATS


def test_the_crash_dialog_opens_the_log_folder(qapp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    buttons: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))

    def exec_(box: QMessageBox) -> int:
        buttons.extend(b.text() for b in box.buttons())
        box.folder_button.click()  # type: ignore[attr-defined]
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    errors.show_unexpected(None, RuntimeError("boom"))
    assert "打开日志文件夹" in buttons and "关闭" in buttons
    assert [Path(p) for p in opened] == [logs.log_path().parent]
    assert QUrl.fromLocalFile(opened[0]).isLocalFile()
