"""Guarantee circles (担保圈, 互保链) [DOMAIN §9] [003 §七(二)5].

A circle is a strongly connected component of the guarantee graph (guarantor ->
borrower) with two or more members: within it every member's default can come back
to it. Inside each circle the simple cycles up to ``guarantee_circle.cycle_length_max``
edges are listed (at most ``cycles_limit`` per circle, marked truncated past that:
a dense component has exponentially many). Mutual pairs and triangles — the motifs
published studies of Chinese guarantee networks find riskiest — are found directly
from the edges, always in full. A mutual guarantee between two small or micro
enterprises is a policy breach [003 §七(二)5].

Computed per component, so the cost follows the circles, not the whole book. The
cycles are enumerated by a depth-bounded search from each member through larger ids
only (each cycle found once, from its smallest member) that stops at the limit:
networkx's ``simple_cycles(length_bound=...)`` is exact too, but on a component of
7,700 firms it took 40 s to yield its first hundred cycles (bench/network.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from scf.credit.money import ZERO
from scf.graph import data as d
from scf.graph.network import Network
from scf.graph.policy import NetworkPolicy

SMALL_OR_MICRO = ("small", "micro")
DEFAULT_CYCLES_LIMIT = 100


@dataclass(frozen=True)
class GuaranteeLink:
    edge_id: int
    guarantor: int
    borrower: int
    amount: Decimal | None
    loan_id: int | None


@dataclass(frozen=True)
class GuaranteeCircle:
    members: tuple[int, ...]
    links: tuple[GuaranteeLink, ...]
    cycles: tuple[tuple[int, ...], ...]  # each starts at its smallest member
    cycles_truncated: bool
    guaranteed_amount: Decimal  # Σ amounts of the links inside the circle
    exposure: Decimal  # members' own outstanding
    mutual_pairs: tuple[tuple[int, int], ...]
    triangles: tuple[tuple[int, int, int], ...]
    breaches: tuple[tuple[int, int], ...]  # mutual pairs of two small/micro enterprises

    @property
    def id(self) -> str:
        return f"GC-{self.members[0]}"

    @property
    def size(self) -> int:
        return len(self.members)


def _rotate(cycle: list[Any]) -> tuple[int, ...]:
    nodes = [int(n) for n in cycle]
    start = nodes.index(min(nodes))
    return tuple(nodes[start:] + nodes[:start])


def bounded_cycles(
    network: Network, members: frozenset[int], length_bound: int, limit: int
) -> list[tuple[int, ...]]:
    """Simple cycles of at most ``length_bound`` edges inside ``members``, each once,
    starting at its smallest member; at most ``limit`` of them, in search order."""
    graph = network.guarantee_graph
    successors = {m: sorted(int(n) for n in graph.successors(m) if n in members) for m in members}
    found: list[tuple[int, ...]] = []
    for start in sorted(members):
        path = [start]
        on_path = {start}
        stack = [iter(successors[start])]
        while stack:
            following = next(stack[-1], None)
            if following is None:
                stack.pop()
                on_path.discard(path.pop())
                continue
            if following == start:
                if len(path) >= 2:
                    found.append(tuple(path))
                    if len(found) >= limit:
                        return found
            elif following > start and following not in on_path and len(path) < length_bound:
                path.append(following)
                on_path.add(following)
                stack.append(iter(successors[following]))
    return found


def mutual_pairs(network: Network, members: frozenset[int]) -> tuple[tuple[int, int], ...]:
    graph = network.guarantee_graph
    return tuple(
        sorted(
            (u, v)
            for u in members
            for v in graph.successors(u)
            if u < v and v in members and graph.has_edge(v, u)
        )
    )


def triangles(network: Network, members: frozenset[int]) -> tuple[tuple[int, int, int], ...]:
    """Directed 3-cycles a -> b -> c -> a, each listed once from its smallest member."""
    graph = network.guarantee_graph
    found: set[tuple[int, int, int]] = set()
    for a in members:
        for b in graph.successors(a):
            if b == a or b not in members:
                continue
            for c in graph.successors(b):
                if c not in (a, b) and c in members and graph.has_edge(c, a):
                    found.add(_rotate([a, b, c]))  # type: ignore[arg-type]
    return tuple(sorted(found))


def _is_small_enterprise(network: Network, party_id: int) -> bool:
    party = network.parties.get(party_id)
    return party is not None and party.kind == d.ENTERPRISE and party.size_class in SMALL_OR_MICRO


def circle_of(
    network: Network,
    members: frozenset[int],
    policy: NetworkPolicy,
    cycles_limit: int = DEFAULT_CYCLES_LIMIT,
) -> GuaranteeCircle:
    links = tuple(
        GuaranteeLink(e.id, e.source, e.target_party, e.amount, e.loan_id)
        for m in sorted(members)
        for e in network.guarantees_given.get(m, [])
        if e.target_party is not None and e.target_party in members
    )
    found = bounded_cycles(network, members, policy.cycle_length_max, cycles_limit + 1)
    cycles = sorted(found, key=lambda c: (len(c), c))
    pairs = mutual_pairs(network, members)
    return GuaranteeCircle(
        members=tuple(sorted(members)),
        links=links,
        cycles=tuple(cycles[:cycles_limit]),
        cycles_truncated=len(cycles) > cycles_limit,
        guaranteed_amount=sum((link.amount or ZERO for link in links), ZERO),
        exposure=sum((network.own_exposure(m) for m in members), ZERO),
        mutual_pairs=pairs,
        triangles=triangles(network, members),
        breaches=tuple(
            p
            for p in pairs
            if _is_small_enterprise(network, p[0]) and _is_small_enterprise(network, p[1])
        ),
    )


def guarantee_circles(
    network: Network,
    policy: NetworkPolicy,
    *,
    min_size: int = 2,
    cycles_limit: int = DEFAULT_CYCLES_LIMIT,
) -> tuple[GuaranteeCircle, ...]:
    """Every circle with at least ``min_size`` members, by smallest member id."""
    return tuple(
        circle_of(network, component, policy, cycles_limit)
        for component in network.guarantee_components
        if len(component) >= min_size
    )


def circle_containing(
    network: Network,
    party_id: int,
    policy: NetworkPolicy,
    cycles_limit: int = DEFAULT_CYCLES_LIMIT,
) -> GuaranteeCircle | None:
    index = network.guarantee_component_of.get(party_id)
    if index is None:
        return None
    return circle_of(network, network.guarantee_components[index], policy, cycles_limit)
