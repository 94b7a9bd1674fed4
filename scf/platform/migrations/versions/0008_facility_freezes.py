"""facility freezes: who froze a facility, in which role, when and why; an unfreeze
awaiting approval

A freeze by a risk officer can only be lifted by risk officers, one proposing and
another approving (issue 12, finding 3), so the freeze in force is kept with who made
it. A table of its own, not columns on ``facilities``: adding foreign keys to that
table would make SQLite rebuild it under the many tables that refer to it. Facilities
frozen before this revision have no row; the rule treats them as a risk officer's.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "facility_freezes",
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("frozen_by_id", sa.Integer(), nullable=True),
        sa.Column("frozen_by_role", sa.String(length=32), nullable=True),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("unfreeze_proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("unfreeze_proposed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unfreeze_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.id"],
            name=op.f("fk_facility_freezes_facility_id_facilities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["frozen_by_id"], ["users.id"], name=op.f("fk_facility_freezes_frozen_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["unfreeze_proposed_by_id"],
            ["users.id"],
            name=op.f("fk_facility_freezes_unfreeze_proposed_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("facility_id", name=op.f("pk_facility_freezes")),
    )


def downgrade() -> None:
    op.drop_table("facility_freezes")
