"""The window follows the desk's role (spec/desks.md): what the role may not do is disabled, with
the reason as its tooltip, and stays so; a viewer still reads, opens editors read-only and exports.

Most tests set `store.role` on a SQLite store before the window is built (fast); one builds the
window on PostgreSQL as a real viewer login and reads the role from the server.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QMessageBox, QWidget

from db.roles import Action, Role, refusal
from db.services import carriers, enterprises
from db.store import Store, open_store
from desktop.preferences import Preferences
from desktop.ui.common import files
from desktop.ui.shell import editors
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.guard import GUARDED
from desktop.ui.shell.tasks import wait_for_tasks
from tests.unit.test_roster_service import make_uscc

OP = "测试员"
ID_NUMBER = "34160219800101107X"
Getter = Callable[[Any], Any]

# screen key → (action, the write control on that screen)
WRITES: dict[str, list[tuple[Action, Getter]]] = {
    "enterprises": [
        ("edit", lambda s: s.buttons["new"]),
        ("edit", lambda s: s.buttons["delete"]),
    ],
    "commissioners": [
        ("edit", lambda s: s.roster.buttons["new"]),
        ("edit", lambda s: s.roster.buttons["edit"]),
        ("edit", lambda s: s.roster.buttons["delete"]),
        ("export_ids", lambda s: s.roster.reveal),
        ("edit", lambda s: s.demands.buttons["new"]),
        ("edit", lambda s: s.demands.buttons["solved"]),
        ("edit", lambda s: s.demands.dispatch_button),
        ("edit", lambda s: s.dispatches.new_button),
        ("edit", lambda s: s.dispatches.end_button),
        ("edit", lambda s: s.dispatches.delete_button),
    ],
    "carriers": [
        ("edit", lambda s: s.new_button),
        ("edit", lambda s: s.edit_button),
        ("edit", lambda s: s.delete_button),
        ("edit", lambda s: s.add_inc_button),
        ("edit", lambda s: s.exit_button),
        ("edit", lambda s: s.year_button),
    ],
    "platforms": [
        ("edit", lambda s: s.new_button),
        ("edit", lambda s: s.edit_button),
        ("edit", lambda s: s.delete_button),
    ],
    "indicators": [("targets", lambda s: s.import_button)],
    "cultivation": [
        ("edit", lambda s: s.add_button),
        ("edit", lambda s: s.stage_button),
        ("edit", lambda s: s.remove_button),
    ],
    "contracts": [
        ("edit", lambda s: s.new_button),
        ("edit", lambda s: s.edit_button),
        ("edit", lambda s: s.delete_button),
    ],
    "results": [
        ("edit", lambda s: s.new_button),
        ("edit", lambda s: s.delete_button),
        ("edit", lambda s: s.add_transfer_button),
        ("edit", lambda s: s.delete_transfer_button),
    ],
    "imports": [
        ("import", lambda s: s.choose_button),
        ("undo_own", lambda s: s.history.undo_button),
    ],
    "collect": [
        ("import", lambda s: s.new_button),
        ("import", lambda s: s.register_button),
        ("import", lambda s: s.register_files_action),
        ("import", lambda s: s.import_button),
    ],
    "returns": [
        ("marks", lambda s: s.submit_button),
        ("marks", lambda s: s.history.buttons["correct"]),
    ],
    "settings": [
        ("settings", lambda s: s.view.save),
        ("settings", lambda s: s.view.bureau_name),
        ("settings", lambda s: s.view.keep_daily),
        ("targets", lambda s: s.view.target_high_tech),
        ("towns", lambda s: s.view.add_town),
        ("towns", lambda s: s.view.town_name),
        ("backup", lambda s: s.view.backup_file),
        ("restore", lambda s: s.view.restore_file),
    ],
}
# In-place editing of tables (the view stays readable and scrollable).
EDITABLE_TABLES: dict[str, list[tuple[Action, Getter]]] = {
    "commissioners": [
        ("edit", lambda s: s.records.view),
        ("edit", lambda s: s.assessment.view),
    ],
    "indicators": [("targets", lambda s: s.table), ("targets", lambda s: s.towns.table)],
    "settings": [("marks", lambda s: s.marks.table)],
}
EXPORTS: dict[str, Getter] = {
    "enterprises": lambda s: s.buttons["export"],
    "commissioners": lambda s: s.roster.export_button,
    "carriers": lambda s: s.export_button,
    "platforms": lambda s: s.export_button,
    "contracts": lambda s: s.export_button,
    "results": lambda s: s.export_button,
    "indicators": lambda s: s.export_button,
    "rdlists": lambda s: s.export_button,
}


def _enabled(target: Any) -> bool:
    return bool(target.isEnabled())


@pytest.fixture
def desk(store: Store, message_boxes: Any, qtbot: Any) -> Iterator[Callable[[Role], Any]]:
    """Build the main window on the test's store as a desk of the given role."""
    from desktop.ui.shell.main_window import MainWindow

    windows: list[Any] = []

    def build(role: Role) -> Any:
        store.role = role
        ctx = AppContext(
            store=store,
            operator=OP,
            prefs=Preferences.load(),
            enterprise_editor=editors.enterprise_editor,
        )
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        wait_for_tasks()
        return window

    yield build
    message_boxes.answer = QMessageBox.StandardButton.No
    for window in windows:
        window.close()
    wait_for_tasks()


