"""Issue 11 item 10: a second window on the same store says so and brings the first to the front.

Two windows are simulated by two claims in this process, and by a claim in another process (also
killed, to show a crash leaves no lock that keeps the store shut).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from desktop.ui.shell import app as app_module
from desktop.ui.shell.app import run_gui
from desktop.ui.shell.instance import StoreClaim, store_identity
from desktop.ui.shell.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
OWNER = """
import sys
from PySide6.QtCore import QCoreApplication, QTimer
from desktop.ui.shell.instance import StoreClaim

app = QCoreApplication([])
claim = StoreClaim(sys.argv[1])
served = claim.serve()
print("owned" if claim.owned and served else "refused", flush=True)

def shown():
    print("shown", flush=True)
    app.quit()

claim.activated.connect(shown)
QTimer.singleShot(60_000, app.quit)
app.exec()
"""


@pytest.fixture
def claims() -> Iterator[list[StoreClaim]]:
    """Claims made by the test, released at its end."""
    made: list[StoreClaim] = []
    yield made
    for claim in made:
        claim.release()


def claim(claims: list[StoreClaim], target: str | Path) -> StoreClaim:
    made = StoreClaim(str(target))
    claims.append(made)
    return made


def test_a_second_claim_is_refused_and_brings_the_first_forward(
    qtbot: Any, store_path: Path, claims: list[StoreClaim]
) -> None:
    first = claim(claims, store_path)
    assert first.owned and first.serve()
    second = claim(claims, store_path)
    assert not second.owned
    with qtbot.waitSignal(first.activated, timeout=5000):
        assert second.ask_owner_to_show()


def test_the_same_store_by_another_spelling_is_the_same_store(
    store_path: Path, claims: list[StoreClaim], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = tmp_path / "link.sqlite"
    link.symlink_to(store_path)
    monkeypatch.chdir(tmp_path)
    assert store_identity("bureau.sqlite") == store_identity(str(link))
    assert store_identity(f"sqlite:///{store_path}") == store_identity(str(store_path))
    assert claim(claims, store_path).owned
    assert not claim(claims, link).owned
    assert not claim(claims, "./bureau.sqlite").owned
    assert claim(claims, tmp_path / "other.sqlite").owned  # another store: its own window


def test_a_released_store_can_be_claimed_again(store_path: Path, claims: list[StoreClaim]) -> None:
    first = claim(claims, store_path)
    assert first.owned and first.serve()
    first.release()
    again = claim(claims, store_path)
    assert again.owned and again.serve()


def test_the_password_of_a_server_url_does_not_make_another_store() -> None:
    assert store_identity("postgresql://clerk:one@db/bureau") == store_identity(
        "postgresql://clerk:two@db/bureau"
    )


def test_run_gui_on_a_store_open_elsewhere_says_so_and_opens_nothing(
    qtbot: Any,
    store_path: Path,
    claims: list[StoreClaim],
    message_boxes: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    opened: list[Any] = []
    monkeypatch.setattr(app_module, "open_store_or_explain", lambda *a: opened.append(a))
    windows_before = {id(w) for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)}
    first = claim(claims, store_path)
    assert first.serve()
    with qtbot.waitSignal(first.activated, timeout=5000):
        assert run_gui(str(store_path), "测试员") == 0
    [(kind, title, text)] = message_boxes.shown
    assert kind == "information" and title == "数据文件已打开"
    assert str(store_path) in text and "已在另一个科创台账窗口中打开" in text
    assert opened == []
    windows = {id(w) for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)}
    assert windows <= windows_before  # no window was made


def test_the_first_window_comes_to_the_front(qtbot: Any, main_window: MainWindow) -> None:
    main_window.showMinimized()
    qtbot.waitUntil(main_window.isMinimized)
    main_window.bring_to_front()
    assert not main_window.isMinimized() and main_window.isVisible()


def owner_process(store_path: Path) -> subprocess.Popen[str]:
    """Another process holding the store's claim (as another window would), once it says so."""
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", OWNER, str(store_path)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "owned"
    return proc


def test_a_window_in_another_process_is_asked_to_come_forward(
    store_path: Path, claims: list[StoreClaim]
) -> None:
    proc = owner_process(store_path)
    try:
        second = claim(claims, store_path)
        assert not second.owned
        assert second.ask_owner_to_show()
        out, _ = proc.communicate(timeout=30)
        assert out.strip() == "shown"
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_crashed_window_does_not_keep_the_store_shut(
    store_path: Path, claims: list[StoreClaim]
) -> None:
    proc = owner_process(store_path)
    assert not claim(claims, store_path).owned
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    after = claim(claims, store_path)
    assert after.owned
    assert after.serve()  # the socket file the crash left is not in the way


def test_a_config_folder_that_cannot_hold_the_lock_never_keeps_the_clerk_out(
    store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("BUREAU_CONFIG_DIR", str(blocker))
    unguarded = StoreClaim(str(store_path))
    assert unguarded.owned and not unguarded.guarded
    assert not unguarded.serve()
    unguarded.release()
