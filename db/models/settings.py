"""The bureau's own settings: one typed row, shared with everyone who uses the store."""

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Timestamped


class BureauSettings(Timestamped, Base):
    __tablename__ = "bureau_settings"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    bureau_name: Mapped[str] = mapped_column(String(128), default="")
    province_code: Mapped[str] = mapped_column(String(2), default="34")
    district_code: Mapped[str] = mapped_column(String(6), default="")
    head_of_unit: Mapped[str] = mapped_column(String(32), default="")
    head_of_statistics: Mapped[str] = mapped_column(String(32), default="")
    preparer: Mapped[str] = mapped_column(String(32), default="")
    contact_phone: Mapped[str] = mapped_column(String(32), default="")
    hte_last_day_included: Mapped[bool] = mapped_column(default=True)
    expiry_warning_days: Mapped[int] = mapped_column(default=180)
    rd_list_a_revenue: Mapped[float] = mapped_column(default=10000.0)
    rd_list_b_revenue: Mapped[float] = mapped_column(default=50000.0)
    assessment_grades: Mapped[str] = mapped_column(Text, default="优秀,良好,合格,不合格")
    incubator_min_area: Mapped[float] = mapped_column(default=10000.0)
    incubator_min_incubatees: Mapped[int] = mapped_column(default=50)
    incubator_min_graduates: Mapped[int] = mapped_column(default=20)
    makerspace_min_area: Mapped[float] = mapped_column(default=500.0)
    makerspace_min_stations: Mapped[int] = mapped_column(default=30)
    makerspace_min_teams: Mapped[int] = mapped_column(default=20)
