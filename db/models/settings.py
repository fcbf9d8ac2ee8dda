"""The bureau's own settings: one typed row, shared with everyone who uses the store.

The defaults are those of db/rules/settings.py (one source for the model, the migration, the service).
"""

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Timestamped
from db.rules.settings import DEFAULTS, RETENTION_DEFAULTS


class BureauSettings(Timestamped, Base):
    __tablename__ = "bureau_settings"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    bureau_name: Mapped[str] = mapped_column(String(128), default=DEFAULTS.bureau_name)
    province_code: Mapped[str] = mapped_column(String(2), default=DEFAULTS.province_code)
    district_code: Mapped[str] = mapped_column(String(6), default=DEFAULTS.district_code)
    head_of_unit: Mapped[str] = mapped_column(String(32), default=DEFAULTS.head_of_unit)
    head_of_statistics: Mapped[str] = mapped_column(String(32), default=DEFAULTS.head_of_statistics)
    preparer: Mapped[str] = mapped_column(String(32), default=DEFAULTS.preparer)
    contact_phone: Mapped[str] = mapped_column(String(32), default=DEFAULTS.contact_phone)
    hte_last_day_included: Mapped[bool] = mapped_column(default=DEFAULTS.hte_last_day_included)
    expiry_warning_days: Mapped[int] = mapped_column(default=DEFAULTS.expiry_warning_days)
    rd_list_a_revenue: Mapped[float] = mapped_column(default=DEFAULTS.rd_list_a_revenue)
    rd_list_b_revenue: Mapped[float] = mapped_column(default=DEFAULTS.rd_list_b_revenue)
    assessment_grades: Mapped[str] = mapped_column(Text, default=DEFAULTS.assessment_grades)
    incubator_min_area: Mapped[float] = mapped_column(default=DEFAULTS.incubator_min_area)
    incubator_min_incubatees: Mapped[int] = mapped_column(default=DEFAULTS.incubator_min_incubatees)
    incubator_min_graduates: Mapped[int] = mapped_column(default=DEFAULTS.incubator_min_graduates)
    makerspace_min_area: Mapped[float] = mapped_column(default=DEFAULTS.makerspace_min_area)
    makerspace_min_stations: Mapped[int] = mapped_column(default=DEFAULTS.makerspace_min_stations)
    makerspace_min_teams: Mapped[int] = mapped_column(default=DEFAULTS.makerspace_min_teams)
    # Since migration 0003: how many automatic backups to keep (db/backups.py).
    backups_keep_daily: Mapped[int] = mapped_column(default=RETENTION_DEFAULTS.keep_daily)
    backups_keep_weekly: Mapped[int] = mapped_column(default=RETENTION_DEFAULTS.keep_weekly)
    # Since migration 0005: the 高企后备库 tests (db/rules/settings.py CANDIDATE_FIELDS).
    candidate_min_years: Mapped[int] = mapped_column(default=DEFAULTS.candidate_min_years)
    candidate_rd_ratio_small: Mapped[float] = mapped_column(
        default=DEFAULTS.candidate_rd_ratio_small
    )
    candidate_rd_ratio_mid: Mapped[float] = mapped_column(default=DEFAULTS.candidate_rd_ratio_mid)
    candidate_rd_ratio_large: Mapped[float] = mapped_column(
        default=DEFAULTS.candidate_rd_ratio_large
    )
    candidate_staff_ratio: Mapped[float] = mapped_column(default=DEFAULTS.candidate_staff_ratio)
