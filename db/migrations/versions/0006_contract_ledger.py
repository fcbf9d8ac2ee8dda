"""the technology-contract ledger: contracts, S&T results and their transfers

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 14:00:01.000000

spec/plans.md: 技术合同 keyed by 登记号, with seller and buyer linked to the roster by code when they
are district enterprises; 科技成果 keyed by 登记号; 转化 of a result, optionally linked to its contract.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tech_contracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reg_no", sa.String(length=48), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("contract_type", sa.String(length=8), nullable=False),
        sa.Column("seller_name", sa.String(length=200), nullable=False),
        sa.Column("seller_uscc", sa.String(length=18), nullable=True),
        sa.Column("seller_enterprise_id", sa.Integer(), nullable=True),
        sa.Column("seller_local", sa.Boolean(), nullable=True),
        sa.Column("buyer_name", sa.String(length=200), nullable=False),
        sa.Column("buyer_uscc", sa.String(length=18), nullable=True),
        sa.Column("buyer_enterprise_id", sa.Integer(), nullable=True),
        sa.Column("buyer_local", sa.Boolean(), nullable=True),
        sa.Column("amount", sa.Double(), nullable=False),
        sa.Column("tech_amount", sa.Double(), nullable=True),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("registry_office", sa.String(length=100), nullable=True),
        sa.Column("field", sa.String(length=100), nullable=True),
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
            ["buyer_enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_tech_contracts_buyer_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["seller_enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_tech_contracts_seller_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["towns.id"], name=op.f("fk_tech_contracts_town_id_towns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tech_contracts")),
        sa.UniqueConstraint("reg_no", name=op.f("uq_tech_contracts_reg_no")),
    )
    with op.batch_alter_table("tech_contracts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tech_contracts_buyer_enterprise_id"),
            ["buyer_enterprise_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_tech_contracts_registered_on"), ["registered_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tech_contracts_seller_enterprise_id"),
            ["seller_enterprise_id"],
            unique=False,
        )

    op.create_table(
        "tech_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reg_no", sa.String(length=48), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("completer_name", sa.String(length=200), nullable=False),
        sa.Column("completer_uscc", sa.String(length=18), nullable=True),
        sa.Column("completer_enterprise_id", sa.Integer(), nullable=True),
        sa.Column("completer_local", sa.Boolean(), nullable=True),
        sa.Column("result_type", sa.String(length=16), nullable=True),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("field", sa.String(length=100), nullable=True),
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
            ["completer_enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_tech_results_completer_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["towns.id"], name=op.f("fk_tech_results_town_id_towns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tech_results")),
        sa.UniqueConstraint("reg_no", name=op.f("uq_tech_results_reg_no")),
    )
    with op.batch_alter_table("tech_results", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tech_results_completer_enterprise_id"),
            ["completer_enterprise_id"],
            unique=False,
        )

    op.create_table(
        "result_transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("taker_name", sa.String(length=200), nullable=False),
        sa.Column("taker_uscc", sa.String(length=18), nullable=True),
        sa.Column("taker_enterprise_id", sa.Integer(), nullable=True),
        sa.Column("taker_local", sa.Boolean(), nullable=True),
        sa.Column("transferred_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Double(), nullable=True),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("contract_reg_no", sa.String(length=48), nullable=True),
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
            ["contract_id"],
            ["tech_contracts.id"],
            name=op.f("fk_result_transfers_contract_id_tech_contracts"),
        ),
        sa.ForeignKeyConstraint(
            ["result_id"],
            ["tech_results.id"],
            name=op.f("fk_result_transfers_result_id_tech_results"),
        ),
        sa.ForeignKeyConstraint(
            ["taker_enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_result_transfers_taker_enterprise_id_enterprises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result_transfers")),
    )
    with op.batch_alter_table("result_transfers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_result_transfers_contract_id"), ["contract_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_result_transfers_result_id"), ["result_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_result_transfers_taker_enterprise_id"),
            ["taker_enterprise_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_result_transfers_transferred_on"), ["transferred_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("result_transfers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_result_transfers_transferred_on"))
        batch_op.drop_index(batch_op.f("ix_result_transfers_taker_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_result_transfers_result_id"))
        batch_op.drop_index(batch_op.f("ix_result_transfers_contract_id"))

    op.drop_table("result_transfers")
    with op.batch_alter_table("tech_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tech_results_completer_enterprise_id"))

    op.drop_table("tech_results")
    with op.batch_alter_table("tech_contracts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tech_contracts_seller_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_tech_contracts_registered_on"))
        batch_op.drop_index(batch_op.f("ix_tech_contracts_buyer_enterprise_id"))

    op.drop_table("tech_contracts")
