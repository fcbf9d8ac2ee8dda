"""plans: indicator kinds, town targets and who entered an actual; the cultivation pipeline;
corrections of submitted returns; the 高企后备库 thresholds

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 14:00:00.000000

spec/plans.md: an indicator has a kind (count, amount, rate, growth, cumulative) and, for a growth,
the series it grows; its sources are renamed to the names of plans.md (count:high_tech → high_tech).
Town targets are optional rows of their own. A manual actual records who entered it and when.
The 培育库 keeps one pipeline entry per enterprise, track and year. A submitted return can be
corrected by a later version that names it. The existing settings row gets the defaults of
db/rules/settings.py through the new columns' server defaults.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.rules.settings import CANDIDATE_FIELDS, DEFAULTS

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RENAMED_SOURCES = {"count:high_tech": "high_tech", "count:tech_sme": "tech_sme"}


def upgrade() -> None:
    op.create_table(
        "indicator_town_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_indicator_town_targets_indicator_id_indicators"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["towns.id"], name=op.f("fk_indicator_town_targets_town_id_towns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_town_targets")),
        sa.UniqueConstraint(
            "indicator_id",
            "year",
            "town_id",
            name=op.f("uq_indicator_town_targets_indicator_id_year_town_id"),
        ),
    )
    with op.batch_alter_table("indicator_town_targets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_indicator_town_targets_indicator_id"), ["indicator_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_indicator_town_targets_town_id"), ["town_id"], unique=False
        )

    op.create_table(
        "cultivation_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("track", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("entered_on", sa.Date(), nullable=True),
        sa.Column("declared_on", sa.Date(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_by", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_cultivation_entries_enterprise_id_enterprises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cultivation_entries")),
        sa.UniqueConstraint(
            "enterprise_id",
            "track",
            "year",
            name=op.f("uq_cultivation_entries_enterprise_id_track_year"),
        ),
    )
    with op.batch_alter_table("cultivation_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cultivation_entries_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_cultivation_entries_year"), ["year"], unique=False)

    with op.batch_alter_table("bureau_settings", schema=None) as batch_op:
        for field in CANDIDATE_FIELDS:
            default = getattr(DEFAULTS, field)
            kind = sa.Integer() if isinstance(default, int) else sa.Double()
            batch_op.add_column(sa.Column(field, kind, nullable=False, server_default=str(default)))

    with op.batch_alter_table("indicator_actuals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("entered_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("entered_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="count", nullable=False)
        )
        batch_op.add_column(sa.Column("series", sa.String(length=64), nullable=True))

    with op.batch_alter_table("submitted_returns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("corrects_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("correction_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_submitted_returns_corrects_id_submitted_returns"),
            "submitted_returns",
            ["corrects_id"],
            ["id"],
        )

    indicators = sa.table("indicators", sa.column("source", sa.String))
    for old, new in RENAMED_SOURCES.items():
        op.execute(indicators.update().where(indicators.c.source == old).values(source=new))


def downgrade() -> None:
    indicators = sa.table("indicators", sa.column("source", sa.String))
    for old, new in RENAMED_SOURCES.items():
        op.execute(indicators.update().where(indicators.c.source == new).values(source=old))
    with op.batch_alter_table("submitted_returns", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_submitted_returns_corrects_id_submitted_returns"), type_="foreignkey"
        )
        batch_op.drop_column("correction_reason")
        batch_op.drop_column("corrects_id")
        batch_op.drop_column("version")

    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.drop_column("series")
        batch_op.drop_column("kind")

    with op.batch_alter_table("indicator_actuals", schema=None) as batch_op:
        batch_op.drop_column("entered_at")
        batch_op.drop_column("entered_by")

    with op.batch_alter_table("bureau_settings", schema=None) as batch_op:
        for field in reversed(CANDIDATE_FIELDS):
            batch_op.drop_column(field)

    with op.batch_alter_table("cultivation_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cultivation_entries_year"))
        batch_op.drop_index(batch_op.f("ix_cultivation_entries_enterprise_id"))

    op.drop_table("cultivation_entries")
    with op.batch_alter_table("indicator_town_targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_town_targets_town_id"))
        batch_op.drop_index(batch_op.f("ix_indicator_town_targets_indicator_id"))

    op.drop_table("indicator_town_targets")
