"""The one runner of background work: a generator off the GUI thread, progress, cancel, results.

    run_task(self, lambda cancel: importing.apply(plan, cancel), label="正在导入…",
             on_done=self._imported, write=True)

* `work(cancel)` returns a generator yielding `desktop.progress.Progress` and returning the result;
  it runs on a worker thread (open sessions inside it, never share the GUI's session).
* A `QProgressDialog` appears only when the work is still running after ~600 ms; its 取消 button
  sets the `CancelToken`. `Cancelled` raised by the work closes the dialog quietly.
* `on_done(result)` / `on_error(exc)` run on the GUI thread: worker signals are connected to
  `@Slot` methods of a `QObject` that lives on the GUI thread (never to lambdas).
* `write=True` work is serialised on one dedicated writer thread: all store writes go through it.
* The default `on_error` shows a clerk's message for bad input (InputError, StoreError, SettingsError,
  TownError) and the "unexpected error" dialog (logged, with the log's path) for anything else.
* Tests: `handle.wait(ms)` or `wait_for_tasks(ms)` process events until results were delivered.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Generator
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QObject,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop.progress import Cancelled, CancelToken, Progress

T = TypeVar("T")
WorkFactory = Callable[[CancelToken], Generator[Progress, None, T]]

log = logging.getLogger(__name__)

DIALOG_DELAY_MS = 600
PROGRESS_INTERVAL_S = 0.05  # at most ~20 progress signals a second reach the GUI

_active: set[TaskHandle[Any]] = set()
_pools: dict[str, QThreadPool] = {}


def _pool(write: bool) -> QThreadPool:
    """The writer pool (one thread that never expires) or the reader pool."""
    key = "write" if write else "read"
    pool = _pools.get(key)
    if pool is None:
        pool = QThreadPool()
        pool.setObjectName(f"bureau-{key}")
        pool.setMaxThreadCount(1 if write else 2)
        if write:
            pool.setExpiryTimeout(-1)
        _pools[key] = pool
    return pool


class _Relay(QObject):
    """Lives on the GUI thread; the worker's signals are delivered to its slots (queued)."""

    progress = Signal(object)
    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, handle: TaskHandle[Any]) -> None:
        super().__init__()
        self._handle = handle
        self.progress.connect(self.on_progress, Qt.ConnectionType.QueuedConnection)
        self.finished.connect(self.on_finished, Qt.ConnectionType.QueuedConnection)
        self.failed.connect(self.on_failed, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def on_progress(self, step: Progress) -> None:
        self._handle._show_progress(step)

    @Slot(object)
    def on_finished(self, result: object) -> None:
        self._handle._deliver_result(result)

    @Slot(object)
    def on_failed(self, exc: BaseException) -> None:
        self._handle._deliver_error(exc)

    @Slot()
    def on_delay_elapsed(self) -> None:
        self._handle._open_dialog()

    @Slot()
    def on_cancel_clicked(self) -> None:
        self._handle.cancel()


class _Runner(QRunnable):
    """Drives the generator on a pool thread and emits through the relay's signals."""

    def __init__(self, work: WorkFactory[Any], token: CancelToken, relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._work = work
        self._token = token
        self._relay = relay
        self.ended = threading.Event()

    def run(self) -> None:
        try:
            result = self._drive()
        except BaseException as exc:  # delivered to on_error on the GUI thread
            self._relay.failed.emit(exc)
        else:
            self._relay.finished.emit(result)
        finally:
            self.ended.set()

    def _drive(self) -> object:
        self._token.raise_if_cancelled()
        gen = self._work(self._token)
        last = 0.0
        while True:
            try:
                step = next(gen)
            except StopIteration as stop:
                return stop.value
            self._token.raise_if_cancelled()
            now = time.monotonic()
            if now - last >= PROGRESS_INTERVAL_S or (step.total and step.done >= step.total):
                last = now
                self._relay.progress.emit(step)


class TaskHandle(Generic[T]):
    """One running task: cancel it, or wait for it (tests)."""

    def __init__(
        self,
        parent: QWidget | None,
        label: str,
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None,
        on_cancelled: Callable[[], None] | None,
    ) -> None:
        self._parent = parent
        self.label = label
        self._on_done = on_done
        self._on_error = on_error
        self._on_cancelled = on_cancelled
        self.token = CancelToken()
        self.finished = False
        self.dialog: QProgressDialog | None = None
        self._last: Progress | None = None
        self._relay = _Relay(self)
        self._timer = QTimer(self._relay)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._relay.on_delay_elapsed)
        self._ended: threading.Event | None = None

    def cancel(self) -> None:
        """Ask the work to stop at its next check; it closes quietly."""
        self.token.cancel()
        if self.dialog is not None:
            self.dialog.setLabelText(QCoreApplication.translate("tasks", "正在取消…"))

    def wait(self, ms: int = 5000) -> bool:
        """Process events until the result was delivered (True) or `ms` passed (False)."""
        deadline = time.monotonic() + ms / 1000
        while not self.finished and time.monotonic() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            if self._ended is not None and not self.finished:
                self._ended.wait(0.005)
        QCoreApplication.processEvents()
        return self.finished

    def _start(self, work: WorkFactory[T], write: bool) -> None:
        runner = _Runner(work, self.token, self._relay)
        self._ended = runner.ended
        _active.add(self)
        self._timer.start(DIALOG_DELAY_MS)
        _pool(write).start(runner)

    def _open_dialog(self) -> None:
        if self.finished or self.dialog is not None:
            return
        owner = self._parent.window() if self._alive() and self._parent is not None else None
        dialog = QProgressDialog(
            self.label, QCoreApplication.translate("tasks", "取消"), 0, 0, owner
        )
        dialog.setWindowTitle(QCoreApplication.translate("tasks", "请稍候"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumWidth(360)
        dialog.canceled.connect(self._relay.on_cancel_clicked)
        self.dialog = dialog
        if self._last is not None:
            self._show_progress(self._last)
        dialog.show()

    def _show_progress(self, step: Progress) -> None:
        self._last = step
        if self.dialog is None or self.token.cancelled:
            return
        dialog = self.dialog
        if step.message:
            dialog.setLabelText(f"{self.label}\n{step.message}")
        dialog.setMaximum(max(step.total, 0))
        if step.total:
            # Last: a window-modal dialog's setValue processes events, in which the task may end
            # and close the dialog (self.dialog is None afterwards).
            dialog.setValue(min(step.done, step.total))

    def _close(self) -> None:
        self.finished = True
        self._timer.stop()
        if self.dialog is not None:
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None
        _active.discard(self)

    def _alive(self) -> bool:
        return self._parent is None or shiboken6.isValid(self._parent)

    def _deliver_result(self, result: Any) -> None:
        self._close()
        if self._alive():
            self._on_done(result)

    def _deliver_error(self, exc: BaseException) -> None:
        self._close()
        if not self._alive():
            return
        if isinstance(exc, Cancelled):
            if self._on_cancelled is not None:
                self._on_cancelled()
            return
        if self._on_error is not None:
            self._on_error(exc)
        else:
            show_error(self._parent, exc)


def run_task(
    parent: QWidget | None,
    work: WorkFactory[T],
    *,
    label: str,
    on_done: Callable[[T], None],
    on_error: Callable[[BaseException], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
    write: bool = False,
) -> TaskHandle[T]:
    """Run `work(cancel)` off the GUI thread; results come back to the GUI thread."""
    handle: TaskHandle[T] = TaskHandle(parent, label, on_done, on_error, on_cancelled)
    handle._start(work, write)
    return handle


def active_tasks() -> int:
    """How many tasks have not delivered their result yet."""
    return len(_active)


def wait_for_tasks(ms: int = 5000) -> bool:
    """Process events until every task delivered its result (True) or `ms` passed (tests)."""
    deadline = time.monotonic() + ms / 1000
    while _active and time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.002)
    QCoreApplication.processEvents()
    return not _active


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """A clerk's message for bad input; the logged 'unexpected error' dialog for anything else."""
    from desktop.ui.shell.errors import is_clerk_error, show_message, show_unexpected

    if is_clerk_error(exc):
        show_message(parent, str(exc))
    else:
        show_unexpected(parent, exc)
