"""The store's exceptions, light to import (no SQLAlchemy); `db.store` re-exports them."""

from __future__ import annotations


class StoreError(Exception):
    """A store that cannot be used; the message is for the clerk."""


class NewerSchemaError(StoreError):
    """The store was written by a newer version of the program."""
