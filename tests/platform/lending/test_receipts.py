"""Warehouse receipts: issued, pledged, split, released as repaid (随还随提) or as 保兑仓
margin is paid, cancelled; never released beyond what the loan allows.

Goods: steel at 4,000 a ton (latest price 2026-10-30), advance rate 60% → 2,400 of
lending value a ton [003 §七(四)2].
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from scf.platform.demo.lending_world import World
from scf.platform.errors import RuleRefused
from scf.platform.models import Loan, WarehouseReceipt
from scf.platform.models.enums import ReceiptStatus
from scf.platform.services.collateral.receipt_queries import reconcile_receipt, release_allowance
from scf.platform.services.collateral.receipts import (
    cancel_receipt,
    issue_receipt,
    pay_margin,
    release_goods,
    split_receipt,
)
from scf.platform.services.lending.drawdowns import DrawdownRequest, request_drawdown
from scf.platform.services.lending.loan_book import apply_repayment
from tests.platform.lending.setups import goods_facility

D = Decimal
ON = dt.date(2026, 11, 3)


def failed(error: RuleRefused) -> set[str]:
    return {r["id"] for r in error.errors["rules"]}


def receipt(world: World, number: str) -> WarehouseReceipt:
    return world.session.scalars(
        sa.select(WarehouseReceipt).where(WarehouseReceipt.number == number)
    ).one()


def goods_loan(world: World, amount: str = "180000") -> Loan:
    facility = goods_facility(world)
    drawdown = request_drawdown(
        world.session,
        world.actor("rm"),
        facility.id,
        DrawdownRequest(
            amount=D(amount),
            requested_on=ON,
            maturity_date=dt.date(2027, 3, 3),
            receipt_numbers=("WR1",),
        ),
    )
    loan = world.session.get(Loan, drawdown.loan_id)
    assert loan is not None
    return loan


def release(world: World, number: str, quantity: str, on: dt.date = ON) -> None:
    release_goods(world.session, world.actor("rm"), number, D(quantity), on=on)


def test_a_supervisor_issues_receipts(world: World) -> None:
    made = issue_receipt(
        world.session,
        world.actor("rm"),
        number="WR-NEW",
        owner_uscc=world.parties["dealer"].uscc or "",
        supervisor_uscc=world.parties["supervisor"].uscc or "",
        warehouse="2号库",
        commodity="steel_rebar",
        quantity=D("10"),
        issued_on=ON,
    )
    assert (made.status, made.unit) == (ReceiptStatus.ISSUED, "ton")
    with pytest.raises(RuleRefused) as refused:
        issue_receipt(
            world.session,
            world.actor("rm"),
            number="WR-BAD",
            owner_uscc=world.parties["dealer"].uscc or "",
            supervisor_uscc=world.parties["guarantee_co"].uscc or "",
            warehouse="x",
            commodity="steel_rebar",
            quantity=D("10"),
            issued_on=ON,
        )
    assert failed(refused.value) == {"issued_by_supervisor"}


def test_goods_are_released_only_as_far_as_the_balance_allows(world: World) -> None:
    loan = goods_loan(world)
    # 100 t × 2,400 = 240,000 − balance 180,000 = 60,000 spare ÷ 2,400 = 25 t
    assert release_allowance(world.session, receipt(world, "WR1"), ON).quantity == D("25.0000")
    with pytest.raises(RuleRefused) as refused:
        release(world, "WR1", "25.0001")
    assert failed(refused.value) == {"release_within_allowance"}
    release(world, "WR1", "25")
    assert receipt(world, "WR1").released_quantity == D("25.0000")
    assert release_allowance(world.session, receipt(world, "WR1"), ON).quantity == 0
    # repay: line 1 (2026-12-03, 30 days) earns 180,000 × 0.06 × 30 / 360 = 900; on 11-18
    # the balance would still earn 180,000 × 0.06 × 15 / 360 = 450, so 450 is earned.
    # 60,450 pays 450 interest and prepays 60,000 → balance 120,000
    apply_repayment(
        world.session, world.actor("rm"), loan.id, amount=D("60450"), paid_on=dt.date(2026, 11, 18)
    )
    # 75 t × 2,400 = 180,000 − 120,000 = 60,000 ÷ 2,400 = 25 t (随还随提)
    assert release_allowance(
        world.session, receipt(world, "WR1"), dt.date(2026, 11, 18)
    ).quantity == D("25.0000")


def test_a_split_keeps_the_pledge_and_the_goods_add_up(world: World) -> None:
    loan = goods_loan(world)
    release(world, "WR1", "25")
    children = split_receipt(world.session, world.actor("rm"), "WR1", [D("50"), D("25")], on=ON)
    assert [c.number for c in children] == ["WR1-1", "WR1-2"]
    assert all(c.pledged_loan_id == loan.id and c.status is ReceiptStatus.PLEDGED for c in children)
    assert receipt(world, "WR1").status is ReceiptStatus.SPLIT
    assert reconcile_receipt(world.session, receipt(world, "WR1")) == []
    with pytest.raises(RuleRefused) as refused:
        split_receipt(world.session, world.actor("rm"), "WR1-1", [D("30"), D("19")], on=ON)
    assert failed(refused.value) == {"split_parts_add_up"}
    # 75 t on the two children = 180,000 = balance: nothing may leave either
    assert release_allowance(world.session, receipt(world, "WR1-2"), ON).quantity == 0


def test_a_pledged_receipt_cannot_be_cancelled_an_unpledged_one_can(world: World) -> None:
    goods_loan(world)
    with pytest.raises(RuleRefused) as refused:
        cancel_receipt(world.session, world.actor("rm"), "WR1", reason="x")
    assert failed(refused.value) == {"receipt_cancellable"}
    world.receipt("WR2", "10")
    cancel_receipt(world.session, world.actor("rm"), "WR2", reason="货物已出售")
    assert receipt(world, "WR2").status is ReceiptStatus.CANCELLED


def test_a_repaid_loan_frees_its_receipts(world: World) -> None:
    loan = goods_loan(world, "100000")
    # payoff on 11-18: 100,000 × 0.06 × 15 / 360 = 250 earned + 100,000
    apply_repayment(
        world.session, world.actor("rm"), loan.id, amount=D("100250"), paid_on=dt.date(2026, 11, 18)
    )
    freed = receipt(world, "WR1")
    assert (freed.status, freed.pledged_loan_id) == (ReceiptStatus.ISSUED, None)


def confirmed_warehouse_loan(world: World, margin: str) -> Loan:
    world.receipt("WR3", "100", owner="supplier")
    facility = world.grant(product="confirmed_warehouse", amount=D("1000000"))
    drawdown = request_drawdown(
        world.session,
        world.actor("rm"),
        facility.id,
        DrawdownRequest(
            amount=D("300000"),
            requested_on=ON,
            maturity_date=dt.date(2027, 3, 3),
            receipt_numbers=("WR3",),
            margin=D(margin),
        ),
    )
    loan = world.session.get(Loan, drawdown.loan_id)
    assert loan is not None
    return loan


def test_confirmed_warehouse_needs_30_percent_initial_margin(world: World) -> None:
    # 300,000 × 30% = 90,000; one fen less is refused [003 §六(九)]
    with pytest.raises(RuleRefused) as refused:
        confirmed_warehouse_loan(world, "89999.99")
    assert failed(refused.value) == {"confirmed_warehouse_initial_margin"}


def test_confirmed_warehouse_releases_goods_in_step_with_margin(world: World) -> None:
    loan = confirmed_warehouse_loan(world, "90000")
    # margin 90,000 ÷ 4,000 = 22.5 t releasable (随缴保证金随提货)
    assert release_allowance(world.session, receipt(world, "WR3"), ON).quantity == D("22.5000")
    with pytest.raises(RuleRefused):
        release(world, "WR3", "22.5001")
    release(world, "WR3", "22.5")
    assert release_allowance(world.session, receipt(world, "WR3"), ON).quantity == 0
    pay_margin(world.session, world.actor("rm"), loan.id, D("40000"), on=ON)
    # 130,000 paid − 90,000 released = 40,000 ÷ 4,000 = 10 t
    assert release_allowance(world.session, receipt(world, "WR3"), ON).quantity == D("10.0000")
    assert reconcile_receipt(world.session, receipt(world, "WR3")) == []
