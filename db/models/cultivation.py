"""The cultivation pipeline (培育库 / 高企后备库, spec/plans.md): one entry per enterprise, track and year.

`track` is `high_tech` (高企申报) or `tech_sme` (科小评价入库); `stage` is 培育中 → 已申报 → 已认定 / 未通过.
"""

from datetime import date

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, SoftDeleted, Timestamped, Versioned


class CultivationEntry(Timestamped, SoftDeleted, Versioned, Base):
    __tablename__ = "cultivation_entries"
    __table_args__ = (UniqueConstraint("enterprise_id", "track", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    track: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(index=True)
    stage: Mapped[str] = mapped_column(String(8))
    entered_on: Mapped[date | None]  # 纳入培育
    declared_on: Mapped[date | None]  # 申报
    decided_on: Mapped[date | None]  # 认定 / 未通过
    note: Mapped[str | None] = mapped_column(Text)
