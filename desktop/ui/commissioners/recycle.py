"""回收站 loaders for the commissioner screen: deleted commissioners and deleted demands."""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.services.commissioners import demands, roster
from desktop.ui.common.recycle import RecycleRow

COMMISSIONER_COLUMNS = ("姓名（名称）", "类型", "派出单位")
DELETED_DEMAND_COLUMNS = ("需求方", "提出日期", "需求内容")


def commissioner_rows(session: Session) -> list[RecycleRow]:
    """Deleted commissioners as recycle-bin rows."""
    return [
        RecycleRow(c.id, (c.name, c.kind, c.unit or ""), c.deleted_at, c.deleted_by)
        for c in roster.deleted_commissioners(session)
    ]


def demand_rows(session: Session) -> list[RecycleRow]:
    """Deleted demands as recycle-bin rows."""
    return [
        RecycleRow(
            d.id,
            (d.requester, d.raised_on.isoformat(), d.problem),
            d.deleted_at,
            d.deleted_by,
        )
        for d in demands.deleted_demands(session)
    ]
