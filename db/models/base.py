"""Declarative base with a naming convention so migrations name constraints predictably."""

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, func
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Timestamped:
    """Created/updated times kept by the database."""

    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.current_timestamp(), onupdate=func.current_timestamp()
    )


class SoftDeleted:
    """Soft delete: a recycle bin restores rows whose deleted_at is set."""

    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    deleted_by: Mapped[str | None] = mapped_column(default=None)


class Versioned:
    """A version every update bumps (migration 0008): the ORM's optimistic concurrency checks it.

    An ORM UPDATE runs `... WHERE id = :id AND version = :loaded` and sets version + 1, so a row
    another desk changed in between is never overwritten (StaleDataError); bulk writes through
    Core bump it themselves (`version = version + 1`). Saves that name the version the clerk
    opened compare it first (db/services/versions.py).
    """

    version: Mapped[int] = mapped_column(server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]
