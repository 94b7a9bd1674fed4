"""Availability: limit accounting and the lowest of named candidates [003 §八] [DOMAIN §4, §9]."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from scf.credit.availability import (
    Availability,
    Candidate,
    LimitPosition,
    availability,
    collateral_headroom,
    customer_headroom,
    facility_remaining,
    group_headroom,
    joint_group_remaining,
    programme_remaining,
)
from scf.credit.drawdowns import disbursal_rules, drawdown_rules

D = Decimal


def test_revolving_facility_gets_repaid_principal_back() -> None:
    # limit 1,000,000; pending 100,000; drawn 500,000 of which 200,000 repaid → outstanding 300,000
    # used = blocked 100,000 + outstanding 300,000 = 400,000; available = 600,000
    position = LimitPosition(D("1000000"), D("100000"), D("300000"), D("500000"), revolving=True)
    assert position.released == D("200000")
    assert position.utilised == D("300000")
    assert position.used == D("400000")
    assert position.available == D("600000")
    assert position.exposure == D("400000")


def test_one_off_facility_does_not_get_repaid_principal_back() -> None:
    # same figures, not revolving: utilised = drawn 500,000; used 600,000; available 400,000
    position = LimitPosition(D("1000000"), D("100000"), D("300000"), D("500000"), revolving=False)
    assert position.utilised == D("500000")
    assert position.available == D("400000")
    assert position.exposure == D("400000"), "exposure is what is still owed or earmarked"


def test_a_lowered_limit_shows_over_use_and_nothing_available() -> None:
    position = LimitPosition(D("300000"), D("0"), D("350000"), D("350000"), revolving=True)
    assert position.available == D("0")
    assert position.over_limit == D("50000")


def candidates(group: Decimal | None) -> Availability:
    """Facility 600,000, collateral 450,000, programme 2,000,000 and, when given, a group
    limit of ``group`` with nothing owed or reserved yet."""
    position = LimitPosition(D("1000000"), D("100000"), D("300000"), D("500000"), revolving=True)
    return availability(
        [
            facility_remaining(position),  # 600,000
            collateral_headroom(
                D("650000"), D("200000"), basis="房产", clause="[003 §七(三)]"
            ),  # 450,000
            programme_remaining(D("5000000"), D("3000000"), programme="PG01"),  # 2,000,000
            None if group is None else group_headroom(group, D("0"), D("0")),
        ]
    )


def test_without_group_headroom_the_collateral_binds() -> None:
    result = candidates(None)
    assert (result.amount, result.binding) == (D("450000.00"), "collateral_headroom")
    assert [c.name for c in result.candidates] == [
        "facility_remaining",
        "collateral_headroom",
        "programme_remaining",
    ]


def test_with_a_smaller_group_headroom_the_group_binds() -> None:
    result = candidates(D("300000"))
    assert (result.amount, result.binding) == (D("300000.00"), "group_headroom")
    assert result.candidate("group_headroom") is not None


def test_with_a_larger_group_headroom_it_is_listed_but_does_not_bind() -> None:
    result = candidates(D("9000000"))
    assert result.binding == "collateral_headroom"
    assert len(result.candidates) == 4


@pytest.mark.parametrize(
    ("outstanding", "reserved", "remaining"),
    [
        ("0", "0", "150000"),
        ("60000", "0", "90000"),
        ("60000", "30000", "60000"),  # a pending drawdown counts beside outstanding
        ("0", "150000", "0"),  # pending alone can use the whole limit
        ("100000", "100000", "-50000"),  # over: nothing available, the candidate shows it
    ],
)
def test_group_and_customer_headroom_take_off_outstanding_and_reserved(
    outstanding: str, reserved: str, remaining: str
) -> None:
    """Limit 150,000 (15% of 1,000,000) − outstanding − reserved by pending drawdowns
    [DOMAIN §9]; the customer's 10% is the same arithmetic on its own figures."""
    group = group_headroom(D("150000"), D(outstanding), D(reserved), group="RPG-2 (2)")
    customer = customer_headroom(D("150000"), D(outstanding), D(reserved))
    assert group.amount == customer.amount == D(remaining)
    assert (group.name, customer.name) == ("group_headroom", "customer_headroom")
    assert "待放款预留" in group.formula and "RPG-2 (2)" in group.formula


