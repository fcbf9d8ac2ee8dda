"""The background-task runner: results and errors on the GUI thread, cancel, delayed dialog."""

from __future__ import annotations

import threading
import time
from collections.abc import Generator
from typing import Any

import pytest
from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from db.services.errors import InputError
from desktop.progress import CancelToken, Progress
from desktop.ui.shell import tasks
from desktop.ui.shell.tasks import run_task, wait_for_tasks


@pytest.fixture
def parent(qtbot: Any) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def counting(n: int, pause: float = 0.0) -> Any:
    def work(cancel: CancelToken) -> Generator[Progress, None, int]:
        total = 0
        for i in range(n):
            cancel.raise_if_cancelled()
            if pause:
                time.sleep(pause)
            total += i
            yield Progress(i + 1, n, f"第{i + 1}步")
        return total

    return work


def gated(gate: threading.Event, started: threading.Event | None = None) -> Any:
    """Work that waits on `gate` (checking cancel) before finishing."""

    def work(cancel: CancelToken) -> Generator[Progress, None, str]:
        if started is not None:
            started.set()
        while not gate.wait(0.01):
            cancel.raise_if_cancelled()
            yield Progress(0, 0, "等待中")
        return "ok"

    return work


def test_result_is_delivered_on_the_gui_thread(parent: QWidget) -> None:
    seen: list[tuple[int, bool]] = []
    gui = QApplication.instance().thread()  # type: ignore[union-attr]

    def done(value: int) -> None:
        seen.append((value, QThread.currentThread() is gui))

    handle = run_task(parent, counting(10), label="计算中", on_done=done)
    assert handle.wait(5000)
    assert seen == [(45, True)]
    assert tasks.active_tasks() == 0


def test_exception_reaches_on_error(parent: QWidget) -> None:
    errors: list[BaseException] = []

    def work(cancel: CancelToken) -> Generator[Progress, None, None]:
        yield Progress(1, 2)
        raise InputError("统一社会信用代码有误")

    handle = run_task(parent, work, label="x", on_done=lambda _r: None, on_error=errors.append)
    assert handle.wait(5000)
    assert [str(e) for e in errors] == ["统一社会信用代码有误"]


def test_default_on_error_shows_clerk_message(parent: QWidget, message_boxes: Any) -> None:
    def work(cancel: CancelToken) -> Generator[Progress, None, None]:
        raise InputError("日期格式不对")
        yield Progress(0, 0)

    run_task(parent, work, label="x", on_done=lambda _r: None)
    assert wait_for_tasks(5000)
    assert message_boxes.texts == ["日期格式不对"]


def test_unexpected_error_is_logged_and_shown_once(parent: QWidget, message_boxes: Any) -> None:
    def work(cancel: CancelToken) -> Generator[Progress, None, None]:
        raise RuntimeError("boom")
        yield Progress(0, 0)

    run_task(parent, work, label="x", on_done=lambda _r: None)
    assert wait_for_tasks(5000)
    assert [kind for kind, _t, _x in message_boxes.shown] == ["exec"]
    from desktop.logs import log_path

    # the log handler is only installed by the app; the dialog names the log's path anyway
    assert log_path().name == "bureau.log"


def test_cancel_stops_the_work_quietly(parent: QWidget, message_boxes: Any) -> None:
    gate = threading.Event()
    started = threading.Event()
    done: list[str] = []
    cancelled: list[bool] = []
    handle = run_task(
        parent,
        gated(gate, started),
        label="x",
        on_done=done.append,
        on_cancelled=lambda: cancelled.append(True),
    )
    assert started.wait(5)
    handle.cancel()
    assert handle.wait(5000)
    gate.set()
    assert done == []
    assert cancelled == [True]
    assert message_boxes.shown == []


def test_no_dialog_for_a_quick_task(parent: QWidget, qtbot: Any) -> None:
    done: list[int] = []
    handle = run_task(parent, counting(2, pause=0.05), label="快", on_done=done.append)
    assert handle.wait(5000)
    assert done == [1]
    assert handle.dialog is None
    qtbot.wait(tasks.DIALOG_DELAY_MS + 100)  # the delay timer must not open it afterwards
    assert handle.dialog is None


def test_dialog_appears_for_a_slow_task_and_cancels_it(parent: QWidget, qtbot: Any) -> None:
    gate = threading.Event()
    done: list[str] = []
    handle = run_task(parent, gated(gate), label="慢慢来", on_done=done.append)
    try:
        qtbot.waitUntil(
            lambda: handle.dialog is not None and handle.dialog.isVisible(), timeout=5000
        )
        assert handle.dialog is not None
        assert "慢慢来" in handle.dialog.labelText()
        qtbot.waitUntil(lambda: "等待中" in handle.dialog.labelText(), timeout=5000)
        button = handle.dialog.findChild(QPushButton)
        assert button is not None and button.text() == "取消"
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert handle.wait(5000)
    finally:
        gate.set()
    assert done == []
    assert handle.token.cancelled
    assert handle.dialog is None


def test_write_tasks_run_one_at_a_time_on_one_thread(parent: QWidget) -> None:
    threads: list[int] = []
    running = [0]
    overlap = [False]

    def work(cancel: CancelToken) -> Generator[Progress, None, None]:
        running[0] += 1
        overlap[0] = overlap[0] or running[0] > 1
        threads.append(threading.get_ident())
        time.sleep(0.02)
        yield Progress(1, 1)
        running[0] -= 1

    for _ in range(4):
        run_task(parent, work, label="写入", on_done=lambda _r: None, write=True)
    assert wait_for_tasks(5000)
    assert not overlap[0]
    assert len(set(threads)) == 1
    assert threading.get_ident() not in threads


def test_a_task_ending_while_its_dialog_shows_a_step_is_no_error(parent: QWidget) -> None:
    """A window-modal progress dialog processes events in setValue: the task may end there and
    close the dialog, and the rest of that step must not touch the closed dialog."""
    gate = threading.Event()
    handle = run_task(parent, gated(gate), label="正在处理…", on_done=lambda _v: None)
    handle._open_dialog()
    dialog = handle.dialog
    assert dialog is not None

    def value_then_end(value: int) -> None:
        handle._close()  # what the task's end does when delivered inside setValue

    dialog.setValue = value_then_end  # type: ignore[method-assign]
    handle._show_progress(Progress(1, 2, "第1步"))  # raised AttributeError before
    assert handle.dialog is None
    gate.set()
    assert wait_for_tasks()
