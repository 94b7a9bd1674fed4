"""Read model of loans for the API, the pages and the CLI: a loan's schedule as the
engine reads it, what closes it today, its repayments, the collateral it holds, and the
check that its stored figures agree. Nothing here writes; the commands are in
``loan_book``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.delinquency import CHINESE
from scf.credit.money import ZERO
from scf.credit.policy import load_policy
from scf.credit.repayments import Line, Payoff, payoff
from scf.platform.auth.access import Actor, visible_loan
from scf.platform.models import Loan, Party, Receivable, WarehouseReceipt
from scf.platform.models.enums import LoanStatus
from scf.platform.services.collateral.receipt_queries import margin_paid, release_allowance
from scf.platform.services.lending.balances import outstanding_principal


def iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def schedule_lines(loan: Loan) -> list[Line]:
    """The stored schedule as the engine's lines (what is due and what is paid)."""
    return [
        Line(i.seq, i.due_date, i.principal_due, i.interest_due, i.principal_paid, i.interest_paid)
        for i in sorted(loan.instalments, key=lambda i: i.seq)
    ]


def loan_payoff(loan: Loan, on: dt.date) -> Payoff:
    """What closes the loan on ``on`` (提前结清金额)."""
    return payoff(schedule_lines(loan), on=on, rate=loan.rate_annual, policy=load_policy(on))


def reconcile_loan(loan: Loan) -> list[str]:
    """Stored figures that must agree; an empty list when they do.

    Σ principal due = the loan's principal; Σ principal and interest paid on the
    schedule = Σ of the repayments' parts; nothing paid beyond what is due; repaid
    exactly when nothing is outstanding."""
    problems: list[str] = []
    if loan.status in (LoanStatus.PENDING, LoanStatus.CANCELLED):
        return [] if not loan.instalments else [f"{loan.code}: schedule before disbursal"]
    if not loan.instalments:
        return [f"{loan.code}: no schedule"]
    due = sum((i.principal_due for i in loan.instalments), ZERO)
    if due != loan.principal:
        problems.append(f"{loan.code}: Σ principal due {due} ≠ principal {loan.principal}")
    for name in ("principal", "interest"):
        paid = sum((getattr(i, f"{name}_paid") for i in loan.instalments), ZERO)
        parts = sum((getattr(r, f"{name}_part") for r in loan.repayments), ZERO)
        if paid != parts:
            problems.append(f"{loan.code}: Σ {name} paid {paid} ≠ Σ repayments {parts}")
    for i in loan.instalments:
        if i.principal_paid > i.principal_due or i.interest_paid > i.interest_due:
            problems.append(f"{loan.code}: instalment {i.seq} paid beyond due")
    repaid = outstanding_principal(loan) == ZERO
    if repaid != (loan.status is LoanStatus.REPAID):
        problems.append(
            f"{loan.code}: status {loan.status.value} but outstanding {outstanding_principal(loan)}"
        )
    return problems


@dataclass
class LoanLine:
    loan: Loan
    outstanding: Any

    def to_dict(self) -> dict[str, object]:
        loan = self.loan
        return {
            "id": loan.id,
            "code": loan.code,
            "principal": str(loan.principal),
            "outstanding_principal": str(self.outstanding),
            "rate_annual": str(loan.rate_annual),
            "drawn_on": iso(loan.drawn_on),
            "maturity_date": iso(loan.maturity_date),
            "repayment_method": loan.repayment_method.value,
            "status": loan.status.value,
            "days_past_due": loan.days_past_due,
            "delinquency_class": loan.delinquency_class,
        }


@dataclass
class LoanView:
    loan: Loan
    party: Party
    outstanding: Any
    payoff: Payoff | None
    receivables: list[Receivable]
    receipts: list[tuple[WarehouseReceipt, Any]]
    margin_paid: Any
    problems: list[str]
    as_of: dt.date

    @property
    def delinquency_label(self) -> str:
        return CHINESE.get(self.loan.delinquency_class, self.loan.delinquency_class)

    def to_dict(self) -> dict[str, object]:
        loan = self.loan
        return {
            **LoanLine(loan, self.outstanding).to_dict(),
            "facility_id": loan.facility_id,
            "party": {"uscc": self.party.uscc, "name": self.party.name},
            "product": loan.product.value,
            "as_of": self.as_of.isoformat(),
            "payoff": None if self.payoff is None else self.payoff.to_dict(),
            "schedule": [
                {
                    "seq": i.seq,
                    "due_date": iso(i.due_date),
                    "principal_due": str(i.principal_due),
                    "interest_due": str(i.interest_due),
                    "principal_paid": str(i.principal_paid),
                    "interest_paid": str(i.interest_paid),
                }
                for i in sorted(loan.instalments, key=lambda i: i.seq)
            ],
            "repayments": [repayment_dict(r) for r in loan.repayments],
            "receivables": [r.code for r in self.receivables],
            "warehouse_receipts": [
                {
                    "number": r.number,
                    "status": r.status.value,
                    "quantity": str(r.quantity),
                    "released_quantity": str(r.released_quantity),
                    "releasable_now": str(a.quantity),
                }
                for r, a in self.receipts
            ],
            "margin_paid": str(self.margin_paid),
            "reconciliation_problems": self.problems,
        }


def repayment_dict(r: Any) -> dict[str, object]:
    return {
        "id": r.id,
        "paid_on": iso(r.paid_on),
        "amount": str(r.amount),
        "interest_part": str(r.interest_part),
        "principal_part": str(r.principal_part),
        "prepaid_principal": str(r.prepaid_principal),
        "reference": r.reference,
    }


def loan_view(session: Session, actor: Actor, loan_id: int, on: dt.date) -> LoanView:
    loan = visible_loan(session, actor, loan_id)
    party = session.get(Party, loan.party_id)
    assert party is not None
    receipts = list(
        session.scalars(
            sa.select(WarehouseReceipt)
            .where(WarehouseReceipt.pledged_loan_id == loan.id)
            .order_by(WarehouseReceipt.id)
        )
    )
    return LoanView(
        loan=loan,
        party=party,
        outstanding=outstanding_principal(loan),
        payoff=loan_payoff(loan, on) if loan.status is LoanStatus.ACTIVE else None,
        receivables=list(
            session.scalars(sa.select(Receivable).where(Receivable.pledged_loan_id == loan.id))
        ),
        receipts=[(r, release_allowance(session, r, on)) for r in receipts],
        margin_paid=margin_paid(session, loan.id),
        problems=reconcile_loan(loan),
        as_of=on,
    )
