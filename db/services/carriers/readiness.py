"""Readiness check against the recognition thresholds (settings); a suggestion, never enforced."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from db.services.carriers.common import INCUBATOR, MAKERSPACE, live_carrier
from db.services.carriers.incubatees import count_graduates_until, count_incubating, count_served_in
from db.services.settings import get_settings

# ------------------------------------------------------------------ recognition readiness


@dataclass(frozen=True)
class ThresholdCheck:
    """One threshold of the recognition reference: required vs actual."""

    label: str
    unit: str
    required: float
    actual: float | None
    group: str | None = None  # items of one group are alternatives ("either")

    @property
    def met(self) -> bool:
        """Actual ≥ required."""
        return self.actual is not None and self.actual >= self.required

    @property
    def shortfall(self) -> float:
        """How much is missing (0 when met; the whole requirement when unknown)."""
        return max(self.required - (self.actual or 0.0), 0.0)


@dataclass(frozen=True)
class Readiness:
    carrier_id: int
    kind: str
    on: date
    checks: tuple[ThresholdCheck, ...]

    @property
    def applicable(self) -> bool:
        """False for kinds without reference thresholds."""
        return bool(self.checks)

    @property
    def ready(self) -> bool:
        """Every threshold met (one of each group of alternatives)."""
        if not self.checks:
            return False
        single = all(c.met for c in self.checks if c.group is None)
        groups = {c.group for c in self.checks if c.group is not None}
        return single and all(any(c.met for c in self.checks if c.group == g) for g in groups)


def readiness_check(session: Session, carrier_id: int, on: date | None = None) -> Readiness:
    """Which national-recognition thresholds (settings) a carrier meets on a date, and shortfalls."""
    on = on or date.today()
    carrier = live_carrier(session, carrier_id)
    s = get_settings(session)
    area = carrier.area
    checks: list[ThresholdCheck] = []
    if carrier.kind == INCUBATOR:
        checks = [
            ThresholdCheck("场地面积", "m²", s.incubator_min_area, area),
            ThresholdCheck(
                "在孵企业",
                "家",
                s.incubator_min_incubatees,
                count_incubating(session, on, carrier_id),
            ),
            ThresholdCheck(
                "累计毕业企业",
                "家",
                s.incubator_min_graduates,
                count_graduates_until(session, carrier_id, on),
            ),
        ]
    elif carrier.kind == MAKERSPACE:
        stations = None if carrier.stations is None else float(carrier.stations)
        checks = [
            ThresholdCheck("场地面积", "m²", s.makerspace_min_area, area, "space"),
            ThresholdCheck("工位", "个", s.makerspace_min_stations, stations, "space"),
            ThresholdCheck(
                f"{on.year}年服务团队和企业",
                "个",
                s.makerspace_min_teams,
                count_served_in(session, carrier_id, on.year),
            ),
        ]
    return Readiness(carrier_id, carrier.kind, on, tuple(checks))
