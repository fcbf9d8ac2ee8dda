"""Incubation carriers, their incubatees and yearly operation data."""

from datetime import date

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, SoftDeleted, Timestamped, Versioned


class Carrier(Timestamped, SoftDeleted, Versioned, Base):
    __tablename__ = "carriers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(
        String(16)
    )  # 科技企业孵化器/众创空间/星创天地/加速器/大学科技园
    level: Mapped[str | None] = mapped_column(String(8))
    recognized_year: Mapped[int | None]
    operator: Mapped[str | None] = mapped_column(String(200))
    town_id: Mapped[int | None] = mapped_column(ForeignKey("towns.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    area: Mapped[float | None]  # m²
    stations: Mapped[int | None]
    contact: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)


class Incubatee(Timestamped, SoftDeleted, Versioned, Base):
    __tablename__ = "incubatees"

    id: Mapped[int] = mapped_column(primary_key=True)
    carrier_id: Mapped[int] = mapped_column(ForeignKey("carriers.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    team_name: Mapped[str | None] = mapped_column(String(200))
    entered_on: Mapped[date]
    exited_on: Mapped[date | None]
    exit_kind: Mapped[str | None] = mapped_column(String(8))  # 毕业/迁出/淘汰/注销
    investment: Mapped[float | None]  # 万元 angel/VC received
    listed: Mapped[bool] = mapped_column(default=False)  # merged, acquired or listed
    note: Mapped[str | None] = mapped_column(Text)


class CarrierYear(Timestamped, Versioned, Base):
    __tablename__ = "carrier_years"
    __table_args__ = (UniqueConstraint("carrier_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    carrier_id: Mapped[int] = mapped_column(ForeignKey("carriers.id"))
    year: Mapped[int]
    incubatees_reported: Mapped[int | None]
    graduates_reported: Mapped[int | None]
    new_enterprises: Mapped[int | None]
    jobs: Mapped[int | None]
    financing: Mapped[float | None]  # 万元
    events: Mapped[int | None]
    grade: Mapped[str | None] = mapped_column(String(4))