def test_the_joint_group_total_limit_is_a_candidate_of_its_own() -> None:
    """Total limit 250,000; its facilities use 180,000 (blocked + outstanding) [003 §六(五)]."""
    remaining = joint_group_remaining(D("250000"), D("180000"), group="JG1")
    assert (remaining.name, remaining.amount) == ("joint_group_remaining", D("70000"))
    assert "JG1" in remaining.formula and "70,000.00" in remaining.formula


def test_the_first_of_equal_candidates_binds_in_the_documented_order() -> None:
    tied = availability(
        [
            joint_group_remaining(D("100"), D("0"), group="JG1"),
            group_headroom(D("100"), D("0"), D("0")),
            customer_headroom(D("100"), D("0"), D("0")),
        ]
    )
    assert tied.binding == "joint_group_remaining"


@pytest.mark.parametrize(("amount", "ok"), [("70000", True), ("70000.01", False)])
def test_disbursal_asks_availability_again(amount: str, ok: bool) -> None:
    """Availability at disbursal (the loan itself left out) is 70,000: one fen more is
    refused by the same ``within_availability`` rule as at the request."""
    rules = disbursal_rules(
        amount=D(amount),
        facility_status="active",
        facility_end=date(2026, 12, 31),
        requested_on=date(2026, 3, 1),
        on=date(2026, 3, 2),
        maturity=date(2026, 9, 1),
        available=availability([Candidate("group_headroom", D("70000"), "[DOMAIN §9]", "")]),
    )
    refused = {r.id for r in rules if not r.ok}
    assert refused == (set() if ok else {"within_availability"})


def test_a_negative_candidate_means_nothing_available() -> None:
    result = availability([programme_remaining(D("100"), D("250"), programme="PG")])
    assert (result.amount, result.binding) == (D("0.00"), "programme_remaining")


def test_each_candidate_shows_its_working() -> None:
    result = candidates(None)
    facility = result.candidate("facility_remaining")
    assert facility is not None
    assert "1,000,000.00" in facility.formula and "600,000.00" in facility.formula
    assert result.to_dict()["candidates"][1]["amount"] == "450000"  # type: ignore[index]


RULES_BASE = dict(
    amount=D("450000.00"),
    on=date(2026, 3, 1),
    maturity=date(2026, 9, 1),
    facility_status="active",
    facility_start=date(2026, 1, 1),
    facility_end=date(2026, 12, 31),
)


@pytest.mark.parametrize(
    ("change", "failing"),
    [
        ({}, set()),
        ({"amount": D("450000.01")}, {"within_availability"}),  # one fen above the binding 450,000
        ({"facility_status": "frozen"}, {"facility_active"}),
        ({"facility_status": "expired"}, {"facility_active"}),
        ({"on": date(2025, 12, 31)}, {"drawdown_within_facility_term"}),  # before the facility
        # past the end date the active facility is expired, too (one facility_active rule)
        (
            {"on": date(2027, 1, 1), "maturity": date(2027, 6, 1)},
            {"drawdown_within_facility_term", "facility_active"},
        ),
        ({"maturity": date(2026, 3, 1)}, {"maturity_after_drawdown"}),
    ],
)
def test_drawdown_rules(change: dict[str, object], failing: set[str]) -> None:
    rules = drawdown_rules(**{**RULES_BASE, **change}, available=candidates(None))  # type: ignore[arg-type]
    assert {r.id for r in rules if not r.ok} == failing


def test_the_availability_refusal_names_the_binding_candidate_and_its_clause() -> None:
    rules = drawdown_rules(
        **{**RULES_BASE, "amount": D("500000")},  # type: ignore[arg-type]
        available=candidates(None),
    )
    refused = next(r for r in rules if r.id == "within_availability")
    assert refused.threshold == "≤ 450,000.00 (collateral_headroom)"
    assert refused.clause == "[003 §七(三)]"
