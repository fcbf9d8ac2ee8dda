"""The whole window on a PostgreSQL store: every screen opens and fills with the demo district.

The store is a real database on the test run's server, filled with the demo data; each screen is
visited as a clerk would (Ctrl+number or the navigation list), and none may show an error. With
BUREAU_SCREENSHOTS=DIR each screen is saved as a PNG there, to be looked at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractItemView

from db.store import Store, open_store
from desktop import demo
from desktop.preferences import Preferences
from desktop.ui.shell import editors
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.screens import SCREENS
from desktop.ui.shell.tasks import wait_for_tasks


@pytest.fixture
def demo_server_store(pg_database: str) -> Iterator[Store]:
    store = open_store(pg_database)
    with store.transaction() as session:
        demo.fill(session, "测试员")
    yield store
    store.close()


def _rows_shown(widget: Any) -> int:
    """Rows of the largest table or list on the screen."""
    views = widget.findChildren(QAbstractItemView)
    counts = [v.model().rowCount() for v in views if v.model() is not None and v.isVisible()]
    return max(counts, default=0)


def test_every_screen_opens_on_a_server_store(
    demo_server_store: Store, qtbot: Any, message_boxes: Any
) -> None:
    from desktop.ui.shell.main_window import MainWindow

    ctx = AppContext(
        store=demo_server_store,
        operator="测试员",
        prefs=Preferences.load(),
        enterprise_editor=editors.enterprise_editor,
    )
    assert ctx.operator == demo_server_store.login == "kc_test_admin"  # the login, not 测试员
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    shots = os.environ.get("BUREAU_SCREENSHOTS")
    filled: dict[str, int] = {}
    for spec in SCREENS:
        window.navigate(spec.key)
        assert wait_for_tasks(30000), f"{spec.key}: work still running"
        qtbot.wait(50)
        assert wait_for_tasks(30000)
        widget = window.screen_widget(spec.key)
        assert widget is not None and widget.isVisible(), spec.key
        filled[spec.key] = _rows_shown(widget)
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            window.grab().save(str(Path(shots) / f"pg-{spec.key}.png"))
    assert message_boxes.shown == []
    for key in ("enterprises", "commissioners", "carriers", "platforms", "contracts"):
        if key in filled:
            assert filled[key] > 0, f"{key} shows no rows on the server store"
    assert window.store_label.text().startswith("服务器 ")
    assert "kc_test_admin（管理）" in window.store_label.text()
    message_boxes.answer = message_boxes.answer.No
    window.close()
