"""drawdown status as the DrawdownStatus enum: VARCHAR(20) widened to VARCHAR(32)

``drawdowns.status`` is now ``enum_type(DrawdownStatus)`` like every other status column:
a non-native enum stored as VARCHAR(32), no CHECK constraint. The stored values
(pending, utilised, cancelled) are unchanged, so no data moves; only the declared length
changes, so that the migrated schema matches the models when types are compared.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _status_length(old: int, new: int) -> None:
    with op.batch_alter_table("drawdowns", schema=None) as batch_op:
        batch_op.alter_column(
            "status", existing_type=sa.String(old), type_=sa.String(new), existing_nullable=False
        )


def upgrade() -> None:
    _status_length(20, 32)


def downgrade() -> None:
    _status_length(32, 20)
