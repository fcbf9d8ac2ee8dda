"""Reopen the main window on another store, in this process (设置 → 数据位置 → 切换, or the local
file when the clerk gives up logging in to the server).

`request(window, target)` closes the window the ordinary way (unsaved edits are asked about;
refused, nothing happens) and leaves the target for `desktop.ui.shell.app.run_gui`, which closes
the old store and opens the window again on the new one. A server target may carry the password
typed this session: it stays in memory and is never saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QWidget


@dataclass(frozen=True)
class Reopen:
    """Where the window opens next: a file path or server URL; None is the default file."""

    target: str | None


_pending: list[Reopen] = []


def request(window: QWidget, target: str | None) -> bool:
    """Close the window and have it opened again on target; False when the clerk stayed."""
    _pending[:] = [Reopen(target)]
    if not window.close():
        _pending.clear()
        return False
    return True


def ask_later(target: str | None) -> None:
    """Have the window opened on target once the current one has ended (start-up fallbacks)."""
    _pending[:] = [Reopen(target)]


def take() -> Reopen | None:
    """The pending request, once (None when the window was simply closed)."""
    return _pending.pop() if _pending else None
