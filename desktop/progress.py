"""Long work is a generator: it yields Progress and checks a CancelToken; no Qt here.

A work function looks like:

    def apply(plan, cancel: CancelToken) -> Generator[Progress, None, Result]:
        for i, row in enumerate(rows):
            cancel.raise_if_cancelled()
            ...
            yield Progress(i + 1, len(rows), "正在写入…")
        return result

`drain(gen)` runs one to completion without a window (command line, tests).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Progress:
    done: int
    total: int  # 0 when unknown
    message: str = ""


class Cancelled(Exception):
    """The user cancelled the work; whatever it did was rolled back."""


class CancelToken:
    """A flag the GUI sets and the work checks between steps (thread-safe)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the work to stop at its next check."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """Whether cancel() was called."""
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        """Raise Cancelled when cancel() was called."""
        if self._event.is_set():
            raise Cancelled("已取消")


Work = Generator[Progress, None, T]


def drain(gen: Work[T], on_progress: Callable[[Progress], None] | None = None) -> T:
    """Run a work generator to its end and return its result."""
    while True:
        try:
            step = next(gen)
        except StopIteration as stop:
            result: T = stop.value
            return result
        if on_progress is not None:
            on_progress(step)
