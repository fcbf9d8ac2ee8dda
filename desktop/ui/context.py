"""What every screen receives: the open store, the operator and this user's preferences."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop.preferences import Preferences

if TYPE_CHECKING:  # the window's frame is shown before SQLAlchemy is imported
    from sqlalchemy.orm import Session

    from db.store import Store


@dataclass
class AppContext:
    store: Store
    operator: str
    prefs: Preferences

    def session(self) -> Session:
        """A new session on the store (use `with ctx.session() as s:`)."""
        return self.store.session()
