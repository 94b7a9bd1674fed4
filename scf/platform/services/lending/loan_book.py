"""The loan book: schedules from the credit engine, repayments, days past due.

Schedules are never computed here: ``scf.credit.schedules`` builds them and
``scf.credit.repayments`` applies money to them; this module only stores what they
return, so the API, the seed and the jobs agree. Balances are derived
(``outstanding_principal``), and ``loan_queries.reconcile_loan`` proves the stored
schedule agrees with the repayments. Each public function here is one use case or a
step of one; what pages read is in ``loan_queries``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.business_dates import past_date_problem
from scf.credit.dates import months_between
from scf.credit.delinquency import days_past_due, delinquency_class
from scf.credit.money import ZERO
from scf.credit.policy import load_policy
from scf.credit.repayments import (
    Allocation,
    Line,
    RepaymentError,
    allocate,
    end_on_maturity,
    prepayment_mode,
)
from scf.credit.schedules import Schedule, build_schedule
from scf.platform.auth.access import Actor, require_lender, visible_loan
from scf.platform.clock import business_today
from scf.platform.errors import Conflict, RuleRefused, ValidationFailed
from scf.platform.models import Instalment, Loan, Repayment, WarehouseReceipt
from scf.platform.models.enums import LoanStatus, ReceiptStatus, RepaymentMethod
from scf.platform.services import audit
from scf.platform.services.lending.balances import outstanding_principal
from scf.platform.services.lending.limits import lock_facility
from scf.platform.services.lending.loan_queries import schedule_lines
from scf.platform.services.unit_of_work import use_case


def schedule_for(loan: Loan, principal_instalments: int) -> Schedule:
    """The loan's schedule: monthly interest periods up to maturity, principal per method,
    the last instalment due on the maturity date (``end_on_maturity``)."""
    policy = load_policy(loan.drawn_on)
    months = months_between(loan.drawn_on, loan.maturity_date)
    method = loan.repayment_method
    count: int | None = None
    interval = 1
    if method in (RepaymentMethod.EQUAL_PRINCIPAL, RepaymentMethod.EQUAL_INSTALMENT):
        periods = max(principal_instalments, 1)
        interval = max(1, months // periods)
    elif method is RepaymentMethod.INSTALMENT_PRINCIPAL:
        count = max(principal_instalments, 1)
        periods = count * -(-months // count)
    else:
        periods = months
    built = build_schedule(
        loan.principal,
        loan.rate_annual,
        loan.drawn_on,
        periods,
        method=method.value,
        policy=policy,
        interval_months=interval,
        instalment_count=count,
    )
    return end_on_maturity(built, loan.maturity_date, policy)


def store_schedule(loan: Loan, schedule: Schedule) -> None:
    loan.instalments = [
        Instalment(
            seq=line.number,
            due_date=line.due_date,
            principal_due=line.principal,
            interest_due=line.interest,
            principal_paid=ZERO,
            interest_paid=ZERO,
        )
        for line in schedule.instalments
    ]


def refresh_delinquency(loan: Loan, as_of: dt.date) -> None:
    loan.days_past_due = days_past_due(loan.instalments, as_of)
    loan.delinquency_class = delinquency_class(loan.days_past_due, load_policy(as_of))
    if outstanding_principal(loan) == ZERO:
        loan.status = LoanStatus.REPAID


# ------------------------------------------------------------------- repayments


def _store_lines(loan: Loan, lines: tuple[Line, ...]) -> None:
    """Write the engine's lines back; instalments it dropped (nothing left) are removed."""
    by_seq = {i.seq: i for i in loan.instalments}
    for line in lines:
        row = by_seq[line.number]
        row.principal_due, row.interest_due = line.principal_due, line.interest_due
        row.principal_paid, row.interest_paid = line.principal_paid, line.interest_paid
    kept = {line.number for line in lines}
    loan.instalments = [i for i in loan.instalments if i.seq in kept]


def loan_snapshot(loan: Loan) -> dict[str, object]:
    """What the audit log keeps of a loan before and after a step."""
    return {
        "code": loan.code,
        "facility_id": loan.facility_id,
        "principal": str(loan.principal),
        "drawn_on": loan.drawn_on.isoformat(),
        "maturity_date": loan.maturity_date.isoformat(),
        "status": loan.status.value,
        "outstanding_principal": str(outstanding_principal(loan)),
        "days_past_due": loan.days_past_due,
        "delinquency_class": loan.delinquency_class,
        "instalments": len(loan.instalments),
    }


