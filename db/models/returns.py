"""Submitted statistical returns (archived exactly as sent) and per-return legal marks."""

from datetime import date, datetime

from sqlalchemy import DateTime, ForeignKey, LargeBinary, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


class SubmittedReturn(Base):
    __tablename__ = "submitted_returns"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[str] = mapped_column(String(48), index=True)
    title: Mapped[str] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(16))
    town: Mapped[str | None] = mapped_column(String(64))
    as_of: Mapped[date | None]
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    xlsx: Mapped[bytes] = mapped_column(LargeBinary)
    data: Mapped[str] = mapped_column(Text)  # JSON of the computed table
    checks: Mapped[str] = mapped_column(Text)  # JSON: errors, warnings, explanations
    operator: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.current_timestamp()
    )
    # Since migration 0005: a correction (更正) is a new version that names the one it corrects;
    # both stay in the history.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("submitted_returns.id"))
    correction_reason: Mapped[str | None] = mapped_column(Text)


class ReturnLegalMarks(Base):
    """Overrides of a return's legal marks (表号, 制表机关 …); blank fields fall back to defaults."""

    __tablename__ = "return_legal_marks"

    return_id: Mapped[str] = mapped_column(String(48), primary_key=True)
    table_no: Mapped[str | None] = mapped_column(String(64))
    authority: Mapped[str | None] = mapped_column(String(100))
    approval_kind: Mapped[str | None] = mapped_column(String(8))  # 批准机关 or 备案机关
    approval_authority: Mapped[str | None] = mapped_column(String(100))
    approval_no: Mapped[str | None] = mapped_column(String(100))
    valid_until: Mapped[str | None] = mapped_column(String(32))
