"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 07:24:48.614057

The whole schema of the first release, the qualification catalogue of domain.md
and the settings row.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.rules.settings import DEFAULTS

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _create_tables()
    _seed_qualification_types()
    _seed_settings()


def _create_tables() -> None:
    op.create_table(
        "bureau_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bureau_name", sa.String(length=128), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("district_code", sa.String(length=6), nullable=False),
        sa.Column("head_of_unit", sa.String(length=32), nullable=False),
        sa.Column("head_of_statistics", sa.String(length=32), nullable=False),
        sa.Column("preparer", sa.String(length=32), nullable=False),
        sa.Column("contact_phone", sa.String(length=32), nullable=False),
        sa.Column("hte_last_day_included", sa.Boolean(), nullable=False),
        sa.Column("expiry_warning_days", sa.Integer(), nullable=False),
        sa.Column("rd_list_a_revenue", sa.Double(), nullable=False),
        sa.Column("rd_list_b_revenue", sa.Double(), nullable=False),
        sa.Column("assessment_grades", sa.Text(), nullable=False),
        sa.Column("incubator_min_area", sa.Double(), nullable=False),
        sa.Column("incubator_min_incubatees", sa.Integer(), nullable=False),
        sa.Column("incubator_min_graduates", sa.Integer(), nullable=False),
        sa.Column("makerspace_min_area", sa.Double(), nullable=False),
        sa.Column("makerspace_min_stations", sa.Integer(), nullable=False),
        sa.Column("makerspace_min_teams", sa.Integer(), nullable=False),
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
        sa.CheckConstraint("id = 1", name=op.f("ck_bureau_settings_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bureau_settings")),
    )
    op.create_table(
        "column_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("town", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("header", sa.String(length=200), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_column_mappings")),
        sa.UniqueConstraint(
            "town", "kind", "header", name=op.f("uq_column_mappings_town_kind_header")
        ),
    )
    op.create_table(
        "commissioners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=True),
        sa.Column("gender", sa.String(length=2), nullable=True),
        sa.Column("id_number", sa.String(length=18), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("unit", sa.String(length=200), nullable=True),
        sa.Column("contact_person", sa.String(length=50), nullable=True),
        sa.Column("title", sa.String(length=50), nullable=True),
        sa.Column("field", sa.String(length=100), nullable=True),
        sa.Column("first_year", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commissioners")),
    )
    with op.batch_alter_table("commissioners", schema=None) as batch_op:
        batch_op.create_index("ix_commissioners_id_number", ["id_number"], unique=False)
        batch_op.create_index("ix_commissioners_name", ["name"], unique=False)

    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=260), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("sheet", sa.String(length=100), nullable=True),
        sa.Column("town", sa.String(length=64), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("undone_by", sa.String(length=64), nullable=True),
        sa.Column("report", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
    )
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batches_sha256"), ["sha256"], unique=False)

    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=48), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("base_year", sa.Integer(), nullable=True),
        sa.Column("base_value", sa.Double(), nullable=True),
        sa.Column("department", sa.String(length=100), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators")),
        sa.UniqueConstraint("code", name=op.f("uq_indicators_code")),
    )
    op.create_table(
        "qualification_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("levels", sa.String(length=64), nullable=False),
        sa.Column("validity_kind", sa.String(length=16), nullable=False),
        sa.Column("validity_years", sa.Integer(), nullable=False),
        sa.Column("ladder_rank", sa.Integer(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qualification_types")),
        sa.UniqueConstraint("code", name=op.f("uq_qualification_types_code")),
        sa.UniqueConstraint("name", name=op.f("uq_qualification_types_name")),
    )
    op.create_table(
        "return_legal_marks",
        sa.Column("return_id", sa.String(length=48), nullable=False),
        sa.Column("table_no", sa.String(length=64), nullable=True),
        sa.Column("authority", sa.String(length=100), nullable=True),
        sa.Column("approval_kind", sa.String(length=8), nullable=True),
        sa.Column("approval_authority", sa.String(length=100), nullable=True),
        sa.Column("approval_no", sa.String(length=100), nullable=True),
        sa.Column("valid_until", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("return_id", name=op.f("pk_return_legal_marks")),
    )
    op.create_table(
        "submitted_returns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.String(length=48), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("town", sa.String(length=64), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("xlsx", sa.LargeBinary(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("checks", sa.Text(), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column(
            "submitted_at",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submitted_returns")),
    )
    with op.batch_alter_table("submitted_returns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_submitted_returns_return_id"), ["return_id"], unique=False
        )

    op.create_table(
        "towns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_towns")),
        sa.UniqueConstraint("name", name=op.f("uq_towns_name")),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commissioner_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=8), nullable=False),
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
        sa.ForeignKeyConstraint(
            ["commissioner_id"],
            ["commissioners.id"],
            name=op.f("fk_assessments_commissioner_id_commissioners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
        sa.UniqueConstraint(
            "commissioner_id", "year", name=op.f("uq_assessments_commissioner_id_year")
        ),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name=op.f("fk_audit_log_batch_id_import_batches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_batch", ["batch_id"], unique=False)
        batch_op.create_index("ix_audit_entity", ["entity", "entity_id"], unique=False)

    op.create_table(
        "carriers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=True),
        sa.Column("recognized_year", sa.Integer(), nullable=True),
        sa.Column("operator", sa.String(length=200), nullable=True),
        sa.Column("town_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("area", sa.Double(), nullable=True),
        sa.Column("stations", sa.Integer(), nullable=True),
        sa.Column("contact", sa.String(length=50), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
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
        sa.ForeignKeyConstraint(["town_id"], ["towns.id"], name=op.f("fk_carriers_town_id_towns")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carriers")),
        sa.UniqueConstraint("name", name=op.f("uq_carriers_name")),
    )
    with op.batch_alter_table("carriers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_carriers_town_id"), ["town_id"], unique=False)

    op.create_table(
        "enterprises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("founded_on", sa.Date(), nullable=True),
        sa.Column("industry", sa.String(length=100), nullable=True),
        sa.Column("legal_rep", sa.String(length=50), nullable=True),
        sa.Column("contact", sa.String(length=50), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("above_scale", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("pinyin_initials", sa.String(length=200), nullable=False),
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
            ["town_id"], ["towns.id"], name=op.f("fk_enterprises_town_id_towns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprises")),
        sa.UniqueConstraint("uscc", name=op.f("uq_enterprises_uscc")),
    )
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.create_index("ix_enterprises_deleted", ["deleted_at"], unique=False)
        batch_op.create_index("ix_enterprises_name", ["name"], unique=False)
        batch_op.create_index("ix_enterprises_pinyin", ["pinyin_initials"], unique=False)
        batch_op.create_index(batch_op.f("ix_enterprises_town_id"), ["town_id"], unique=False)
        batch_op.create_index("ix_enterprises_town_name", ["town_id", "name"], unique=False)

    op.create_table(
        "indicator_actuals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_indicator_actuals_indicator_id_indicators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_actuals")),
        sa.UniqueConstraint(
            "indicator_id", "year", name=op.f("uq_indicator_actuals_indicator_id_year")
        ),
    )
    op.create_table(
        "indicator_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("target", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_indicator_targets_indicator_id_indicators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_targets")),
        sa.UniqueConstraint(
            "indicator_id", "year", name=op.f("uq_indicator_targets_indicator_id_year")
        ),
    )
    op.create_table(
        "town_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["town_id"],
            ["towns.id"],
            name=op.f("fk_town_aliases_town_id_towns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_town_aliases")),
        sa.UniqueConstraint("alias", name=op.f("uq_town_aliases_alias")),
    )
    with op.batch_alter_table("town_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_town_aliases_town_id"), ["town_id"], unique=False)

    op.create_table(
        "carrier_years",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("carrier_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("incubatees_reported", sa.Integer(), nullable=True),
        sa.Column("graduates_reported", sa.Integer(), nullable=True),
        sa.Column("new_enterprises", sa.Integer(), nullable=True),
        sa.Column("jobs", sa.Integer(), nullable=True),
        sa.Column("financing", sa.Double(), nullable=True),
        sa.Column("events", sa.Integer(), nullable=True),
        sa.Column("grade", sa.String(length=4), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["carrier_id"], ["carriers.id"], name=op.f("fk_carrier_years_carrier_id_carriers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carrier_years")),
        sa.UniqueConstraint("carrier_id", "year", name=op.f("uq_carrier_years_carrier_id_year")),
    )
    op.create_table(
        "demands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requester", sa.String(length=200), nullable=False),
        sa.Column("requester_kind", sa.String(length=8), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("town_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=100), nullable=True),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
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
            ["enterprise_id"], ["enterprises.id"], name=op.f("fk_demands_enterprise_id_enterprises")
        ),
        sa.ForeignKeyConstraint(["town_id"], ["towns.id"], name=op.f("fk_demands_town_id_towns")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demands")),
    )
    with op.batch_alter_table("demands", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_demands_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_demands_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_demands_town_id"), ["town_id"], unique=False)

    op.create_table(
        "enterprise_years",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("revenue", sa.Double(), nullable=True),
        sa.Column("rd_expense", sa.Double(), nullable=True),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("rd_staff", sa.Integer(), nullable=True),
        sa.Column("rd_activity", sa.Boolean(), nullable=True),
        sa.Column("rd_institution", sa.Boolean(), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_enterprise_years_enterprise_id_enterprises"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_years")),
        sa.UniqueConstraint(
            "enterprise_id", "year", name=op.f("uq_enterprise_years_enterprise_id_year")
        ),
    )
    with op.batch_alter_table("enterprise_years", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enterprise_years_year"), ["year"], unique=False)

    op.create_table(
        "incubatees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("carrier_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("team_name", sa.String(length=200), nullable=True),
        sa.Column("entered_on", sa.Date(), nullable=False),
        sa.Column("exited_on", sa.Date(), nullable=True),
        sa.Column("exit_kind", sa.String(length=8), nullable=True),
        sa.Column("investment", sa.Double(), nullable=True),
        sa.Column("listed", sa.Boolean(), nullable=False),
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
            ["carrier_id"], ["carriers.id"], name=op.f("fk_incubatees_carrier_id_carriers")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_incubatees_enterprise_id_enterprises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incubatees")),
    )
    with op.batch_alter_table("incubatees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incubatees_carrier_id"), ["carrier_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_incubatees_enterprise_id"), ["enterprise_id"], unique=False
        )

    op.create_table(
        "platforms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("host_enterprise_id", sa.Integer(), nullable=True),
        sa.Column("host_name", sa.String(length=200), nullable=False),
        sa.Column("recognized_year", sa.Integer(), nullable=True),
        sa.Column("department", sa.String(length=100), nullable=True),
        sa.Column("town_id", sa.Integer(), nullable=True),
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
            ["host_enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_platforms_host_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(["town_id"], ["towns.id"], name=op.f("fk_platforms_town_id_towns")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platforms")),
        sa.UniqueConstraint("kind", "name", name=op.f("uq_platforms_kind_name")),
    )
    with op.batch_alter_table("platforms", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_platforms_host_enterprise_id"), ["host_enterprise_id"], unique=False
        )

    op.create_table(
        "qualifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("evaluation_year", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_through", sa.Date(), nullable=True),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.Column("revoke_reason", sa.String(length=200), nullable=True),
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
            name=op.f("fk_qualifications_enterprise_id_enterprises"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["type_id"],
            ["qualification_types.id"],
            name=op.f("fk_qualifications_type_id_qualification_types"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qualifications")),
    )
    with op.batch_alter_table("qualifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_qualifications_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index("ix_qualifications_number", ["number"], unique=False)
        batch_op.create_index(
            "ix_qualifications_type_validity",
            ["type_id", "valid_from", "valid_through"],
            unique=False,
        )
        batch_op.create_index(
            "ix_qualifications_type_year", ["type_id", "evaluation_year"], unique=False
        )

    op.create_table(
        "dispatches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commissioner_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("target_name", sa.String(length=200), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("agreement", sa.Boolean(), nullable=False),
        sa.Column("demand_id", sa.Integer(), nullable=True),
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
            ["commissioner_id"],
            ["commissioners.id"],
            name=op.f("fk_dispatches_commissioner_id_commissioners"),
        ),
        sa.ForeignKeyConstraint(
            ["demand_id"], ["demands.id"], name=op.f("fk_dispatches_demand_id_demands")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_dispatches_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["towns.id"], name=op.f("fk_dispatches_town_id_towns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatches")),
    )
    with op.batch_alter_table("dispatches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dispatches_commissioner_id"), ["commissioner_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_dispatches_demand_id"), ["demand_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_dispatches_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_dispatches_town_id"), ["town_id"], unique=False)

    op.create_table(
        "service_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dispatch_id", sa.Integer(), nullable=False),
        sa.Column("served_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("trained", sa.Integer(), nullable=True),
        sa.Column("technologies", sa.Integer(), nullable=True),
        sa.Column("benefit", sa.Double(), nullable=True),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
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
            ["dispatch_id"],
            ["dispatches.id"],
            name=op.f("fk_service_records_dispatch_id_dispatches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_records")),
    )
    with op.batch_alter_table("service_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_records_dispatch_id"), ["dispatch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_service_records_served_on"), ["served_on"], unique=False
        )

    # ### end Alembic commands ###


