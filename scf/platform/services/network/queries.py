"""What a person reads of the network: exposure report, guarantee circles, relationships
(the ego network for the viewer is ``network.ego``; recording relationships is
``network.relationships``).

Access (``scf.platform.auth.access``): the party asked about must be visible, else
*not found*. For the bank's staff, other parties in the picture that the actor may not
see are **anonymised, not omitted**: the viewer learns that a guarantee or a
shareholding leaves their book (which matters to judge the risk) but not who or how
much — a hidden node is ``{"id": "x1", "hidden": true, "type": "hidden"}`` with no
name, code or figures, it is never expanded, and amounts on its edges are withheld.
Totals over a set that contains a hidden party (a circle's exposure) are withheld too;
the related-party group's total is shown, because the limits of the visible party
depend on it. Risk officers and administrators see everything.

A market administrator (``Actor.sees_beyond_own_book`` false) reads their market's
own and nothing else: parties outside are **omitted, not anonymised** (no stub, no
count), every total that would include one is withheld, a guarantee circle is shown
only when all its members are inside, and the bank's own figures — its net capital
and the limits, ratios and headroom computed from it — are never given (issue 12).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.graph.circles import GuaranteeCircle, guarantee_circles
from scf.graph.exposure import chain_exposure, joint_guarantee_exposure, market_exposure
from scf.graph.network import Network, group_node, market_node, node_party_id, party_node
from scf.graph.policy import NetworkPolicy
from scf.platform.auth.access import (
    Actor,
    can_view_market,
    party_by_reference,
    party_filter,
    visible_party,
    visible_party_ids,
)
from scf.platform.auth.not_found import not_found
from scf.platform.models import JointGuaranteeGroup, Loan, Market, Party, Relationship
from scf.platform.services.network.book import network_as_of, network_policy
from scf.platform.services.network.exposure import RelatedPartyGroupView, related_party_group_for


def node_visibility(session: Session, actor: Actor, network: Network) -> Callable[[str], bool]:
    """Whether the actor may see a node: a party in their book, a market (or a group
    inside one) they may view; one set of visible parties, not a query per node."""
    parties = visible_party_ids(session, actor)

    def visible(node: str) -> bool:
        party = node_party_id(node)
        if party is not None:
            return parties is None or party in parties
        if node.startswith("m:"):
            return can_view_market(actor, int(node[2:]))
        group = network.groups.get(int(node[2:]))
        return can_view_market(actor, None if group is None else group.market_id)

    return visible


def _party_brief(network: Network, party_id: int) -> dict[str, Any]:
    party = network.parties[party_id]
    return {"hidden": False, "uscc": party.uscc, "name": party.name}


def _members(
    network: Network,
    figures: list[tuple[int, dict[str, Any]]],
    visible: Callable[[str], bool],
    stubs: bool,
) -> list[dict[str, Any]]:
    """Members with their figures; one the reader may not see is a bare stub for the
    bank's staff (``stubs``) and left out for anyone else."""
    out = []
    for party_id, values in figures:
        if visible(party_node(party_id)):
            out.append({**_party_brief(network, party_id), **values})
        elif stubs:
            out.append({"hidden": True})
    return out


def _bank(value: Any, actor: Actor) -> Any:
    """One of the bank's own figures (net capital, a limit, a ratio or a headroom
    derived from it): for the bank's staff only."""
    return value if actor.sees_beyond_own_book else None


# ------------------------------------------------------------------ exposure


def exposure_report(
    session: Session,
    actor: Actor,
    reference: str,
    as_of: dt.date,
    *,
    net_capital: Decimal | None = None,
) -> dict[str, Any]:
    """Own, related-party group, joint-guarantee groups, chain (core enterprise) and
    market (administrator) exposure of one party."""
    party = party_by_reference(session, actor, reference)
    network = network_as_of(session, as_of)
    visible = node_visibility(session, actor, network)
    group = related_party_group_for(session, party.id, as_of, net_capital=net_capital)
    return {
        "uscc": party.uscc,
        "name": party.name,
        "as_of": as_of,
        "policy_version": group.policy_version,
        "headroom": _bank(group.headroom, actor),
        "own": {
            "exposure": group.customer_exposure,
            "reserved": group.customer_reserved,
            "loans": len(network.loans_by_borrower.get(party.id, [])),
            "limit_amount": _bank(group.customer_limit_amount, actor),
            "headroom": _bank(group.customer_headroom, actor),
        },
        "related_party_group": _related_party_group(network, group, visible, actor),
        "joint_guarantee_groups": _joint_guarantee_groups(network, party.id, visible, actor),
        "chain": _chain(network, party.id, visible, actor),
        "market": _markets_administered(network, party.id, network_policy(as_of), visible),
    }


