"""Innovation platforms hosted by enterprises or institutions."""

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, SoftDeleted, Timestamped, Versioned


class Platform(Timestamped, SoftDeleted, Versioned, Base):
    __tablename__ = "platforms"
    __table_args__ = (UniqueConstraint("kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(8))
    host_enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    host_name: Mapped[str] = mapped_column(String(200))
    recognized_year: Mapped[int | None]
    department: Mapped[str | None] = mapped_column(String(100))
    town_id: Mapped[int | None] = mapped_column(ForeignKey("towns.id"))
    note: Mapped[str | None] = mapped_column(Text)