QUALIFICATION_TYPES = [
    # code, name, levels, validity kind, years, ladder rank
    ("tech_sme", "科技型中小企业", "省级", "evaluation_year", 0, 1),
    ("innovative_sme", "创新型中小企业", "省级", "years", 3, 1),
    ("high_tech", "高新技术企业", "国家级", "years", 3, 2),
    ("specialized_sme", "专精特新中小企业", "省级", "years", 3, 2),
    ("little_giant", '专精特新"小巨人"企业', "国家级", "years", 3, 3),
    ("gazelle", "瞪羚企业", "省级,市级", "years", 1, 3),
    ("unicorn", "独角兽企业", "省级,市级", "years", 1, 3),
    ("listed_high_tech", "上市高企", "", "no_expiry", 0, 3),
    ("tech_leader", "科技型领军企业", "省级,市级", "years", 3, 4),
]


def _seed_qualification_types() -> None:
    table = sa.table(
        "qualification_types",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("levels", sa.String),
        sa.column("validity_kind", sa.String),
        sa.column("validity_years", sa.Integer),
        sa.column("ladder_rank", sa.Integer),
        sa.column("sort_order", sa.Integer),
    )
    keys = ("code", "name", "levels", "validity_kind", "validity_years", "ladder_rank")
    rows = [
        dict(zip(keys, t, strict=True)) | {"sort_order": i}
        for i, t in enumerate(QUALIFICATION_TYPES)
    ]
    op.bulk_insert(table, rows)


