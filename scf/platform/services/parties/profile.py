"""What the party page shows about one party on a date: who it is, its relations, its figures.

The assessment itself comes from ``scf.platform.services.parties.assessment.assess_party``;
this module gathers the rest. A relation's counterparty is named only when the
actor may see it (``access.visible_among``): otherwise the page says that a
relation exists and masks who is on the other side, so a party page never leaks a
party the reader may not open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.auth.access import Actor, can_view_market, visible_among, visible_party
from scf.platform.models import (
    Branch,
    FinancialSnapshot,
    JointGuaranteeGroup,
    Market,
    Party,
    Relationship,
    User,
)
from scf.platform.services.parties.assessment import latest_snapshot
from scf.platform.services.parties.queries import PartyView, roles_of


@dataclass(frozen=True)
class Counterparty:
    """The other end of a relation: a party (maybe masked), a market or a group."""

    kind: str  # party | market | group | hidden
    name: str | None
    uscc: str | None = None
    market_id: int | None = None


@dataclass(frozen=True)
class Relation:
    kind: str  # RelationshipKind value
    outgoing: bool  # True: this party -> counterparty
    counterparty: Counterparty
    amount: Decimal | None
    percentage: Decimal | None
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass(frozen=True)
class PartyProfile:
    view: PartyView
    branch: str | None
    relationship_manager: str | None
    relations: tuple[Relation, ...]
    snapshot: FinancialSnapshot | None

    @property
    def party(self) -> Party:
        return self.view.party

    @property
    def debt_ratio(self) -> Decimal | None:
        s = self.snapshot
        if s is None or not s.total_assets or s.total_liabilities is None:
            return None
        return s.total_liabilities / s.total_assets

    @property
    def owners_equity(self) -> Decimal | None:
        s = self.snapshot
        if s is None or s.total_assets is None or s.total_liabilities is None:
            return None
        return s.total_assets - s.total_liabilities


def party_profile(session: Session, actor: Actor, uscc: str, as_of: dt.date) -> PartyProfile:
    """The party with this code as it stands on ``as_of``, if ``actor`` may see it."""
    party = visible_party(session, actor, uscc)
    branch = session.get(Branch, party.branch_id) if party.branch_id else None
    manager = (
        session.get(User, party.relationship_manager_id) if party.relationship_manager_id else None
    )
    return PartyProfile(
        view=roles_of(session, [party], as_of)[0],
        branch=branch.name if branch else None,
        relationship_manager=manager.display_name if manager else None,
        relations=relations_of(session, actor, party, as_of),
        snapshot=latest_snapshot(session, party.id, as_of),
    )


def relations_of(
    session: Session, actor: Actor, party: Party, as_of: dt.date
) -> tuple[Relation, ...]:
    """Edges in force on ``as_of`` from or to ``party``, counterparty masked if not visible."""
    edges = session.scalars(
        sa.select(Relationship)
        .where(
            sa.or_(
                Relationship.source_party_id == party.id,
                Relationship.target_party_id == party.id,
            ),
            Relationship.valid_on(as_of),
        )
        .order_by(Relationship.kind, Relationship.id)
    ).all()
    counterparty = _counterparties(session, actor, party.id, edges)
    return tuple(
        Relation(
            kind=edge.kind.value,
            outgoing=edge.source_party_id == party.id,
            counterparty=counterparty(edge),
            amount=edge.amount,
            percentage=edge.percentage,
            valid_from=edge.valid_from,
            valid_to=edge.valid_to,
        )
        for edge in edges
    )


def _counterparties(
    session: Session, actor: Actor, party_id: int, edges: Sequence[Relationship]
) -> Callable[[Relationship], Counterparty]:
    """The other end of each edge, loaded at once: a market, a group, or a party the
    actor may see; a party or market they may not see is masked."""
    other_ids = {
        e.target_party_id if e.source_party_id == party_id else e.source_party_id
        for e in edges
        if e.target_party_id is not None
    }
    shown = visible_among(session, actor, {i for i in other_ids if i is not None})
    parties = {p.id: p for p in session.scalars(sa.select(Party).where(Party.id.in_(shown)))}
    market_ids = {e.target_market_id for e in edges if e.target_market_id is not None}
    group_ids = {e.target_group_id for e in edges if e.target_group_id is not None}
    markets = {m.id: m for m in session.scalars(sa.select(Market).where(Market.id.in_(market_ids)))}
    groups = {
        g.id: g
        for g in session.scalars(
            sa.select(JointGuaranteeGroup).where(JointGuaranteeGroup.id.in_(group_ids))
        )
    }
    hidden = Counterparty("hidden", None)

    def counterparty(edge: Relationship) -> Counterparty:
        if edge.target_market_id is not None:
            market = markets[edge.target_market_id]
            if not can_view_market(actor, market.id):
                return hidden
            return Counterparty("market", market.name, market_id=market.id)
        if edge.target_group_id is not None:
            return Counterparty("group", groups[edge.target_group_id].name)
        outgoing = edge.source_party_id == party_id
        other_id = edge.target_party_id if outgoing else edge.source_party_id
        found = parties.get(other_id) if other_id is not None else None
        return Counterparty("party", found.name, found.uscc) if found else hidden

    return counterparty
