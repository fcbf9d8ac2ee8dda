"""Collection rounds (征集): a kind and a data year sent to the towns, and each town's progress.

A round has one row per town: 下发 (its workbook was written), 已回收 (the filled workbook came back)
and 已导入 (imported, with the batch). Texts are unbounded: nothing here is typed by a clerk into a
limited field, and file paths may be long.
"""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base


class CollectionRound(Base):
    __tablename__ = "collection_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String)
    year: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    created_by: Mapped[str] = mapped_column(String)
    note: Mapped[str | None] = mapped_column(Text)
    towns: Mapped[list["CollectionRoundTown"]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="CollectionRoundTown.id"
    )


class CollectionRoundTown(Base):
    """One town of a round: the workbook sent, the one returned, the batch that imported it."""

    __tablename__ = "collection_round_towns"
    __table_args__ = (UniqueConstraint("round_id", "town_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("collection_rounds.id", ondelete="CASCADE"), index=True
    )
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"), index=True)
    status: Mapped[str] = mapped_column(String, default="下发")
    sent_file: Mapped[str | None] = mapped_column(Text)
    sent_sha256: Mapped[str | None] = mapped_column(String)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    returned_file: Mapped[str | None] = mapped_column(Text)
    returned_sha256: Mapped[str | None] = mapped_column(String)
    returned_at: Mapped[datetime | None] = mapped_column(DateTime)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    round: Mapped[CollectionRound] = relationship(back_populates="towns")
