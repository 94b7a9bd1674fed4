"""The loan book: schedules from the credit engine, repayments, days past due.

Schedules are never computed here: ``scf.credit.schedules`` builds them, and this
module only stores what it returns, so the API, the seed and the jobs agree.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from sqlalchemy.orm import Session

from scf.credit.dates import add_months
from scf.credit.delinquency import delinquency_class
from scf.credit.policy import load_policy
from scf.credit.schedules import Schedule, build_schedule
from scf.platform.models import Instalment, Loan, Repayment
from scf.platform.models.enums import LoanStatus, RepaymentMethod

ZERO = Decimal("0")


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end``, at least one (a part month counts)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) < end:
        months += 1
    return max(months, 1)


def schedule_for(loan: Loan, principal_instalments: int) -> Schedule:
    """The loan's schedule: monthly interest periods up to maturity; principal per method."""
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
    return build_schedule(
        loan.principal,
        loan.rate_annual,
        loan.drawn_on,
        periods,
        method=method.value,
        policy=policy,
        interval_months=interval,
        instalment_count=count,
    )


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


def outstanding_principal(loan: Loan) -> Decimal:
    """Principal drawn less principal repaid: derived, never stored twice."""
    return loan.principal - sum((r.principal_part for r in loan.repayments), ZERO)


def days_past_due(loan: Loan, as_of: dt.date) -> int:
    """Days since the oldest instalment due on or before ``as_of`` that is not fully paid."""
    for line in loan.instalments:
        if line.due_date > as_of:
            break
        if line.principal_paid < line.principal_due or line.interest_paid < line.interest_due:
            return (as_of - line.due_date).days
    return 0


def refresh_delinquency(loan: Loan, as_of: dt.date) -> None:
    loan.days_past_due = days_past_due(loan, as_of)
    loan.delinquency_class = delinquency_class(loan.days_past_due, load_policy(as_of))
    if outstanding_principal(loan) == ZERO:
        loan.status = LoanStatus.REPAID


def replay_seed_history(loan: Loan, paid_principal_instalments: int, as_of: dt.date) -> int:
    """Record as paid, on their due dates, the lines due before ``as_of``, stopping at the
    first principal instalment beyond the ``paid_principal_instalments`` the seed says were
    paid: that one and those after it stay unpaid (the loan's arrears). Returns lines paid."""
    principal_lines = 0
    paid = 0
    for line in loan.instalments:
        if line.due_date >= as_of:
            break
        if line.principal_due > ZERO:
            principal_lines += 1
            if principal_lines > paid_principal_instalments:
                break
        line.principal_paid, line.interest_paid = line.principal_due, line.interest_due
        loan.repayments.append(
            Repayment(
                paid_on=line.due_date,
                amount=line.principal_due + line.interest_due,
                principal_part=line.principal_due,
                interest_part=line.interest_due,
                reference=f"seed-{loan.code}-{line.seq}",
            )
        )
        paid += 1
    return paid


def schedule_seeded_loans(
    session: Session, loans: list[tuple[Loan, int, int]], created: Counter[str], as_of: dt.date
) -> None:
    for loan, principal_instalments, paid in loans:
        store_schedule(loan, schedule_for(loan, principal_instalments))
        created["instalments"] += len(loan.instalments)
        created["repayments"] += replay_seed_history(loan, paid, as_of)
        refresh_delinquency(loan, as_of)
    session.flush()
