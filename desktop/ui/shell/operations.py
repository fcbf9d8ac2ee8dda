"""The window's thin wrapper around named operations (desktop/operations.py).

    run_op(self, ctx, partial(platforms.delete_platform, platform_id=pid, operator=ctx.operator),
           label=self.tr("正在删除…"), on_done=self._deleted)

The operation runs on the one write worker in one transaction; `on_done(result)` runs on the GUI
thread (a `@Slot` of the screen), and bad input reaches `on_error` (default: a clerk's message).
The window never opens a transaction itself (tests/unit/test_structure.py checks it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QWidget

from desktop.operations import Operation, Steps, perform, perform_steps
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.tasks import TaskHandle, run_task

T = TypeVar("T")


def run_op(
    parent: QWidget | None,
    ctx: AppContext,
    op: Operation[T],
    *,
    label: str,
    on_done: Callable[[T], None],
    on_error: Callable[[BaseException], None] | None = None,
) -> TaskHandle[T]:
    """Run one named operation on the write worker; the result comes back to `on_done`."""
    store = ctx.store
    return run_task(
        parent,
        lambda _cancel: perform(store, op),
        label=label,
        on_done=on_done,
        on_error=on_error,
        write=True,
    )


def run_steps(
    parent: QWidget | None,
    ctx: AppContext,
    steps: Steps[T],
    *,
    label: str,
    on_done: Callable[[T], None],
    on_error: Callable[[BaseException], None] | None = None,
) -> TaskHandle[T]:
    """Run a step-wise operation (progress, cancel) on the write worker in one transaction."""
    store = ctx.store
    return run_task(
        parent,
        lambda cancel: perform_steps(store, steps, cancel),
        label=label,
        on_done=on_done,
        on_error=on_error,
        write=True,
    )
