"""Import kinds other than enterprises: one module per kind, each exporting a KindHook."""

from __future__ import annotations

from desktop.importing.kinds import (
    carriers,
    commissioners,
    contracts,
    demands,
    figures,
    incubatees,
    indicators,
    platforms,
    qualifications,
    results,
    services,
    transfers,
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
        contracts,
        results,
        transfers,
        indicators,
    )
}


def hook_for(kind: str) -> KindHook:
    """The hook of a kind (KeyError for enterprises, which the engine handles itself)."""
    return HOOKS[kind]
