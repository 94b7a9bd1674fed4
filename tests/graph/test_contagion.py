"""Contagion stress tests on hand-built networks; the working is in the comments.
Recovery rate 0.40 (policy), enterprise guarantor capacity = 1 × net assets."""

from __future__ import annotations

import datetime as dt

from scf.graph import data as d
from scf.graph.contagion import Scenario, run_stress
from tests.graph.factories import POLICY, Book, D


def cascade() -> Book:
    """A borrows 100 guaranteed by B; B borrows 50 guaranteed by C; C borrows 40
    guaranteed by D. Net assets: B 80, C 30, D 1,000."""
    book = Book()
    book.party(1)  # A
    book.party(2, net_assets="80")  # B
    book.party(3, net_assets="30")  # C
    book.party(4, net_assets="1000")  # D
    book.loan(10, 1, "100.00")
    book.loan(20, 2, "50.00")
    book.loan(30, 3, "40.00")
    book.guarantee(2, 1, "100.00", loan=10)
    book.guarantee(3, 2, "50.00", loan=20)
    book.guarantee(4, 3, "40.00", loan=30)
    return book


def test_a_cascade_of_three_rounds() -> None:
    result = run_stress(cascade().network(), Scenario(defaults=(1,)), POLICY)
    # Round 1: A defaults, B called 100 > capacity 80.
    # Round 2: B defaults, its loan 50 calls C for 50 > capacity 30.
    # Round 3: C defaults, its loan 40 calls D for 40 ≤ 1,000: stable.
    assert [[p.party for p in r.parties] for r in result.rounds] == [[1], [2], [3]]
    assert [p.reason for r in result.rounds for p in r.parties] == [
        "scenario",
        "capacity_exceeded",
        "capacity_exceeded",
    ]
    assert [[(c.guarantor, c.loan_id, c.amount) for c in r.calls] for r in result.rounds] == [
        [(2, 10, D("100.00"))],
        [(3, 20, D("50.00"))],
        [(4, 30, D("40.00"))],
    ]
    assert [r.exposure_at_default for r in result.rounds] == [D("100.00"), D("50.00"), D("40.00")]
    # Losses: A's 100 uncovered (B defaulted) × 0.6 = 60; B's 50 × 0.6 = 30; C's 40 paid by D.
    assert [(x.loan_id, x.guarantee_cover, x.loss) for x in result.losses] == [
        (10, D("0"), D("60.00")),
        (20, D("0"), D("30.00")),
        (30, D("40.00"), D("0.00")),
    ]
    assert result.total_loss == D("90.00")
    assert result.exposure_at_default == D("190.00")
    assert result.defaulted_parties == (1, 2, 3)


def test_a_guarantor_that_can_pay_stops_the_cascade() -> None:
    book = cascade()
    book.parties[1] = d.PartyFacts(2, d.ENTERPRISE, "B", net_assets=D("100"))  # exactly 100
    result = run_stress(book.network(), Scenario(defaults=(1,)), POLICY)
    assert len(result.rounds) == 1
    assert result.total_loss == D("0.00")


def test_a_defaulted_guarantors_share_is_called_on_the_next_guarantor() -> None:
    # Loan 10 (A, 100) is guaranteed by B (edge 1, 100) then E (edge 2, 100).
    # B is also in the scenario, so it pays nothing: E is called for the 100.
    book = cascade()
    book.party(5, net_assets="500")
    book.guarantee(5, 1, "100.00", loan=10)
    result = run_stress(book.network(), Scenario(defaults=(1, 2)), POLICY)
    first = result.rounds[0]
    assert [(c.guarantor, c.loan_id, c.amount) for c in first.calls] == [
        (5, 10, D("100.00")),
        (3, 20, D("50.00")),
    ]


