"""collection rounds (征集)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 10:00:00.000000

A round sends one pre-filled workbook of a kind and a data year to each town; each town's row
follows it from 下发 (sent) to 已回收 (returned) to 已导入 (imported, with the batch).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "collection_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_rounds")),
    )
    op.create_table(
        "collection_round_towns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("sent_file", sa.Text(), nullable=True),
        sa.Column("sent_sha256", sa.String(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("returned_file", sa.Text(), nullable=True),
        sa.Column("returned_sha256", sa.String(), nullable=True),
        sa.Column("returned_at", sa.DateTime(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["collection_rounds.id"],
            name=op.f("fk_collection_round_towns_round_id_collection_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["towns.id"], name=op.f("fk_collection_round_towns_town_id_towns")
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_collection_round_towns_batch_id_import_batches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_round_towns")),
        sa.UniqueConstraint(
            "round_id", "town_id", name=op.f("uq_collection_round_towns_round_id_town_id")
        ),
    )
    with op.batch_alter_table("collection_round_towns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_collection_round_towns_round_id"), ["round_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_collection_round_towns_town_id"), ["town_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("collection_round_towns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_collection_round_towns_town_id"))
        batch_op.drop_index(batch_op.f("ix_collection_round_towns_round_id"))
    op.drop_table("collection_round_towns")
    op.drop_table("collection_rounds")
