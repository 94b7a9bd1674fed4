"""Contagion stress test (传染压力测试) [DOMAIN §9]: what one default or price shock sets off.

The model, round by round until nothing new defaults (deterministic: parties, loans
and guarantees are taken in id order):

1. Round 1 is the scenario: the named parties default; with a commodity price shock,
   every goods-pledged loan holding that commodity is marked to the shocked price and
   a position at or past the liquidation line (loan ≥ 80% of market value [DOMAIN §6])
   defaults (the loan, not the whole borrower); positions only past the lending value
   are listed as margin calls.
2. When a party defaults, all its loans default, and so does every loan financed by a
   receivable it owed (账易贷/保理 of a defaulted core's suppliers: the repayment source
   is gone).
3. A defaulted loan's uncovered balance (exposure − goods at scenario prices) is called
   on its guarantors in relationship-id order, each up to its guarantee amount, then
   the rest in equal shares on the other members of its joint-guarantee group
   (联保, jointly liable). Defaulted guarantors pay nothing; what they were covering is
   called again on the next surviving ones.
4. A guarantor whose calls exceed its capacity (a multiple of net assets, see
   ``exposure.guarantor_capacity``) defaults in the next round; one whose net assets
   are unknown is assumed unable to pay (conservative, and said so).
5. Loss per defaulted loan = (exposure − goods cover − guarantee cover) × (1 − recovery
   rate), rounded half-up to the fen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from scf.credit.money import FEN, ZERO, floor_fen, quantize_fen
from scf.graph.exposure import guarantor_capacity
from scf.graph.network import Network
from scf.graph.policy import NetworkPolicy


@dataclass(frozen=True)
class Scenario:
    defaults: tuple[int, ...] = ()  # party ids
    price_shocks: tuple[tuple[str, Decimal], ...] = ()  # (commodity, relative change: -0.20)


@dataclass(frozen=True)
class PartyDefault:
    round: int
    party: int
    reason: str  # scenario / capacity_exceeded / capacity_unknown
    called: Decimal
    capacity: Decimal | None
    explanation: str


@dataclass(frozen=True)
class LoanDefault:
    round: int
    loan_id: int
    borrower: int
    exposure: Decimal
    reason: str  # borrower_default / receivable_debtor_default / goods_liquidation
    explanation: str


@dataclass(frozen=True)
class Call:
    round: int
    guarantor: int
    loan_id: int
    amount: Decimal  # the increase called in this round
    via: str  # guarantee / joint_guarantee


@dataclass(frozen=True)
class GoodsBreach:
    loan_id: int
    borrower: int
    market_value: Decimal
    lending_value: Decimal
    exposure: Decimal
    status: str  # warning / liquidation


@dataclass(frozen=True)
class Round:
    number: int
    parties: tuple[PartyDefault, ...]
    loans: tuple[LoanDefault, ...]
    calls: tuple[Call, ...]

    @property
    def exposure_at_default(self) -> Decimal:
        return sum((loan.exposure for loan in self.loans), ZERO)

    @property
    def called_amount(self) -> Decimal:
        return sum((call.amount for call in self.calls), ZERO)


@dataclass(frozen=True)
class LoanLoss:
    loan_id: int
    borrower: int
    exposure: Decimal
    collateral_cover: Decimal
    guarantee_cover: Decimal
    uncovered: Decimal
    loss: Decimal


@dataclass(frozen=True)
class StressResult:
    scenario: Scenario
    rounds: tuple[Round, ...]
    goods_breaches: tuple[GoodsBreach, ...]
    losses: tuple[LoanLoss, ...]
    recovery_rate: Decimal
    policy_version: str

    @property
    def defaulted_parties(self) -> tuple[int, ...]:
        return tuple(p.party for r in self.rounds for p in r.parties)

    @property
    def exposure_at_default(self) -> Decimal:
        return sum((loss.exposure for loss in self.losses), ZERO)

    @property
    def collateral_cover(self) -> Decimal:
        return sum((loss.collateral_cover for loss in self.losses), ZERO)

    @property
    def guarantee_cover(self) -> Decimal:
        return sum((loss.guarantee_cover for loss in self.losses), ZERO)

    @property
    def total_loss(self) -> Decimal:
        return sum((loss.loss for loss in self.losses), ZERO)


@dataclass
class _State:
    network: Network
    policy: NetworkPolicy
    shocks: dict[str, Decimal]
    parties: dict[int, PartyDefault] = field(default_factory=dict)
    loans: dict[int, LoanDefault] = field(default_factory=dict)
    collateral: dict[int, Decimal] = field(default_factory=dict)
    allocation: dict[int, dict[int, Decimal]] = field(default_factory=dict)  # loan -> g -> amt
    covering: dict[int, set[int]] = field(default_factory=dict)  # guarantor -> loans

    def market_value(self, loan_id: int) -> Decimal | None:
        positions = self.network.goods_by_loan.get(loan_id, [])
        if not positions or any(p.price is None for p in positions):
            return None
        return sum(
            (
                quantize_fen(
                    p.quantity * (p.price or ZERO) * (1 + self.shocks.get(p.commodity, ZERO))
                )
                for p in positions
            ),
            ZERO,
        )

    def default_loan(self, number: int, loan_id: int, reason: str, why: str) -> LoanDefault | None:
        loan = self.network.loans.get(loan_id)
        if loan is None or loan_id in self.loans:
            return None
        event = LoanDefault(number, loan_id, loan.borrower, loan.outstanding, reason, why)
        self.loans[loan_id] = event
        value = self.market_value(loan_id)
        self.collateral[loan_id] = ZERO if value is None else min(value, loan.outstanding)
        return event

    def allocate(self, loan_id: int) -> dict[int, tuple[Decimal, str]]:
        loan = self.network.loans[loan_id]
        remaining = loan.outstanding - self.collateral[loan_id]
        out: dict[int, tuple[Decimal, str]] = {}
        for edge in self.network.guarantees_for(loan):
            g = edge.source
            if remaining <= 0 or g in self.parties or g == loan.borrower:
                continue
            pay = remaining if edge.amount is None else min(edge.amount, remaining)
            previous = out.get(g, (ZERO, "guarantee"))[0]
            out[g] = (previous + pay, "guarantee")
            remaining -= pay
        if remaining > 0 and loan.group_id is not None:
            members = sorted(
                set(self.network.group_members.get(loan.group_id, []))
                - {loan.borrower}
                - set(self.parties)
            )
            if members:
                share = floor_fen(remaining / len(members))
                leftover = remaining - share * len(members)
                for i, m in enumerate(members):
                    extra = FEN if leftover > 0 and i < int(leftover / FEN) else ZERO
                    previous = out.get(m, (ZERO, "joint_guarantee"))[0]
                    out[m] = (previous + share + extra, "joint_guarantee")
        return out


def _goods_breaches(state: _State) -> list[GoodsBreach]:
    network, policy = state.network, state.policy
    breaches = []
    for loan_id in sorted(network.goods_by_loan):
        positions = network.goods_by_loan[loan_id]
        loan = network.loans.get(loan_id)
        if loan is None or not any(p.commodity in state.shocks for p in positions):
            continue
        market = state.market_value(loan_id)
        if market is None:
            continue
        lending = floor_fen(market * policy.advance_rate)
        if market == 0 or loan.outstanding >= market * policy.liquidation_ratio:
            status = "liquidation"
        elif loan.outstanding > lending:
            status = "warning"
        else:
            continue
        breaches.append(
            GoodsBreach(loan_id, loan.borrower, market, lending, loan.outstanding, status)
        )
    return breaches


def run_stress(network: Network, scenario: Scenario, policy: NetworkPolicy) -> StressResult:
    state = _State(network, policy, dict(scenario.price_shocks))
    breaches = _goods_breaches(state)
    new_parties = [
        PartyDefault(1, p, "scenario", ZERO, None, "情景设定违约 (defaults in the scenario)")
        for p in sorted(set(scenario.defaults))
        if p in network.parties
    ]
    new_loans: list[LoanDefault] = []
    for breach in breaches:
        if breach.status == "liquidation":
            event = state.default_loan(
                1,
                breach.loan_id,
                "goods_liquidation",
                f"质物市值{breach.market_value}，贷款余额达到平仓线 "
                f"(goods at the shocked price reach the liquidation line)",
            )
            if event is not None:
                new_loans.append(event)
    rounds: list[Round] = []
    number = 1
    while new_parties or new_loans:
        rounds.append(_run_round(state, number, new_parties, new_loans))
        new_parties = _overstretched(state, number + 1)
        new_loans = []
        number += 1
    losses = []
    for loan_id in sorted(state.loans):
        loan = network.loans[loan_id]
        cover = sum(state.allocation.get(loan_id, {}).values(), ZERO)
        uncovered = loan.outstanding - state.collateral[loan_id] - cover
        losses.append(
            LoanLoss(
                loan_id,
                loan.borrower,
                loan.outstanding,
                state.collateral[loan_id],
                cover,
                uncovered,
                quantize_fen(uncovered * (1 - policy.recovery_rate)),
            )
        )
    return StressResult(
        scenario,
        tuple(rounds),
        tuple(breaches),
        tuple(losses),
        policy.recovery_rate,
        policy.version,
    )


def _run_round(
    state: _State, number: int, parties: list[PartyDefault], loans: Iterable[LoanDefault]
) -> Round:
    network = state.network
    loan_events = list(loans)
    reallocate: set[int] = {event.loan_id for event in loan_events}
    for party in parties:
        state.parties[party.party] = party
        reallocate |= state.covering.get(party.party, set())
    for party in parties:
        for loan in sorted(network.loans_by_borrower.get(party.party, []), key=lambda x: x.id):
            event = state.default_loan(
                number, loan.id, "borrower_default", "借款人违约 (the borrower defaulted)"
            )
            if event is not None:
                loan_events.append(event)
                reallocate.add(loan.id)
        for loan_id in sorted(network.receivable_loans_by_debtor.get(party.party, set())):
            event = state.default_loan(
                number,
                loan_id,
                "receivable_debtor_default",
                "应收账款债务人违约，还款来源落空 (the receivable's debtor defaulted)",
            )
            if event is not None:
                loan_events.append(event)
                reallocate.add(loan_id)
    calls: list[Call] = []
    for loan_id in sorted(reallocate):
        if loan_id not in state.loans:
            continue
        before = state.allocation.get(loan_id, {})
        after = state.allocate(loan_id)
        for g, (amount, via) in sorted(after.items()):
            increase = amount - before.get(g, ZERO)
            if increase > 0:
                calls.append(Call(number, g, loan_id, increase, via))
            state.covering.setdefault(g, set()).add(loan_id)
        state.allocation[loan_id] = {g: amount for g, (amount, _) in after.items()}
    return Round(number, tuple(parties), tuple(loan_events), tuple(calls))


def _overstretched(state: _State, number: int) -> list[PartyDefault]:
    called: dict[int, Decimal] = {}
    for allocation in state.allocation.values():
        for g, amount in allocation.items():
            called[g] = called.get(g, ZERO) + amount
    out = []
    for g in sorted(called):
        if g in state.parties or called[g] <= 0:
            continue
        capacity = guarantor_capacity(state.network, g, state.policy)
        if capacity is None:
            out.append(
                PartyDefault(
                    number,
                    g,
                    "capacity_unknown",
                    called[g],
                    None,
                    f"被代偿{called[g]}，净资产未知，视为无力代偿 (net assets unknown: assumed unable to pay)",
                )
            )
        elif called[g] > capacity:
            out.append(
                PartyDefault(
                    number,
                    g,
                    "capacity_exceeded",
                    called[g],
                    capacity,
                    f"代偿{called[g]} > 代偿能力{capacity} (calls exceed capacity)",
                )
            )
    return out
