"""What the six tabs share: the `Tab` base (reload, named writes, 回收站) and small widgets."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QSpinBox, QTableView, QWidget

from db.errors import StaleEdit
from db.rules.years import FIRST_PLAN_YEAR
from db.services.commissioners.dispatches import DispatchView
from desktop.operations import Operation
from desktop.ui.commissioners.models import ID_ROLE
from desktop.ui.common.layout import table_view
from desktop.ui.common.recycle import Loader, RecycleDialog, Restorer
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.operations import run_op
from desktop.ui.shell.tasks import TaskHandle, show_error


def table(model: Any) -> QTableView:
    """A read-only row-selecting table over a model; its columns follow their content (a fixed
    width set here would keep a column from refitting, and clip dates and states at 150%)."""
    return table_view(model)


def year_box(parent: QWidget | None = None) -> QSpinBox:
    """A year spin box defaulting to this year."""
    box = QSpinBox(parent)
    box.setRange(FIRST_PLAN_YEAR, date.today().year + 1)
    box.setValue(date.today().year)
    box.setSuffix(" 年")
    return box


def current_id(view: QTableView) -> int | None:
    """The record id of the current row, None without one."""
    index = view.currentIndex()
    return index.data(ID_ROLE) if index.isValid() else None


def period(d: DispatchView) -> str:
    """A dispatch's service period, e.g. 2025-01-01 ～ 至今."""
    end = d.end_on.isoformat() if d.end_on else "至今"
    return f"{d.start_on.isoformat()} ～ {end}"


class Tab(QWidget):
    """A tab with the context and a `reload()`; `changed` tells the screen others should reload."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.last_task: TaskHandle[Any] | None = None
        self.last_dialog: Any = None

    def reload(self) -> None:
        """Read the tab's data again."""

    def run_write(self, op: Operation[object], label: str) -> TaskHandle[object]:
        """Run a named operation on the write worker; reload and notify when it is done.

        Refused input reaches the clerk as a message; a save over another desk's change
        (StaleEdit) then shows the tab as stored now.
        """
        self.last_task = run_op(
            self, self._ctx, op, label=label, on_done=self._written, on_error=self._refused
        )
        return self.last_task

    @Slot(object)
    def _refused(self, exc: BaseException) -> None:
        show_error(self, exc)
        if isinstance(exc, StaleEdit):
            self.reload()

    @Slot(object)
    def _written(self, _result: object) -> None:
        self.reload()
        self.changed.emit()

    def open_bin(
        self, title: str, columns: tuple[str, ...], loader: Loader, restorer: Restorer
    ) -> RecycleDialog:
        """The 回收站 dialog (modal); the tab reloads after each 恢复."""
        labels = [self.tr(c) for c in columns]
        dialog = RecycleDialog(self._ctx, title, labels, loader, restorer, self)
        dialog.restored.connect(self._written)
        self.last_dialog = dialog
        dialog.open()
        return dialog
