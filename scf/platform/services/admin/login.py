"""Logging in and out: failures counted atomically, back-off by time, one answer for all.

Issue #12 (finding 9) found a login that 40 concurrent wrong passwords could race (20
checked before a lock the counter, incremented in Python, should have set), a "locked"
answer only real usernames got, and a fixed 15-minute lock anyone could renew with five
requests. So:

- **Counted before checked.** An attempt first claims a try in the database — one
  conditional ``UPDATE … SET failed_logins = failed_logins + 1 WHERE not backing off``
  — and only then verifies the password; success sets the count back to zero. On
  PostgreSQL the UPDATE holds the user's row until the unit of work commits, so
  concurrent attempts queue behind it and see the back-off the fifth one started; on
  SQLite the unit of work holds the write lock from its first statement.
- **One answer, one verification.** Unknown username, account backing off, inactive
  user, wrong password: the same message, and each verifies exactly one Argon2 hash (a
  stand-in hash for the first two), so neither the words nor the time tell them apart.
- **Back-off, not a lock.** From the ``max_failures``-th failure in a row the account
  waits ``first_backoff``, twice as long after each further failure, never longer than
  ``lockout_minutes``; attempts while it waits are refused unchecked and neither count
  nor extend the wait. After the wait the right password logs in. Per-address throttling
  (``auth.throttling``) slows one source further.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.auth.access import Actor
from scf.platform.auth.passwords import hash_password, verify_password
from scf.platform.models import User
from scf.platform.models.types import utcnow
from scf.platform.services import audit
from scf.platform.services.admin.users import end_sessions
from scf.platform.services.unit_of_work import use_case

REFUSED = (
    "用户名或密码错误，或尝试过于频繁，请稍后再试 "
    "(wrong username or password, or too many attempts: try again later)"
)

# Verified when there is no real hash to verify (unknown user, backing off): same work.
_STAND_IN_HASH = hash_password("not-a-real-password-0")

_MAX_DOUBLINGS = 30  # 2**30 minutes is far past any cap; keeps the arithmetic small


@dataclass(frozen=True)
class LoginResult:
    """A login's outcome. A refusal is a result, not an exception: the failure count and
    the audit entry it wrote must commit with it. ``message`` is the same for every
    refusal, whatever its reason."""

    user: User | None
    message: str = ""


def backoff_after(
    failures: int, *, max_failures: int, first: dt.timedelta, longest: dt.timedelta
) -> dt.timedelta | None:
    """How long the account waits after ``failures`` wrong passwords in a row: nothing
    before ``max_failures``, then ``first``, doubling with each failure, at most ``longest``."""
    if failures < max_failures:
        return None
    doublings = min(failures - max_failures, _MAX_DOUBLINGS)
    return min(first * 2**doublings, longest)


def _claim_attempt(session: Session, username: str, now: dt.datetime) -> User | None:
    """Count one more failure for ``username`` unless it is waiting out a back-off; the
    user (row locked until commit on PostgreSQL), or None: unknown, or backing off."""
    claimed = session.execute(
        sa.update(User)
        .where(
            User.username == username,
            sa.or_(User.locked_until.is_(None), User.locked_until <= now),
        )
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    if claimed is None:
        return None
    return session.get(User, claimed, populate_existing=True)


@use_case
def authenticate(
    session: Session,
    username: str,
    password: str,
    *,
    max_failures: int,
    lockout_minutes: int,
    first_backoff_seconds: int = 60,
) -> LoginResult:
    """Check a password (see the module's docstring). Failures, back-offs and logins are
    audited and committed either way; refusals during a back-off are not (they change
    nothing, and per-address throttling bounds them)."""
    now = utcnow()
    user = _claim_attempt(session, username, now)
    if user is None:
        verify_password(_STAND_IN_HASH, password)
        return LoginResult(None, REFUSED)
    who = Actor.of(user)
    if user.active and verify_password(user.password_hash, password):
        user.failed_logins, user.locked_until = 0, None
        audit.record(session, who, "user.login", "user", user.id)
        return LoginResult(user)
    wait = backoff_after(
        user.failed_logins,
        max_failures=max_failures,
        first=dt.timedelta(seconds=first_backoff_seconds),
        longest=dt.timedelta(minutes=lockout_minutes),
    )
    if wait is not None:
        user.locked_until = now + wait
    audit.record(
        session,
        who,
        "user.login_failed" if wait is None else "user.locked",
        "user",
        user.id,
        after={
            "failed_logins": user.failed_logins,
            "locked_until": user.locked_until.isoformat() if wait is not None else None,
        },
    )
    return LoginResult(None, REFUSED)


@use_case
def log_out(session: Session, actor: Actor) -> None:
    """End the actor's sessions on the server, not only the cookie of the browser that
    asked: a cookie captured before no longer matches (every device of the user logs out;
    one session version per user is what the platform keeps)."""
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None:
        return
    end_sessions(session, user)
    audit.record(session, actor, "user.logout", "user", user.id)