_SETTINGS_COLUMNS = (
    "bureau_name",
    "province_code",
    "district_code",
    "head_of_unit",
    "head_of_statistics",
    "preparer",
    "contact_phone",
    "hte_last_day_included",
    "expiry_warning_days",
    "rd_list_a_revenue",
    "rd_list_b_revenue",
    "assessment_grades",
    "incubator_min_area",
    "incubator_min_incubatees",
    "incubator_min_graduates",
    "makerspace_min_area",
    "makerspace_min_stations",
    "makerspace_min_teams",
)


def _seed_settings() -> None:
    # The defaults have one source (db/rules/settings.py), taken for the columns this revision
    # creates (a setting added later is seeded by its own migration); typed columns keep the
    # booleans portable (a literal 1 is no boolean on PostgreSQL).
    types = {bool: sa.Boolean, int: sa.Integer, float: sa.Float, str: sa.Text}
    row = {"id": 1} | {name: getattr(DEFAULTS, name) for name in _SETTINGS_COLUMNS}
    table = sa.table(
        "bureau_settings", *(sa.column(name, types[type(value)]) for name, value in row.items())
    )
    op.bulk_insert(table, [row])


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table("service_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_records_served_on"))
        batch_op.drop_index(batch_op.f("ix_service_records_dispatch_id"))

    op.drop_table("service_records")
    with op.batch_alter_table("dispatches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispatches_town_id"))
        batch_op.drop_index(batch_op.f("ix_dispatches_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_dispatches_demand_id"))
        batch_op.drop_index(batch_op.f("ix_dispatches_commissioner_id"))

    op.drop_table("dispatches")
    with op.batch_alter_table("qualifications", schema=None) as batch_op:
        batch_op.drop_index("ix_qualifications_type_year")
        batch_op.drop_index("ix_qualifications_type_validity")
        batch_op.drop_index("ix_qualifications_number")
        batch_op.drop_index(batch_op.f("ix_qualifications_enterprise_id"))

    op.drop_table("qualifications")
    with op.batch_alter_table("platforms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_platforms_host_enterprise_id"))

    op.drop_table("platforms")
    with op.batch_alter_table("incubatees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incubatees_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_incubatees_carrier_id"))

    op.drop_table("incubatees")
    with op.batch_alter_table("enterprise_years", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enterprise_years_year"))

    op.drop_table("enterprise_years")
    with op.batch_alter_table("demands", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_demands_town_id"))
        batch_op.drop_index(batch_op.f("ix_demands_status"))
        batch_op.drop_index(batch_op.f("ix_demands_enterprise_id"))

    op.drop_table("demands")
    op.drop_table("carrier_years")
    with op.batch_alter_table("town_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_town_aliases_town_id"))

    op.drop_table("town_aliases")
    op.drop_table("indicator_targets")
    op.drop_table("indicator_actuals")
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.drop_index("ix_enterprises_town_name")
        batch_op.drop_index(batch_op.f("ix_enterprises_town_id"))
        batch_op.drop_index("ix_enterprises_pinyin")
        batch_op.drop_index("ix_enterprises_name")
        batch_op.drop_index("ix_enterprises_deleted")

    op.drop_table("enterprises")
    with op.batch_alter_table("carriers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_carriers_town_id"))

    op.drop_table("carriers")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entity")
        batch_op.drop_index("ix_audit_batch")

    op.drop_table("audit_log")
    op.drop_table("assessments")
    op.drop_table("towns")
    with op.batch_alter_table("submitted_returns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submitted_returns_return_id"))

    op.drop_table("submitted_returns")
    op.drop_table("return_legal_marks")
    op.drop_table("qualification_types")
    op.drop_table("indicators")
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batches_sha256"))

    op.drop_table("import_batches")
    with op.batch_alter_table("commissioners", schema=None) as batch_op:
        batch_op.drop_index("ix_commissioners_name")
        batch_op.drop_index("ix_commissioners_id_number")

    op.drop_table("commissioners")
    op.drop_table("column_mappings")
    op.drop_table("bureau_settings")
    # ### end Alembic commands ###
