"""Named saves of the commissioner screen: create a record or update it, returning its id.

Each is one store operation (desktop/operations.py) the window runs on the write worker; the
editor or the row only knows whether the record exists yet, and gets the id back either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from db.services.commissioners import demands, records, roster


def save_commissioner(
    session: Session,
    commissioner_id: int | None,
    values: Mapping[str, Any],
    operator: str,
    expected_version: int | None = None,
) -> int:
    """Create a commissioner (id None) or update one; returns its id.

    An update based on `expected_version` is refused (StaleEdit) when another desk changed it."""
    if commissioner_id is None:
        return roster.create(session, values, operator)
    roster.update(session, commissioner_id, values, operator, expected_version=expected_version)
    return commissioner_id


def save_demand(
    session: Session,
    demand_id: int | None,
    values: Mapping[str, Any],
    operator: str,
    expected_version: int | None = None,
) -> int:
    """Create a demand (id None) or update one (refused when stale, as above); returns its id."""
    if demand_id is None:
        return demands.create(session, values, operator)
    demands.update(session, demand_id, values, operator, expected_version=expected_version)
    return demand_id


def save_service_record(
    session: Session,
    dispatch_id: int,
    record_id: int | None,
    values: Mapping[str, Any],
    operator: str,
    expected_version: int | None = None,
) -> int:
    """Add a service record under a dispatch (id None) or update one (refused when stale, as
    above); returns its id."""
    if record_id is None:
        return records.add(session, dispatch_id, values, operator)
    records.update(session, record_id, values, operator, expected_version=expected_version)
    return record_id


def save_service_row(
    session: Session,
    dispatch_id: int,
    record_id: int | None,
    values: Mapping[str, Any],
    operator: str,
    expected_version: int | None = None,
) -> records.ServiceRecordView:
    """save_service_record for a grid row: the record as saved (with its new version), so the
    row's next save names the version it now shows."""
    saved = save_service_record(
        session, dispatch_id, record_id, values, operator, expected_version=expected_version
    )
    session.flush()
    return records.get(session, saved)
