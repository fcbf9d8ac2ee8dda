"""Lists refresh when the window regains focus (spec/desks.md): another desk wrote meanwhile.

The other desk is a second Store on the same data; the clerk activates another window, then this
one again (offscreen activation is real).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from db.services import enterprises
from db.store import Store, open_store
from desktop.ui.shell.tasks import wait_for_tasks
from tests.unit.test_roster_service import make_uscc

OTHER_DESK = "另一台"
NAMES = [f"企业{n:03d}有限公司" for n in range(1, 61)]


def other_desk(store: Store) -> Store:
    """The same data opened a second time, as another desk does."""
    return open_store(store.url, daily_backup=False)


def activate(window: Any) -> None:
    """The clerk works in another window, then comes back to this one."""
    away = QWidget()
    away.setWindowTitle("另一个程序")
    away.show()
    away.activateWindow()
    _wait(lambda: not window.isActiveWindow())
    away.close()
    window.activateWindow()
    _wait(window.isActiveWindow)
    assert wait_for_tasks(10_000)


def _wait(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 5
    while not condition() and time.monotonic() < deadline:
        QCoreApplication.processEvents()
    assert condition()


@pytest.fixture
def roster(store: Store, main_window: Any) -> Any:
    with store.transaction() as s:
        for n, name in enumerate(NAMES, start=1):
            enterprises.create(s, {"name": name, "uscc": make_uscc(n)}, "测试员")
    screen = main_window.navigate("enterprises")
    assert wait_for_tasks(10_000)
    activate(main_window)  # the stamp after this desk's own reads
    return screen


def shown(screen: Any) -> list[str]:
    model = screen.table.model()
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_another_desk_s_new_enterprise_appears_on_focus(
    store: Store, main_window: Any, roster: Any
) -> None:
    assert len(shown(roster)) == len(NAMES)
    before = main_window.refresher.refreshed
    other = other_desk(store)
    try:
        with other.transaction() as s:
            enterprises.create(s, {"name": "新来的有限公司", "uscc": make_uscc(99)}, OTHER_DESK)
    finally:
        other.close()
    assert "新来的有限公司" not in shown(roster)  # nothing polls in between
    activate(main_window)
    assert "新来的有限公司" in shown(roster)
    assert main_window.refresher.refreshed == before + 1


def test_no_change_no_reload(main_window: Any, roster: Any) -> None:
    before = main_window.refresher.refreshed
    reloads: list[int] = []
    roster.model.modelReset.connect(lambda: reloads.append(1))
    activate(main_window)
    activate(main_window)
    assert reloads == [] and main_window.refresher.refreshed == before


def test_selection_and_scroll_are_kept(store: Store, main_window: Any, roster: Any) -> None:
    table, model = roster.table, roster.model
    chosen = model.row_of(enterprises_id(store, NAMES[40]))
    table.selectRow(chosen)
    table.scrollTo(model.index(chosen, 0))
    scrolled = table.verticalScrollBar().value()
    assert scrolled > 0
    before = main_window.refresher.refreshed
    other = other_desk(store)
    try:
        with other.transaction() as s:  # sorts first: every row moves down by one
            enterprises.create(s, {"name": "一号有限公司", "uscc": make_uscc(98)}, OTHER_DESK)
            gone = enterprises_id_in(s, NAMES[0])
            enterprises.soft_delete(s, gone, OTHER_DESK)
    finally:
        other.close()
    activate(main_window)
    assert main_window.refresher.refreshed == before + 1
    assert "一号有限公司" in shown(roster) and NAMES[0] not in shown(roster)
    assert roster.selected_ids() == [enterprises_id(store, NAMES[40])]
    assert table.verticalScrollBar().value() == scrolled


def test_the_current_screen_reloads_in_the_background(
    store: Store, main_window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stamp is read off the GUI thread; a screen loading in the background keeps its rows."""
    import desktop.ui.shell.refresh as refresh

    screen = main_window.navigate("home")
    assert wait_for_tasks(10_000)
    activate(main_window)
    reads: list[str] = []
    real = refresh._read_stamp

    def counted(s: Any) -> Any:
        import threading

        reads.append(threading.current_thread().name)
        return (yield from real(s))

    monkeypatch.setattr(refresh, "_read_stamp", counted)
    other = other_desk(store)
    try:
        with other.transaction() as s:
            enterprises.create(s, {"name": "新来的有限公司", "uscc": make_uscc(97)}, OTHER_DESK)
    finally:
        other.close()
    calls: list[int] = []
    monkeypatch.setattr(screen, "refresh", lambda: calls.append(1))
    activate(main_window)
    assert calls == [1]
    assert reads and reads[0] != "MainThread"


def enterprises_id(store: Store, name: str) -> int:
    with store.session() as s:
        return enterprises_id_in(s, name)


def enterprises_id_in(session: Any, name: str) -> int:
    from sqlalchemy import select

    from db.models import Enterprise

    found = session.execute(select(Enterprise.id).where(Enterprise.name == name)).scalar_one()
    return int(found)


def test_no_reload_over_unsaved_typing(store: Store, main_window: Any) -> None:
    settings = main_window.navigate("settings")
    assert wait_for_tasks(10_000)
    activate(main_window)
    before = main_window.refresher.refreshed
    settings.view.bureau_name.setText("某区科学技术局")  # typed, not saved
    assert settings.is_dirty()
    other = other_desk(store)
    try:
        with other.transaction() as s:
            enterprises.create(s, {"name": "新来的有限公司", "uscc": make_uscc(96)}, OTHER_DESK)
    finally:
        other.close()
    activate(main_window)
    assert main_window.refresher.refreshed == before  # asked again on the next activation
    assert settings.view.bureau_name.text() == "某区科学技术局"
