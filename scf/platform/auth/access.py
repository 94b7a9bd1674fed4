"""Authorization in one place: every page, endpoint and command asks here, object by object.

Rules:
- administrators and risk officers see every party;
- a relationship manager sees the parties assigned to them and to their branch;
- a market administrator sees their own market: its merchants and its administrator,
  their loans, nothing else, whatever id they type;
- a loan is visible with its borrower;
- only administrators manage users, branches and assignments;
- alerts follow their party: a relationship manager sees those on parties they may see
  and those they own; a market administrator those inside their own market;
- the command line and the scheduler act as the system, which sees everything;
- batch onboarding: a market administrator loads merchants into their own market only;
  a relationship manager loads into a market or into a core enterprise's programme
  whose core enterprise they see; an existing firm in the file must be visible to the
  one loading it (nobody rewrites another branch's or another market's customer).

A party that exists but is not visible is reported as *not found*, so that an id
typed at random leaks nothing, not even its existence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from scf.platform.errors import Forbidden, NotFound
from scf.platform.models import (
    Alert,
    Facility,
    Loan,
    Market,
    OnboardingBatch,
    Party,
    Relationship,
    User,
)
from scf.platform.models.enums import RelationshipKind, Role

T = TypeVar("T")


def _limited(query: sa.Select[Any], clause: ColumnElement[bool] | None) -> sa.Select[Any]:
    """``query`` kept to the rows ``clause`` lets through (None: all of them)."""
    return query if clause is None else query.where(clause)


def _found(row: T | None, message: str) -> T:
    """The row, or *not found*: what exists but is not visible is reported alike."""
    if row is None:
        raise NotFound(message)
    return row


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


def visible_among(session: Session, actor: Actor, party_ids: Iterable[int]) -> set[int]:
    """Which of ``party_ids`` the actor may see (to name a counterparty or leave it
    masked; to refuse rewriting another's customer), in bounded IN-lists."""
    ids = sorted(set(party_ids))
    clause = party_filter(actor)
    if clause is None:
        return set(ids)
    seen: set[int] = set()
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        seen.update(session.scalars(sa.select(Party.id).where(Party.id.in_(chunk), clause)))
    return seen


def owned_by_visible_party(
    party_id: sa.ColumnElement[int], actor: Actor
) -> ColumnElement[bool] | None:
    """A WHERE clause keeping rows whose party (``party_id``) the actor may see (None = all):
    loans, facilities and the like are visible with their party."""
    clause = party_filter(actor)
    if clause is None:
        return None
    return party_id.in_(sa.select(Party.id).where(clause))


def loan_filter(actor: Actor) -> ColumnElement[bool] | None:
    """A WHERE clause on ``Loan``: the loans of the parties the actor may see."""
    return owned_by_visible_party(Loan.party_id, actor)


def visible_loan(session: Session, actor: Actor, loan_id: int) -> Loan:
    """The loan with this id if its borrower is visible to ``actor``; otherwise *not found*."""
    query = _limited(sa.select(Loan).where(Loan.id == loan_id), loan_filter(actor))
    return _found(session.scalar(query), f"未找到贷款 (loan not found): {loan_id}")


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
    query = _limited(sa.select(Party).where(Party.uscc == uscc), party_filter(actor))
    return _found(session.scalar(query), f"未找到主体 (party not found): {uscc}")


def can_view_market(actor: Actor, market_id: int | None) -> bool:
    """A market administrator sees only their own market (and nothing outside any market,
    ``market_id`` None); everyone else sees every market and the groups inside them."""
    if actor.role is Role.MARKET_ADMINISTRATOR:
        return market_id is not None and market_id == actor.market_id
    return True


def visible_market(session: Session, actor: Actor, market_id: int) -> Market:
    market = session.get(Market, market_id)
    if market is None or not can_view_market(actor, market_id):
        raise NotFound(f"未找到市场 (market not found): {market_id}")
    return market


BANK_STAFF = (Role.ADMIN, Role.RISK_OFFICER, Role.RELATIONSHIP_MANAGER)


def require_bank_staff(actor: Actor) -> None:
    """The bank's own people (not market administrators): policy, network, markets overview."""
    require_role(actor, *BANK_STAFF)


def require_role(actor: Actor, *roles: Role) -> None:
    """Refuse unless the actor has one of ``roles`` (the system always may)."""
    if actor.is_system or actor.role in roles:
        return
    allowed = ", ".join(r.value for r in roles)
    raise Forbidden(f"无权执行此操作 (forbidden): requires one of {allowed}")


def visible_party_ids(session: Session, actor: Actor) -> frozenset[int] | None:
    """Ids of the parties ``actor`` may see, or None for everything (network views ask
    node by node, so one set is cheaper than one query per node)."""
    clause = party_filter(actor)
    if clause is None:
        return None
    return frozenset(session.scalars(sa.select(Party.id).where(clause)))


def party_by_reference(session: Session, actor: Actor, reference: str) -> Party:
    """A visible party by its unified social credit code or, for persons, who have none,
    its customer number (客户号); otherwise *not found*."""
    party = find_party_by_reference(session, actor, reference)
    return _found(party, f"未找到主体 (party not found): {reference}")


def find_party_by_reference(session: Session, actor: Actor, reference: str) -> Party | None:
    """``party_by_reference`` for a caller that reports a missing party its own way."""
    query = sa.select(Party).where(
        sa.or_(Party.uscc == reference, Party.customer_number == reference)
    )
    return session.scalars(_limited(query, party_filter(actor)).order_by(Party.id)).first()


# ------------------------------------------------------------------- lending
# Relationship managers propose facilities, draw and record repayments for the parties
# they may see; risk officers holding an approval level approve (maker-checker
# [000 §五]); market administrators and administrators only read what they may see.


def facility_filter(actor: Actor) -> ColumnElement[bool] | None:
    """A WHERE clause on ``Facility`` limiting rows to visible parties (None = all)."""
    return owned_by_visible_party(Facility.party_id, actor)


def visible_facility(session: Session, actor: Actor, facility_id: int) -> Facility:
    """The facility, if its party is visible to ``actor``; otherwise *not found*."""
    facility = session.get(Facility, facility_id)
    if facility is None or not can_view_party(session, actor, facility.party_id):
        raise NotFound(f"未找到授信额度 (facility not found): {facility_id}")
    return facility


def require_lender(actor: Actor) -> None:
    """Proposing, drawing and recording repayments: relationship managers (and the system)."""
    require_role(actor, Role.RELATIONSHIP_MANAGER)


def approver_level(session: Session, actor: Actor) -> str | None:
    """The approval level a checker holds: risk officers only; others are refused."""
    if actor.role is not Role.RISK_OFFICER or actor.user_id is None:
        raise Forbidden(
            "无权审批授信 (forbidden): approving needs a risk officer holding an approval level"
        )
    user = session.get(User, actor.user_id)
    return None if user is None else user.approval_level


def may_onboard_for_core(session: Session, actor: Actor, core: Party) -> None:
    """Loading a core enterprise's suppliers and dealers: not for market administrators;
    a relationship manager only for a core enterprise they see."""
    if actor.role is Role.MARKET_ADMINISTRATOR:
        raise Forbidden(
            "市场管理方只能导入本市场的商户 (a market administrator loads merchants into "
            "their own market only)"
        )
    if not can_view_party(session, actor, core.id):
        raise NotFound(f"未找到主体 (party not found): {core.uscc}")


def may_onboard_for_market(session: Session, actor: Actor, market_id: int) -> Market:
    """Loading a market's merchants: a market administrator into their own market only."""
    return visible_market(session, actor, market_id)


def batch_filter(actor: Actor) -> ColumnElement[bool] | None:
    """Onboarding batches an actor may read: everything for administrators, risk officers
    and the system; their market's for a market administrator; their own otherwise."""
    if actor.sees_everything:
        return None
    if actor.role is Role.MARKET_ADMINISTRATOR:
        return OnboardingBatch.market_id == actor.market_id
    return OnboardingBatch.actor == actor.username


def visible_batch(session: Session, actor: Actor, batch_id: int) -> OnboardingBatch:
    query = _limited(
        sa.select(OnboardingBatch).where(OnboardingBatch.id == batch_id), batch_filter(actor)
    )
    return _found(session.scalar(query), f"未找到导入批次 (onboarding batch not found): {batch_id}")


def alert_filter(actor: Actor) -> ColumnElement[bool] | None:
    """A WHERE clause on ``Alert`` limiting rows to what ``actor`` may see (None = all)."""
    if actor.sees_everything:
        return None
    if actor.role is Role.RELATIONSHIP_MANAGER:
        parties = _limited(sa.select(Party.id), party_filter(actor))
        return sa.or_(Alert.owner_user_id == actor.user_id, Alert.party_id.in_(parties))
    if actor.role is Role.MARKET_ADMINISTRATOR and actor.market_id is not None:
        return Alert.market_id == actor.market_id
    return sa.false()


def visible_alert(session: Session, actor: Actor, alert_id: int) -> Alert:
    """The alert, if ``actor`` may see it; otherwise *not found* (acting on it included)."""
    query = _limited(sa.select(Alert).where(Alert.id == alert_id), alert_filter(actor))
    return _found(session.scalar(query), f"未找到预警 (alert not found): {alert_id}")
