"""首页's start-up snapshot (issue 16, speed): shown filled before the store is open, only while it
provably shows the store as it is now, and exactly what the live refresh shows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from db.services.plans import indicators
from db.services.settings import update_settings
from db.store import Store
from desktop.preferences import Preferences
from desktop.ui.home import snapshot
from desktop.ui.home.charts import BarChart, LineChart
from desktop.ui.home.figures import figures_from_plain, to_plain
from desktop.ui.home.screen import HomeScreen
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.main_window import MainWindow, Opening
from desktop.ui.shell.tasks import wait_for_tasks
from tests.gui.test_indicators_screen import plan
from tests.unit.test_dashboard import OP, fill

TODAY = date.today()


def live_home(qtbot: Any, ctx: AppContext) -> HomeScreen:
    """首页 on today's figures, every part of its refresh delivered (and so its snapshot kept)."""
    home = HomeScreen(ctx)
    qtbot.addWidget(home)
    home.resize(1200, 900)
    wait_for_tasks()
    qtbot.waitUntil(lambda: home.tiles is not None and home.pipeline_row is not None, timeout=5000)
    return home


def with_tiles(store: Store) -> None:
    """fill() and plan() with targets of this year too, so that today's 首页 has headline tiles."""
    fill(store)
    plan(store)
    with store.transaction() as s:
        indicators.set_target(s, "contracts_amount", TODAY.year, 25.0, OP)
        indicators.set_actual(s, "contracts_amount", TODAY.year, 5.0, OP)
        indicators.set_target(s, "stations", TODAY.year, 4.0, OP)


def shown(home: HomeScreen) -> dict[str, Any]:
    """Everything 首页 shows as text: labels, buttons, both tables, the charts' data."""
    texts = [
        (w.objectName(), w.text())
        for w in home.findChildren(QWidget)
        if isinstance(w, (QLabel, QPushButton)) and not w.isHidden()
    ]
    tables = [
        [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]
        for m in (home.model, home.expiring_model)
    ]
    charts = [
        (c.categories, [(s.name, s.values, s.markers) for s in c.series])
        for c in home.findChildren(QWidget)
        if isinstance(c, (BarChart, LineChart))
    ]
    return {"texts": sorted(texts), "tables": tables, "charts": charts}


def before_store(qtbot: Any, store: Store) -> HomeScreen | None:
    early = HomeScreen.before_store(store.url)
    if early is not None:
        qtbot.addWidget(early)
        early.resize(1200, 900)
    return early


def test_a_valid_snapshot_fills_home_with_what_the_live_refresh_shows(
    qtbot: Any, app_ctx: AppContext
) -> None:
    with_tiles(app_ctx.store)
    live = live_home(qtbot, app_ctx)
    assert live.tiles and live.figures is not None and live.figures.enterprises == 6
    early = before_store(qtbot, app_ctx.store)
    assert early is not None and early.from_snapshot and early.ctx is None
    assert (early.figures, early.tiles, early.pipeline_row) == (
        live.figures,
        live.tiles,
        live.pipeline_row,
    )
    assert shown(early) == shown(live)
    assert early.as_of_date() == TODAY and early.year.value() == TODAY.year
    # the store opens: the same widget reads live, and nothing it shows changes
    before = shown(early)
    early.attach(app_ctx)
    wait_for_tasks()
    qtbot.waitUntil(lambda: early.result is not None and not early.from_snapshot, timeout=5000)
    assert shown(early) == before


def test_a_write_after_the_snapshot_is_not_shown_from_it(qtbot: Any, app_ctx: AppContext) -> None:
    store = app_ctx.store
    fill(store)
    live_home(qtbot, app_ctx)
    assert before_store(qtbot, store) is not None
    with store.transaction() as s:  # any audited write: here one that changes no figure
        update_settings(s, {"bureau_name": "另一个科技局"}, OP)
    assert before_store(qtbot, store) is None


def test_another_day_is_not_shown_from_the_snapshot(qtbot: Any, app_ctx: AppContext) -> None:
    fill(app_ctx.store)
    live_home(qtbot, app_ctx)
    assert snapshot.load(app_ctx.store.url, TODAY) is not None
    assert snapshot.load(app_ctx.store.url, TODAY + timedelta(days=1)) is None


