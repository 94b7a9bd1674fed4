"""The network as a networkx ``MultiDiGraph`` plus the indexes the computations need.

Nodes are ``"p:<party id>"``, ``"m:<market id>"`` and ``"g:<group id>"``; each edge's
key is its relationship id, so two relationships between the same pair stay two
edges. Node type is the role a viewer colours by: a party playing several roles is
shown as the first of ``PARTY_TYPE_ORDER`` it plays (a core enterprise that also
supplies another core is shown as a core enterprise); ``roles`` keeps them all.

Building is the expensive step (seconds for 100,000 firms); the platform caches the
built ``Network`` and rebuilds it when the data changes (see
``scf.platform.services.network.book``). Everything derived here (related-party
components, guarantee components) is computed lazily once per ``Network``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from functools import cached_property
from typing import Any

import networkx as nx

from scf.credit.money import ZERO
from scf.graph import data as d
from scf.graph.data import EdgeFacts, LoanFacts, NetworkData, PartyFacts

PARTY_TYPE_ORDER = (
    "core_enterprise",
    "market_administrator",
    "guarantee_company",
    "warehouse_supervisor",
    "supplier",
    "dealer",
    "merchant",
    "individual_business",
    "person",
    "enterprise",
)
NODE_TYPES = (*PARTY_TYPE_ORDER, "market", "joint_guarantee_group")

_EDGE_ROLES = {
    d.SUPPLIES_TO: "supplier",
    d.DISTRIBUTES_FOR: "dealer",
    d.MEMBER_OF_MARKET: "merchant",
    d.ADMINISTERS: "market_administrator",
}
_KIND_ROLES = {
    d.INDIVIDUAL_BUSINESS: "individual_business",
    d.PERSON: "person",
    d.GUARANTEE_COMPANY: "guarantee_company",
    d.WAREHOUSE_SUPERVISOR: "warehouse_supervisor",
    d.ENTERPRISE: "enterprise",
}


def party_node(party_id: int) -> str:
    return f"p:{party_id}"


def market_node(market_id: int) -> str:
    return f"m:{market_id}"


def group_node(group_id: int) -> str:
    return f"g:{group_id}"


def node_party_id(node: str) -> int | None:
    """The party id of a party node, None for a market or group node."""
    return int(node[2:]) if node.startswith("p:") else None


def edge_target_node(edge: EdgeFacts) -> str:
    if edge.target_party is not None:
        return party_node(edge.target_party)
    if edge.target_market is not None:
        return market_node(edge.target_market)
    if edge.target_group is not None:
        return group_node(edge.target_group)
    raise ValueError(f"relationship {edge.id} has no target")


class Network:
    """One as-of date's network: the graph and its indexes. Treat it as read-only."""

    def __init__(self, data: NetworkData) -> None:
        self.data = data
        self.as_of = data.as_of
        self.parties: dict[int, PartyFacts] = {p.id: p for p in data.parties}
        self.edges: dict[int, EdgeFacts] = {e.id: e for e in data.edges}
        self.loans: dict[int, LoanFacts] = {loan.id: loan for loan in data.loans}
        self.markets = {m.id: m for m in data.markets}
        self.groups = {g.id: g for g in data.groups}
        # Results derived from this network (keyed by computation and parameters).
        self.memo: dict[tuple[object, ...], object] = {}

        self.loans_by_borrower: dict[int, list[LoanFacts]] = defaultdict(list)
        self.loans_by_group: dict[int, list[LoanFacts]] = defaultdict(list)
        for loan in data.loans:
            self.loans_by_borrower[loan.borrower].append(loan)
            if loan.group_id is not None:
                self.loans_by_group[loan.group_id].append(loan)

        self.guarantees_by_loan: dict[int, list[EdgeFacts]] = defaultdict(list)
        self.general_guarantees_by_borrower: dict[int, list[EdgeFacts]] = defaultdict(list)
        self.guarantees_given: dict[int, list[EdgeFacts]] = defaultdict(list)
        self.buybacks_by_dealer: dict[int, list[EdgeFacts]] = defaultdict(list)
        self.group_members: dict[int, list[int]] = defaultdict(list)
        self.groups_of: dict[int, list[int]] = defaultdict(list)
        self.market_members: dict[int, list[int]] = defaultdict(list)
        self.administrators: dict[int, list[int]] = defaultdict(list)
        self.administered: dict[int, list[int]] = defaultdict(list)
        self.roles: dict[int, set[str]] = defaultdict(set)
        for edge in sorted(data.edges, key=lambda e: e.id):
            self._index(edge)
        for party in data.parties:
            self.roles[party.id].add(_KIND_ROLES.get(party.kind, "enterprise"))
            if party.is_core:
                self.roles[party.id].add("core_enterprise")

        self.receivable_loans_by_debtor: dict[int, set[int]] = defaultdict(set)
        for receivable in data.receivables:
            self.receivable_loans_by_debtor[receivable.debtor].add(receivable.loan_id)
        self.goods_by_loan: dict[int, list[d.GoodsPosition]] = defaultdict(list)
        for position in data.goods:
            self.goods_by_loan[position.loan_id].append(position)

        self.graph: Any = nx.MultiDiGraph(as_of=data.as_of)
        self.graph.add_nodes_from(self._nodes())
        self.graph.add_edges_from(
            (party_node(e.source), edge_target_node(e), e.id, {"kind": e.kind}) for e in data.edges
        )

    def _index(self, edge: EdgeFacts) -> None:
        role = _EDGE_ROLES.get(edge.kind)
        if role is not None:
            self.roles[edge.source].add(role)
        target = edge.target_party
        if edge.kind == d.GUARANTEES and target is not None:
            self.guarantees_given[edge.source].append(edge)
            if edge.loan_id is not None:
                self.guarantees_by_loan[edge.loan_id].append(edge)
            else:
                self.general_guarantees_by_borrower[target].append(edge)
        elif edge.kind == d.BUYBACK_FOR and target is not None:
            self.buybacks_by_dealer[target].append(edge)
            self.roles[target].add("dealer")
        elif edge.kind == d.MEMBER_OF_GROUP and edge.target_group is not None:
            self.group_members[edge.target_group].append(edge.source)
            self.groups_of[edge.source].append(edge.target_group)
        elif edge.kind == d.MEMBER_OF_MARKET and edge.target_market is not None:
            self.market_members[edge.target_market].append(edge.source)
        elif edge.kind == d.ADMINISTERS and edge.target_market is not None:
            self.administrators[edge.target_market].append(edge.source)
            self.administered[edge.source].append(edge.target_market)

    def _nodes(self) -> Iterable[tuple[str, dict[str, Any]]]:
        for party in self.data.parties:
            yield party_node(party.id), {"type": self.party_type(party.id), "label": party.name}
        for market in self.data.markets:
            yield market_node(market.id), {"type": "market", "label": market.name}
        for group in self.data.groups:
            yield group_node(group.id), {"type": "joint_guarantee_group", "label": group.name}

    # ------------------------------------------------------------------ lookups

    def party_type(self, party_id: int) -> str:
        roles = self.roles.get(party_id, set())
        return next((t for t in PARTY_TYPE_ORDER if t in roles), "enterprise")

    def own_exposure(self, party_id: int) -> Decimal:
        """Outstanding principal of the party's own loans (single-customer exposure)."""
        return sum((loan.outstanding for loan in self.loans_by_borrower.get(party_id, ())), ZERO)

    def exposure_of_loans(self, loan_ids: Iterable[int]) -> Decimal:
        """Outstanding of a set of loans; a loan reached twice is counted once."""
        return sum((self.loans[i].outstanding for i in set(loan_ids) if i in self.loans), ZERO)

    def guarantees_for(self, loan: LoanFacts) -> list[EdgeFacts]:
        """Guarantees covering ``loan``: those naming it, then general ones on its borrower."""
        named = self.guarantees_by_loan.get(loan.id, [])
        general = self.general_guarantees_by_borrower.get(loan.borrower, [])
        return sorted([*named, *general], key=lambda e: e.id)

    def guaranteed_balance(self, edge: EdgeFacts) -> Decimal:
        """What a guarantee stands behind today: the covered outstanding, capped by its amount."""
        if edge.target_party is None:
            return ZERO
        if edge.loan_id is not None:
            loan = self.loans.get(edge.loan_id)
            covered = loan.outstanding if loan is not None else ZERO
        else:
            covered = self.own_exposure(edge.target_party)
        return covered if edge.amount is None else min(edge.amount, covered)

    def contingent_liabilities(self, party_id: int) -> Decimal:
        """Guarantees given (对外担保余额): Σ guaranteed balances of the party's guarantees."""
        return sum(
            (self.guaranteed_balance(e) for e in self.guarantees_given.get(party_id, ())), ZERO
        )

    @cached_property
    def guarantee_graph(self) -> Any:
        """Guarantor -> borrower ``DiGraph`` (parallel guarantees collapse to one edge)."""
        graph = nx.DiGraph()
        for guarantor, edges in self.guarantees_given.items():
            for edge in edges:
                if edge.target_party is not None:
                    graph.add_edge(guarantor, edge.target_party)
        return graph

    @cached_property
    def guarantee_component_of(self) -> dict[int, int]:
        """Party id -> index of its guarantee circle (strongly connected, ≥ 2 members)."""
        out: dict[int, int] = {}
        for index, component in enumerate(self.guarantee_components):
            for member in component:
                out[member] = index
        return out

    @cached_property
    def guarantee_components(self) -> tuple[frozenset[int], ...]:
        """Strongly connected components of the guarantee graph with two or more members,
        ordered by their smallest member id (deterministic)."""
        components = [
            frozenset(int(n) for n in c)
            for c in nx.strongly_connected_components(self.guarantee_graph)
            if len(c) > 1
        ]
        return tuple(sorted(components, key=min))
