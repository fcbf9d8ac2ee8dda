"""Science and technology commissioners: roster, demands, dispatches, services, assessments."""

from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, SoftDeleted, Timestamped, Versioned


class Commissioner(Timestamped, SoftDeleted, Versioned, Base):
    __tablename__ = "commissioners"
    __table_args__ = (
        Index("ix_commissioners_name", "name"),
        Index("ix_commissioners_id_number", "id_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(8), default="个人")  # 个人/法人/团队/工作站
    level: Mapped[str | None] = mapped_column(String(8))  # 省级/市级/区级
    gender: Mapped[str | None] = mapped_column(String(2))
    id_number: Mapped[str | None] = mapped_column(String(18))
    phone: Mapped[str | None] = mapped_column(String(32))
    unit: Mapped[str | None] = mapped_column(String(200))
    contact_person: Mapped[str | None] = mapped_column(String(50))
    title: Mapped[str | None] = mapped_column(String(50))
    field: Mapped[str | None] = mapped_column(String(100))
    first_year: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(16), default="在岗")
    note: Mapped[str | None] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text, default="")


class Demand(Timestamped, SoftDeleted, Versioned, Base):
    __tablename__ = "demands"

    id: Mapped[int] = mapped_column(primary_key=True)
    requester: Mapped[str] = mapped_column(String(200))
    requester_kind: Mapped[str] = mapped_column(
        String(8), default="企业"
    )  # 企业/合作社/村/家庭农场
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    town_id: Mapped[int | None] = mapped_column(ForeignKey("towns.id"), index=True)
    field: Mapped[str | None] = mapped_column(String(100))
    problem: Mapped[str] = mapped_column(Text)
    raised_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(8), default="待对接", index=True)
    note: Mapped[str | None] = mapped_column(Text)


class Dispatch(Timestamped, SoftDeleted, Versioned, Base):
    __tablename__ = "dispatches"

    id: Mapped[int] = mapped_column(primary_key=True)
    commissioner_id: Mapped[int] = mapped_column(ForeignKey("commissioners.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    target_name: Mapped[str] = mapped_column(String(200))
    town_id: Mapped[int | None] = mapped_column(ForeignKey("towns.id"), index=True)
    start_on: Mapped[date]
    end_on: Mapped[date | None]
    agreement: Mapped[bool] = mapped_column(default=False)
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demands.id"), index=True)


class ServiceRecord(Timestamped, SoftDeleted, Versioned, Base):
    __tablename__ = "service_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispatch_id: Mapped[int] = mapped_column(ForeignKey("dispatches.id"), index=True)
    served_on: Mapped[date] = mapped_column(index=True)
    place: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="现场指导")
    trained: Mapped[int | None]
    technologies: Mapped[int | None]
    benefit: Mapped[float | None]  # 万元
    confirmed: Mapped[bool] = mapped_column(default=False)
    approved: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text)


class Assessment(Timestamped, Versioned, Base):
    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("commissioner_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commissioner_id: Mapped[int] = mapped_column(ForeignKey("commissioners.id"))
    year: Mapped[int]
    grade: Mapped[str] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(Text)