def _related_party_group(
    network: Network, group: RelatedPartyGroupView, visible: Callable[[str], bool], actor: Actor
) -> dict[str, Any]:
    """The group against the 15% limit; a member the reader may not see is only counted
    (bank staff) or left out; its id, named after its first member, only if that one
    may be seen; its total for a market administrator only over members they see."""
    stubs = actor.sees_beyond_own_book
    figures = [(m.party_id, {"exposure": m.exposure}) for m in group.members]
    members = _members(network, figures, visible, stubs)
    complete = all(visible(party_node(m.party_id)) for m in group.members)
    first_seen = bool(group.members) and visible(party_node(group.members[0].party_id))
    return {
        "id": group.group_id if first_seen else None,
        "members": members,
        "exposure": group.exposure if stubs or complete else None,
        "reserved": group.reserved if stubs or complete else None,
        "net_capital": _bank(group.net_capital, actor),
        "ratio": _bank(group.ratio, actor),
        "limit_ratio": group.limit_ratio,
        "limit_amount": _bank(group.limit_amount, actor),
        "headroom": _bank(group.group_headroom, actor),
        "breached": _bank(group.breached, actor),
        "clause": group.clause,
    }


def _joint_guarantee_groups(
    network: Network, party_id: int, visible: Callable[[str], bool], actor: Actor
) -> list[dict[str, Any]]:
    """Each joint-guarantee group of the party the reader may see: members' balances and
    what each answers for (a market administrator: the total only over members they see)."""
    stubs = actor.sees_beyond_own_book
    out = []
    for group_id in sorted(set(network.groups_of.get(party_id, []))):
        if not visible(group_node(group_id)):
            continue
        joint = joint_guarantee_exposure(network, group_id)
        liabilities = dict(joint.max_liabilities)
        figures = [(m, {"balance": b, "max_liability": liabilities[m]}) for m, b in joint.balances]
        complete = all(visible(party_node(m)) for m, _ in joint.balances)
        out.append(
            {
                "code": network.groups[group_id].code,
                "name": network.groups[group_id].name,
                "members": _members(network, figures, visible, stubs),
                "total": joint.total if stubs or complete else None,
            }
        )
    return out


def _chain(
    network: Network, party_id: int, visible: Callable[[str], bool], actor: Actor
) -> dict[str, Any] | None:
    """A core enterprise's chain: its own loans, receivable and dealer financing (for a
    market administrator only when every borrower in it is theirs to see)."""
    if not network.parties[party_id].is_core:
        return None
    chain = chain_exposure(network, party_id)
    borrowers = {network.loans[loan_id].borrower for loan_id in chain.loan_ids}
    if not actor.sees_beyond_own_book and not all(visible(party_node(b)) for b in borrowers):
        return None
    return {
        "own": chain.own,
        "receivable_financing": chain.receivable_financing,
        "dealer_financing": chain.dealer_financing,
        "total": chain.total,
        "loans": len(chain.loan_ids),
    }


def _markets_administered(
    network: Network, party_id: int, policy: NetworkPolicy, visible: Callable[[str], bool]
) -> list[dict[str, Any]] | None:
    """Each market the party administers that the reader may see: its exposure and the
    administrator's guarantees against its capacity [003 §七(二)2]."""
    markets = sorted(
        m for m in set(network.administered.get(party_id, [])) if visible(market_node(m))
    )
    if not markets:
        return None
    out = []
    for market_id in markets:
        market = market_exposure(network, market_id, policy)
        usage = next(u for u in market.administrators if u.party == party_id)
        out.append(
            {
                "code": network.markets[market_id].code,
                "name": network.markets[market_id].name,
                "merchants": len(market.merchants),
                "merchant_exposure": market.merchant_exposure,
                "administrator_exposure": market.administrator_exposure,
                "total": market.total,
                "guarantees_used": usage.used,
                "guarantee_capacity": usage.capacity,
                "capacity_ratio": usage.ratio,
                "capacity_breached": usage.breached,
                "clause": policy.refs["capacity_administrator"],
            }
        )
    return out


# ------------------------------------------------------------------ guarantee circles


def guarantee_circles_view(
    session: Session, actor: Actor, as_of: dt.date, *, min_size: int = 2
) -> list[dict[str, Any]]:
    """Circles with at least one member the actor may see, hidden members anonymised;
    for a market administrator, only circles wholly inside what they may see."""
    network = network_as_of(session, as_of)
    policy = network_policy(as_of)
    visible = node_visibility(session, actor, network)
    shown = any if actor.sees_beyond_own_book else all
    out = []
    for circle in guarantee_circles(network, policy, min_size=min_size):
        seen = {m: visible(party_node(m)) for m in circle.members}
        if shown(seen.values()):
            out.append(_circle_dict(network, circle, seen))
    return out


