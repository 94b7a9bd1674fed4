"""Where exposure concentrates [DOMAIN §8, §9]: related-party groups, joint-guarantee
groups, a core enterprise's chain, a market and its administrator's guarantees.

Exposure is outstanding principal. Every total is taken over a *set of loans*, so a
loan reached by two paths (a dealer's loan the core both guarantees and buys back, a
firm controlled and also held by the same parent) is counted once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import networkx as nx

from scf.credit.joint_guarantee import max_liability
from scf.credit.money import ZERO, floor_fen
from scf.graph import data as d
from scf.graph.network import Network
from scf.graph.policy import NetworkPolicy

# ------------------------------------------------------------------ related-party groups


@dataclass(frozen=True)
class RelatedPartyGroup:
    """集团客户: parties linked by control or a shareholding at or above the threshold,
    directly or through persons; ``links`` are the relationship ids that tie them."""

    members: tuple[int, ...]
    links: tuple[int, ...]
    exposure: Decimal

    @property
    def id(self) -> str:
        return f"RPG-{self.members[0]}"


def related_party_links(network: Network, policy: NetworkPolicy) -> Iterable[d.EdgeFacts]:
    """Control edges, and shareholdings ≥ the threshold, between two parties [DOMAIN §9]."""
    for edge in network.data.edges:
        if edge.target_party is None:
            continue
        if edge.kind == d.CONTROLS or (
            edge.kind == d.HOLDS_SHARES
            and edge.percentage is not None
            and edge.percentage >= policy.shareholding_min
        ):
            yield edge


def _components(
    network: Network, policy: NetworkPolicy
) -> tuple[dict[int, int], list[list[int]], dict[int, list[int]]]:
    """Connected components of the related-party links, memoised on the network:
    (party -> component index, components, component index -> link ids)."""
    key = ("related_party_components", policy.shareholding_min)
    cached = network.memo.get(key)
    if cached is None:
        graph: Any = nx.Graph()
        links = list(related_party_links(network, policy))
        for edge in links:
            graph.add_edge(edge.source, edge.target_party)
        components = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: c[0])
        index = {member: i for i, c in enumerate(components) for member in c}
        by_component: dict[int, list[int]] = {}
        for edge in links:
            by_component.setdefault(index[edge.source], []).append(edge.id)
        cached = (index, components, by_component)
        network.memo[key] = cached
    return cached  # type: ignore[return-value]


def related_party_groups(network: Network, policy: NetworkPolicy) -> tuple[RelatedPartyGroup, ...]:
    """Every related-party group with two or more members (all exposures in one pass)."""
    _, components, links = _components(network, policy)
    return tuple(
        RelatedPartyGroup(
            tuple(members),
            tuple(sorted(links.get(i, []))),
            sum((network.own_exposure(m) for m in members), ZERO),
        )
        for i, members in enumerate(components)
    )


def related_party_group_of(
    network: Network, party_id: int, policy: NetworkPolicy
) -> RelatedPartyGroup:
    """The group the party belongs to; a party with no such link is a group of one."""
    index, components, links = _components(network, policy)
    if party_id not in index:
        return RelatedPartyGroup((party_id,), (), network.own_exposure(party_id))
    i = index[party_id]
    members = tuple(components[i])
    return RelatedPartyGroup(
        members,
        tuple(sorted(links.get(i, []))),
        sum((network.own_exposure(m) for m in members), ZERO),
    )


# ------------------------------------------------------------------ concentration


@dataclass(frozen=True)
class Concentration:
    """Exposure against the bank's net capital (资本净额) and its limit ratio."""

    exposure: Decimal
    net_capital: Decimal
    ratio: Decimal
    limit_ratio: Decimal
    limit_amount: Decimal
    headroom: Decimal  # what may still be lent before the limit, never below zero
    breached: bool
    clause: str


def concentration(
    exposure: Decimal, net_capital: Decimal, limit_ratio: Decimal, clause: str
) -> Concentration:
    """``limit_amount`` is rounded down to the fen (a cap never allows more than its share)."""
    if net_capital <= 0:
        raise ValueError("bank net capital must be positive")
    limit_amount = floor_fen(net_capital * limit_ratio)
    return Concentration(
        exposure=exposure,
        net_capital=net_capital,
        ratio=exposure / net_capital,
        limit_ratio=limit_ratio,
        limit_amount=limit_amount,
        headroom=max(limit_amount - exposure, ZERO),
        breached=exposure > limit_amount,
        clause=clause,
    )


# ------------------------------------------------------------------ joint-guarantee groups


@dataclass(frozen=True)
class JointGuaranteeExposure:
    """Members' own balances under the group's facilities and each one's maximum
    liability (own + every other member's, 连带责任) [000 §三(一)5] [003 §六(五)]."""

    group_id: int
    balances: tuple[tuple[int, Decimal], ...]
    max_liabilities: tuple[tuple[int, Decimal], ...]
    total: Decimal


