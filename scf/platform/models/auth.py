"""Users, roles and API tokens."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from scf.platform.models.base import Base, Timestamps, enum_type
from scf.platform.models.enums import Role
from scf.platform.models.types import UTCDateTime


class User(Timestamps, Base):
    """A person who logs in. A market administrator is tied to one market."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role))
    branch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("branches.id"))
    market_id: Mapped[int | None] = mapped_column(sa.ForeignKey("markets.id"))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # 审批权限: a level of ``authority.levels`` in the policy (差别化授权 [000 §五]); None = none.
    approval_level: Mapped[str | None] = mapped_column(sa.String(40))

    __table_args__ = (
        sa.CheckConstraint(
            "role <> 'market_administrator' OR market_id IS NOT NULL",
            name="market_administrator_has_market",
        ),
    )


class ApiToken(Base):
    """A bearer token for integrations; only its hash is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(128), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
