"""Authorization in one place: every page, endpoint and command asks here, object by object.

Rules:
- administrators and risk officers see every party;
- a relationship manager sees the parties assigned to them and to their branch;
- a market administrator sees their own market: its merchants and its administrator,
  nothing else, whatever id they type;
- alerts follow their party: a relationship manager sees those on parties they may see
  and those they own; a market administrator those inside their own market;
- the command line and the scheduler act as the system, which sees everything.

A party that exists but is not visible is reported as *not found*, so that an id
typed at random leaks nothing, not even its existence.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from scf.platform.errors import Forbidden, NotFound
from scf.platform.models import Alert, Market, Party, Relationship, User
from scf.platform.models.enums import RelationshipKind, Role


@dataclass(frozen=True)
class Actor:
    """Who is acting: a logged-in user, or the system (CLI, scheduler)."""

    username: str
    role: Role | None
    user_id: int | None = None
    branch_id: int | None = None
    market_id: int | None = None

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(username=label, role=None)

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(
            username=user.username,
            role=user.role,
            user_id=user.id,
            branch_id=user.branch_id,
            market_id=user.market_id,
        )

    @property
    def is_system(self) -> bool:
        return self.role is None

    @property
    def sees_everything(self) -> bool:
        return self.role in (None, Role.ADMIN, Role.RISK_OFFICER)


def market_party_ids(market_id: int) -> sa.Select[tuple[int]]:
    """Parties inside a market: its merchants and its administrator."""
    return sa.select(Relationship.source_party_id).where(
        Relationship.target_market_id == market_id,
        Relationship.kind.in_([RelationshipKind.MEMBER_OF_MARKET, RelationshipKind.ADMINISTERS]),
    )


def party_filter(actor: Actor) -> ColumnElement[bool] | None:
    """A WHERE clause on ``Party`` limiting rows to what ``actor`` may see (None = all)."""
    if actor.sees_everything:
        return None
    if actor.role is Role.RELATIONSHIP_MANAGER:
        clauses = [Party.relationship_manager_id == actor.user_id]
        if actor.branch_id is not None:
            clauses.append(Party.branch_id == actor.branch_id)
        return sa.or_(*clauses)
    if actor.role is Role.MARKET_ADMINISTRATOR and actor.market_id is not None:
        return Party.id.in_(market_party_ids(actor.market_id))
    return sa.false()


def market_filter(actor: Actor) -> ColumnElement[bool] | None:
    if actor.role is Role.MARKET_ADMINISTRATOR:
        return Market.id == actor.market_id
    return None


def can_view_party(session: Session, actor: Actor, party_id: int) -> bool:
    clause = party_filter(actor)
    if clause is None:
        return True
    return session.scalar(sa.select(Party.id).where(Party.id == party_id, clause)) is not None


def visible_party(session: Session, actor: Actor, uscc: str) -> Party:
    """The party with this code, if ``actor`` may see it; otherwise *not found*."""
    query = sa.select(Party).where(Party.uscc == uscc)
    clause = party_filter(actor)
    if clause is not None:
        query = query.where(clause)
    party = session.scalar(query)
    if party is None:
        raise NotFound(f"未找到主体 (party not found): {uscc}")
    return party


def visible_market(session: Session, actor: Actor, market_id: int) -> Market:
    market = session.get(Market, market_id)
    if market is None or (actor.role is Role.MARKET_ADMINISTRATOR and actor.market_id != market_id):
        raise NotFound(f"未找到市场 (market not found): {market_id}")
    return market


def require_role(actor: Actor, *roles: Role) -> None:
    """Refuse unless the actor has one of ``roles`` (the system always may)."""
    if actor.is_system or actor.role in roles:
        return
    allowed = ", ".join(r.value for r in roles)
    raise Forbidden(f"无权执行此操作 (forbidden): requires one of {allowed}")


def alert_filter(actor: Actor) -> ColumnElement[bool] | None:
    """A WHERE clause on ``Alert`` limiting rows to what ``actor`` may see (None = all)."""
    if actor.sees_everything:
        return None
    if actor.role is Role.RELATIONSHIP_MANAGER:
        visible = party_filter(actor)
        parties = sa.select(Party.id)
        if visible is not None:
            parties = parties.where(visible)
        return sa.or_(Alert.owner_user_id == actor.user_id, Alert.party_id.in_(parties))
    if actor.role is Role.MARKET_ADMINISTRATOR and actor.market_id is not None:
        return Alert.market_id == actor.market_id
    return sa.false()


def visible_alert(session: Session, actor: Actor, alert_id: int) -> Alert:
    """The alert, if ``actor`` may see it; otherwise *not found* (acting on it included)."""
    query = sa.select(Alert).where(Alert.id == alert_id)
    clause = alert_filter(actor)
    if clause is not None:
        query = query.where(clause)
    alert = session.scalar(query)
    if alert is None:
        raise NotFound(f"未找到预警 (alert not found): {alert_id}")
    return alert
