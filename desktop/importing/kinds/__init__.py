"""Import kinds other than enterprises: one module per kind, each exporting a KindHook."""

from __future__ import annotations

from desktop.importing.kinds import (
    carriers,
    commissioners,
    demands,
    figures,
    incubatees,
    platforms,
    qualifications,
    services,
)
from desktop.importing.kinds.base import KindHook

HOOKS: dict[str, KindHook] = {
    m.HOOK.kind: m.HOOK
    for m in (
        qualifications,
        figures,
        commissioners,
        demands,
        services,
        carriers,
        incubatees,
        platforms,
    )
}


def hook_for(kind: str) -> KindHook:
    """The hook of a kind (KeyError for enterprises, which the engine handles itself)."""
    return HOOKS[kind]
