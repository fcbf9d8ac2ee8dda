"""Import batches (one per committed file) and column mappings remembered per town."""

from datetime import datetime

from sqlalchemy import DateTime, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


class ImportBatch(Base):
    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(260))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    sheet: Mapped[str | None] = mapped_column(String(100))
    town: Mapped[str | None] = mapped_column(String(64))
    year: Mapped[int | None]
    operator: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    rows: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
    undone_by: Mapped[str | None] = mapped_column(String(64))
    report: Mapped[str | None] = mapped_column(Text)  # JSON: errors and warnings as reported


class ColumnMapping(Base):
    """A header the clerk mapped by hand, remembered for that town and kind."""

    __tablename__ = "column_mappings"
    __table_args__ = (UniqueConstraint("town", "kind", "header"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    town: Mapped[str] = mapped_column(String(64), default="")
    kind: Mapped[str] = mapped_column(String(32))
    header: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(64))  # "" = ignore this column
