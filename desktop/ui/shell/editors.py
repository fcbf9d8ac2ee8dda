"""Dialogs one screen lends to others, handed to them through the AppContext by the shell.

Screens never import each other; the shell (which knows every screen) passes these factories.
"""

from __future__ import annotations

from typing import Any

from desktop.ui.shell.context import AppContext


def enterprise_editor(ctx: AppContext, enterprise_id: int | None, parent: Any) -> Any:
    """The roster's editor for one enterprise (None: a new one)."""
    from desktop.ui.enterprises.editor import EnterpriseEditor

    return EnterpriseEditor(ctx, enterprise_id, parent)
