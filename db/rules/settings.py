"""The bureau's settings with their defaults — the one source of every default.

The store's settings row (db/models/settings.py), the migration that seeds it and
db/services/settings.py all take the defaults from `Settings()`; domain.md names the values.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Settings:
    """Every bureau setting with its default (the defaults of domain.md)."""

    bureau_name: str = ""
    province_code: str = "34"
    district_code: str = ""
    head_of_unit: str = ""
    head_of_statistics: str = ""
    preparer: str = ""
    contact_phone: str = ""
    hte_last_day_included: bool = True
    expiry_warning_days: int = 180
    rd_list_a_revenue: float = 10000.0
    rd_list_b_revenue: float = 50000.0
    assessment_grades: str = "优秀,良好,合格,不合格"
    incubator_min_area: float = 10000.0
    incubator_min_incubatees: int = 50
    incubator_min_graduates: int = 20
    makerspace_min_area: float = 500.0
    makerspace_min_stations: int = 30
    makerspace_min_teams: int = 20

    @property
    def grades(self) -> list[str]:
        """The configured assessment grades, in order."""
        return [g.strip() for g in self.assessment_grades.split(",") if g.strip()]


SETTINGS_FIELDS = tuple(f.name for f in dataclasses.fields(Settings))
DEFAULTS = Settings()


def default_of(name: str) -> Any:
    """The default value of one setting."""
    return getattr(DEFAULTS, name)
