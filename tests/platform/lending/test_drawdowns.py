"""Drawdowns: checked against availability (facility, collateral, programme, groups),
blocked while pending, utilised once disbursed, refused with the rule and nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from scf.platform.demo.lending_world import World
from scf.platform.errors import Forbidden, RuleRefused, ValidationFailed
from scf.platform.models import Drawdown, Facility, Loan, Receivable
from scf.platform.models.enums import FacilityStatus, LoanStatus, ReceiptStatus
from scf.platform.services.lending import limits as limit_accounting
from scf.platform.services.lending.drawdowns import (
    DrawdownRequest,
    cancel_drawdown,
    request_drawdown,
)
from scf.platform.services.lending.limits import facility_position, programme_usage
from tests.clock import business_date
from tests.platform.lending.setups import goods_facility

D = Decimal
ON = dt.date(2026, 11, 3)
MATURITY = dt.date(2027, 3, 31)


def failed(error: RuleRefused) -> set[str]:
    return {r["id"] for r in error.errors["rules"]}


def draw(
    world: World, facility: Facility, amount: str, *, by: str = "rm", **kw: object
) -> Drawdown:
    request = DrawdownRequest(
        amount=D(amount),
        requested_on=kw.pop("on", ON),
        maturity_date=kw.pop("maturity", MATURITY),
        **kw,  # type: ignore[arg-type]
    )
    return request_drawdown(world.session, world.actor(by), facility.id, request)


@pytest.fixture()
def receivable_facility(world: World) -> Facility:
    world.receivable("AR1", "1000000")
    world.receivable("AR2", "500000")
    return world.grant(amount=D("2000000"))


def test_a_receivable_drawdown_pledges_what_it_names(
    world: World, receivable_facility: Facility
) -> None:
    # key-supported: advance rate 80%; (1,000,000 + 500,000) × 0.80 = 1,200,000 exactly
    drawdown = draw(world, receivable_facility, "1200000", receivable_codes=("AR1", "AR2"))
    loan = world.session.get(Loan, drawdown.loan_id)
    assert loan is not None and loan.status is LoanStatus.ACTIVE
    assert drawdown.status == "utilised"
    assert {r.pledged_loan_id for r in world.session.scalars(sa.select(Receivable))} == {loan.id}
    position = facility_position(world.session, receivable_facility)
    assert (position.blocked, position.outstanding, position.available) == (
        D("0.00"),
        D("1200000.00"),
        D("800000.00"),
    )
    assert world.programme is not None
    assert programme_usage(world.session, world.programme).used == D("1200000.00")
    assert drawdown.reason["availability"]["binding"] == "collateral_headroom"
    assert sum(i.principal_due for i in loan.instalments) == D("1200000.00")


def test_one_fen_above_availability_is_refused_naming_the_candidate(
    world: World, receivable_facility: Facility
) -> None:
    before = world.session.scalar(sa.select(sa.func.count(Loan.id)))
    with pytest.raises(RuleRefused) as refused:
        draw(world, receivable_facility, "1200000.01", receivable_codes=("AR1", "AR2"))
    assert failed(refused.value) == {"within_availability"}
    assert "collateral_headroom" in str(refused.value)
    assert world.session.scalar(sa.select(sa.func.count(Loan.id))) == before, "nothing written"
    assert all(r.pledged_loan_id is None for r in world.session.scalars(sa.select(Receivable)))


def test_a_receivable_already_pledged_cannot_back_a_second_drawdown(
    world: World, receivable_facility: Facility
) -> None:
    draw(world, receivable_facility, "800000", receivable_codes=("AR1",))
    # AR2 alone supports 500,000 × 0.80 = 400,000, enough for the amount: naming the pledged
    # AR1 still refuses the drawdown
    with pytest.raises(RuleRefused) as refused:
        draw(world, receivable_facility, "400000", receivable_codes=("AR1", "AR2"))
    assert failed(refused.value) == {"not_pledged_before"}
    assert "AR1" in str(refused.value)


def test_the_same_invoice_claimed_by_another_supplier_is_a_double_pledge(
    world: World, receivable_facility: Facility
) -> None:
    other = world.firm("supplier2", 9, industry="manufacturing")
    world.receivable("AR9", "700000", creditor="supplier2", invoice_number="INV-AR2")
    assert other.id != receivable_facility.party_id
    with pytest.raises(RuleRefused) as refused:
        draw(world, receivable_facility, "300000", receivable_codes=("AR2",))
    assert "not_pledged_before" in failed(refused.value)
    assert "重复质押" in str(refused.value.errors)


def test_a_receivable_of_someone_else_is_refused(
    world: World, receivable_facility: Facility
) -> None:
    world.firm("supplier2", 9, industry="manufacturing")
    world.receivable("AR9", "700000", creditor="supplier2")
    with pytest.raises(RuleRefused) as refused:
        draw(world, receivable_facility, "100000", receivable_codes=("AR9",))
    assert "receivable_belongs_to_borrower" in failed(refused.value)


def test_the_programme_cap_binds_when_it_is_lowest(
    world: World, receivable_facility: Facility
) -> None:
    assert world.programme is not None
    world.programme.cap = D("1000000")
    with pytest.raises(RuleRefused) as refused:
        draw(world, receivable_facility, "1000000.01", receivable_codes=("AR1", "AR2"))
    assert "programme_remaining" in str(refused.value)
    draw(world, receivable_facility, "1000000", receivable_codes=("AR1", "AR2"))
    assert programme_usage(world.session, world.programme).remaining == D("0.00")


@pytest.mark.parametrize(
    ("net_capital", "refused"),
    [(None, False), ("10000000", False), ("9999999.90", True)],
)
def test_the_customer_headroom_binds_at_ten_percent_of_net_capital(
    world: World,
    receivable_facility: Facility,
    monkeypatch: pytest.MonkeyPatch,
    net_capital: str | None,
    refused: bool,
) -> None:
    """10% of 10,000,000 is 1,000,000: the drawdown fits exactly; of 9,999,999.90 it is
    999,999.99, one fen short [DOMAIN §9]. Without the setting the default (5 bn) binds
    nothing."""
    if net_capital is not None:
        monkeypatch.setenv("SCF_BANK_NET_CAPITAL", net_capital)
    if refused:
        with pytest.raises(RuleRefused) as error:
            draw(world, receivable_facility, "1000000", receivable_codes=("AR1", "AR2"))
        assert "≤ 999,999.99 (customer_headroom)" in str(error.value)
    else:
        draw(world, receivable_facility, "1000000", receivable_codes=("AR1", "AR2"))


def test_the_concentration_limit_of_the_network_caps_a_drawdown(
    world: World, receivable_facility: Facility, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Net capital 5,000,000: one customer may owe at most 10% = 500,000, its group 15% =
    750,000 [DOMAIN §9]. The borrower owes nothing yet, so 500,000 is its headroom:
    1,000,000 is refused by it."""
    monkeypatch.setenv("SCF_BANK_NET_CAPITAL", "5000000")
    group, customer = limit_accounting.concentration_candidates(
        world.session, receivable_facility.party_id, ON
    )
    assert (group.amount, customer.amount) == (D("750000.00"), D("500000.00"))
    with pytest.raises(RuleRefused) as error:
        draw(world, receivable_facility, "1000000", receivable_codes=("AR1", "AR2"))
    assert failed(error.value) == {"within_availability"}
    assert "≤ 500,000.00 (customer_headroom)" in str(error.value)


