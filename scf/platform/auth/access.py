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

An object that exists but is not visible is reported as *not found*, in the very words
used for one that does not exist (``not_found``: one phrasing per kind, echoing only
what the asker typed, never another object's id), so that an id typed at random leaks
nothing, not even its existence.

Bank staff and market administrators differ in what they are told of the rest of the
network (``sees_beyond_own_book``): a relationship manager is shown that their book
touches parties they may not see (anonymised stubs; a guarantee leaving the book
matters to judge its risk); a market administrator, who is not the bank, is told
nothing outside their market — no stub, no total over outsiders, none of the bank's
own figures (its net capital and the limits and headroom computed from it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from scf.platform.auth.not_found import not_found
from scf.platform.errors import Forbidden
from scf.platform.models import (
    Alert,
    Drawdown,
    Facility,
    Loan,
    Market,
    OnboardingBatch,
    Party,
    Programme,
    Relationship,
    User,
)
from scf.platform.models.enums import RelationshipKind, Role

T = TypeVar("T")


def _limited(query: sa.Select[Any], clause: ColumnElement[bool] | None) -> sa.Select[Any]:
    """``query`` kept to the rows ``clause`` lets through (None: all of them)."""
    return query if clause is None else query.where(clause)


def _found(row: T | None, kind: str, asked: object) -> T:
    """The row, or *not found*: what exists but is not visible is reported alike."""
    if row is None:
        raise not_found(kind, asked)
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

    @property
    def sees_beyond_own_book(self) -> bool:
        """Told that the network goes on past what they may see (anonymised stubs) and
        given the bank's own figures: the bank's staff and the system, not a market
        administrator, who reads their market's own and nothing of the rest."""
        return self.role is not Role.MARKET_ADMINISTRATOR


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
    return _found(session.scalar(query), "loan", loan_id)


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
    return _found(session.scalar(query), "party", uscc)


def can_view_market(actor: Actor, market_id: int | None) -> bool:
    """A market administrator sees only their own market (and nothing outside any market,
    ``market_id`` None); everyone else sees every market and the groups inside them."""
    if actor.role is Role.MARKET_ADMINISTRATOR:
        return market_id is not None and market_id == actor.market_id
    return True


def visible_market(
    session: Session, actor: Actor, market_id: int, *, asked: object = None
) -> Market:
    """The market, if ``actor`` may see it; otherwise *not found*, naming what was asked
    (``asked``: the code the asker typed, when the id was looked up from it)."""
    market = session.get(Market, market_id)
    if market is None or not can_view_market(actor, market_id):
        raise not_found("market", market_id if asked is None else asked)
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
    return _found(party, "party", reference)


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
        raise not_found("facility", facility_id)
    return facility


def visible_drawdown(session: Session, actor: Actor, drawdown_id: int) -> Drawdown:
    """The drawdown, if its facility's party is visible to ``actor``; otherwise *not
    found* as a drawdown (never its facility's id, which would tell it exists)."""
    drawdown = session.get(Drawdown, drawdown_id)
    if drawdown is None:
        raise not_found("drawdown", drawdown_id)
    facility = session.get(Facility, drawdown.facility_id)
    if facility is None or not can_view_party(session, actor, facility.party_id):
        raise not_found("drawdown", drawdown_id)
    return drawdown


def visible_programme(session: Session, actor: Actor, programme_id: int) -> Programme:
    """A programme (its cap and the whole chain's or market's use of it), if ``actor``
    sees its anchor — the core enterprise, or the market's administrator — or a
    facility under it (whose page shows the programme's use); otherwise *not found*."""
    programme = session.get(Programme, programme_id)
    if programme is None or not _sees_programme(session, actor, programme):
        raise not_found("programme", programme_id)
    return programme


def _sees_programme(session: Session, actor: Actor, programme: Programme) -> bool:
    if actor.sees_everything:
        return True
    if programme.core_party_id is not None:
        anchors = [programme.core_party_id]
    else:
        anchors = list(
            session.scalars(
                sa.select(Relationship.source_party_id).where(
                    Relationship.kind == RelationshipKind.ADMINISTERS,
                    Relationship.target_market_id == programme.market_id,
                )
            )
        )
    if visible_among(session, actor, anchors):
        return True
    under = sa.select(Facility.id).where(Facility.programme_id == programme.id)
    return session.scalar(_limited(under, facility_filter(actor)).limit(1)) is not None


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
        raise not_found("party", core.uscc)


def may_onboard_for_market(
    session: Session, actor: Actor, market_id: int, *, asked: object = None
) -> Market:
    """Loading a market's merchants: a market administrator into their own market only."""
    return visible_market(session, actor, market_id, asked=asked)


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
    return _found(session.scalar(query), "onboarding_batch", batch_id)


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
    return _found(session.scalar(query), "alert", alert_id)