def test_joint_guarantee_members_share_a_defaulted_members_loan() -> None:
    # Group 9: members 1, 2, 3. Member 1's group loan 100.01 defaults: members 2 and 3
    # each owe 50.00 and the odd fen goes to the lower id: 50.01 and 50.00.
    book = Book()
    book.groups.append(d.GroupFacts(9, "G9", "group"))
    for p in (1, 2, 3):
        book.party(p, net_assets="1000")
        book.edge(d.MEMBER_OF_GROUP, p, 9, group=True)
    book.loan(10, 1, "100.01", group=9)
    result = run_stress(book.network(), Scenario(defaults=(1,)), POLICY)
    assert [(c.guarantor, c.amount, c.via) for c in result.rounds[0].calls] == [
        (2, D("50.01"), "joint_guarantee"),
        (3, D("50.00"), "joint_guarantee"),
    ]
    assert result.total_loss == D("0.00")


def test_a_defaulted_core_takes_its_suppliers_receivable_financing_with_it() -> None:
    # Core 1 defaults (own loan 1,000). Supplier 2's loan 500 was lent against a
    # receivable owed by the core: it defaults in round 1 too; its guarantor 3 pays 200.
    # Loss: 1,000 × 0.6 + (500 − 200) × 0.6 = 600 + 180 = 780.
    book = Book()
    book.party(1, core=True, net_assets="100000")
    book.party(2)
    book.party(3, net_assets="1000")
    book.loan(10, 1, "1000.00")
    book.loan(20, 2, "500.00", product="receivable_pledge", core=1)
    book.receivables.append(d.ReceivableFacts(1, 20, 2, 1, D("700")))
    book.guarantee(3, 2, "200.00", loan=20)
    result = run_stress(book.network(), Scenario(defaults=(1,)), POLICY)
    (first,) = result.rounds
    assert [(x.loan_id, x.reason) for x in first.loans] == [
        (10, "borrower_default"),
        (20, "receivable_debtor_default"),
    ]
    assert result.total_loss == D("780.00")


def test_a_steel_price_shock_liquidates_one_position_and_warns_on_another() -> None:
    # Steel at 100/ton, shocked −30% → 70. Loan 10: 600 on 10 t → market 700,
    # 600 ≥ 0.8 × 700 = 560 → liquidation; goods cover 600, loss 0.
    # Loan 20: 500 on 10 t → market 700, lending value 0.6 × 700 = 420 < 500 < 560:
    # a margin call, no default. Loan 30 holds coal, not shocked: not looked at.
    book = Book()
    for p in (1, 2, 3):
        book.party(p)
    book.loan(10, 1, "600.00", product="goods_pledge")
    book.loan(20, 2, "500.00", product="goods_pledge")
    book.loan(30, 3, "900.00", product="goods_pledge")
    day = dt.date(2026, 11, 19)
    book.goods += [
        d.GoodsPosition(1, 10, 1, "steel_rebar", D("10"), D("100"), day),
        d.GoodsPosition(2, 20, 2, "steel_rebar", D("10"), D("100"), day),
        d.GoodsPosition(3, 30, 3, "coal_thermal", D("1"), D("100"), day),
    ]
    scenario = Scenario(price_shocks=(("steel_rebar", D("-0.30")),))
    result = run_stress(book.network(), scenario, POLICY)
    assert [
        (b.loan_id, b.status, b.market_value, b.lending_value) for b in result.goods_breaches
    ] == [
        (10, "liquidation", D("700.00"), D("420.00")),
        (20, "warning", D("700.00"), D("420.00")),
    ]
    (loss,) = result.losses
    assert (loss.loan_id, loss.collateral_cover, loss.loss) == (10, D("600.00"), D("0.00"))
    assert result.rounds[0].loans[0].reason == "goods_liquidation"


def test_nothing_happens_without_a_scenario() -> None:
    result = run_stress(cascade().network(), Scenario(), POLICY)
    assert result.rounds == () and result.total_loss == D("0")


def test_the_same_scenario_gives_the_same_result() -> None:
    network = cascade().network()
    assert run_stress(network, Scenario(defaults=(1,)), POLICY) == run_stress(
        network, Scenario(defaults=(1,)), POLICY
    )
