"""What the administration pages and ``scf users|branches`` read: users, branches, who
looks after a party, the audit log. Reads only; the changes are ``admin.users`` and
``admin.assignments``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.auth.access import Actor, require_role
from scf.platform.auth.not_found import not_found
from scf.platform.models import AuditEntry, Branch, Market, Party, User
from scf.platform.models.enums import Role

# ------------------------------------------------------------------ users


def list_users(session: Session, actor: Actor) -> list[User]:
    require_role(actor, Role.ADMIN)
    return list(session.scalars(sa.select(User).order_by(User.role, User.username)))


def find_user(session: Session, username: str) -> User:
    user = session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise not_found("user", username)
    return user


def user_record(session: Session, user: User) -> dict[str, Any]:
    """What the audit log and the command line show of a user (never the password hash)."""
    market = session.get(Market, user.market_id) if user.market_id else None
    branch = session.get(Branch, user.branch_id) if user.branch_id else None
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role.value,
        "market": market.code if market else None,
        "branch": branch.name if branch else None,
        "active": user.active,
    }


# ------------------------------------------------------------------ branches and assignments


@dataclass(frozen=True)
class BranchView:
    branch: Branch
    users: int
    parties: int


def list_branches(session: Session, actor: Actor) -> list[BranchView]:
    """Every branch with how many users and parties belong to it."""
    require_role(actor, Role.ADMIN, Role.RISK_OFFICER)
    users = _count_by_branch(session, User.branch_id, User.id)
    parties = _count_by_branch(session, Party.branch_id, Party.id)
    return [
        BranchView(b, users.get(b.id, 0), parties.get(b.id, 0))
        for b in session.scalars(sa.select(Branch).order_by(Branch.name))
    ]


def _count_by_branch(session: Session, branch_id: Any, row_id: Any) -> dict[int | None, int]:
    rows = session.execute(sa.select(branch_id, sa.func.count(row_id)).group_by(branch_id))
    return {branch: count for branch, count in rows}


def relationship_managers(session: Session, actor: Actor) -> list[User]:
    """Active relationship managers, the people a party can be assigned to."""
    require_role(actor, Role.ADMIN)
    return list(
        session.scalars(
            sa.select(User)
            .where(User.role == Role.RELATIONSHIP_MANAGER, User.active.is_(True))
            .order_by(User.username)
        )
    )


def party_assignment(session: Session, party: Party) -> dict[str, str | None]:
    """Who looks after the party: its relationship manager and branch (usernames, names)."""
    manager = (
        session.get(User, party.relationship_manager_id) if party.relationship_manager_id else None
    )
    branch = session.get(Branch, party.branch_id) if party.branch_id else None
    return {
        "relationship_manager": manager.username if manager else None,
        "branch": branch.name if branch else None,
    }


# ------------------------------------------------------------------ audit log


def list_entries(
    session: Session,
    actor: Actor,
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor_name: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[AuditEntry]]:
    """The audit log, newest first, for administrators and risk officers."""
    require_role(actor, Role.ADMIN, Role.RISK_OFFICER)
    query = sa.select(AuditEntry)
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
    if entity_id:
        query = query.where(AuditEntry.entity_id == entity_id)
    if actor_name:
        query = query.where(AuditEntry.actor == actor_name)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset(offset).limit(limit)
    )
    return total, list(rows)