@use_case
def apply_repayment(
    session: Session,
    actor: Actor,
    loan_id: int,
    *,
    amount: Decimal,
    paid_on: dt.date,
    reference: str | None = None,
) -> Repayment:
    """Apply money received: interest first, then principal, oldest first; the rest
    prepays principal and reshapes the schedule as the product says [003 §十(二)].
    Above the payoff amount it is refused and nothing is written."""
    require_lender(actor)
    loan = visible_loan(session, actor, loan_id)
    if amount <= 0:
        raise ValidationFailed(
            "amount (还款金额): 必须大于0 (must be positive)",
            errors={"amount": ["必须大于0 (must be positive)"]},
        )
    problem = past_date_problem(paid_on, today=business_today(), policy=load_policy(paid_on))
    if problem:
        raise ValidationFailed(f"paid_on (还款日): {problem}", errors={"paid_on": [problem]})
    loan = _locked_repayable(session, loan, paid_on)
    before = loan_snapshot(loan)
    result = _allocated(loan, amount, paid_on)
    _store_lines(loan, result.lines)
    repayment = Repayment(
        paid_on=paid_on,
        amount=amount,
        principal_part=result.principal_part,
        interest_part=result.interest_part,
        prepaid_principal=result.prepaid_principal,
        reference=reference,
    )
    loan.repayments.append(repayment)
    session.flush()
    refresh_delinquency(loan, paid_on)
    if loan.status is LoanStatus.REPAID:
        _free_goods(session, loan)
    audit.record(
        session,
        actor,
        "loan.repayment",
        "loan",
        loan.id,
        before=before,
        after=loan_snapshot(loan),
        context={"allocation": result.to_dict(), "reference": reference},
    )
    session.flush()
    return repayment


def _locked_repayable(session: Session, loan: Loan, paid_on: dt.date) -> Loan:
    """The loan re-read under its facility's lock (then its own), active and drawn by
    ``paid_on``: two repayments on one loan are applied one after the other."""
    lock_facility(session, loan.facility_id)
    locked = session.scalar(
        sa.select(Loan)
        .where(Loan.id == loan.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert locked is not None
    if locked.status is not LoanStatus.ACTIVE:
        raise Conflict(f"贷款 {locked.code} 状态为 {locked.status.value}，不能还款 (not active)")
    if paid_on < locked.drawn_on:
        raise ValidationFailed(
            f"paid_on (还款日): 早于放款日 {locked.drawn_on} (before the loan was drawn)",
            errors={"paid_on": [f"不得早于 {locked.drawn_on} (not before the drawdown)"]},
        )
    return locked


def _allocated(loan: Loan, amount: Decimal, paid_on: dt.date) -> Allocation:
    """The engine's allocation of ``amount`` [003 §十(二)]; a broken rule refuses it, a
    bad amount names the field."""
    policy = load_policy(paid_on)
    try:
        return allocate(
            schedule_lines(loan),
            amount,
            on=paid_on,
            rate=loan.rate_annual,
            method=loan.repayment_method.value,
            mode=prepayment_mode(loan.product.value, policy),
            policy=policy,
        )
    except RepaymentError as error:
        if error.rule is not None:
            raise RuleRefused(
                f"还款被拒绝，未写入任何数据 (repayment refused; nothing written): "
                f"{error.rule.id} {error.rule.clause}: {error}",
                errors={"rules": [error.rule.to_dict()]},
            ) from None
        raise ValidationFailed(
            f"amount (还款金额): {error}", errors={"amount": [str(error)]}
        ) from None


def _free_goods(session: Session, loan: Loan) -> None:
    """A repaid loan's warehouse receipts are free again (their goods stay in store)."""
    for receipt in session.scalars(
        sa.select(WarehouseReceipt).where(
            WarehouseReceipt.pledged_loan_id == loan.id,
            WarehouseReceipt.status == ReceiptStatus.PLEDGED,
        )
    ):
        receipt.pledged_loan_id = None
        receipt.status = ReceiptStatus.ISSUED


@use_case
def refresh_loan_book(session: Session, as_of: dt.date) -> int:
    """Days past due and delinquency class of every active loan as of ``as_of``."""
    loans = session.scalars(sa.select(Loan).where(Loan.status == LoanStatus.ACTIVE)).all()
    for loan in loans:
        refresh_delinquency(loan, as_of)
    session.flush()
    return len(loans)
