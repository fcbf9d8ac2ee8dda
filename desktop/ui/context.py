"""What every screen receives: the open store, the operator and this user's preferences."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.store import Store
from desktop.preferences import Preferences


@dataclass
class AppContext:
    store: Store
    operator: str
    prefs: Preferences

    def session(self) -> Session:
        """A new session on the store (use `with ctx.session() as s:`)."""
        return self.store.session()
