"""GUI fixtures: an AppContext on the test's store and the main window on it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from db.store import Store
from desktop.preferences import Preferences
from desktop.ui.shell import editors
from desktop.ui.shell.context import AppContext


@pytest.fixture(scope="session", autouse=True)
def _chinese_texts(qapp: Any) -> None:
    """As the app does at start (desktop/ui/shell/translations.py): Qt's own texts and the
    app's catalogue in Chinese, before any widget is built."""
    from desktop.ui.shell.translations import install_translations

    install_translations(qapp)


@pytest.fixture(scope="module", autouse=True)
def _collect_on_the_gui_thread(qapp: Any) -> Iterator[None]:
    """As the app does (desktop/ui/shell/app.GuiThreadCollector): Python's cycle collector runs
    on the GUI thread only, never on a task's thread where it would destroy Qt objects."""
    from desktop.ui.shell.app import GuiThreadCollector

    was_enabled = gc.isenabled()
    collector = GuiThreadCollector(qapp)
    yield
    collector.stop()
    gc.collect()
    if was_enabled:
        gc.enable()


@pytest.fixture
def app_ctx(store: Store) -> Iterator[AppContext]:
    """What the screens receive: the test's store, the operator 测试员 and fresh preferences.

    Afterwards the tasks the test's screens started end before the store is closed (a task
    reading a dropped PostgreSQL database would fail in the next test's event loop)."""
    from desktop.ui.shell.tasks import wait_for_tasks

    yield AppContext(
        store=store,
        operator="测试员",
        prefs=Preferences.load(),
        enterprise_editor=editors.enterprise_editor,
    )
    wait_for_tasks(30_000)


class MessageBoxes:
    """Records the message boxes the code under test opened; answers questions with `answer`."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str, str]] = []
        self.answer = QMessageBox.StandardButton.Yes

    def _record(self, kind: str) -> Any:
        def show(_parent: Any, title: str, text: str, *args: Any, **kw: Any) -> Any:
            self.shown.append((kind, title, text))
            return self.answer if kind == "question" else QMessageBox.StandardButton.Ok

        return show

    @property
    def texts(self) -> list[str]:
        """The texts shown so far."""
        return [text for _kind, _title, text in self.shown]


@pytest.fixture
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> MessageBoxes:
    """Patch QMessageBox's static helpers (and exec) so no test blocks on a modal box."""
    boxes = MessageBoxes()
    for kind in ("warning", "information", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(boxes._record(kind)))

    def exec_(self: QMessageBox) -> int:
        boxes.shown.append(("exec", self.windowTitle(), self.text()))
        return int(QMessageBox.StandardButton.Ok.value)

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return boxes


@pytest.fixture
def main_window(message_boxes: MessageBoxes, qtbot: Any, app_ctx: AppContext) -> Iterator[Any]:
    """The main window on the test's store, shown; closed while message boxes are still patched."""
    from desktop.ui.shell.main_window import MainWindow

    window = MainWindow(app_ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    message_boxes.answer = QMessageBox.StandardButton.No  # discard unsaved edits on close
    window.close()
