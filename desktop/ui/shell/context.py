"""What every screen receives: the open store, the operator and this user's preferences.

The desk's role (db/roles.py) decides what the window lets the clerk do; `ctx.guard(action, …)`
is the one place that turns an action the role may not take into disabled widgets and actions
with the reason as their tooltip (desktop/ui/shell/guard.py keeps them disabled whatever the
screen's own enabling does later), and `ctx.guard_dialog(dialog)` shows an editor read-only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from db.roles import Action, Role, may, refusal
from desktop.preferences import Preferences

if TYPE_CHECKING:  # the window's frame is shown before SQLAlchemy is imported
    from sqlalchemy.orm import Session

    from db.store import Store

# (ctx, enterprise id or None for a new one, parent widget) → the roster's editor dialog, not shown
EnterpriseEditorFactory = Callable[["AppContext", int | None, Any], Any]
D = TypeVar("D")


@dataclass
class AppContext:
    store: Store
    operator: str
    prefs: Preferences
    # Set by the shell (desktop/ui/shell/editors.py): a screen that lets the clerk create an
    # enterprise on the way (carriers, platforms) opens the roster's editor without importing it.
    enterprise_editor: EnterpriseEditorFactory | None = None

    def __post_init__(self) -> None:
        # On a server the audit trail's operator is the login (spec/desks.md; a trigger sets it)
        if self.store.login:
            self.operator = self.store.login

    def session(self) -> Session:
        """A new session on the store (use `with ctx.session() as s:`)."""
        return self.store.session()

    def open_enterprise_editor(self, enterprise_id: int | None, parent: Any) -> Any:
        """The roster's enterprise editor dialog (not yet shown), for `open()` by the caller."""
        if self.enterprise_editor is None:
            raise RuntimeError("enterprise_editor was not set by the shell")
        return self.guard_dialog(self.enterprise_editor(self, enterprise_id, parent))

    # ---- the desk's role ----------------------------------------------------------------------

    @property
    def role(self) -> Role:
        """The store's role for this desk's login (a SQLite store's one user is admin)."""
        return self.store.role

    @property
    def login(self) -> str | None:
        """The server's login of this desk (None on SQLite)."""
        return self.store.login

    def allowed(self, action: Action) -> bool:
        """Whether this desk's role may take the action."""
        return may(self.store.role, action)

    def refusal(self, action: Action) -> str:
        """The clerk's words for an action this desk's role may not take."""
        return refusal(self.store.role, action, self.store.login)

    def undo_action(self, batch_operator: str | None) -> Action:
        """Which right undoing an import batch needs: one's own batch, or anyone's."""
        if self.store.path is not None or (batch_operator and batch_operator == self.store.login):
            return "undo_own"
        return "undo_any"

    def guard(self, action: Action, *targets: Any) -> bool:
        """Disable widgets, QActions and shortcuts for an action the role may not take.

        Their tooltip and status tip say why, and they stay disabled when the screen's own
        logic enables them later (on a selection, say). Returns whether the action is allowed;
        an allowed action leaves the targets as they are.
        """
        if self.allowed(action):
            return True
        from desktop.ui.shell.guard import keep_disabled

        text = self.refusal(action)
        for target in targets:
            keep_disabled(target, text)
        return False

    def guard_dialog(self, dialog: D, action: Action = "edit") -> D:
        """An editor dialog as the role allows: unchanged, or read-only (fields locked, no 保存)."""
        if not self.allowed(action):
            from desktop.ui.shell.guard import make_read_only

            make_read_only(dialog, self.refusal(action))
        return dialog