def _screen(window: Any, key: str) -> QWidget:
    screen = window.navigate(key)
    assert screen is not None, key
    wait_for_tasks()
    return screen


def _check_writes(window: Any, role: Role) -> None:
    for key, writes in WRITES.items():
        screen = _screen(window, key)
        for action, get in writes:
            target = get(screen)
            if role == "admin" or (role == "editor" and action in ("edit", "import", "undo_own")):
                assert not target.property(GUARDED), (role, key, action)
                assert "没有权限" not in target.toolTip(), (role, key, action)
                continue
            words = refusal(role, action)
            assert not _enabled(target), (role, key, action)
            assert target.toolTip() == words, (key, action, target.toolTip())
            target.setEnabled(True)  # the screen's own enabling later (a selection, a task)
            assert not _enabled(target), (role, key, action)
            assert target.toolTip() == words
        for action, get in EDITABLE_TABLES.get(key, []):
            view: QAbstractItemView = get(screen)
            locked = view.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
            expected = role == "viewer" or (role == "editor" and action != "edit")
            assert locked == expected, (role, key, action)
        export = EXPORTS.get(key)
        if export is not None:
            assert _enabled(export(screen)), (role, key)  # every role reads and exports


def test_write_actions_follow_the_role(desk: Any) -> None:
    for role in ("viewer", "editor", "admin"):
        _check_writes(desk(role), role)


def test_a_selection_does_not_enable_a_viewer_s_buttons(desk: Any, store: Store) -> None:
    with store.transaction() as s:
        carriers.create_carrier(s, {"name": "众创一号", "kind": "众创空间"}, OP)
    for role, expected in (("viewer", False), ("admin", True)):
        screen = _screen(desk(role), "carriers")
        screen.carrier_table.selectRow(0)
        assert screen.selected_carrier_id() is not None
        for button in (screen.edit_button, screen.delete_button, screen.add_inc_button):
            assert button.isEnabled() is expected, role


def test_a_viewer_s_shortcuts_do_not_act(desk: Any, qtbot: Any) -> None:
    screen = _screen(desk("viewer"), "enterprises")
    new_keys = QKeySequence(QKeySequence.StandardKey.New)
    shortcuts = [s for s in screen.findChildren(QShortcut) if s.key() == new_keys]
    assert shortcuts and not any(s.isEnabled() for s in shortcuts)
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert not hasattr(screen, "last_editor")  # no editor was opened


def test_a_viewer_opens_an_enterprise_read_only(desk: Any, store: Store) -> None:
    with store.transaction() as s:
        eid = enterprises.create(s, {"name": "华信生物科技有限公司", "uscc": make_uscc(1)}, OP)
    screen = _screen(desk("viewer"), "enterprises")
    screen.table.doubleClicked.emit(screen.model.index(screen.model.row_of(eid), 0))
    editor = screen.last_editor
    assert editor.windowTitle().endswith("（只读）")
    assert editor.basic.boxes["name"].editor.text() == "华信生物科技有限公司"
    assert editor.basic.boxes["name"].editor.isReadOnly()
    assert not editor.save_button.isEnabled()
    assert editor.save_button.toolTip() == refusal("viewer", "edit")
    assert editor.cancel_button.text() == "关闭"
    assert not editor.quals.buttons["add"].isEnabled()
    editor.reject()
    admin = _screen(desk("admin"), "enterprises").open_editor(eid)
    assert not admin.windowTitle().endswith("（只读）")
    assert not admin.basic.boxes["name"].editor.isReadOnly()
    assert admin.save_button.isEnabled()
    admin.reject()


