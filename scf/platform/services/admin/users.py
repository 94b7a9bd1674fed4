"""Users: creation and administration, API tokens (the commands; logging in and out is
``admin.login``, listing and reading users ``admin.queries``).

Only administrators manage users (the command line acts as the system). Every change
is written to the audit log with the user as it was before and after, in the same unit
of work. Two guards keep the platform administrable: nobody changes their own role
or deactivates themselves, and the last active administrator stays one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.auth.access import Actor, require_role
from scf.platform.auth.passwords import hash_password, password_problems
from scf.platform.auth.tokens import issue_token, revoke_all_tokens, revoke_token
from scf.platform.errors import Conflict, ValidationFailed
from scf.platform.models import Branch, Market, User
from scf.platform.models.enums import Role
from scf.platform.services import audit
from scf.platform.services.admin.queries import find_user, user_record
from scf.platform.services.unit_of_work import use_case


def get_or_create_branch(session: Session, name: str) -> Branch:
    branch = session.scalar(sa.select(Branch).where(Branch.name == name))
    if branch is None:
        branch = Branch(name=name)
        session.add(branch)
        session.flush()
    return branch


@contextmanager
def _audited(session: Session, actor: Actor, user: User, action: str) -> Iterator[None]:
    """Audit the change the block makes to ``user``, with the user before and after."""
    before = user_record(session, user)
    yield
    session.flush()
    audit.record(
        session, actor, action, "user", user.id, before=before, after=user_record(session, user)
    )


def _role(value: str, errors: dict[str, list[str]]) -> Role | None:
    try:
        return Role(value)
    except ValueError:
        errors["role"] = [f"未知角色 (unknown role) “{value}”: {', '.join(r.value for r in Role)}"]
        return None


def _market(session: Session, code: str, errors: dict[str, list[str]]) -> Market | None:
    """A market by code (M001) or id (1)."""
    market = session.scalar(
        sa.select(Market).where(sa.or_(Market.code == code, Market.id == _int_or_none(code)))
    )
    if market is None:
        errors["market"] = [f"未找到市场 (market not found): {code}"]
    return market


def _int_or_none(text: str) -> int | None:
    return int(text) if text.isdigit() else None


@use_case
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
    """Create a user. Market administrators must name their market."""
    require_role(actor, Role.ADMIN)
    errors: dict[str, list[str]] = {}
    role_value = _role(role, errors)
    username = (username or "").strip()
    if not username or len(username) > 64:
        errors["username"] = ["用户名必填，最多64字符 (required, at most 64 characters)"]
    market = None
    if role_value is Role.MARKET_ADMINISTRATOR:
        if not market_code:
            errors["market"] = [
                "市场管理方必须指定市场 (a market administrator needs a market, --market)"
            ]
        else:
            market = _market(session, market_code, errors)
    weak = password_problems(password or "", username=username)
    if weak:
        errors["password"] = weak
    if errors:
        raise ValidationFailed("用户信息有误 (invalid user)", errors=errors)
    if session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"用户名已存在 (username taken): {username}")
    user = User(
        username=username,
        display_name=(display_name or "").strip() or username,
        password_hash=hash_password(password),
        role=role_value,
        market_id=market.id if market else None,
        branch_id=get_or_create_branch(session, branch.strip()).id if branch else None,
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", "user", user.id, after=user_record(session, user))
    return user


def end_sessions(session: Session, user: User) -> None:
    """End every session ``user`` has: their cookies' fingerprint no longer matches. One
    atomic increment (two logouts at once both count); the object is refreshed."""
    session.execute(
        sa.update(User)
        .where(User.id == user.id)
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    session.refresh(user, ["session_version"])


def _active_admins(session: Session) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count(User.id)).where(User.role == Role.ADMIN, User.active.is_(True))
        )
        or 0
    )


def _keep_an_admin(session: Session, actor: Actor, user: User, what: str) -> None:
    """Refuse to change one's own account this way, or to remove the last administrator."""
    if actor.user_id is not None and actor.user_id == user.id:
        raise Conflict(f"不能{what}自己的账号 (you cannot do this to your own account)")
    if user.role is Role.ADMIN and user.active and _active_admins(session) <= 1:
        raise Conflict("这是最后一个有效的系统管理员 (the last active administrator must remain)")