def test_a_write_during_the_refresh_keeps_no_snapshot(qtbot: Any, app_ctx: AppContext) -> None:
    store = app_ctx.store
    fill(store)
    home = HomeScreen(app_ctx)  # its refresh has read the stamp and started its reads
    qtbot.addWidget(home)
    with store.transaction() as s:
        update_settings(s, {"bureau_name": "写于刷新之中"}, OP)
    wait_for_tasks()
    qtbot.waitUntil(lambda: home.pipeline_row is not None, timeout=5000)
    path = snapshot.sqlite_file(store.url)
    assert path is not None and not snapshot.snapshot_path(path).exists()


def test_only_todays_figures_are_kept(qtbot: Any, app_ctx: AppContext) -> None:
    fill(app_ctx.store)
    home = live_home(qtbot, app_ctx)
    path = snapshot.sqlite_file(app_ctx.store.url)
    assert path is not None
    snapshot.snapshot_path(path).unlink()
    home.as_of.setDate(home.as_of.date().addDays(-3))  # another 统计日期: not what a start shows
    wait_for_tasks()
    qtbot.waitUntil(lambda: home.figures is not None and home.figures.as_of != TODAY, timeout=5000)
    wait_for_tasks()
    assert not snapshot.snapshot_path(path).exists()


def test_a_damaged_or_foreign_snapshot_is_not_shown(qtbot: Any, app_ctx: AppContext) -> None:
    store = app_ctx.store
    fill(store)
    live_home(qtbot, app_ctx)
    path = snapshot.sqlite_file(store.url)
    assert path is not None
    file = snapshot.snapshot_path(path)
    saved = json.loads(file.read_text(encoding="utf-8"))
    assert figures_from_plain(saved["figures"]) == figures_from_plain(
        json.loads(json.dumps(to_plain(figures_from_plain(saved["figures"]))))
    )
    saved["figures"]["towns"][0]["enterprises"] = {"not": "a number"}
    file.write_text(json.dumps(saved), encoding="utf-8")
    assert before_store(qtbot, store) is None
    file.write_text("{ half a file", encoding="utf-8")
    assert before_store(qtbot, store) is None
    assert snapshot.sqlite_file("postgresql://desk@server/bureau") is None  # a server: never


def test_the_window_shows_home_filled_before_the_store_and_then_attaches(
    qtbot: Any, app_ctx: AppContext
) -> None:
    fill(app_ctx.store)
    live = live_home(qtbot, app_ctx)
    window = MainWindow(Opening(app_ctx.store.display_name, OP, Preferences()))
    qtbot.addWidget(window)
    early = window.show_before_store(app_ctx.store.url)
    assert isinstance(early, HomeScreen)
    window.show()
    assert window.stack.currentWidget() is early and window.stack.indexOf(window.placeholder) < 0
    assert not window.nav.isEnabled() and window.current_key() == ""
    assert shown(early) == shown(live)
    assert window.attach(app_ctx) is early
    assert window.current_key() == "home" and window.nav.isEnabled()
    wait_for_tasks()
    qtbot.waitUntil(lambda: early.result is not None, timeout=5000)
    assert early.figures == live.figures


@pytest.mark.skipif(sys.platform == "win32", reason="runs a second Qt process offscreen")
def test_the_snapshot_is_shown_without_importing_sqlalchemy(
    qtbot: Any, app_ctx: AppContext, tmp_path: Path
) -> None:
    with_tiles(app_ctx.store)
    live_home(qtbot, app_ctx)
    script = (
        "import sys\n"
        "from desktop.ui.shell.app import make_application\n"
        "from desktop.ui.shell.main_window import MainWindow, Opening\n"
        "from desktop.preferences import Preferences\n"
        "app = make_application()\n"
        "w = MainWindow(Opening('x', 'x', Preferences()))\n"
        f"home = w.show_before_store({app_ctx.store.url!r})\n"
        "w.show(); app.processEvents()\n"
        "assert home is not None and home.tiles, 'no snapshot shown'\n"
        "print(sorted(m for m in sys.modules if m.startswith(('sqlalchemy', 'db.models'))))\n"
    )
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
