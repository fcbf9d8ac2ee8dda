"""covering index of qualifications by type and enterprise

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 08:30:00.000000

The dashboard counts and the roster's ladder / expiry columns read, per type, every
qualification's enterprise and dates; this index holds all of them in (type, enterprise) order
so those reads never touch the table rows.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = [
    "type_id",
    "enterprise_id",
    "valid_from",
    "valid_through",
    "revoked_on",
    "evaluation_year",
    "deleted_at",
]


def upgrade() -> None:
    with op.batch_alter_table("qualifications", schema=None) as batch_op:
        batch_op.create_index("ix_qualifications_type_enterprise", COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("qualifications", schema=None) as batch_op:
        batch_op.drop_index("ix_qualifications_type_enterprise")
