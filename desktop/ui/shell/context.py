"""What every screen receives: the open store, the operator and this user's preferences."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop.preferences import Preferences

if TYPE_CHECKING:  # the window's frame is shown before SQLAlchemy is imported
    from sqlalchemy.orm import Session

    from db.store import Store

# (ctx, enterprise id or None for a new one, parent widget) → the roster's editor dialog, not shown
EnterpriseEditorFactory = Callable[["AppContext", int | None, Any], Any]


@dataclass
class AppContext:
    store: Store
    operator: str
    prefs: Preferences
    # Set by the shell (desktop/ui/shell/editors.py): a screen that lets the clerk create an
    # enterprise on the way (carriers, platforms) opens the roster's editor without importing it.
    enterprise_editor: EnterpriseEditorFactory | None = None

    def session(self) -> Session:
        """A new session on the store (use `with ctx.session() as s:`)."""
        return self.store.session()

    def open_enterprise_editor(self, enterprise_id: int | None, parent: Any) -> Any:
        """The roster's enterprise editor dialog (not yet shown), for `open()` by the caller."""
        if self.enterprise_editor is None:
            raise RuntimeError("enterprise_editor was not set by the shell")
        return self.enterprise_editor(self, enterprise_id, parent)
