"""The column mappings remembered per town and kind (import.md): a clerk's hand mapping is applied next time."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from db.models import (
    ColumnMapping,
)
from db.rules.text import normalize_header


def load_mappings(session: Session, town: str | None, kind: str) -> dict[str, str]:
    """The headers mapped by hand for a town (None/'' = no town) and kind: header → field."""
    stmt = select(ColumnMapping.header, ColumnMapping.field).where(
        ColumnMapping.town == (town or ""), ColumnMapping.kind == kind
    )
    return {header: name for header, name in session.execute(stmt)}


def save_mappings(
    session: Session, town: str | None, kind: str, mapping: Mapping[str, str]
) -> None:
    """Remember hand mappings (header → field, '' = ignore) for a town and kind; replaces same headers."""
    rows = {normalize_header(h): f for h, f in mapping.items() if normalize_header(h)}
    if not rows:
        return
    where_town = ColumnMapping.town == (town or "")
    session.execute(
        delete(ColumnMapping).where(
            where_town, ColumnMapping.kind == kind, ColumnMapping.header.in_(list(rows))
        )
    )
    session.execute(
        insert(ColumnMapping),
        [{"town": town or "", "kind": kind, "header": h, "field": f} for h, f in rows.items()],
    )
