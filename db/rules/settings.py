"""The bureau's settings with their defaults — the one source of every default.

The store's settings row (db/models/settings.py), the migration that seeds it and
db/services/settings.py all take the defaults from `Settings()`; domain.md names the values.
How many automatic backups to keep is `BackupRetention` (its two columns came with migration
0003, which seeds them; each migration seeds only the columns it creates).
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
    # Since migration 0005: the 高企后备库 tests (plans.md; defaults of 国科发火〔2016〕32号).
    candidate_min_years: int = 1
    candidate_rd_ratio_small: float = 5.0  # % of revenue, revenue ≤ 5,000万
    candidate_rd_ratio_mid: float = 4.0  # 5,000万 – 2亿
    candidate_rd_ratio_large: float = 3.0  # > 2亿
    candidate_staff_ratio: float = 10.0  # R&D staff, % of employees

    @property
    def grades(self) -> list[str]:
        """The configured assessment grades, in order."""
        return [g.strip() for g in self.assessment_grades.split(",") if g.strip()]


SETTINGS_FIELDS = tuple(f.name for f in dataclasses.fields(Settings))
DEFAULTS = Settings()


def default_of(name: str) -> Any:
    """The default value of one setting."""
    return getattr(DEFAULTS, name)


@dataclass(frozen=True)
class BackupRetention:
    """How many automatic backups to keep: the newest of each of the last days and weeks."""

    keep_daily: int = 7
    keep_weekly: int = 4


RETENTION_DEFAULTS = BackupRetention()
CANDIDATE_FIELDS = (
    "candidate_min_years",
    "candidate_rd_ratio_small",
    "candidate_rd_ratio_mid",
    "candidate_rd_ratio_large",
    "candidate_staff_ratio",
)
RETENTION_COLUMNS = {"keep_daily": "backups_keep_daily", "keep_weekly": "backups_keep_weekly"}
KEEP_DAILY_RANGE = (1, 366)
KEEP_WEEKLY_RANGE = (0, 520)


def retention_problem(retention: BackupRetention) -> str | None:
    """Why a retention cannot be saved (None when it can): at least today's, at most a year's."""
    for value, (low, high), what in (
        (retention.keep_daily, KEEP_DAILY_RANGE, "每日备份保留天数"),
        (retention.keep_weekly, KEEP_WEEKLY_RANGE, "每周备份保留周数"),
    ):
        if type(value) is not int or not low <= value <= high:
            return f"{what}应为{low}到{high}之间的整数"
    return None