def joint_guarantee_exposure(network: Network, group_id: int) -> JointGuaranteeExposure:
    members = sorted(set(network.group_members.get(group_id, [])))
    balances = {str(m): ZERO for m in members}
    for loan in network.loans_by_group.get(group_id, []):
        key = str(loan.borrower)
        balances[key] = balances.get(key, ZERO) + loan.outstanding
    liabilities = max_liability(balances)
    return JointGuaranteeExposure(
        group_id,
        tuple((int(k), v) for k, v in sorted(balances.items(), key=lambda kv: int(kv[0]))),
        tuple((int(k), v) for k, v in sorted(liabilities.items(), key=lambda kv: int(kv[0]))),
        sum(balances.values(), ZERO),
    )


# ------------------------------------------------------------------ chain of a core enterprise


@dataclass(frozen=True)
class ChainExposure:
    """Exposure that depends on one core enterprise [DOMAIN §9]: its own loans, suppliers'
    receivable financing where it is the debtor, dealers' financing it guarantees or
    buys back. Each loan sits in the first bucket that claims it, so the total counts
    it once."""

    core: int
    own: Decimal
    receivable_financing: Decimal
    dealer_financing: Decimal
    total: Decimal
    loan_ids: tuple[int, ...]


def chain_exposure(network: Network, core: int) -> ChainExposure:
    own = {loan.id for loan in network.loans_by_borrower.get(core, [])}
    receivable = network.receivable_loans_by_debtor.get(core, set()) - own
    dealer: set[int] = set()
    for edge in network.guarantees_given.get(core, []):
        if edge.loan_id is not None:
            dealer.add(edge.loan_id)
        elif edge.target_party is not None:
            dealer.update(loan.id for loan in network.loans_by_borrower.get(edge.target_party, []))
    for dealer_id, buybacks in network.buybacks_by_dealer.items():
        for edge in buybacks:
            if edge.source != core:
                continue
            loans = network.loans_by_borrower.get(dealer_id, [])
            if edge.loan_id is not None:
                dealer.add(edge.loan_id)
            else:  # buy-back stands behind the dealer's financing in the core's programme
                dealer.update(loan.id for loan in loans if loan.programme_core == core)
    dealer -= own | receivable
    dealer &= set(network.loans)
    receivable &= set(network.loans)
    return ChainExposure(
        core,
        network.exposure_of_loans(own),
        network.exposure_of_loans(receivable),
        network.exposure_of_loans(dealer),
        network.exposure_of_loans(own | receivable | dealer),
        tuple(sorted(own | receivable | dealer)),
    )


# ------------------------------------------------------------------ markets and capacity


def guarantor_capacity(network: Network, party_id: int, policy: NetworkPolicy) -> Decimal | None:
    """What a guarantor can honour: a multiple of net assets by kind — a market
    administrator 2× [003 §七(二)2]; others per ``network.yaml`` *(assumed)*. None when
    its net assets are unknown."""
    party = network.parties.get(party_id)
    if party is None or party.net_assets is None:
        return None
    if network.administered.get(party_id):
        multiple = policy.capacity_administrator
    elif party.kind == d.GUARANTEE_COMPANY:
        multiple = policy.capacity_guarantee_company
    elif party.kind in (d.INDIVIDUAL_BUSINESS, d.PERSON):
        multiple = policy.capacity_household
    else:
        multiple = policy.capacity_enterprise
    return floor_fen(max(party.net_assets, ZERO) * multiple)


@dataclass(frozen=True)
class CapacityUsage:
    party: int
    used: Decimal  # guarantees given, at their guaranteed balances
    capacity: Decimal | None
    ratio: Decimal | None
    breached: bool


def capacity_usage(network: Network, party_id: int, policy: NetworkPolicy) -> CapacityUsage:
    used = network.contingent_liabilities(party_id)
    capacity = guarantor_capacity(network, party_id, policy)
    ratio = None if not capacity else used / capacity
    breached = capacity is not None and used > capacity
    return CapacityUsage(party_id, used, capacity, ratio, breached)


@dataclass(frozen=True)
class MarketExposure:
    """Exposure inside a market (its merchants and administrators) and each
    administrator's guarantees against 2 × net assets [DOMAIN §9] [003 §七(二)2]."""

    market: int
    merchants: tuple[int, ...]
    merchant_exposure: Decimal
    administrator_exposure: Decimal
    total: Decimal
    administrators: tuple[CapacityUsage, ...]


def market_exposure(network: Network, market_id: int, policy: NetworkPolicy) -> MarketExposure:
    merchants = tuple(sorted(set(network.market_members.get(market_id, []))))
    admins = tuple(sorted(set(network.administrators.get(market_id, []))))
    merchant_loans = {loan.id for m in merchants for loan in network.loans_by_borrower.get(m, [])}
    admin_loans = {loan.id for a in admins for loan in network.loans_by_borrower.get(a, [])}
    return MarketExposure(
        market_id,
        merchants,
        network.exposure_of_loans(merchant_loans),
        network.exposure_of_loans(admin_loans - merchant_loans),
        network.exposure_of_loans(merchant_loans | admin_loans),
        tuple(capacity_usage(network, a, policy) for a in admins),
    )
