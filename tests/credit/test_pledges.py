"""Warehouse receipts released as the loan is repaid (随还随提) or margin is paid (保兑仓)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scf.credit.pledges import (
    Position,
    margin_allowance,
    release_rule,
    repayment_allowance,
    split_rule,
)

D = Decimal
RATE = D("0.60")


def test_release_keeps_lending_value_at_least_the_balance() -> None:
    # 100 t × 4,000 × 0.60 = 240,000 lending value; balance 180,000 → spare 60,000
    # 60,000 ÷ (4,000 × 0.60 = 2,400 per ton) = 25 t
    positions = [Position("WR1", D("100"), D("4000"))]
    allowance = repayment_allowance(positions, "WR1", balance=D("180000"), rate=RATE)
    assert allowance.quantity == D("25.0000")
    assert allowance.basis == "repayment"


def test_release_counts_every_receipt_securing_the_loan() -> None:
    # WR1 100 t × 4,000 × 0.6 = 240,000; WR2 50 t × 3,000 × 0.6 = 90,000; total 330,000
    # balance 300,000 → spare 30,000; from WR2: 30,000 ÷ (3,000 × 0.6 = 1,800) = 16.6666 t (down)
    positions = [Position("WR1", D("100"), D("4000")), Position("WR2", D("50"), D("3000"))]
    allowance = repayment_allowance(positions, "WR2", balance=D("300000"), rate=RATE)
    assert allowance.quantity == D("16.6666")


def test_nothing_releasable_while_the_balance_exceeds_the_lending_value() -> None:
    positions = [Position("WR1", D("100"), D("4000"))]
    assert repayment_allowance(positions, "WR1", balance=D("250000"), rate=RATE).quantity == 0


def test_a_paid_off_loan_releases_everything() -> None:
    positions = [Position("WR1", D("12.5"), D("4000"))]
    allowance = repayment_allowance(positions, "WR1", balance=D("0"), rate=RATE)
    assert (allowance.quantity, allowance.basis) == (D("12.5"), "paid_off")


def test_margin_releases_goods_worth_the_margin_not_yet_matched() -> None:
    # margin 300,000 − released 100,000 = 200,000 ÷ 4,000 = 50 t
    allowance = margin_allowance(
        Position("WR1", D("80"), D("4000")), margin_paid=D("300000"), released_value=D("100000")
    )
    assert allowance.quantity == D("50.0000")
    # never more than the receipt holds
    small = margin_allowance(
        Position("WR1", D("40"), D("4000")), margin_paid=D("300000"), released_value=D("100000")
    )
    assert small.quantity == D("40")


@pytest.mark.parametrize(
    ("quantity", "ok"), [("25", True), ("25.0001", False), ("0", False), ("-1", False)]
)
def test_release_rule(quantity: str, ok: bool) -> None:
    allowance = repayment_allowance(
        [Position("WR1", D("100"), D("4000"))], "WR1", balance=D("180000"), rate=RATE
    )
    assert release_rule(D(quantity), allowance).ok is ok


@pytest.mark.parametrize(
    ("parts", "ok"),
    [
        (["60", "40"], True),
        (["60", "39.9999"], False),  # does not add up
        (["100"], False),  # one part is not a split
        (["110", "-10"], False),
    ],
)
def test_split_rule(parts: list[str], ok: bool) -> None:
    assert split_rule(D("100"), [D(p) for p in parts]).ok is ok
