"""Users: creation, login with throttling, API tokens."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.auth.access import Actor, require_role
from scf.platform.auth.passwords import hash_password, verify_password
from scf.platform.auth.tokens import issue_token
from scf.platform.errors import Conflict, ValidationFailed
from scf.platform.models import Branch, Market, User
from scf.platform.models.enums import Role
from scf.platform.models.types import utcnow
from scf.platform.services import audit

# A hash to verify against when the username is unknown, so that timing does not tell.
_DUMMY_HASH = hash_password("not-a-real-password-0")


def get_or_create_branch(session: Session, name: str) -> Branch:
    branch = session.scalar(sa.select(Branch).where(Branch.name == name))
    if branch is None:
        branch = Branch(name=name)
        session.add(branch)
        session.flush()
    return branch


def create_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str | None = None,
    market_code: str | None = None,
    branch: str | None = None,
) -> User:
    """Create a user; the caller commits. Market administrators must name their market."""
    require_role(actor, Role.ADMIN)
    errors: dict[str, list[str]] = {}
    try:
        role_value = Role(role)
    except ValueError:
        errors["role"] = [f"未知角色 (unknown role) “{role}”: {', '.join(r.value for r in Role)}"]
        role_value = None
    if not username or len(username) > 64:
        errors["username"] = ["用户名必填，最多64字符 (required, at most 64 characters)"]
    market = None
    if role_value is Role.MARKET_ADMINISTRATOR:
        if not market_code:
            errors["market"] = ["市场管理方必须指定市场 (a market administrator needs --market)"]
        else:
            market = session.scalar(
                sa.select(Market).where(
                    sa.or_(Market.code == market_code, Market.id == _int_or_none(market_code))
                )
            )
            if market is None:
                errors["market"] = [f"未找到市场 (market not found): {market_code}"]
    try:
        password_hash = hash_password(password)
    except ValueError as error:
        errors["password"] = [str(error)]
    if errors:
        raise ValidationFailed("用户信息有误 (invalid user)", errors=errors)
    if session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"用户名已存在 (username taken): {username}")
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=password_hash,
        role=role_value,
        market_id=market.id if market else None,
        branch_id=get_or_create_branch(session, branch).id if branch else None,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "user.create",
        "user",
        user.id,
        after={"username": username, "role": role, "market_id": user.market_id, "branch": branch},
    )
    return user


def _int_or_none(text: str) -> int | None:
    return int(text) if text.isdigit() else None


class LoginRefused(Exception):
    pass


def authenticate(
    session: Session, username: str, password: str, *, max_failures: int, lockout_minutes: int
) -> User:
    """Check a password; after ``max_failures`` failures the account is locked for a while.

    The caller commits either way, so that failure counts are kept.
    """
    user = session.scalar(sa.select(User).where(User.username == username))
    now = utcnow()
    if user is None:
        verify_password(_DUMMY_HASH, password)
        raise LoginRefused("用户名或密码错误 (wrong username or password)")
    if user.locked_until is not None and user.locked_until > now:
        raise LoginRefused("尝试次数过多，请稍后再试 (too many attempts; try again later)")
    if not user.active or not verify_password(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + dt.timedelta(minutes=lockout_minutes)
            user.failed_logins = 0
        raise LoginRefused("用户名或密码错误 (wrong username or password)")
    user.failed_logins = 0
    user.locked_until = None
    return user


def token_for(session: Session, user: User, ttl_hours: int) -> tuple[str, dt.datetime]:
    token, row = issue_token(session, user, ttl_hours)
    audit.record(
        session,
        Actor.of(user),
        "token.issue",
        "api_token",
        None,
        after={"expires_at": row.expires_at.isoformat()},
    )
    return token, row.expires_at
