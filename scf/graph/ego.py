"""The ego network (以某主体为中心的关系网): every node within ``radius`` hops of a centre,
edges followed in both directions, optionally only some edge kinds.

Visibility is decided by the caller (``visible(node) -> bool``): a node the viewer may
not see is kept as a stub, so the viewer knows a relationship leaves their book, but
it is not expanded (nothing behind it is revealed) and an edge between two hidden
nodes is dropped. The platform anonymises hidden nodes (no name, no figures).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from scf.graph.network import Network, node_party_id


@dataclass(frozen=True)
class Ego:
    center: str
    radius: int
    nodes: tuple[str, ...]  # breadth-first order, the centre first
    depth: dict[str, int]
    edges: tuple[tuple[str, str, int], ...]  # (source, target, relationship id)
    hidden: frozenset[str]
    truncated: bool  # stopped at max_nodes


def ego_network(
    network: Network,
    center: str,
    radius: int,
    *,
    kinds: Collection[str] | None = None,
    visible: Callable[[str], bool] = lambda _node: True,
    max_nodes: int = 500,
) -> Ego:
    graph: Any = network.graph
    if center not in graph:
        raise KeyError(center)

    def passes(attrs: dict[str, Any]) -> bool:
        return kinds is None or attrs["kind"] in kinds

    depth = {center: 0}
    order = [center]
    hidden: set[str] = set()
    frontier = [center]
    truncated = False
    for level in range(1, radius + 1):
        following: list[str] = []
        for node in frontier:
            if node in hidden or truncated:
                continue
            for adjacency in (graph.succ[node], graph.pred[node]):
                for neighbour, keyed in adjacency.items():
                    if neighbour in depth or not any(passes(a) for a in keyed.values()):
                        continue
                    if len(order) >= max_nodes:
                        truncated = True
                        break
                    depth[neighbour] = level
                    order.append(neighbour)
                    following.append(neighbour)
                    if not visible(neighbour):
                        hidden.add(neighbour)
        frontier = following
    if not visible(center):
        hidden.add(center)
    edges = []
    for node in order:
        for neighbour, keyed in graph.succ[node].items():
            if neighbour not in depth or (node in hidden and neighbour in hidden):
                continue
            for key, attrs in keyed.items():
                if passes(attrs):
                    edges.append((node, neighbour, int(key)))
    edges.sort(key=lambda e: e[2])
    return Ego(center, radius, tuple(order), depth, tuple(edges), frozenset(hidden), truncated)


def in_circle(network: Network, node: str) -> bool:
    """The node is a member of a guarantee circle."""
    party = node_party_id(node)
    return party is not None and party in network.guarantee_component_of


def edge_in_circle(network: Network, relationship_id: int) -> bool:
    """A guarantee whose guarantor and borrower are in the same circle."""
    edge = network.edges.get(relationship_id)
    if edge is None or edge.kind != "guarantees" or edge.target_party is None:
        return False
    component = network.guarantee_component_of
    source = component.get(edge.source)
    return source is not None and source == component.get(edge.target_party)
