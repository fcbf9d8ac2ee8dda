"""Enterprises of the roster and their yearly figures."""

from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, SoftDeleted, Timestamped, Versioned


class Enterprise(Timestamped, SoftDeleted, Versioned, Base):
    __tablename__ = "enterprises"
    __table_args__ = (
        Index("ix_enterprises_name", "name"),
        Index("ix_enterprises_town_name", "town_id", "name"),
        Index("ix_enterprises_pinyin", "pinyin_initials"),
        Index("ix_enterprises_deleted", "deleted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    town_id: Mapped[int | None] = mapped_column(ForeignKey("towns.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    founded_on: Mapped[date | None]
    industry: Mapped[str | None] = mapped_column(String(100))
    legal_rep: Mapped[str | None] = mapped_column(String(50))
    contact: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(50))
    above_scale: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text)
    # Lower-cased name + code + full pinyin + initials: one column the search box matches with LIKE.
    search_text: Mapped[str] = mapped_column(Text, default="")
    pinyin_initials: Mapped[str] = mapped_column(String(200), default="")

    years: Mapped[list["EnterpriseYear"]] = relationship(
        back_populates="enterprise", cascade="all, delete-orphan", order_by="EnterpriseYear.year"
    )


class EnterpriseYear(Timestamped, Versioned, Base):
    """Figures an enterprise reported for one data year (万元 for money)."""

    __tablename__ = "enterprise_years"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "year"),
        # the figures in (year, enterprise) order: the indicators' scans and the 后备库's look-ups
        # read the index alone (migration 0007)
        Index(
            "ix_enterprise_years_year_cover",
            "year",
            "enterprise_id",
            "rd_expense",
            "rd_activity",
            "rd_institution",
            "revenue",
            "employees",
            "rd_staff",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(index=True)
    revenue: Mapped[float | None]
    rd_expense: Mapped[float | None]
    employees: Mapped[int | None]
    rd_staff: Mapped[int | None]
    rd_activity: Mapped[bool | None]
    rd_institution: Mapped[bool | None]

    enterprise: Mapped[Enterprise] = relationship(back_populates="years")
