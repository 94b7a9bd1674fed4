"""Exposure and concentration as other services and jobs need them (issue 4).

Entry points for other areas (no actor: the caller has already checked access, or is
the system). Each reads the cached network of ``as_of`` (see ``services.network``):

- ``related_party_group_for(session, party_id, as_of)`` -> ``RelatedPartyGroupView``:
  members, group exposure (outstanding), what pending drawdowns reserve, ratio to net
  capital, limit, headroom net of both (facilities: cap a drawdown at ``headroom``);
- ``related_party_concentration_breaches(session, as_of)`` -> ``ConcentrationBreach``s
  (single customer over 10%, group over 15% of net capital);
- ``administrator_capacity_usage(session, as_of)`` -> ``AdministratorCapacity`` per
  market administrator (guarantees given against 2 × net assets);
- ``guarantors_and_group_members_of(session, party_id, as_of)`` -> ``Neighbours``
  (who is called when the party defaults);
- ``borrower_rules_for(session, party_id, as_of)`` -> the graph-aware checks that
  count in a borrower's admission (``scf.graph.rules.borrower_rules``);
- ``network_rules_for(session, party_id, as_of, additional_guarantee=...)`` -> those
  and the guarantor-capacity check, for a party proposed as guarantor.

``net_capital`` defaults to the application's ``SCF_BANK_NET_CAPITAL``.

Exposure here is outstanding principal, as every report, concentration and alert shows
it. A drawdown accepted and not yet paid out (a pending loan) is not outstanding but is
promised: ``reserved`` counts it beside the exposure and the headroom is net of both, so
a limit cannot be promised twice (issue #12). Breaches stay on outstanding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.explain import RuleResult
from scf.credit.money import ZERO
from scf.graph.exposure import (
    Concentration,
    capacity_usage,
    concentration,
    related_party_group_of,
    related_party_groups,
)
from scf.graph.network import Network
from scf.graph.policy import NetworkPolicy
from scf.graph.rules import borrower_rules, guarantor_capacity_rule, network_rules
from scf.platform.models import Loan
from scf.platform.models.enums import LoanStatus
from scf.platform.services.lending.balances import money_sum
from scf.platform.services.network.book import bank_net_capital, network_as_of, network_policy


@dataclass(frozen=True)
class GroupMember:
    party_id: int
    name: str
    uscc: str | None
    exposure: Decimal


@dataclass(frozen=True)
class RelatedPartyGroupView:
    """A party's related-party group (集团客户) against both concentration limits.

    ``exposure`` is outstanding; ``reserved`` is the principal of the members' pending
    drawdowns (``customer_…``: the party's own). ``headroom`` is what may still be lent
    to this party: the lower of the group's headroom (15% limit) and the party's own (10%
    limit), each net of outstanding and reserved, never below zero."""

    party_id: int
    as_of: dt.date
    group_id: str
    members: tuple[GroupMember, ...]
    exposure: Decimal
    reserved: Decimal
    net_capital: Decimal
    ratio: Decimal
    limit_ratio: Decimal
    limit_amount: Decimal
    group_headroom: Decimal
    customer_exposure: Decimal
    customer_reserved: Decimal
    customer_limit_amount: Decimal
    customer_headroom: Decimal
    headroom: Decimal
    breached: bool
    clause: str
    policy_version: str

    @property
    def anchor_party_id(self) -> int:
        """The group's lowest party id: one key for every member (its lock, its id)."""
        return min((m.party_id for m in self.members), default=self.party_id)


def customer_limit(exposure: Decimal, capital: Decimal, policy: NetworkPolicy) -> Concentration:
    """One customer's exposure against 10% of net capital (``single_customer_max``)."""
    return concentration(
        exposure, capital, policy.single_customer_max, policy.refs["single_customer_max"]
    )


def group_limit(exposure: Decimal, capital: Decimal, policy: NetworkPolicy) -> Concentration:
    """A related-party group's exposure against 15% of net capital (``related_party_group_max``)."""
    return concentration(
        exposure, capital, policy.related_party_group_max, policy.refs["related_party_group_max"]
    )


def _member(network: Network, party_id: int) -> GroupMember:
    party = network.parties[party_id]
    return GroupMember(party_id, party.name, party.uscc, network.own_exposure(party_id))


def reserved_by_pending(
    session: Session, party_ids: Sequence[int] | None = None, *, leave_out: int | None = None
) -> dict[int, Decimal]:
    """Principal of each party's pending loans (drawdowns accepted, not yet paid out), of
    ``party_ids`` or of every party, bar the loan ``leave_out`` (the one being paid out,
    checked again without itself)."""
    query = (
        sa.select(Loan.party_id, money_sum(Loan.principal))
        .where(Loan.status == LoanStatus.PENDING)
        .group_by(Loan.party_id)
    )
    if party_ids is not None:
        query = query.where(Loan.party_id.in_(party_ids))
    if leave_out is not None:
        query = query.where(Loan.id != leave_out)
    return {party: amount for party, amount in session.execute(query).all()}


def related_party_group_for(
    session: Session,
    party_id: int,
    as_of: dt.date,
    *,
    net_capital: Decimal | None = None,
    leave_out: int | None = None,
) -> RelatedPartyGroupView:
    """The party's group on ``as_of`` against both limits; ``leave_out``: a pending loan
    not to count as reserved (its own disbursal check)."""
    network = network_as_of(session, as_of)
    policy = network_policy(as_of)
    capital = net_capital if net_capital is not None else bank_net_capital()
    group = related_party_group_of(network, party_id, policy)
    grouped = group_limit(group.exposure, capital, policy)
    own = customer_limit(network.own_exposure(party_id), capital, policy)
    pending = reserved_by_pending(session, group.members, leave_out=leave_out)
    reserved = sum(pending.values(), ZERO)
    own_reserved = pending.get(party_id, ZERO)
    group_headroom = max(grouped.limit_amount - grouped.exposure - reserved, ZERO)
    customer_headroom = max(own.limit_amount - own.exposure - own_reserved, ZERO)
    return RelatedPartyGroupView(
        party_id=party_id,
        as_of=as_of,
        group_id=group.id,
        members=tuple(_member(network, m) for m in group.members if m in network.parties),
        exposure=group.exposure,
        reserved=reserved,
        net_capital=capital,
        ratio=grouped.ratio,
        limit_ratio=grouped.limit_ratio,
        limit_amount=grouped.limit_amount,
        group_headroom=group_headroom,
        customer_exposure=own.exposure,
        customer_reserved=own_reserved,
        customer_limit_amount=own.limit_amount,
        customer_headroom=customer_headroom,
        headroom=min(group_headroom, customer_headroom),
        breached=grouped.breached or own.breached,
        clause=grouped.clause,
        policy_version=policy.version,
    )


@dataclass(frozen=True)
class ConcentrationBreach:
    scope: str  # single_customer / related_party_group
    party_ids: tuple[int, ...]  # the customer, or the group's members
    exposure: Decimal
    ratio: Decimal
    limit_ratio: Decimal
    limit_amount: Decimal
    clause: str
    policy_version: str

    @classmethod
    def of(
        cls, scope: str, party_ids: tuple[int, ...], limit: Concentration, policy: NetworkPolicy
    ) -> ConcentrationBreach:
        return cls(
            scope,
            party_ids,
            limit.exposure,
            limit.ratio,
            limit.limit_ratio,
            limit.limit_amount,
            limit.clause,
            policy.version,
        )

    @property
    def key(self) -> str:
        """Stable while the breach lasts (an alert's dedup key)."""
        return f"concentration:{self.scope}:{self.party_ids[0]}"


def related_party_concentration_breaches(
    session: Session, as_of: dt.date, *, net_capital: Decimal | None = None
) -> tuple[ConcentrationBreach, ...]:
    """Every customer over 10% and every related-party group over 15% of net capital."""
    network = network_as_of(session, as_of)
    policy = network_policy(as_of)
    capital = net_capital if net_capital is not None else bank_net_capital()
    out = []
    for party_id in sorted(network.loans_by_borrower):
        own = customer_limit(network.own_exposure(party_id), capital, policy)
        if own.breached:
            out.append(ConcentrationBreach.of("single_customer", (party_id,), own, policy))
    for group in related_party_groups(network, policy):
        grouped = group_limit(group.exposure, capital, policy)
        if grouped.breached:
            out.append(
                ConcentrationBreach.of("related_party_group", group.members, grouped, policy)
            )
    return tuple(out)


@dataclass(frozen=True)
class AdministratorCapacity:
    party_id: int
    name: str
    market_ids: tuple[int, ...]
    used: Decimal
    capacity: Decimal | None  # None: net assets unknown
    ratio: Decimal | None
    breached: bool
    clause: str
    policy_version: str


def administrator_capacity_usage(
    session: Session, as_of: dt.date
) -> tuple[AdministratorCapacity, ...]:
    """Each market administrator's guarantees given against 2 × net assets [003 §七(二)2]."""
    network = network_as_of(session, as_of)
    policy = network_policy(as_of)
    out = []
    for party_id in sorted(network.administered):
        usage = capacity_usage(network, party_id, policy)
        out.append(
            AdministratorCapacity(
                party_id,
                network.parties[party_id].name,
                tuple(sorted(set(network.administered[party_id]))),
                usage.used,
                usage.capacity,
                usage.ratio,
                usage.breached,
                policy.refs["capacity_administrator"],
                policy.version,
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class GuarantorLink:
    guarantor_id: int
    relationship_id: int
    loan_id: int | None  # None: a general guarantee of the borrower
    amount: Decimal | None
    guaranteed_balance: Decimal


@dataclass(frozen=True)
class GroupCoMember:
    group_id: int
    party_id: int


@dataclass(frozen=True)
class Neighbours:
    """Who answers for a party's loans: its guarantors and its joint-guarantee co-members."""

    party_id: int
    guarantors: tuple[GuarantorLink, ...]
    group_members: tuple[GroupCoMember, ...]

    @property
    def party_ids(self) -> tuple[int, ...]:
        ids = {g.guarantor_id for g in self.guarantors} | {m.party_id for m in self.group_members}
        return tuple(sorted(ids))


def guarantors_and_group_members_of(session: Session, party_id: int, as_of: dt.date) -> Neighbours:
    network = network_as_of(session, as_of)
    edges = {
        e.id: e
        for loan in network.loans_by_borrower.get(party_id, [])
        for e in network.guarantees_for(loan)
    }
    edges.update({e.id: e for e in network.general_guarantees_by_borrower.get(party_id, [])})
    guarantors = tuple(
        GuarantorLink(e.source, e.id, e.loan_id, e.amount, network.guaranteed_balance(e))
        for _, e in sorted(edges.items())
    )
    members = tuple(
        GroupCoMember(group_id, member)
        for group_id in sorted(set(network.groups_of.get(party_id, [])))
        for member in sorted(set(network.group_members.get(group_id, [])))
        if member != party_id
    )
    return Neighbours(party_id, guarantors, members)


def borrower_rules_for(
    session: Session, party_id: int, as_of: dt.date, *, net_capital: Decimal | None = None
) -> tuple[RuleResult, ...]:
    """The graph-aware checks that count in a borrower's admission (concentration,
    guarantee circles, mutual guarantees and triangles)."""
    capital = net_capital if net_capital is not None else bank_net_capital()
    return borrower_rules(network_as_of(session, as_of), party_id, network_policy(as_of), capital)


def borrower_rules_of_many(
    session: Session, party_ids: Sequence[int], as_of: dt.date
) -> dict[int, tuple[RuleResult, ...]]:
    """``borrower_rules_for`` for many parties on one network build (batch onboarding)."""
    network = network_as_of(session, as_of)
    policy = network_policy(as_of)
    capital = bank_net_capital()
    return {pid: borrower_rules(network, pid, policy, capital) for pid in party_ids}


def contingent_liabilities_of(session: Session, party_id: int, as_of: dt.date) -> Decimal:
    """对外担保余额: what the party's guarantees stand behind (covered balances, each
    capped by its amount) on ``as_of``."""
    return network_as_of(session, as_of).contingent_liabilities(party_id)


def guarantor_capacity_rule_for(
    session: Session, party_id: int, as_of: dt.date, *, additional_guarantee: Decimal = ZERO
) -> RuleResult:
    """Whether the party can take on ``additional_guarantee`` within its capacity."""
    return guarantor_capacity_rule(
        network_as_of(session, as_of), party_id, network_policy(as_of), additional_guarantee
    )


def network_rules_for(
    session: Session,
    party_id: int,
    as_of: dt.date,
    *,
    additional_guarantee: Decimal = ZERO,
    net_capital: Decimal | None = None,
) -> tuple[RuleResult, ...]:
    """The graph-aware checks for admission and granting (``scf.graph.rules``);
    ``additional_guarantee``: a guarantee the party is proposed to give."""
    network = network_as_of(session, as_of)
    capital = net_capital if net_capital is not None else bank_net_capital()
    return network_rules(
        network,
        party_id,
        network_policy(as_of),
        capital,
        additional_guarantee=additional_guarantee,
    )
