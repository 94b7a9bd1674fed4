"""What a person sees of the network: exposure report, ego network, guarantee circles.

Access (``scf.platform.auth.access``): the party asked about must be visible, else
*not found*. Other parties in the picture that the actor may not see are
**anonymised, not omitted**: the viewer learns that a guarantee or a shareholding
leaves their book (which matters to judge the risk) but not who or how much — a hidden
node is ``{"id": "x1", "hidden": true, "type": "hidden"}`` with no name, code or
figures, it is never expanded, and amounts on its edges are withheld. Totals over a
set that contains a hidden party (a circle's exposure) are withheld too; the
related-party group's total is shown, because the limits of the visible party depend
on it. Risk officers and administrators see everything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.delinquency import delinquency_class
from scf.credit.policy import load_policy
from scf.graph.circles import GuaranteeCircle, guarantee_circles
from scf.graph.data import EDGE_KINDS
from scf.graph.ego import edge_in_circle, ego_network, in_circle
from scf.graph.exposure import chain_exposure, joint_guarantee_exposure, market_exposure
from scf.graph.network import Network, node_party_id, party_node
from scf.platform.auth.access import (
    Actor,
    can_view_market,
    party_by_reference,
    visible_party_ids,
)
from scf.platform.errors import ValidationFailed
from scf.platform.models import Alert
from scf.platform.models.enums import AlertStatus
from scf.platform.services.network.book import network_as_of, network_policy
from scf.platform.services.network.exposure import related_party_group_for

RADIUS_MAX = 3
MAX_NODES = 300


def _visibility(session: Session, actor: Actor, network: Network) -> Callable[[str], bool]:
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


def _party_brief(network: Network, party_id: int, visible: Callable[[str], bool]) -> dict[str, Any]:
    if not visible(party_node(party_id)):
        return {"hidden": True}
    party = network.parties[party_id]
    return {"hidden": False, "uscc": party.uscc, "name": party.name}


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
    policy = network_policy(as_of)
    visible = _visibility(session, actor, network)
    group = related_party_group_for(session, party.id, as_of, net_capital=net_capital)
    report: dict[str, Any] = {
        "uscc": party.uscc,
        "name": party.name,
        "as_of": as_of,
        "policy_version": group.policy_version,
        "headroom": group.headroom,
        "own": {
            "exposure": group.customer_exposure,
            "loans": len(network.loans_by_borrower.get(party.id, [])),
            "limit_amount": group.customer_limit_amount,
            "headroom": group.customer_headroom,
        },
        "related_party_group": {
            "id": group.group_id,
            "members": [
                {**_party_brief(network, m.party_id, visible), "exposure": m.exposure}
                if visible(party_node(m.party_id))
                else {"hidden": True}
                for m in group.members
            ],
            "exposure": group.exposure,
            "net_capital": group.net_capital,
            "ratio": group.ratio,
            "limit_ratio": group.limit_ratio,
            "limit_amount": group.limit_amount,
            "headroom": group.group_headroom,
            "breached": group.breached,
            "clause": group.clause,
        },
        "joint_guarantee_groups": [],
        "chain": None,
        "market": None,
    }
    for group_id in sorted(set(network.groups_of.get(party.id, []))):
        joint = joint_guarantee_exposure(network, group_id)
        liabilities = dict(joint.max_liabilities)
        report["joint_guarantee_groups"].append(
            {
                "code": network.groups[group_id].code,
                "name": network.groups[group_id].name,
                "members": [
                    {
                        **_party_brief(network, m, visible),
                        "balance": b,
                        "max_liability": liabilities[m],
                    }
                    if visible(party_node(m))
                    else {"hidden": True}
                    for m, b in joint.balances
                ],
                "total": joint.total,
            }
        )
    if network.parties[party.id].is_core:
        chain = chain_exposure(network, party.id)
        report["chain"] = {
            "own": chain.own,
            "receivable_financing": chain.receivable_financing,
            "dealer_financing": chain.dealer_financing,
            "total": chain.total,
            "loans": len(chain.loan_ids),
        }
    markets = sorted(set(network.administered.get(party.id, [])))
    if markets:
        report["market"] = []
        for market_id in markets:
            market = market_exposure(network, market_id, policy)
            usage = next(u for u in market.administrators if u.party == party.id)
            report["market"].append(
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
    return report


# ------------------------------------------------------------------ ego network


def ego_network_view(
    session: Session,
    actor: Actor,
    reference: str,
    as_of: dt.date,
    *,
    radius: int = 2,
    kinds: Collection[str] | None = None,
    max_nodes: int = MAX_NODES,
) -> dict[str, Any]:
    """Nodes and edges around a party for the viewer (Cytoscape.js elements' data)."""
    if not 1 <= radius <= RADIUS_MAX:
        raise ValidationFailed(
            f"radius (半径): 必须在1到{RADIUS_MAX}之间 (must be 1..{RADIUS_MAX})",
            errors={"radius": [str(radius)]},
        )
    unknown = sorted(set(kinds or ()) - set(EDGE_KINDS))
    if unknown:
        raise ValidationFailed(
            f"types (关系类型): 未知 (unknown) {', '.join(unknown)}; one of {', '.join(EDGE_KINDS)}",
            errors={"types": unknown},
        )
    party = party_by_reference(session, actor, reference)
    network = network_as_of(session, as_of)
    visible = _visibility(session, actor, network)
    ego = ego_network(
        network, party_node(party.id), radius, kinds=kinds, visible=visible, max_nodes=max_nodes
    )
    alias = {node: f"x{i}" for i, node in enumerate(sorted(ego.hidden, key=ego.nodes.index), 1)}
    shown = [node_party_id(n) for n in ego.nodes if n not in ego.hidden]
    alerts = _open_alerts(session, [p for p in shown if p is not None])
    policy = load_policy(as_of)
    nodes = []
    for node in ego.nodes:
        if node in ego.hidden:
            nodes.append(
                {"id": alias[node], "hidden": True, "type": "hidden", "depth": ego.depth[node]}
            )
            continue
        data: dict[str, Any] = {
            "id": node,
            "hidden": False,
            "label": network.graph.nodes[node]["label"],
            "type": network.graph.nodes[node]["type"],
            "depth": ego.depth[node],
            "in_circle": in_circle(network, node),
        }
        party_id = node_party_id(node)
        if party_id is not None:
            facts = network.parties[party_id]
            loans = network.loans_by_borrower.get(party_id, [])
            worst = max((loan.days_past_due for loan in loans), default=0)
            data.update(
                uscc=facts.uscc,
                roles=sorted(network.roles.get(party_id, ())),
                size_class=facts.size_class,
                delinquency_class=delinquency_class(worst, policy) if loans else None,
                open_alerts=alerts.get(party_id, 0),
                exposure=network.own_exposure(party_id),
            )
        nodes.append(data)
    edges = []
    for source, target, rid in ego.edges:
        edge = network.edges[rid]
        withheld = source in ego.hidden or target in ego.hidden
        edges.append(
            {
                "id": f"r:{rid}",
                "relationship_id": rid,
                "source": alias.get(source, source),
                "target": alias.get(target, target),
                "kind": edge.kind,
                "amount": None if withheld else edge.amount,
                "percentage": None if withheld else edge.percentage,
                "in_circle": edge_in_circle(network, rid),
            }
        )
    return {
        "center": party_node(party.id),
        "as_of": as_of,
        "radius": radius,
        "types": sorted(kinds) if kinds else None,
        "truncated": ego.truncated,
        "nodes": nodes,
        "edges": edges,
    }


def _open_alerts(session: Session, party_ids: list[int]) -> dict[int, int]:
    if not party_ids:
        return {}
    rows = session.execute(
        sa.select(Alert.party_id, sa.func.count(Alert.id))
        .where(Alert.party_id.in_(party_ids), Alert.status != AlertStatus.RESOLVED)
        .group_by(Alert.party_id)
    )
    return {party_id: count for party_id, count in rows}


# ------------------------------------------------------------------ guarantee circles


def guarantee_circles_view(
    session: Session, actor: Actor, as_of: dt.date, *, min_size: int = 2
) -> list[dict[str, Any]]:
    """Circles with at least one member the actor may see; hidden members anonymised."""
    network = network_as_of(session, as_of)
    policy = network_policy(as_of)
    visible = _visibility(session, actor, network)
    out = []
    for circle in guarantee_circles(network, policy, min_size=min_size):
        seen = {m: visible(party_node(m)) for m in circle.members}
        if any(seen.values()):
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
