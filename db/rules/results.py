"""Result type shared by every rule that checks a value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Checked(Generic[T]):
    """A normalised value with the problems found while checking it."""

    value: T | None
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no error was found (warnings do not count)."""
        return not self.errors
