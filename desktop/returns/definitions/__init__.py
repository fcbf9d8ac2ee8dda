"""The catalogue of returns: one module per return, registered here in display order."""

from __future__ import annotations

from desktop.returns.definitions.candidates import CANDIDATES
from desktop.returns.definitions.carriers import CARRIERS
from desktop.returns.definitions.commissioners import COMMISSIONERS
from desktop.returns.definitions.contracts import CONTRACTS
from desktop.returns.definitions.double_breakthrough import DOUBLE_BREAKTHROUGH
from desktop.returns.definitions.hte_expiring import HTE_EXPIRING
from desktop.returns.definitions.indicators import INDICATORS
from desktop.returns.definitions.platforms import PLATFORMS
from desktop.returns.definitions.rd_zero_clearing import RD_ZERO_CLEARING
from desktop.returns.definitions.results import RESULTS
from desktop.returns.definitions.rosters import HIGH_TECH_ROSTER, TECH_SME_ROSTER
from desktop.returns.model import ReturnDefinition

CATALOGUE: tuple[ReturnDefinition, ...] = (
    DOUBLE_BREAKTHROUGH,
    HIGH_TECH_ROSTER,
    TECH_SME_ROSTER,
    HTE_EXPIRING,
    RD_ZERO_CLEARING,
    CANDIDATES,
    COMMISSIONERS,
    CARRIERS,
    PLATFORMS,
    INDICATORS,
    CONTRACTS,
    RESULTS,
)
BY_ID = {d.id: d for d in CATALOGUE}


def get_definition(return_id: str) -> ReturnDefinition | None:
    """The definition of a return by its id (None when unknown)."""
    return BY_ID.get(return_id)
