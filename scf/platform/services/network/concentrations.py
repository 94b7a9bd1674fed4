"""Concentrations for the risk desk (集中度): chains, markets, related-party groups,
guarantee circles, on one date.

- **Chains**: per core enterprise, its own loans + receivable financing + dealer
  financing (``scf.graph.exposure.chain_exposure``), as a share of net capital.
- **Markets**: merchants' and administrators' loans (``market_exposure``) and each
  administrator's guarantees against its capacity, 2 × net assets [003 §七(二)2].
- **Related-party groups** (集团客户) of two or more parties against the 15% limit
  (``concentration.related_party_group_max``), largest share first; and every single
  customer over the 10% limit.
- **Guarantee circles**: members, guaranteed amounts, exposure, §7 breaches
  (``network.queries.guarantee_circles_view``).

Risk officers and administrators only: the whole book is in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from scf.graph.exposure import (
    chain_exposure,
    market_exposure,
    related_party_groups,
)
from scf.graph.network import Network
from scf.graph.policy import NetworkPolicy
from scf.platform.auth.access import Actor, require_role
from scf.platform.models.enums import Role
from scf.platform.services.network.book import bank_net_capital, network_as_of, network_policy
from scf.platform.services.network.exposure import (
    group_limit,
    related_party_concentration_breaches,
    reserved_by_pending,
)
from scf.platform.services.network.queries import guarantee_circles_view


@dataclass(frozen=True)
class Member:
    name: str
    uscc: str | None


@dataclass(frozen=True)
class ChainLine:
    core: Member
    own: Decimal
    receivable_financing: Decimal
    dealer_financing: Decimal
    total: Decimal
    loans: int
    ratio: Decimal  # of net capital


@dataclass(frozen=True)
class AdministratorLine:
    administrator: Member
    used: Decimal
    capacity: Decimal | None  # None: net assets unknown
    ratio: Decimal | None
    breached: bool


@dataclass(frozen=True)
class MarketLine:
    market_id: int
    code: str
    name: str
    merchants: int
    merchant_exposure: Decimal
    administrator_exposure: Decimal
    total: Decimal
    ratio: Decimal
    administrators: tuple[AdministratorLine, ...]


@dataclass(frozen=True)
class GroupLine:
    group_id: str
    members: tuple[Member, ...]
    exposure: Decimal  # outstanding
    reserved: Decimal  # pending drawdowns: taken off the headroom, not the exposure
    ratio: Decimal
    limit_amount: Decimal
    headroom: Decimal
    breached: bool


@dataclass(frozen=True)
class Concentrations:
    as_of: dt.date
    net_capital: Decimal
    policy_version: str
    group_limit_ratio: Decimal
    group_clause: str
    customer_limit_ratio: Decimal
    capacity_clause: str
    chains: tuple[ChainLine, ...]
    markets: tuple[MarketLine, ...]
    groups: tuple[GroupLine, ...]
    customer_breaches: tuple[tuple[Member, Decimal, Decimal], ...]  # who, exposure, ratio
    circles: tuple[dict[str, Any], ...]

    @property
    def group_breaches(self) -> int:
        return sum(1 for g in self.groups if g.breached)

    @property
    def circle_breaches(self) -> int:
        return sum(1 for c in self.circles if c["breaches"])


def _member(network: Network, party_id: int) -> Member:
    party = network.parties[party_id]
    return Member(party.name, party.uscc)


def _share(amount: Decimal, capital: Decimal) -> Decimal:
    return (amount / capital).quantize(Decimal("0.0001")) if capital > 0 else Decimal("0")


def concentrations(
    session: Session, actor: Actor, as_of: dt.date, *, net_capital: Decimal | None = None
) -> Concentrations:
    require_role(actor, Role.RISK_OFFICER, Role.ADMIN)
    network = network_as_of(session, as_of)
    policy = network_policy(as_of)
    capital = net_capital if net_capital is not None else bank_net_capital()
    customers = tuple(
        (_member(network, b.party_ids[0]), b.exposure, b.ratio)
        for b in related_party_concentration_breaches(session, as_of, net_capital=capital)
        if b.scope == "single_customer"
    )
    return Concentrations(
        as_of=as_of,
        net_capital=capital,
        policy_version=policy.version,
        group_limit_ratio=policy.related_party_group_max,
        group_clause=policy.refs["related_party_group_max"],
        customer_limit_ratio=policy.single_customer_max,
        capacity_clause=policy.refs["capacity_administrator"],
        chains=_chains(network, capital),
        markets=_markets(network, policy, capital),
        groups=_related_party_groups(network, policy, capital, reserved_by_pending(session)),
        customer_breaches=customers,
        circles=tuple(guarantee_circles_view(session, actor, as_of)),
    )


def _chains(network: Network, capital: Decimal) -> tuple[ChainLine, ...]:
    """Each core enterprise's chain as a share of net capital."""
    chains = []
    for party_id in sorted(p for p, facts in network.parties.items() if facts.is_core):
        chain = chain_exposure(network, party_id)
        chains.append(
            ChainLine(
                _member(network, party_id),
                chain.own,
                chain.receivable_financing,
                chain.dealer_financing,
                chain.total,
                len(chain.loan_ids),
                _share(chain.total, capital),
            )
        )
    return tuple(chains)


def _markets(network: Network, policy: NetworkPolicy, capital: Decimal) -> tuple[MarketLine, ...]:
    """Each market's exposure, and its administrators' guarantees against their capacity."""
    markets = []
    for market_id, market in sorted(network.markets.items()):
        exposure = market_exposure(network, market_id, policy)
        markets.append(
            MarketLine(
                market_id,
                market.code,
                market.name,
                len(exposure.merchants),
                exposure.merchant_exposure,
                exposure.administrator_exposure,
                exposure.total,
                _share(exposure.total, capital),
                tuple(
                    AdministratorLine(
                        _member(network, u.party), u.used, u.capacity, u.ratio, u.breached
                    )
                    for u in exposure.administrators
                ),
            )
        )
    return tuple(markets)


def _related_party_groups(
    network: Network, policy: NetworkPolicy, capital: Decimal, pending: dict[int, Decimal]
) -> tuple[GroupLine, ...]:
    """Groups of two or more against the 15% limit, largest share first; the headroom
    is net of what the members' pending drawdowns reserve."""
    groups = []
    for group in related_party_groups(network, policy):
        if len(group.members) < 2:
            continue
        limit = group_limit(group.exposure, capital, policy)
        reserved = sum((pending.get(m, Decimal("0")) for m in group.members), Decimal("0"))
        groups.append(
            GroupLine(
                group.id,
                tuple(_member(network, m) for m in group.members if m in network.parties),
                group.exposure,
                reserved,
                limit.ratio,
                limit.limit_amount,
                max(limit.limit_amount - group.exposure - reserved, Decimal("0")),
                limit.breached,
            )
        )
    groups.sort(key=lambda g: (-g.ratio, -g.exposure, g.group_id))
    return tuple(groups)
