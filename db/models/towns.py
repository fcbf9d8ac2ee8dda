"""Towns (乡镇/街道) of the district and their aliases."""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, Timestamped, Versioned


class Town(Timestamped, Versioned, Base):
    __tablename__ = "towns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    aliases: Mapped[list["TownAlias"]] = relationship(
        back_populates="town", cascade="all, delete-orphan", order_by="TownAlias.alias"
    )


class TownAlias(Base):
    __tablename__ = "town_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(64), unique=True)
    town: Mapped[Town] = relationship(back_populates="aliases")
