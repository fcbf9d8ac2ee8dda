"""The catalogue of qualification types and the qualifications enterprises hold."""

from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, SoftDeleted, Timestamped, Versioned


class QualificationType(Base):
    __tablename__ = "qualification_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    levels: Mapped[str] = mapped_column(String(64), default="")
    validity_kind: Mapped[str] = mapped_column(String(16))  # years | evaluation_year | no_expiry
    validity_years: Mapped[int] = mapped_column(default=0)
    ladder_rank: Mapped[int] = mapped_column(default=1)
    sort_order: Mapped[int] = mapped_column(default=0)


class Qualification(Timestamped, SoftDeleted, Versioned, Base):
    __tablename__ = "qualifications"
    __table_args__ = (
        Index("ix_qualifications_type_validity", "type_id", "valid_from", "valid_through"),
        Index("ix_qualifications_type_year", "type_id", "evaluation_year"),
        Index("ix_qualifications_number", "number"),
        # Covers the per-type reads of the dashboard and the roster (migration 0002).
        Index(
            "ix_qualifications_type_enterprise",
            "type_id",
            "enterprise_id",
            "valid_from",
            "valid_through",
            "revoked_on",
            "evaluation_year",
            "deleted_at",
        ),
        # The 科小 of each evaluation year in enterprise order: 首页's counts per year (migration 0011).
        Index(
            "ix_qualifications_type_year_enterprise",
            "type_id",
            "evaluation_year",
            "enterprise_id",
            "revoked_on",
            "deleted_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), index=True
    )
    type_id: Mapped[int] = mapped_column(ForeignKey("qualification_types.id"))
    number: Mapped[str | None] = mapped_column(String(32))
    level: Mapped[str | None] = mapped_column(String(16))
    issued_on: Mapped[date | None]
    evaluation_year: Mapped[int | None]
    # Stored from the type's validity rule so counts on a date are one indexed range query.
    valid_from: Mapped[date | None]
    valid_through: Mapped[date | None]
    revoked_on: Mapped[date | None]
    revoke_reason: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)

    type: Mapped[QualificationType] = relationship()