def test_a_viewer_sees_the_recycle_bin_but_does_not_restore(desk: Any, store: Store) -> None:
    with store.transaction() as s:
        eid = enterprises.create(s, {"name": "华信生物科技有限公司", "uscc": make_uscc(1)}, OP)
        enterprises.soft_delete(s, eid, OP)
    screen = _screen(desk("viewer"), "enterprises")
    assert screen.buttons["bin"].isEnabled()
    dialog = screen.open_recycle_bin()
    assert dialog.row_of(eid) == 0
    assert not dialog.restore_button.isEnabled()
    dialog.view.selectRow(0)
    dialog.restore_selected()  # a double-click
    assert dialog.restore_task is None
    dialog.reject()


def test_a_viewer_exports_with_ids_masked(
    desk: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roster = _screen(desk("viewer"), "commissioners").roster
    assert not roster.reveal.isEnabled()  # full ID numbers are the admin's
    assert roster.reveal.toolTip() == refusal("viewer", "export_ids")
    out = tmp_path / "名录.xlsx"
    monkeypatch.setattr(files, "save_file_name", lambda *_a, **_k: str(out))
    task = roster.export_button.exporter.export()
    assert task is not None and task.wait(10_000)
    assert out.exists()


# ---- a real viewer login on PostgreSQL ---------------------------------------------------------


@pytest.fixture
def viewer_url(pg_server: Any, pg_database: str) -> Iterator[str]:
    """A login of group kc_viewer on the test database (the group created when missing)."""
    database = pg_database.rsplit("/", 1)[1].split("?", 1)[0]
    login = f"kc_v_{os.getpid()}_{database[-4:]}".lower()
    pg_server.execute(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kc_viewer') "
        "THEN CREATE ROLE kc_viewer NOLOGIN; END IF; END $$"
    )
    pg_server.execute(
        "GRANT USAGE ON SCHEMA public TO kc_viewer",
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO kc_viewer",
        database=database,
    )
    pg_server.execute(f"CREATE ROLE {login} LOGIN PASSWORD 'p'", f"GRANT kc_viewer TO {login}")
    try:
        yield pg_server.url(database, user=login, password="p")
    finally:
        pg_server.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        pg_server.execute(f"DROP ROLE IF EXISTS {login}")


def test_a_viewer_login_on_the_server(
    viewer_url: str, message_boxes: Any, qtbot: Any, tmp_path: Path
) -> None:
    from desktop.ui.shell.main_window import MainWindow

    store = open_store(viewer_url)
    try:
        assert store.role == "viewer" and store.login and store.login.startswith("kc_v_")
        ctx = AppContext(
            store=store,
            operator=store.login,
            prefs=Preferences.load(),
            enterprise_editor=editors.enterprise_editor,
        )
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        wait_for_tasks(20_000)
        label = window.store_label.text()
        assert label.startswith("服务器 ") and f"· 账号 {store.login}（查阅）" in label
        assert "p@" not in label and ":p" not in label  # never the password
        roster = _screen(window, "enterprises")
        words = refusal("viewer", "edit", store.login)
        assert not roster.buttons["new"].isEnabled()
        assert roster.buttons["new"].toolTip() == words
        assert roster.buttons["export"].isEnabled()
        message_boxes.answer = QMessageBox.StandardButton.No
        window.close()
        wait_for_tasks(20_000)
    finally:
        store.close()


def test_a_viewer_sees_a_commissioner_s_id_masked_in_the_editor(desk: Any, store: Store) -> None:
    from db.services.commissioners import roster
    from desktop.ui.commissioners.editors import CommissionerEditor

    with store.transaction() as s:
        cid = roster.create(
            s, {"name": "李静", "kind": "个人", "id_number": ID_NUMBER, "level": "省级"}, OP
        )
    for role, shown in (("viewer", "3416**********107X"), ("editor", ID_NUMBER)):
        window = desk(role)
        editor = CommissionerEditor(window.ctx, cid, window)
        assert editor.fields["id_number"].text() == shown, role
        editor.reject()
