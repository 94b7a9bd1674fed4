"""Finding parties and the roles they play in the network.

Roles are derived, never stored: a core enterprise is the anchor of a core
programme, a supplier has a ``supplies_to`` edge, a merchant a ``member_of_market``
edge, and so on. One query computes them for a page of parties.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.auth.access import Actor, party_filter
from scf.platform.errors import ValidationFailed
from scf.platform.models import Party, Programme, Relationship
from scf.platform.models.enums import PartyKind, ProgrammeKind, RelationshipKind

EDGE_ROLES: dict[RelationshipKind, str] = {
    RelationshipKind.SUPPLIES_TO: "supplier",
    RelationshipKind.DISTRIBUTES_FOR: "dealer",
    RelationshipKind.MEMBER_OF_MARKET: "merchant",
    RelationshipKind.ADMINISTERS: "market_administrator",
    RelationshipKind.MEMBER_OF_GROUP: "joint_guarantee_member",
}
KIND_ROLES: dict[PartyKind, str] = {
    PartyKind.INDIVIDUAL_BUSINESS: "individual_business",
    PartyKind.PERSON: "person",
    PartyKind.GUARANTEE_COMPANY: "guarantee_company",
    PartyKind.WAREHOUSE_SUPERVISOR: "warehouse_supervisor",
}
ROLES = sorted({"core_enterprise", *EDGE_ROLES.values(), *KIND_ROLES.values()})


@dataclass
class PartyView:
    party: Party
    roles: set[str] = field(default_factory=set)
    market_id: int | None = None

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "uscc": self.party.uscc,
            "name": self.party.name,
            "kind": self.party.kind.value,
            "industry": self.party.industry,
            "roles": sorted(self.roles),
        }
        if "merchant" in self.roles:
            data["market_id"] = self.market_id
        return data


def role_clause(role: str, as_of: dt.date) -> sa.ColumnElement[bool]:
    """A WHERE clause on ``Party`` selecting those that play ``role`` on ``as_of``."""
    if role == "core_enterprise":
        return Party.id.in_(
            sa.select(Programme.core_party_id).where(Programme.kind == ProgrammeKind.CORE)
        )
    for kind, name in EDGE_ROLES.items():
        if name == role:
            return Party.id.in_(
                sa.select(Relationship.source_party_id).where(
                    Relationship.kind == kind, Relationship.valid_on(as_of)
                )
            )
    for party_kind, name in KIND_ROLES.items():
        if name == role:
            return Party.kind == party_kind
    raise ValidationFailed(
        f"未知角色 (unknown role) “{role}”; one of: {', '.join(ROLES)}", errors={"role": [role]}
    )


def roles_of(session: Session, parties: Iterable[Party], as_of: dt.date) -> list[PartyView]:
    views = {p.id: PartyView(p) for p in parties}
    if not views:
        return []
    ids = list(views)
    for view in views.values():
        if view.party.kind in KIND_ROLES:
            view.roles.add(KIND_ROLES[view.party.kind])
    cores = session.scalars(
        sa.select(Programme.core_party_id).where(
            Programme.kind == ProgrammeKind.CORE, Programme.core_party_id.in_(ids)
        )
    )
    for party_id in cores:
        if party_id is not None:
            views[party_id].roles.add("core_enterprise")
    edges = session.execute(
        sa.select(Relationship.source_party_id, Relationship.kind, Relationship.target_market_id)
        .where(
            Relationship.source_party_id.in_(ids),
            Relationship.kind.in_(list(EDGE_ROLES)),
            Relationship.valid_on(as_of),
        )
        .order_by(Relationship.id)
    )
    markets: dict[int, list[int]] = defaultdict(list)
    for party_id, kind, market_id in edges:
        views[party_id].roles.add(EDGE_ROLES[kind])
        if kind is RelationshipKind.MEMBER_OF_MARKET and market_id is not None:
            markets[party_id].append(market_id)
    for party_id, market_ids in markets.items():
        views[party_id].market_id = market_ids[0]
    return [views[p] for p in ids]


def list_parties(
    session: Session,
    actor: Actor,
    *,
    role: str | None = None,
    q: str | None = None,
    as_of: dt.date | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[int, list[PartyView]]:
    """Parties visible to ``actor``, filtered by role and by text in the name or code."""
    as_of = as_of or dt.date.today()
    query = sa.select(Party)
    visible = party_filter(actor)
    if visible is not None:
        query = query.where(visible)
    if role:
        query = query.where(role_clause(role, as_of))
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(sa.or_(Party.name.ilike(pattern), Party.uscc.ilike(pattern)))
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    query = query.order_by(Party.name, Party.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return total, roles_of(session, session.scalars(query).all(), as_of)
