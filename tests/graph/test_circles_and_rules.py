"""Guarantee circles and the graph-aware rules on hand-built networks."""

from __future__ import annotations

import dataclasses

import pytest

from scf.graph import data as d
from scf.graph.circles import circle_containing, guarantee_circles
from scf.graph.rules import guarantor_capacity_rule, network_rules
from tests.graph.factories import POLICY, Book, D

NET_CAPITAL = D("10000")


def mutual_pair(size_a: str = "small", size_b: str = "small") -> Book:
    book = Book()
    book.party(1, size=size_a, net_assets="1000")
    book.party(2, size=size_b, net_assets="1000")
    book.loan(11, 1, "300.00")
    book.loan(21, 2, "200.00")
    book.guarantee(1, 2, "200.00", loan=21)
    book.guarantee(2, 1, "300.00", loan=11)
    return book


def five_cycle() -> Book:
    """1 -> 2 -> 3 -> 4 -> 5 -> 1, and 6 guarantees 1 from outside (not in the circle)."""
    book = Book()
    for p in range(1, 7):
        book.party(p, size="medium", net_assets="1000")
        book.loan(p * 10, p, "100.00")
    for p in range(1, 6):
        book.guarantee(p, p % 5 + 1, "100.00", loan=(p % 5 + 1) * 10)
    book.guarantee(6, 1, "50.00", loan=10)
    return book


def rules_by_id(results: tuple) -> dict:  # type: ignore[type-arg]
    return {r.id: r for r in results}


def test_two_small_firms_guaranteeing_each_other_is_a_circle_and_a_breach() -> None:
    (circle,) = guarantee_circles(mutual_pair().network(), POLICY)
    assert circle.members == (1, 2)
    assert circle.cycles == ((1, 2),)
    assert circle.mutual_pairs == ((1, 2),)
    assert circle.breaches == ((1, 2),)
    assert circle.guaranteed_amount == D("500.00")
    assert circle.exposure == D("500.00")
    rules = rules_by_id(network_rules(mutual_pair().network(), 1, POLICY, NET_CAPITAL))
    assert rules["no_mutual_guarantee_between_small_firms"].result == "fail"
    assert rules["no_mutual_guarantee"].result == "refer"
    assert rules["guarantee_circle_size_within_limit"].result == "pass"  # 2 ≤ 3


def test_mutual_pair_with_a_medium_firm_is_referred_not_refused() -> None:
    network = mutual_pair("small", "medium").network()
    (circle,) = guarantee_circles(network, POLICY)
    assert circle.breaches == ()
    rules = rules_by_id(network_rules(network, 1, POLICY, NET_CAPITAL))
    assert rules["no_mutual_guarantee_between_small_firms"].result == "pass"
    assert rules["no_mutual_guarantee"].result == "refer"


def test_circle_of_five_found_with_its_cycle_and_referred_above_three() -> None:
    network = five_cycle().network()
    (circle,) = guarantee_circles(network, POLICY)
    assert circle.members == (1, 2, 3, 4, 5)
    assert circle.cycles == ((1, 2, 3, 4, 5),)
    assert circle.mutual_pairs == () and circle.triangles == ()
    assert circle.guaranteed_amount == D("500.00")  # the outsider's 50 is not inside
    assert circle_containing(network, 6, POLICY) is None
    inside = rules_by_id(network_rules(network, 3, POLICY, NET_CAPITAL))
    outside = rules_by_id(network_rules(network, 6, POLICY, NET_CAPITAL))
    assert inside["guarantee_circle_size_within_limit"].result == "refer"
    assert inside["guarantee_circle_size_within_limit"].observed == "5 (GC-1)"
    assert outside["guarantee_circle_size_within_limit"].result == "pass"


def test_cycle_length_bound_keeps_the_circle_but_not_the_long_cycle() -> None:
    shorter = dataclasses.replace(POLICY, cycle_length_max=4)
    (circle,) = guarantee_circles(five_cycle().network(), shorter)
    assert circle.members == (1, 2, 3, 4, 5)
    assert circle.cycles == ()


