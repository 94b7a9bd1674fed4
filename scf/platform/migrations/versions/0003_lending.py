"""lending: approval authority, facility guarantees and pricing, margin, receipt releases

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

Adds what facilities, drawdowns and repayments need beyond 0001:
- ``users.approval_level``: the approval authority (差别化授权 [000 §五]) a checker holds;
- ``facilities.repayment_method`` / ``rate_annual``: fixed and checked when granted;
- ``facility_guarantees``: guarantees attached to a facility;
- ``repayments.prepaid_principal``: the part paid before it was due (提前还款);
- ``margin_deposits``: 保兑仓 cash margin, which releases goods (随缴保证金随提货);
- ``receipt_releases``: each release of goods from a warehouse receipt.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from scf.platform.models import types as sct

# Kind and status columns are VARCHAR(32) holding an enum's value. The values are listed
# once, in scf.credit.kinds (and scf.platform.models.enums); the models check them on
# write. No list is repeated here: the database type does not depend on it.

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "facility_guarantees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("guarantor_party_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.String(length=32),
            nullable=False,
        ),
        sa.Column("amount", sct.Money(precision=18, scale=2), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_facility_guarantees_amount_positive")),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.id"],
            name=op.f("fk_facility_guarantees_facility_id_facilities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["guarantor_party_id"],
            ["parties.id"],
            name=op.f("fk_facility_guarantees_guarantor_party_id_parties"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facility_guarantees")),
        sa.UniqueConstraint(
            "facility_id",
            "guarantor_party_id",
            name=op.f("uq_facility_guarantees_facility_id_guarantor_party_id"),
        ),
    )
    with op.batch_alter_table("facility_guarantees", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facility_guarantees_facility_id"), ["facility_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_facility_guarantees_guarantor_party_id"),
            ["guarantor_party_id"],
            unique=False,
        )

    op.create_table(
        "margin_deposits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount", sct.Money(precision=18, scale=2), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_margin_deposits_amount_positive")),
        sa.ForeignKeyConstraint(
            ["loan_id"],
            ["loans.id"],
            name=op.f("fk_margin_deposits_loan_id_loans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_margin_deposits")),
    )
    with op.batch_alter_table("margin_deposits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_margin_deposits_loan_id"), ["loan_id"], unique=False)

    op.create_table(
        "receipt_releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=True),
        sa.Column("released_on", sa.Date(), nullable=False),
        sa.Column("quantity", sct.Quantity(precision=18, scale=4), nullable=False),
        sa.Column("unit_price", sct.UnitPrice(precision=18, scale=4), nullable=True),
        sa.Column("value", sct.Money(precision=18, scale=2), nullable=False),
        sa.Column(
            "basis",
            sa.String(length=32),
            nullable=False,
        ),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_receipt_releases_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_receipt_releases_loan_id_loans")
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"],
            ["warehouse_receipts.id"],
            name=op.f("fk_receipt_releases_receipt_id_warehouse_receipts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt_releases")),
    )
    with op.batch_alter_table("receipt_releases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_receipt_releases_loan_id"), ["loan_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_receipt_releases_receipt_id"), ["receipt_id"], unique=False
        )

    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "repayment_method",
                sa.String(length=32),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column("rate_annual", sct.Ratio(precision=12, scale=6), nullable=True)
        )

    with op.batch_alter_table("repayments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "prepaid_principal",
                sct.Money(precision=18, scale=2),
                server_default="0",
                nullable=False,
            )
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approval_level", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("approval_level")

    with op.batch_alter_table("repayments", schema=None) as batch_op:
        batch_op.drop_column("prepaid_principal")

    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.drop_column("rate_annual")
        batch_op.drop_column("repayment_method")

    with op.batch_alter_table("receipt_releases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_receipt_releases_receipt_id"))
        batch_op.drop_index(batch_op.f("ix_receipt_releases_loan_id"))

    op.drop_table("receipt_releases")
    with op.batch_alter_table("margin_deposits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_margin_deposits_loan_id"))

    op.drop_table("margin_deposits")
    with op.batch_alter_table("facility_guarantees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facility_guarantees_guarantor_party_id"))
        batch_op.drop_index(batch_op.f("ix_facility_guarantees_facility_id"))

    op.drop_table("facility_guarantees")
