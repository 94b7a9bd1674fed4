"""The ego network for the viewer: nodes and edges around a party, as Cytoscape.js data.

Access as in ``network.queries``: the centre must be visible, else *not found*; for
the bank's staff a node the reader may not see is **anonymised, not omitted**
(``{"id": "x1", "hidden": true, "type": "hidden"}``, never expanded) and the amounts on
its edges are withheld; for a market administrator it is left out with its edges, so
the picture is their market's own (issue 12: at radius 3 it held 155 such stubs).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.delinquency import delinquency_class
from scf.credit.policy import Policy, load_policy
from scf.graph.data import EDGE_KINDS
from scf.graph.ego import Ego, edge_in_circle, ego_network, in_circle
from scf.graph.network import Network, node_party_id, party_node
from scf.platform.auth.access import Actor, party_by_reference
from scf.platform.errors import ValidationFailed
from scf.platform.models import Alert
from scf.platform.models.enums import AlertStatus
from scf.platform.services.network.book import network_as_of
from scf.platform.services.network.queries import node_visibility

RADIUS_MAX = 3
MAX_NODES = 300


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
    _check_request(radius, kinds)
    party = party_by_reference(session, actor, reference)
    network = network_as_of(session, as_of)
    visible = node_visibility(session, actor, network)
    ego = ego_network(
        network, party_node(party.id), radius, kinds=kinds, visible=visible, max_nodes=max_nodes
    )
    if not actor.sees_beyond_own_book:
        ego = _without_hidden(ego)
    alias = {node: f"x{i}" for i, node in enumerate(sorted(ego.hidden, key=ego.nodes.index), 1)}
    shown = [node_party_id(n) for n in ego.nodes if n not in ego.hidden]
    alerts = _open_alerts(session, [p for p in shown if p is not None])
    policy = load_policy(as_of)
    return {
        "center": party_node(party.id),
        "as_of": as_of,
        "radius": radius,
        "types": sorted(kinds) if kinds else None,
        "truncated": ego.truncated,
        "nodes": [
            {"id": alias[node], "hidden": True, "type": "hidden", "depth": ego.depth[node]}
            if node in ego.hidden
            else _node(network, ego, node, alerts, policy)
            for node in ego.nodes
        ],
        "edges": _edges(network, ego, alias),
    }


def _without_hidden(ego: Ego) -> Ego:
    """The ego network less the nodes the reader may not see and every edge touching
    one (nothing is lost behind them: a hidden node is never expanded)."""
    return replace(
        ego,
        nodes=tuple(n for n in ego.nodes if n not in ego.hidden),
        edges=tuple(e for e in ego.edges if e[0] not in ego.hidden and e[1] not in ego.hidden),
        hidden=frozenset(),
    )


def _check_request(radius: int, kinds: Collection[str] | None) -> None:
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


def _node(
    network: Network, ego: Ego, node: str, alerts: dict[int, int], policy: Policy
) -> dict[str, Any]:
    """A visible node; a party's carries its roles, size, worst delinquency, open alerts
    and own exposure for the side panel."""
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
    return data


def _edges(network: Network, ego: Ego, alias: dict[str, str]) -> list[dict[str, Any]]:
    """The edges, with a hidden end's alias and, next to a hidden end, no figures."""
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
    return edges


def _open_alerts(session: Session, party_ids: list[int]) -> dict[int, int]:
    if not party_ids:
        return {}
    rows = session.execute(
        sa.select(Alert.party_id, sa.func.count(Alert.id))
        .where(Alert.party_id.in_(party_ids), Alert.status != AlertStatus.RESOLVED)
        .group_by(Alert.party_id)
    )
    return {party_id: count for party_id, count in rows}
