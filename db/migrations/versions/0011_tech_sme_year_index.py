"""covering index of qualifications by type, evaluation year and enterprise

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 21:10:00.000000

首页 counts the 科技型中小企业 of each evaluation year (the trend since 2019, the year's count by
town, 同时为高企和科小); with this index each year is one index range in enterprise order, so a
year's distinct enterprises are counted without a sort and without touching the table rows.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["type_id", "evaluation_year", "enterprise_id", "revoked_on", "deleted_at"]


def upgrade() -> None:
    with op.batch_alter_table("qualifications", schema=None) as batch_op:
        batch_op.create_index("ix_qualifications_type_year_enterprise", COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("qualifications", schema=None) as batch_op:
        batch_op.drop_index("ix_qualifications_type_year_enterprise")
