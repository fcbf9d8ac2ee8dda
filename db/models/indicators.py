"""Indicators of the district's plans with yearly targets and actuals."""

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Timestamped


class Indicator(Timestamped, Base):
    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(48), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(16), default="")
    base_year: Mapped[int | None]
    base_value: Mapped[float | None]
    department: Mapped[str | None] = mapped_column(String(100))
    # "count:high_tech", "count:tech_sme", "platforms:院士工作站" … computed from data; "manual" typed in.
    source: Mapped[str] = mapped_column(String(64), default="manual")
    sort_order: Mapped[int] = mapped_column(default=0)
    note: Mapped[str | None] = mapped_column(Text)


class IndicatorTarget(Base):
    __tablename__ = "indicator_targets"
    __table_args__ = (UniqueConstraint("indicator_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    year: Mapped[int]
    target: Mapped[float]


class IndicatorActual(Base):
    __tablename__ = "indicator_actuals"
    __table_args__ = (UniqueConstraint("indicator_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    year: Mapped[int]
    value: Mapped[float]
    note: Mapped[str | None] = mapped_column(Text)
