"""Technology contracts, S&T results and their transfers (spec/plans.md).

A party is linked to the roster by its code when it is a district enterprise (`*_enterprise_id`);
`*_local` keeps what the row itself said (区内 True / 区外 False / not said None).
Amounts are 万元.
"""

from datetime import date

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, SoftDeleted, Timestamped, Versioned


class TechContract(Timestamped, SoftDeleted, Versioned, Base):
    __tablename__ = "tech_contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    reg_no: Mapped[str] = mapped_column(String(48), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    contract_type: Mapped[str] = mapped_column(String(8))
    seller_name: Mapped[str] = mapped_column(String(200))
    seller_uscc: Mapped[str | None] = mapped_column(String(18))
    seller_enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id"), index=True
    )
    seller_local: Mapped[bool | None]
    buyer_name: Mapped[str] = mapped_column(String(200))
    buyer_uscc: Mapped[str | None] = mapped_column(String(18))
    buyer_enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id"), index=True
    )
    buyer_local: Mapped[bool | None]
    amount: Mapped[float]
    tech_amount: Mapped[float | None]
    registered_on: Mapped[date] = mapped_column(index=True)
    registry_office: Mapped[str | None] = mapped_column(String(100))  # 登记机构
    field: Mapped[str | None] = mapped_column(String(100))
    town_id: Mapped[int | None] = mapped_column(ForeignKey("towns.id"))
    note: Mapped[str | None] = mapped_column(Text)


class TechResult(Timestamped, SoftDeleted, Versioned, Base):
    __tablename__ = "tech_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    reg_no: Mapped[str] = mapped_column(String(48), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    completer_name: Mapped[str] = mapped_column(String(200))
    completer_uscc: Mapped[str | None] = mapped_column(String(18))
    completer_enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id"), index=True
    )
    completer_local: Mapped[bool | None]
    result_type: Mapped[str | None] = mapped_column(String(16))
    registered_on: Mapped[date]
    field: Mapped[str | None] = mapped_column(String(100))
    town_id: Mapped[int | None] = mapped_column(ForeignKey("towns.id"))
    note: Mapped[str | None] = mapped_column(Text)


class ResultTransfer(Timestamped, SoftDeleted, Versioned, Base):
    __tablename__ = "result_transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("tech_results.id"), index=True)
    method: Mapped[str] = mapped_column(String(16))
    taker_name: Mapped[str] = mapped_column(String(200))
    taker_uscc: Mapped[str | None] = mapped_column(String(18))
    taker_enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id"), index=True
    )
    taker_local: Mapped[bool | None]
    transferred_on: Mapped[date] = mapped_column(index=True)
    amount: Mapped[float | None]
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("tech_contracts.id"), index=True)
    contract_reg_no: Mapped[str | None] = mapped_column(String(48))
    note: Mapped[str | None] = mapped_column(Text)
