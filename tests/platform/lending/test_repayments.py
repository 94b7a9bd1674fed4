"""Repayments on the loan book: interest first, prepayment, delinquency, balances released.

Worked loan (credit facility, equal principal, 7.2%): 120,000 drawn 2026-11-03, maturity
2027-02-03, 3 instalments; interest actual days / 360 [DOMAIN §11]:
  1  2026-12-03  30 days  120,000 × 0.072 × 30 / 360 = 720.00  principal 40,000
  2  2027-01-03  31 days   80,000 × 0.072 × 31 / 360 = 496.00  principal 40,000
  3  2027-02-03  31 days   40,000 × 0.072 × 31 / 360 = 248.00  principal 40,000
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from scf.platform.demo.lending_world import World
from scf.platform.errors import Conflict, Forbidden, RuleRefused, ValidationFailed
from scf.platform.models import AuditEntry, Facility, Loan, Repayment
from scf.platform.models.enums import LoanStatus
from scf.platform.services.lending.drawdowns import DrawdownRequest, request_drawdown
from scf.platform.services.lending.limits import facility_position, reconcile_facility
from scf.platform.services.lending.loan_book import apply_repayment, refresh_loan_book
from scf.platform.services.lending.loan_queries import loan_payoff, reconcile_loan
from tests.clock import business_date

D = Decimal


def credit_loan(
    world: World, *, revolving: bool = True, disburse: bool = True
) -> tuple[Facility, Loan]:
    facility = world.grant(
        product="credit",
        programme_code=None,
        repayment_method="equal_principal",
        registered_and_operating_locally=True,
        revolving=revolving,
        amount=D("1000000"),
    )
    drawdown = request_drawdown(
        world.session,
        world.actor("rm"),
        facility.id,
        DrawdownRequest(
            amount=D("120000"),
            requested_on=dt.date(2026, 11, 3),
            maturity_date=dt.date(2027, 2, 3),
            instalments=3,
            rate_annual=D("0.072"),
            disburse=disburse,
        ),
    )
    loan = world.session.get(Loan, drawdown.loan_id)
    assert loan is not None
    return facility, loan


def repay(world: World, loan: Loan, amount: str, on: dt.date, by: str = "rm") -> Repayment:
    """Money received on ``on`` and booked that day (the bank's business date)."""
    with business_date(on):
        return apply_repayment(
            world.session, world.actor(by), loan.id, amount=D(amount), paid_on=on
        )


def test_the_schedule_comes_from_the_engine(world: World) -> None:
    _, loan = credit_loan(world)
    assert [(i.due_date, i.interest_due, i.principal_due) for i in loan.instalments] == [
        (dt.date(2026, 12, 3), D("720.00"), D("40000.00")),
        (dt.date(2027, 1, 3), D("496.00"), D("40000.00")),
        (dt.date(2027, 2, 3), D("248.00"), D("40000.00")),
    ]


def test_an_instalment_paid_on_time_releases_its_principal(world: World) -> None:
    facility, loan = credit_loan(world)
    payment = repay(world, loan, "40720", dt.date(2026, 12, 3))
    assert (payment.interest_part, payment.principal_part, payment.prepaid_principal) == (
        D("720.00"),
        D("40000.00"),
        D("0.00"),
    )
    position = facility_position(world.session, facility)
    # revolving: 1,000,000 − outstanding 80,000 = 920,000
    assert (position.outstanding, position.available) == (D("80000.00"), D("920000.00"))
    assert (loan.days_past_due, loan.delinquency_class) == (0, "normal")


def test_a_one_off_facility_does_not_get_repaid_principal_back(world: World) -> None:
    facility, loan = credit_loan(world, revolving=False)
    repay(world, loan, "40720", dt.date(2026, 12, 3))
    position = facility_position(world.session, facility)
    # not revolving: 1,000,000 − drawn 120,000 = 880,000, whatever is repaid
    assert (position.outstanding, position.available) == (D("80000.00"), D("880000.00"))


def test_days_past_due_and_class_follow_the_oldest_unpaid_instalment(world: World) -> None:
    _, loan = credit_loan(world)
    refresh_loan_book(world.session, dt.date(2026, 12, 13))
    assert (loan.days_past_due, loan.delinquency_class) == (10, "special_mention")
    repay(world, loan, "720", dt.date(2026, 12, 13))  # interest only: principal still due
    assert loan.days_past_due == 10
    repay(world, loan, "40000", dt.date(2026, 12, 13))
    assert (loan.days_past_due, loan.delinquency_class) == (0, "normal")


def test_prepayment_regenerates_a_credit_loans_schedule(world: World) -> None:
    # line 1 paid; on 2026-12-18 the balance 80,000 would still earn
    # 80,000 × 0.072 × 16 / 360 = 256.00 of line 2's 496.00 → 240.00 earned.
    # 20,240 pays 240.00 interest and prepays 20,000; the 60,000 left is re-spread,
    # 30,000 per line; line 2 interest 496 − (256 − 60,000 × 0.072 × 16 / 360 = 192) = 432;
    # line 3: 30,000 × 0.072 × 31 / 360 = 186.00
    _, loan = credit_loan(world)
    repay(world, loan, "40720", dt.date(2026, 12, 3))
    payment = repay(world, loan, "20240", dt.date(2026, 12, 18))
    assert (payment.interest_part, payment.prepaid_principal) == (D("240.00"), D("20000.00"))
    lines = sorted(loan.instalments, key=lambda i: i.seq)
    assert [(i.principal_due, i.principal_paid, i.interest_due) for i in lines[1:]] == [
        (D("50000.00"), D("20000.00"), D("432.00")),
        (D("30000.00"), D("0.00"), D("186.00")),
    ]
    assert reconcile_loan(loan) == []


def test_paying_off_closes_the_loan_and_frees_the_limit(world: World) -> None:
    facility, loan = credit_loan(world)
    owed = loan_payoff(loan, dt.date(2026, 11, 18))
    # 15 of 30 days gone: 120,000 × 0.072 × 15 / 360 = 360.00 still to earn → 360 earned
    assert (owed.accrued_interest, owed.total) == (D("360.00"), D("120360.00"))
    repay(world, loan, "120360", dt.date(2026, 11, 18))
    assert loan.status is LoanStatus.REPAID
    assert facility_position(world.session, facility).available == D("1000000.00")
    assert reconcile_loan(loan) == [] and reconcile_facility(world.session, facility) == []


def test_more_than_the_payoff_is_refused_and_nothing_written(world: World) -> None:
    _, loan = credit_loan(world)
    with pytest.raises(RuleRefused) as refused:
        repay(world, loan, "120360.01", dt.date(2026, 11, 18))
    assert refused.value.errors["rules"][0]["id"] == "repayment_within_balance"
    assert "120,360.00" in str(refused.value)
    assert world.session.scalar(sa.select(sa.func.count(Repayment.id))) == 0


@pytest.mark.parametrize(
    ("amount", "on", "field"),
    [
        ("0", dt.date(2026, 12, 3), "amount"),
        ("-5", dt.date(2026, 12, 3), "amount"),
        ("100", dt.date(2026, 11, 2), "paid_on"),
    ],
)
def test_bad_repayments_name_the_field(world: World, amount: str, on: dt.date, field: str) -> None:
    _, loan = credit_loan(world)
    with pytest.raises(ValidationFailed) as refused:
        repay(world, loan, amount, on)
    assert field in refused.value.errors


def test_a_pending_loan_takes_no_repayment(world: World) -> None:
    _, loan = credit_loan(world, disburse=False)
    with pytest.raises(Conflict):
        repay(world, loan, "100", dt.date(2026, 12, 3))


@pytest.mark.parametrize("who", ["mkt", "admin", "director"])
def test_only_relationship_managers_record_repayments(world: World, who: str) -> None:
    _, loan = credit_loan(world)
    with pytest.raises(Forbidden):
        repay(world, loan, "100", dt.date(2026, 12, 3), by=who)


def test_each_repayment_is_audited_with_before_and_after(world: World) -> None:
    _, loan = credit_loan(world)
    repay(world, loan, "40720", dt.date(2026, 12, 3))
    entry = world.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "loan.repayment")
    ).one()
    assert entry.before and entry.before["outstanding_principal"] == "120000.00"
    assert entry.after and entry.after["outstanding_principal"] == "80000.00"
    assert entry.context["allocation"]["interest_part"] == "720.00"


@pytest.mark.parametrize(
    ("paid_on", "says"),
    [(dt.date(9999, 12, 31), "not after today"), (dt.date(2027, 1, 1), "not after today")],
)
def test_money_received_in_the_future_is_refused_naming_paid_on(
    world: World, paid_on: dt.date, says: str
) -> None:
    """Issue #12 finding 7: a repayment dated 9999-12-31 was booked. The business date
    here is 2026-12-31: the next day is already the future."""
    _, loan = credit_loan(world)
    with business_date(dt.date(2026, 12, 31)), pytest.raises(ValidationFailed) as refused:
        apply_repayment(world.session, world.actor("rm"), loan.id, amount=D("100"), paid_on=paid_on)
    assert says in str(refused.value) and "paid_on" in refused.value.errors
