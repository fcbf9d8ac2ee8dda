"""Lists refresh when the window regains focus (spec/desks.md): another desk may have written.

The main window asks `FocusRefresher.check()` when it is activated again. The store's change
stamp (db.store.change_stamp: the last audited write, the last import batch) is read off the GUI
thread; when it differs from the one seen before, the current screen's `refresh()` runs, with
its tables' selection and scroll position kept where the rows still exist (`ViewsKept`).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel, QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QAbstractItemView, QWidget

from desktop.progress import Progress
from desktop.ui.shell.tasks import TaskHandle, active_tasks, run_task

Stamp = tuple[object, ...]
KEY_ROLES = (Qt.ItemDataRole.UserRole + 1, Qt.ItemDataRole.UserRole)
SCAN_LIMIT = 5000  # rows looked through to find a kept row again (a lazy model may have more)
RESTORE_WINDOW_MS = 10_000  # a reload delivered later than this is another one


def _read_stamp(store: Any) -> Generator[Progress, None, Stamp]:
    from db.store import change_stamp

    yield from ()
    return change_stamp(store)


class FocusRefresher(QObject):
    """Reads the change stamp in the background; a changed one refreshes the current screen."""

    def __init__(self, window: QWidget, store: Any) -> None:
        super().__init__(window)  # no Python reference to the window: no cycle keeps it alive
        self._store = store
        self.seen: Stamp | None = None
        self.task: TaskHandle[Stamp] | None = None
        self._again = False
        self.refreshed = 0  # how many refreshes a changed stamp caused (tests)

    def check(self) -> None:
        """Compare the stamp with the one seen before (one read at a time)."""
        if self.task is not None and not self.task.finished:
            self._again = True
            return
        store, window = self._store, self._window()
        self.task = run_task(
            window,
            lambda _cancel: _read_stamp(store),
            label=self.tr("正在检查数据…"),
            on_done=self._stamp_read,
            on_error=self._stamp_failed,
        )

    def _window(self) -> QWidget:
        window = self.parent()
        assert isinstance(window, QWidget)
        return window

    @Slot(object)
    def _stamp_read(self, stamp: Stamp) -> None:
        changed = self.seen is not None and stamp != self.seen
        # refresh_current() is False while the clerk is typing there: the next activation asks again
        if not changed or self.refresh_current():
            self.seen = stamp
        if self._again:
            self._again = False
            self.check()

    @Slot(object)
    def _stamp_failed(self, _exc: BaseException) -> None:
        # the server is away for a moment: the next activation asks again, nothing to tell now
        self._again = False

    def refresh_current(self) -> bool:
        """The current screen reads again, its tables keeping selection and scroll position.

        Not while the clerk has unsaved typing there (a cell being edited, the screen's
        `is_dirty()`): False then, and nothing was reloaded.
        """
        current = getattr(self._window(), "current_screen", None)
        screen = current() if callable(current) else None
        refresh = getattr(screen, "refresh", None)
        if screen is None or not callable(refresh):
            return True
        if _typing(screen):
            return False
        kept = ViewsKept(screen)
        busy = active_tasks()
        refresh()
        self.refreshed += 1
        kept.restore()
        if active_tasks() > busy:  # the screen reloads in the background: restore after it
            kept.restore_after_reset()
        else:
            kept.deleteLater()
        return True


def _typing(screen: QWidget) -> bool:
    """Whether a reload now would throw away what the clerk is typing."""
    is_dirty = getattr(screen, "is_dirty", None)
    if callable(is_dirty) and is_dirty():
        return True
    editing = QAbstractItemView.State.EditingState
    return any(v.state() == editing for v in screen.findChildren(QAbstractItemView))


@dataclass
class _ViewState:
    view: QAbstractItemView
    model: QAbstractItemModel
    selected: list[object]
    current: object | None
    current_column: int
    scroll: tuple[int, int]


def _key(model: QAbstractItemModel, row: int) -> object:
    """What identifies a row across a reload: its id role when it has one, else its first text."""
    index = model.index(row, 0)
    for role in KEY_ROLES:
        value = index.data(role)
        if isinstance(value, (int, str, tuple)):
            return (int(role), value)
    return ("text", index.data(Qt.ItemDataRole.DisplayRole))


def _row_of(model: QAbstractItemModel, key: object) -> int:
    row_of = getattr(model, "row_of", None)
    if callable(row_of) and isinstance(key, tuple) and key[0] != "text":
        try:
            found = row_of(key[1])
        except (TypeError, KeyError, ValueError):
            found = None
        if isinstance(found, int) and found >= 0 and _key(model, found) == key:
            return found
    for row in range(min(model.rowCount(), SCAN_LIMIT)):
        if _key(model, row) == key:
            return row
    return -1


class ViewsKept(QObject):
    """The selection and scroll position of a screen's tables, put back after a reload."""

    def __init__(self, screen: QWidget) -> None:
        super().__init__(screen)
        self._states = [s for s in map(self._capture, screen.findChildren(QAbstractItemView)) if s]
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._stop_waiting)
        self._waiting: list[QAbstractItemModel] = []

    @staticmethod
    def _capture(view: QAbstractItemView) -> _ViewState | None:
        model, selection = view.model(), view.selectionModel()
        if model is None or selection is None or not view.isVisibleTo(view.window()):
            return None
        rows = sorted({i.row() for i in selection.selectedIndexes()})
        current = view.currentIndex()
        return _ViewState(
            view,
            model,
            [_key(model, r) for r in rows],
            _key(model, current.row()) if current.isValid() else None,
            max(current.column(), 0),
            (view.verticalScrollBar().value(), view.horizontalScrollBar().value()),
        )

    def restore(self) -> None:
        """Select the kept rows that are still shown and scroll back."""
        for state in self._states:
            if state.view.model() is not state.model:
                continue
            if state.selected or state.current is not None:
                self._reselect(state)
            v, h = state.scroll
            state.view.doItemsLayout()  # the scroll bars' range of the reloaded rows
            state.view.verticalScrollBar().setValue(v)
            state.view.horizontalScrollBar().setValue(h)

    def _reselect(self, state: _ViewState) -> None:
        model, selection = state.model, state.view.selectionModel()
        if selection is None:
            return
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        rows = [r for r in (_row_of(model, k) for k in state.selected) if r >= 0]
        current = _row_of(model, state.current) if state.current is not None else -1
        if not rows and current < 0:
            return
        if current >= 0:
            index = model.index(current, state.current_column)
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
        selection.clearSelection()
        for r in rows:
            selection.select(model.index(r, 0), flags)

    def restore_after_reset(self) -> None:
        """Restore once more when the background reload resets the tables (within a while)."""
        for state in self._states:
            if state.model not in self._waiting:
                state.model.modelReset.connect(self._model_reset)
                state.model.layoutChanged.connect(self._model_reset)
                self._waiting.append(state.model)
        self._timer.start(RESTORE_WINDOW_MS)

    @Slot()
    def _model_reset(self) -> None:
        model = self.sender()
        if isinstance(model, QAbstractItemModel) and model in self._waiting:
            self._forget(model)  # once per table: a later reset is the clerk's own
        QTimer.singleShot(0, self, self.restore)  # after the view itself handled the reset
        if not self._waiting:
            self._timer.stop()
            QTimer.singleShot(0, self, self.deleteLater)

    def _forget(self, model: QAbstractItemModel) -> None:
        model.modelReset.disconnect(self._model_reset)
        model.layoutChanged.disconnect(self._model_reset)
        self._waiting.remove(model)

    @Slot()
    def _stop_waiting(self) -> None:
        for model in list(self._waiting):
            self._forget(model)
        self.deleteLater()
