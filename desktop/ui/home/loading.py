"""Loading 首页's figures: the two halves of a refresh as two background tasks side by side.

The 高企 pass (every date, window and town, with 两清零) and the rest (科小, towns, ladder, the
certificate lists) take about as long as each other; run_task's reader pool runs them at once,
each on its own session, and `loaded(Dashboard)` fires when both of the newest request are in.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from db.services.figures.dashboard import (
    DashboardPlan,
    HighTechHalf,
    OtherHalf,
    assemble,
    high_tech_half,
    other_half,
    plan,
)
from db.store import Store
from desktop.progress import Progress
from desktop.ui.shell.tasks import run_task

Half = HighTechHalf | OtherHalf


def load_half(
    store: Store, p: DashboardPlan, half: Callable[[Any, DashboardPlan], Half]
) -> Generator[Progress, None, tuple[DashboardPlan, Half]]:
    """Work for run_task: one half of a refresh, on a session of its own."""
    yield Progress(0, 1, "正在统计…")
    with store.session() as session:
        return p, half(session, p)


def _work(
    store: Store, p: DashboardPlan, half: Callable[[Any, DashboardPlan], Half], _cancel: object
) -> Generator[Progress, None, tuple[DashboardPlan, Half]]:
    return load_half(store, p, half)


class DashboardLoader(QObject):
    """Runs both halves of a refresh; the newest request wins, older results are dropped."""

    loaded = Signal(object)  # db.services.figures.dashboard.Dashboard

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._widget = parent
        self._plan: DashboardPlan | None = None
        self._halves: dict[type, Half] = {}

    def load(self, store: Store, as_of: date, year: int) -> None:
        """Start counting the dashboard on `as_of` for `year`."""
        p = plan(as_of, year)
        self._plan, self._halves = p, {}
        halves: tuple[Callable[[Any, DashboardPlan], Half], ...] = (high_tech_half, other_half)
        for half in halves:
            run_task(
                self._widget,
                partial(_work, store, p, half),
                label=self.tr("正在统计…"),
                on_done=self._on_half,
            )

    def _on_half(self, result: tuple[DashboardPlan, Half]) -> None:
        p, half = result
        if p != self._plan:
            return
        self._halves[type(half)] = half
        if len(self._halves) == 2:
            first, other = self._halves[HighTechHalf], self._halves[OtherHalf]
            assert isinstance(first, HighTechHalf) and isinstance(other, OtherHalf)
            self.loaded.emit(assemble(p, first, other))
