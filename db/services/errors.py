"""Errors services raise for bad input; messages are plain Chinese for the clerk."""

from __future__ import annotations


class InputError(ValueError):
    """A value a clerk entered cannot be saved; `field` names it when known."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(LookupError):
    """The record does not exist (or no longer does)."""


class DuplicateError(InputError):
    """A unique key already exists; `existing_id` is the record that holds it."""

    def __init__(self, message: str, existing_id: int, field: str | None = None) -> None:
        super().__init__(message, field)
        self.existing_id = existing_id
