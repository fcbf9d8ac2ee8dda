"""a version on every editable record

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 17:00:00.000000

spec/desks.md: several desks edit the same records; a save over another desk's change must be
refused, not silently overwrite it. Each editable record carries a version that every update
bumps (the ORM's optimistic concurrency checks it; bulk imports and undo bump it too); a save
that names the version its clerk opened is refused when the stored one differs. Existing rows
start at version 1.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables of db/models that hold records a clerk edits (their models mix in base.Versioned).
TABLES = (
    "towns",
    "enterprises",
    "enterprise_years",
    "qualifications",
    "commissioners",
    "demands",
    "dispatches",
    "service_records",
    "assessments",
    "carriers",
    "incubatees",
    "carrier_years",
    "platforms",
    "tech_contracts",
    "tech_results",
    "result_transfers",
    "indicators",
    "indicator_targets",
    "indicator_town_targets",
    "indicator_actuals",
    "cultivation_entries",
)


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), server_default="1", nullable=False)
            )


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
