"""Users, roles, API tokens and the login rate limiter's counters."""

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
    # Wrong passwords in a row; from ``login_max_failures`` on, each starts a back-off
    # (login waits until ``locked_until``) twice as long as the last.
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Part of every session cookie's fingerprint: moving it on (logout, password reset,
    # deactivation) ends every session the user has, on the server.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
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


class RateLimitCounter(Base):
    """One fixed-window counter of the login rate limiter (Flask-Limiter's storage in the
    database, when no ``SCF_RATELIMIT_STORAGE_URI`` names Redis): how many hits ``key``
    (limit, scope and client address) has had in the window ending at ``expires_at``."""

    __tablename__ = "rate_limit_counters"
    key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    hits: Mapped[int] = mapped_column()
    expires_at: Mapped[float] = mapped_column(sa.Float(), index=True)  # epoch seconds
