"""onboarding: a batch remembers whether valid rows were accepted, and its file-level notes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("onboarding_batches", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("accept_valid", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("notes", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("onboarding_batches", schema=None) as batch_op:
        batch_op.drop_column("notes")
        batch_op.drop_column("accept_valid")
