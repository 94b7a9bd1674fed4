"""Bearer tokens for integrations: random, stored only as a SHA-256 hash, expiring, revocable."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.models import ApiToken, User
from scf.platform.models.types import utcnow


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: User, ttl_hours: int) -> tuple[str, ApiToken]:
    token = "scf_" + secrets.token_urlsafe(32)
    now = utcnow()
    row = ApiToken(
        user_id=user.id,
        token_hash=_digest(token),
        created_at=now,
        expires_at=now + dt.timedelta(hours=ttl_hours),
    )
    session.add(row)
    return token, row


def user_for_token(session: Session, token: str) -> User | None:
    row = session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def revoke_token(session: Session, token: str) -> ApiToken | None:
    """Revoke one token; the row revoked, or None if unknown or already revoked."""
    row = session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None:
        return None
    row.revoked_at = utcnow()
    return row


def revoke_all_tokens(session: Session, user: User) -> int:
    """Revoke every live token of ``user`` (deactivation, password reset); how many."""
    now = utcnow()
    rows = session.scalars(
        sa.select(ApiToken).where(
            ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now
        )
    ).all()
    for row in rows:
        row.revoked_at = now
    return len(rows)