def test_triangle_is_flagged_for_each_member() -> None:
    book = Book()
    for p in (1, 2, 3, 4):
        book.party(p, size="medium", net_assets="1000")
    book.guarantee(1, 2, "10")
    book.guarantee(2, 3, "10")
    book.guarantee(3, 1, "10")
    book.guarantee(3, 4, "10")
    network = book.network()
    (circle,) = guarantee_circles(network, POLICY)
    assert circle.triangles == ((1, 2, 3),)
    assert (
        rules_by_id(network_rules(network, 2, POLICY, NET_CAPITAL))["no_guarantee_triangle"].result
        == "refer"
    )
    assert (
        rules_by_id(network_rules(network, 4, POLICY, NET_CAPITAL))["no_guarantee_triangle"].result
        == "pass"
    )


def test_cycles_listing_is_capped_but_motifs_are_complete() -> None:
    # A complete directed graph on 5 firms: C(5,2) = 10 mutual pairs,
    # 2 × C(5,3) = 20 directed triangles, and Σ C(5,k)(k−1)! for k = 2..5 =
    # 10 + 20 + 30 + 24 = 84 simple cycles.
    book = Book()
    for p in range(1, 6):
        book.party(p, size="medium", net_assets="1000")
    for a in range(1, 6):
        for b in range(1, 6):
            if a != b:
                book.guarantee(a, b, "1")
    (circle,) = guarantee_circles(book.network(), POLICY, cycles_limit=10)
    assert len(circle.cycles) == 10 and circle.cycles_truncated
    assert len(circle.mutual_pairs) == 10
    assert len(circle.triangles) == 20
    (full,) = guarantee_circles(book.network(), POLICY, cycles_limit=1000)
    assert len(full.cycles) == 84 and not full.cycles_truncated


@pytest.mark.parametrize(
    ("additional", "result"),
    [
        ("0", "pass"),  # used 600 ≤ 1000
        ("400.00", "pass"),  # exactly at capacity
        ("400.01", "fail"),  # one fen over
    ],
)
def test_guarantor_capacity_with_a_proposed_guarantee(additional: str, result: str) -> None:
    # Guarantor 1 (enterprise, net assets 1000, multiple 1): guarantees loan 21 (500
    # outstanding, amount 800: stands behind 500) and borrower 3 generally for 100.
    book = Book()
    book.party(1, size="medium", net_assets="1000")
    book.party(2)
    book.party(3)
    book.loan(21, 2, "500.00")
    book.loan(31, 3, "250.00")
    book.guarantee(1, 2, "800.00", loan=21)
    book.guarantee(1, 3, "100.00")
    outcome = guarantor_capacity_rule(book.network(), 1, POLICY, D(additional))
    assert outcome.result == result
    assert outcome.threshold == "≤ 1000.00"


def test_guarantor_without_known_net_assets_is_referred_naming_the_field() -> None:
    book = Book()
    book.party(1, kind=d.PERSON)
    book.party(2)
    book.loan(21, 2, "500.00")
    book.guarantee(1, 2, "500.00")
    outcome = guarantor_capacity_rule(book.network(), 1, POLICY)
    assert outcome.result == "refer" and outcome.missing == ("net_assets",)


def test_concentration_rules_fail_over_the_limits() -> None:
    # Net capital 10,000: single 10% = 1,000; group 15% = 1,500. Firm 1 owes 1,000.01
    # (fails single); firm 1 + controlled firm 2 (400) = 1,400.01 ≤ 1,500 (passes group).
    book = Book()
    book.party(1)
    book.party(2)
    book.edge(d.CONTROLS, 1, 2)
    book.loan(11, 1, "1000.01")
    book.loan(21, 2, "400.00")
    rules = rules_by_id(network_rules(book.network(), 1, POLICY, NET_CAPITAL))
    assert rules["single_customer_concentration_within_limit"].result == "fail"
    assert rules["related_party_group_concentration_within_limit"].result == "pass"
    assert rules["related_party_group_concentration_within_limit"].observed == (
        "1400.01 (14.0001%, 2 members)"
    )


def test_a_borrowers_admission_does_not_judge_it_as_guarantor() -> None:
    """Guarantor capacity refuses a party *as guarantor* [003 §七(二)2]; it is not one of
    the checks that count in the party's own admission as borrower."""
    from scf.graph.rules import borrower_rules

    network = mutual_pair().network()
    assert "guarantor_within_capacity" not in rules_by_id(
        borrower_rules(network, 1, POLICY, NET_CAPITAL)
    )
    assert "guarantor_within_capacity" in rules_by_id(
        network_rules(network, 1, POLICY, NET_CAPITAL)
    )