@use_case
def change_role(
    session: Session, actor: Actor, username: str, role: str, *, market_code: str | None = None
) -> User:
    """Give a user another role. A market administrator needs a market (the one given, or
    the one they already have); other roles hold none."""
    require_role(actor, Role.ADMIN)
    user = find_user(session, username)
    errors: dict[str, list[str]] = {}
    role_value = _role(role, errors)
    market = None
    if role_value is Role.MARKET_ADMINISTRATOR:
        if market_code:
            market = _market(session, market_code, errors)
        elif user.market_id is None:
            errors["market"] = [
                "市场管理方必须指定市场 (a market administrator needs a market, --market)"
            ]
    if errors:
        raise ValidationFailed("角色变更有误 (invalid role change)", errors=errors)
    assert role_value is not None
    if role_value is not user.role:
        _keep_an_admin(session, actor, user, "更改角色")
    with _audited(session, actor, user, "user.change_role"):
        user.role = role_value
        if role_value is Role.MARKET_ADMINISTRATOR:
            user.market_id = market.id if market else user.market_id
        else:
            user.market_id = None
    return user


@use_case
def assign_market(session: Session, actor: Actor, username: str, market_code: str) -> User:
    """Tie a market administrator to the market they administer (they see only that one)."""
    require_role(actor, Role.ADMIN)
    user = find_user(session, username)
    errors: dict[str, list[str]] = {}
    if user.role is not Role.MARKET_ADMINISTRATOR:
        errors["username"] = [
            f"{username} 不是市场管理方 (not a market administrator: {user.role.value})"
        ]
    market = _market(session, market_code, errors)
    if errors or market is None:
        raise ValidationFailed("市场分配有误 (invalid market assignment)", errors=errors)
    with _audited(session, actor, user, "user.assign_market"):
        user.market_id = market.id
    return user


@use_case
def assign_branch(session: Session, actor: Actor, username: str, branch_name: str | None) -> User:
    """Put a user in a branch (a relationship manager sees the parties of their branch)."""
    require_role(actor, Role.ADMIN)
    user = find_user(session, username)
    branch = None
    if branch_name:
        branch = session.scalar(sa.select(Branch).where(Branch.name == branch_name.strip()))
        if branch is None:
            raise ValidationFailed(
                f"branch (分行): 未找到 {branch_name} (no such branch)",
                errors={"branch": [f"未找到分行 (branch not found): {branch_name}"]},
            )
    with _audited(session, actor, user, "user.assign_branch"):
        user.branch_id = branch.id if branch else None
    return user


@use_case
def set_active(session: Session, actor: Actor, username: str, active: bool) -> User:
    """Deactivate (their sessions and API tokens stop working at once) or reactivate."""
    require_role(actor, Role.ADMIN)
    user = find_user(session, username)
    if user.active == active:
        return user
    if not active:
        _keep_an_admin(session, actor, user, "停用")
    with _audited(session, actor, user, "user.activate" if active else "user.deactivate"):
        user.active = active
        if not active:
            revoke_all_tokens(session, user)
            end_sessions(session, user)
        else:
            user.failed_logins, user.locked_until = 0, None
    return user


@use_case
def reset_password(session: Session, actor: Actor, username: str, password: str) -> User:
    """Set a new password: it unlocks the account, ends its sessions and revokes its tokens."""
    require_role(actor, Role.ADMIN)
    user = find_user(session, username)
    weak = password_problems(password, username=user.username)
    if weak:
        raise ValidationFailed(f"password (密码): {'; '.join(weak)}", errors={"password": weak})
    user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    end_sessions(session, user)
    revoked = revoke_all_tokens(session, user)
    session.flush()
    audit.record(
        session,
        actor,
        "user.reset_password",
        "user",
        user.id,
        after={"username": user.username, "tokens_revoked": revoked},
    )
    return user


@use_case
def token_for(session: Session, user: User, ttl_hours: int) -> tuple[str, dt.datetime]:
    token, row = issue_token(session, user, ttl_hours)
    session.flush()
    audit.record(
        session,
        Actor.of(user),
        "token.issue",
        "api_token",
        row.id,
        after={"expires_at": row.expires_at.isoformat()},
    )
    return token, row.expires_at


@use_case
def revoke(session: Session, token: str) -> bool:
    """Revoke a bearer token (its holder proves it by presenting it)."""
    row = revoke_token(session, token)
    if row is None:
        return False
    user = session.get(User, row.user_id)
    who = Actor.of(user) if user is not None else Actor.system("token")
    audit.record(
        session,
        who,
        "token.revoke",
        "api_token",
        row.id,
        after={"revoked_at": row.revoked_at.isoformat() if row.revoked_at else None},
    )
    return True
