"""Related-party groups, concentration, joint-guarantee groups, chains and markets on
hand-built networks; expected values worked out in the comments."""

from __future__ import annotations

import dataclasses

from scf.graph import data as d
from scf.graph.exposure import (
    chain_exposure,
    concentration,
    joint_guarantee_exposure,
    market_exposure,
    related_party_group_of,
    related_party_groups,
)
from tests.graph.factories import POLICY, Book, D


def control_chain_through_a_person() -> Book:
    """Person 1 controls firm 2 and holds 20% of firm 3; firm 2 holds 10% of firm 4
    (below 15%: not related); person 1 holds exactly 15% of firm 5 (the boundary: related)
    and 14.99% of firm 6 (not). Firm 7 stands alone."""
    book = Book()
    book.party(1, kind=d.PERSON)
    for firm in (2, 3, 4, 5, 6, 7):
        book.party(firm)
    book.edge(d.CONTROLS, 1, 2)
    book.edge(d.HOLDS_SHARES, 1, 3, percentage="0.20")
    book.edge(d.HOLDS_SHARES, 2, 4, percentage="0.10")
    book.edge(d.HOLDS_SHARES, 1, 5, percentage="0.15")
    book.edge(d.HOLDS_SHARES, 1, 6, percentage="0.1499")
    book.loan(21, 2, "300.00")
    book.loan(31, 3, "200.00")
    book.loan(41, 4, "1000.00")
    book.loan(51, 5, "50.00")
    book.loan(61, 6, "70.00")
    book.loan(71, 7, "90.00")
    return book


def test_control_chain_through_a_person_forms_one_group_at_the_15_percent_boundary() -> None:
    network = control_chain_through_a_person().network()
    group = related_party_group_of(network, 3, POLICY)
    # members: the person, the firm it controls, 20% and exactly 15% holdings
    assert group.members == (1, 2, 3, 5)
    # 300 + 200 + 50; firm 4 (10%) and firm 6 (14.99%) are outside
    assert group.exposure == D("550.00")
    assert group.links == (1, 2, 4)
    assert related_party_group_of(network, 4, POLICY).members == (4,)
    assert related_party_group_of(network, 7, POLICY).exposure == D("90.00")


def test_all_groups_in_one_pass_match_the_single_lookup() -> None:
    network = control_chain_through_a_person().network()
    groups = related_party_groups(network, POLICY)
    assert [g.members for g in groups] == [(1, 2, 3, 5)]
    assert groups[0].exposure == related_party_group_of(network, 2, POLICY).exposure


def test_a_firm_reached_by_two_paths_is_counted_once() -> None:
    # The double-counting trap: person 1 controls firm 2 *and* holds 60% of it, and
    # holds 30% of firm 3 which firm 2 also controls. Firm 2's loan 100 and firm 3's
    # loan 40 count once each: 140, not 240 or 280.
    book = Book()
    book.party(1, kind=d.PERSON)
    book.party(2)
    book.party(3)
    book.edge(d.CONTROLS, 1, 2)
    book.edge(d.HOLDS_SHARES, 1, 2, percentage="0.60")
    book.edge(d.HOLDS_SHARES, 1, 3, percentage="0.30")
    book.edge(d.CONTROLS, 2, 3)
    book.loan(21, 2, "100.00")
    book.loan(31, 3, "40.00")
    group = related_party_group_of(book.network(), 2, POLICY)
    assert group.members == (1, 2, 3)
    assert group.exposure == D("140.00")


def test_a_raised_threshold_from_policy_splits_the_group() -> None:
    network = control_chain_through_a_person().network()
    stricter = dataclasses.replace(POLICY, shareholding_min=D("0.25"))
    # at 25% only the control edge 1 -> 2 links: {1, 2}
    assert related_party_group_of(network, 2, stricter).members == (1, 2)


def test_concentration_headroom_and_the_exact_limit() -> None:
    # net capital 5,000: 15% = 750.00. Exposure 550 leaves 200.00; exactly 750 is
    # not a breach; 750.01 is, with headroom 0.
    at = concentration(D("550.00"), D("5000"), D("0.15"), "[DOMAIN §9]")
    assert (at.limit_amount, at.headroom, at.breached) == (D("750.00"), D("200.00"), False)
    assert at.ratio == D("0.11")
    assert not concentration(D("750.00"), D("5000"), D("0.15"), "").breached
    over = concentration(D("750.01"), D("5000"), D("0.15"), "")
    assert (over.breached, over.headroom) == (True, D("0"))


