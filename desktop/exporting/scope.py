"""What an export covers: the town filter, the as-of date, whether ID numbers are shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVarTuple

from sqlalchemy import Select

from db.rules.identifiers import mask_resident_id

Ts = TypeVarTuple("Ts")


@dataclass(frozen=True)
class ExportScope:
    """The options of one export (spec/cli.md `bureau export`)."""

    town_id: int | None = None
    as_of: date = field(default_factory=date.today)
    with_ids: bool = False

    def id_number(self, number: str | None) -> str | None:
        """An ID number as the export shows it: masked unless --with-ids."""
        if not number:
            return None
        return number if self.with_ids else mask_resident_id(number)

    def in_town(self, stmt: Select[*Ts], town: Any) -> Select[*Ts]:
        """The statement limited to the scope's town (`town` is the record's town column)."""
        return stmt if self.town_id is None else stmt.where(town == self.town_id)
