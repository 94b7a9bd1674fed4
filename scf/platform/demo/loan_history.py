"""The demo's loan history: schedules for the seeded loans and the repayments the seed
says were made, replayed on their due dates so the book shows loans in arrears.

Demo code, never on a use case's path: the seed loader calls it once, inside its own
unit of work. Schedules come from the same ``loan_book.schedule_for`` a disbursal uses.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy.orm import Session

from scf.credit.money import ZERO
from scf.platform.models import Loan, Repayment
from scf.platform.services.lending.loan_book import (
    refresh_delinquency,
    schedule_for,
    store_schedule,
)


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
    """Each seeded loan's schedule, its replayed repayments, and its delinquency on ``as_of``."""
    for loan, principal_instalments, paid in loans:
        store_schedule(loan, schedule_for(loan, principal_instalments))
        created["instalments"] += len(loan.instalments)
        created["repayments"] += replay_seed_history(loan, paid, as_of)
        refresh_delinquency(loan, as_of)
    session.flush()