def _circle_dict(
    network: Network, circle: GuaranteeCircle, seen: dict[int, bool]
) -> dict[str, Any]:
    alias = {m: f"x{i}" for i, m in enumerate((m for m in circle.members if not seen[m]), 1)}

    def name(member: int) -> str:
        party = network.parties[member]
        return alias.get(member) or party.uscc or party.name

    complete = not alias
    return {
        "id": circle.id,
        "size": circle.size,
        "members": [
            {"hidden": True, "id": alias[m]}
            if m in alias
            else {
                "hidden": False,
                "uscc": network.parties[m].uscc,
                "name": network.parties[m].name,
                "size_class": network.parties[m].size_class,
                "exposure": network.own_exposure(m),
            }
            for m in circle.members
        ],
        "links": [
            {
                "relationship_id": link.edge_id,
                "guarantor": name(link.guarantor),
                "borrower": name(link.borrower),
                "amount": None
                if link.guarantor in alias or link.borrower in alias
                else link.amount,
            }
            for link in circle.links
        ],
        "cycles": [[name(m) for m in cycle] for cycle in circle.cycles],
        "cycles_truncated": circle.cycles_truncated,
        "mutual_pairs": [[name(a), name(b)] for a, b in circle.mutual_pairs],
        "triangles": [[name(m) for m in t] for t in circle.triangles],
        "breaches": [
            {
                "rule": "no_mutual_guarantee_between_small_firms",
                "clause": "[003 §七(二)5]",
                "parties": [name(a), name(b)],
            }
            for a, b in circle.breaches
        ],
        "guaranteed_amount": circle.guaranteed_amount if complete else None,
        "exposure": circle.exposure if complete else None,
    }


# ------------------------------------------------------------------ relationships


def relationship_dict(session: Session, rel: Relationship) -> dict[str, Any]:
    """A relationship as the API and the audit log show it: ends by code, not by id."""

    def ref(party_id: int | None) -> str | None:
        if party_id is None:
            return None
        party = session.get(Party, party_id)
        return None if party is None else (party.uscc or party.customer_number)

    market = session.get(Market, rel.target_market_id) if rel.target_market_id else None
    group = session.get(JointGuaranteeGroup, rel.target_group_id) if rel.target_group_id else None
    loan = session.get(Loan, rel.loan_id) if rel.loan_id else None
    return {
        "id": rel.id,
        "kind": rel.kind.value,
        "source": ref(rel.source_party_id),
        "target": ref(rel.target_party_id),
        "target_market": market.code if market else None,
        "target_group": group.code if group else None,
        "amount": rel.amount,
        "percentage": rel.percentage,
        "valid_from": rel.valid_from,
        "valid_to": rel.valid_to,
        "loan": loan.code if loan else None,
        "note": rel.note,
    }


def get_relationship(session: Session, actor: Actor, relationship_id: int) -> Relationship:
    """A relationship whose both ends the actor may see; otherwise *not found*."""
    rel = session.get(Relationship, relationship_id)
    if rel is None or not _both_ends_visible(session, actor, rel):
        raise not_found("relationship", relationship_id)
    return rel


def list_relationships(
    session: Session,
    actor: Actor,
    party_uscc: str,
    *,
    as_of: dt.date | None = None,
    kind: str | None = None,
) -> list[Relationship]:
    """A visible party's relationships (both directions) whose other end is visible too."""
    party = visible_party(session, actor, party_uscc)
    query = sa.select(Relationship).where(
        sa.or_(Relationship.source_party_id == party.id, Relationship.target_party_id == party.id)
    )
    if as_of is not None:
        query = query.where(Relationship.valid_on(as_of))
    if kind:
        query = query.where(Relationship.kind == kind)
    rows = session.scalars(query.order_by(Relationship.id)).all()
    return [r for r in rows if _both_ends_visible(session, actor, r)]


def _both_ends_visible(session: Session, actor: Actor, rel: Relationship) -> bool:
    clause = party_filter(actor)
    ends = [p for p in (rel.source_party_id, rel.target_party_id) if p is not None]
    if clause is not None:
        seen = session.scalars(sa.select(Party.id).where(Party.id.in_(ends), clause)).all()
        if len(set(seen)) != len(set(ends)):
            return False
    if rel.target_market_id is not None and not can_view_market(actor, rel.target_market_id):
        return False
    if rel.target_group_id is not None:
        group = session.get(JointGuaranteeGroup, rel.target_group_id)
        return group is not None and can_view_market(actor, group.market_id)
    return True
