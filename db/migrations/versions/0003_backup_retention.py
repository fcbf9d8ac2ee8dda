"""how many automatic backups to keep

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:30:00.000000

Two bureau settings for the rotating automatic backups (db/backups.py): the newest backup of each
of the last `backups_keep_daily` days and of the last `backups_keep_weekly` weeks are kept. The
existing row gets the defaults of db/rules/settings.py through the columns' server defaults.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.rules.settings import RETENTION_COLUMNS, RETENTION_DEFAULTS

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("bureau_settings", schema=None) as batch_op:
        for field, column in RETENTION_COLUMNS.items():
            default = getattr(RETENTION_DEFAULTS, field)
            batch_op.add_column(
                sa.Column(column, sa.Integer(), nullable=False, server_default=str(default))
            )


def downgrade() -> None:
    with op.batch_alter_table("bureau_settings", schema=None) as batch_op:
        for column in reversed(RETENTION_COLUMNS.values()):
            batch_op.drop_column(column)