def test_joint_guarantee_group_each_member_liable_for_all() -> None:
    # Members 1, 2, 3 with group loans 100 and 200 (member 3 none) and a non-group
    # loan of member 1 (500) that the others are not liable for.
    book = Book()
    for p in (1, 2, 3):
        book.party(p)
        book.edge(d.MEMBER_OF_GROUP, p, 9, group=True)
    book.groups.append(d.GroupFacts(9, "G9", "group 9"))
    book.loan(11, 1, "100.00", group=9)
    book.loan(12, 1, "500.00")
    book.loan(21, 2, "200.00", group=9)
    result = joint_guarantee_exposure(book.network(), 9)
    assert result.balances == ((1, D("100.00")), (2, D("200.00")), (3, D("0")))
    # own + others = 300 for every member
    assert [v for _, v in result.max_liabilities] == [D("300.00")] * 3
    assert result.total == D("300.00")


def test_chain_counts_a_dealer_loan_guaranteed_and_bought_back_once() -> None:
    # Core 1: own loan 1,000. Supplier 2's loan 500 is pledged with two receivables,
    # both owed by the core. Dealer 3's loan 800 (core programme) is guaranteed by the
    # core *and* bought back by it. Dealer 4's loan 300 is bought back only.
    # Supplier 5's receivable is owed by another debtor: outside the chain.
    book = Book()
    book.party(1, core=True)
    for p in (2, 3, 4, 5, 6):
        book.party(p)
    book.loan(10, 1, "1000.00")
    book.loan(20, 2, "500.00", product="receivable_pledge", core=1)
    book.loan(30, 3, "800.00", product="confirmed_warehouse", core=1)
    book.loan(40, 4, "300.00", product="confirmed_warehouse", core=1)
    book.loan(41, 4, "999.00")  # not in the core's programme: not bought back
    book.loan(50, 5, "700.00", product="receivable_pledge")
    book.receivables += [
        d.ReceivableFacts(1, 20, 2, 1, D("400")),
        d.ReceivableFacts(2, 20, 2, 1, D("400")),
        d.ReceivableFacts(3, 50, 5, 6, D("900")),
    ]
    book.guarantee(1, 3, "800.00", loan=30)
    book.edge(d.BUYBACK_FOR, 1, 3, amount="800.00")
    book.edge(d.BUYBACK_FOR, 1, 4, amount="300.00")
    chain = chain_exposure(book.network(), 1)
    assert chain.own == D("1000.00")
    assert chain.receivable_financing == D("500.00")  # two receivables, one loan
    assert chain.dealer_financing == D("1100.00")  # 800 once + 300
    assert chain.total == D("2600.00")
    assert chain.loan_ids == (10, 20, 30, 40)


def test_market_exposure_and_administrator_capacity() -> None:
    # Merchants 1 and 2 (loans 100, 200), administrator 3 (own loan 50, net assets 100).
    # It guarantees merchant 1's loan for 150 (stands behind the outstanding 100) and
    # merchant 2 generally for 150 (outstanding 200, capped at 150): used 250 against
    # 2 × 100 = 200: breached, 125%.
    book = Book()
    book.markets.append(d.MarketFacts(7, "M7", "market"))
    book.party(1)
    book.party(2)
    book.party(3, size="medium", net_assets="100.00")
    book.edge(d.MEMBER_OF_MARKET, 1, 7, market=True)
    book.edge(d.MEMBER_OF_MARKET, 2, 7, market=True)
    book.edge(d.ADMINISTERS, 3, 7, market=True)
    book.loan(11, 1, "100.00")
    book.loan(21, 2, "200.00")
    book.loan(31, 3, "50.00")
    book.guarantee(3, 1, "150.00", loan=11)
    book.guarantee(3, 2, "150.00")
    result = market_exposure(book.network(), 7, POLICY)
    assert result.merchants == (1, 2)
    assert (result.merchant_exposure, result.administrator_exposure, result.total) == (
        D("300.00"),
        D("50.00"),
        D("350.00"),
    )
    (admin,) = result.administrators
    assert (admin.used, admin.capacity, admin.breached) == (D("250.00"), D("200.00"), True)
    assert admin.ratio == D("1.25")