@pytest.mark.parametrize(
    ("status", "on", "rule_id"),
    [
        (FacilityStatus.FROZEN, ON, "facility_active"),
        (FacilityStatus.EXPIRED, ON, "facility_active"),
        (FacilityStatus.ACTIVE, dt.date(2027, 11, 1), "facility_active"),  # past the end date
        (FacilityStatus.ACTIVE, dt.date(2026, 10, 31), "drawdown_within_facility_term"),
    ],
)
def test_a_facility_not_in_force_refuses(
    world: World,
    receivable_facility: Facility,
    status: FacilityStatus,
    on: dt.date,
    rule_id: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SCF_BUSINESS_DATE", on.isoformat())  # the drawdown is booked that day
    receivable_facility.status = status
    with pytest.raises(RuleRefused) as refused:
        draw(
            world,
            receivable_facility,
            "100000",
            receivable_codes=("AR1",),
            on=on,
            maturity=dt.date(2028, 1, 1) if on.year == 2027 else MATURITY,
        )
    assert rule_id in failed(refused.value)


@pytest.mark.parametrize("amount", ["0", "-100"])
def test_zero_or_negative_amounts_name_the_field(
    world: World, receivable_facility: Facility, amount: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        draw(world, receivable_facility, amount, receivable_codes=("AR1",))
    assert "amount" in refused.value.errors


def test_a_receivable_product_needs_named_receivables(
    world: World, receivable_facility: Facility
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        draw(world, receivable_facility, "100")
    assert "receivables" in refused.value.errors


def test_loans_longer_than_a_year_are_refused(world: World, receivable_facility: Facility) -> None:
    with pytest.raises(RuleRefused) as refused:
        draw(
            world,
            receivable_facility,
            "100000",
            receivable_codes=("AR1",),
            maturity=dt.date(2027, 11, 4),
        )
    assert "term_within_limit" in failed(refused.value)


def test_a_pending_drawdown_blocks_and_cancelling_frees(
    world: World, receivable_facility: Facility
) -> None:
    pending = draw(world, receivable_facility, "800000", receivable_codes=("AR1",), disburse=False)
    position = facility_position(world.session, receivable_facility)
    assert (position.blocked, position.outstanding, position.available) == (
        D("800000.00"),
        D("0.00"),
        D("1200000.00"),
    )
    loan = world.session.get(Loan, pending.loan_id)
    assert loan is not None and loan.status is LoanStatus.PENDING and not loan.instalments
    cancel_drawdown(world.session, world.actor("rm"), pending.id, reason="客户撤回")
    position = facility_position(world.session, receivable_facility)
    assert (position.blocked, position.available) == (D("0.00"), D("2000000.00"))
    assert (
        world.session.scalar(sa.select(Receivable).where(Receivable.code == "AR1")).pledged_loan_id
        is None
    )  # type: ignore[union-attr]


def test_goods_drawdown_pledges_the_receipts_once(world: World) -> None:
    # 100 t × 4,000 × 60% = 240,000 lending value [003 §七(四)2]
    facility = goods_facility(world)
    with pytest.raises(RuleRefused):
        draw(world, facility, "240000.01", receipt_numbers=("WR1",))
    drawdown = draw(world, facility, "240000", receipt_numbers=("WR1",))
    receipt = world.session.scalars(sa.select(Loan).where(Loan.id == drawdown.loan_id)).one()
    assert receipt.status is LoanStatus.ACTIVE
    with pytest.raises(RuleRefused) as refused:
        draw(world, facility, "1000", receipt_numbers=("WR1",))
    assert "receipt_not_pledged" in failed(refused.value)


def test_a_stale_price_refuses_a_goods_drawdown(world: World) -> None:
    facility = goods_facility(world)
    # the last price is 2026-10-30; by 2026-11-09 that is 6 business days old (> 5, assumed)
    with pytest.raises(RuleRefused) as refused:
        draw(world, facility, "1000", receipt_numbers=("WR1",), on=dt.date(2026, 11, 9))
    assert "price_current" in failed(refused.value)
    assert world.session.scalars(sa.select(Receivable)).all() == []
    from scf.platform.models import WarehouseReceipt

    assert world.session.scalar(sa.select(WarehouseReceipt.status)) is ReceiptStatus.ISSUED


@pytest.mark.parametrize("who", ["mkt", "admin", "director"])
def test_only_relationship_managers_draw(
    world: World, receivable_facility: Facility, who: str
) -> None:
    with pytest.raises(Forbidden):
        draw(world, receivable_facility, "1000", by=who, receivable_codes=("AR1",))


@pytest.mark.parametrize(
    ("booked_on", "refused"),
    [
        (dt.date(2026, 12, 3), False),  # the value date 30 days back: the last day allowed
        (dt.date(2026, 12, 4), True),  # 31 days back
        (dt.date(2027, 5, 3), True),  # six months back: the probe's case (issue #12, finding 7)
    ],
)
def test_a_drawdown_value_date_lies_at_most_30_days_before_it_is_booked(
    world: World, receivable_facility: Facility, booked_on: dt.date, refused: bool
) -> None:
    """[calendar.yaml dates.drawdown.backdating_days_max, an assumed bank setting]"""
    with business_date(booked_on):
        if not refused:
            draw(world, receivable_facility, "100000", receivable_codes=("AR1",), on=ON)
            return
        with pytest.raises(ValidationFailed) as error:
            draw(world, receivable_facility, "100000", receivable_codes=("AR1",), on=ON)
    assert "requested_on" in error.value.errors


def test_a_drawdown_cannot_be_dated_after_the_business_date(
    world: World, receivable_facility: Facility
) -> None:
    with business_date(dt.date(2026, 11, 2)), pytest.raises(ValidationFailed) as error:
        draw(world, receivable_facility, "100000", receivable_codes=("AR1",), on=ON)
    assert "not after today" in error.value.errors["requested_on"][0]
