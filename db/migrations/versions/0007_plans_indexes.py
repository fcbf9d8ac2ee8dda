"""covering index of the yearly figures by year and enterprise

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 15:30:00.000000

The plans' indicators read every live enterprise's figures of the last years (研发费用, 研发活动,
研发机构), and the 高企后备库 reads three years of figures per enterprise; this index holds those
figures in (year, enterprise) order, so the indicators read one index range per year and the
后备库's look-ups never touch the table rows.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = [
    "year",
    "enterprise_id",
    "rd_expense",
    "rd_activity",
    "rd_institution",
    "revenue",
    "employees",
    "rd_staff",
]


def upgrade() -> None:
    with op.batch_alter_table("enterprise_years", schema=None) as batch_op:
        batch_op.create_index("ix_enterprise_years_year_cover", COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("enterprise_years", schema=None) as batch_op:
        batch_op.drop_index("ix_enterprise_years_year_cover")
