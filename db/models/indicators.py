"""Indicators of the district's plans (spec/plans.md): yearly targets, town targets and actuals.

`kind` is one of count, amount, rate, growth, cumulative; `source` is `manual` or a computation of
plans.md (high_tech, platforms:KIND[:LEVEL+], contracts_absorbed …). A growth indicator names in
`series` the source (or indicator code) whose yearly value it grows.
"""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Timestamped, Versioned


class Indicator(Timestamped, Versioned, Base):
    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(48), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(16), default="")
    base_year: Mapped[int | None]
    base_value: Mapped[float | None]
    department: Mapped[str | None] = mapped_column(String(100))
    # "high_tech", "tech_sme", "platforms:院士工作站:省级+" … computed from data; "manual" typed in.
    source: Mapped[str] = mapped_column(String(64), default="manual")
    # Since migration 0005: count | amount | rate | growth | cumulative, and what a growth grows.
    kind: Mapped[str] = mapped_column(String(16), default="count", server_default="count")
    series: Mapped[str | None] = mapped_column(String(64))
    sort_order: Mapped[int] = mapped_column(default=0)
    note: Mapped[str | None] = mapped_column(Text)


class IndicatorTarget(Versioned, Base):
    __tablename__ = "indicator_targets"
    __table_args__ = (UniqueConstraint("indicator_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    year: Mapped[int]
    target: Mapped[float]


class IndicatorTownTarget(Versioned, Base):
    """A town's share of an indicator's target for a year (optional; none is ever invented)."""

    __tablename__ = "indicator_town_targets"
    __table_args__ = (UniqueConstraint("indicator_id", "year", "town_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicators.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int]
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"), index=True)
    target: Mapped[float]


class IndicatorActual(Versioned, Base):
    __tablename__ = "indicator_actuals"
    __table_args__ = (UniqueConstraint("indicator_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    year: Mapped[int]
    value: Mapped[float]
    note: Mapped[str | None] = mapped_column(Text)
    # Since migration 0005: who entered a manual actual, and when.
    entered_by: Mapped[str | None] = mapped_column(String(64))
    entered_at: Mapped[datetime | None] = mapped_column(DateTime)
