"""Read models of the lending book for the API, the pages and the CLI (one place).

A facility's view carries its limit accounting, each candidate of availability with
its working (the same ``facility_availability`` the drawdown check calls), its
programme's use, the approval trail and its loans; a loan's view carries its
schedule, payoff, days past due and delinquency class.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.availability import Availability, LimitPosition
from scf.credit.delinquency import CHINESE
from scf.credit.policy import load_policy
from scf.credit.repayments import Payoff
from scf.platform.auth.access import (
    Actor,
    facility_filter,
    visible_facility,
    visible_loan,
    visible_party,
)
from scf.platform.errors import ValidationFailed
from scf.platform.models import (
    Approval,
    CollateralItem,
    Drawdown,
    Facility,
    Loan,
    Party,
    Programme,
    Receivable,
    User,
    WarehouseReceipt,
)
from scf.platform.models.enums import FacilityStatus, LoanStatus, Product
from scf.platform.services.collateral.pledged import drawdown_collateral
from scf.platform.services.collateral.receipt_queries import margin_paid, release_allowance
from scf.platform.services.lending.facilities import authority_needed, pending_step
from scf.platform.services.lending.limits import (
    ProgrammeUsage,
    facility_availability,
    facility_position,
    programme_usage,
    reconcile_facility,
)
from scf.platform.services.lending.loan_book import (
    loan_payoff,
    outstanding_principal,
    reconcile_loan,
)


def _date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


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
            "drawn_on": _date(loan.drawn_on),
            "maturity_date": _date(loan.maturity_date),
            "repayment_method": loan.repayment_method.value,
            "status": loan.status.value,
            "days_past_due": loan.days_past_due,
            "delinquency_class": loan.delinquency_class,
        }


@dataclass
class FacilityView:
    facility: Facility
    party: Party
    position: LimitPosition
    availability: Availability
    usage: ProgrammeUsage | None
    pending: Approval | None
    authority_needed: str | None
    steps: list[tuple[Approval, str]]
    loans: list[LoanLine]
    drawdowns: list[Drawdown]
    collateral: list[CollateralItem]
    guarantors: list[tuple[Party, Any]]
    problems: list[str] = field(default_factory=list)
    as_of: dt.date = field(default_factory=dt.date.today)

    def summary(self) -> dict[str, object]:
        f = self.facility
        return {
            "id": f.id,
            "code": f.code,
            "party": {"uscc": self.party.uscc, "name": self.party.name},
            "product": f.product.value,
            "limit_amount": str(f.limit_amount),
            "status": f.status.value,
            "start_date": _date(f.start_date),
            "end_date": _date(f.end_date),
            "review_date": _date(f.review_date),
            "revolving": f.revolving,
            "repayment_method": None if f.repayment_method is None else f.repayment_method.value,
            "rate_annual": None if f.rate_annual is None else str(f.rate_annual),
            "used": str(self.position.used),
            "available": str(self.availability.amount),
        }

    def to_dict(self) -> dict[str, object]:
        return {
            **self.summary(),
            "as_of": self.as_of.isoformat(),
            "programme": None if self.usage is None else self.usage.to_dict(),
            "group_id": self.facility.group_id,
            "position": self.position.to_dict(),
            "availability": self.availability.to_dict(),
            "policy_version": self.facility.policy_version,
            "decision": self.facility.decision,
            "pending": None
            if self.pending is None
            else {
                "action": self.pending.action,
                "amount": str(self.pending.amount),
                "authority_needed": self.authority_needed,
            },
            "approvals": [
                {
                    "action": a.action,
                    "amount": None if a.amount is None else str(a.amount),
                    "actor": who,
                    "comment": a.comment,
                    "at": a.at.isoformat(),
                }
                for a, who in self.steps
            ],
            "guarantees": [
                {"guarantor": p.name, "kind": g.kind.value, "amount": str(g.amount)}
                for p, g in self.guarantors
            ],
            "collateral": [
                {"code": c.code, "kind": c.kind.value, "appraised_value": str(c.appraised_value)}
                for c in self.collateral
            ],
            "loans": [x.to_dict() for x in self.loans],
            "drawdowns": [drawdown_dict(d) for d in self.drawdowns],
            "reconciliation_problems": self.problems,
        }


def drawdown_dict(d: Drawdown) -> dict[str, object]:
    return {
        "id": d.id,
        "facility_id": d.facility_id,
        "amount": str(d.amount),
        "requested_on": _date(d.requested_on),
        "status": d.status,
        "loan_id": d.loan_id,
        "availability": (d.reason or {}).get("availability"),
    }


def facility_view(session: Session, actor: Actor, facility_id: int, on: dt.date) -> FacilityView:
    facility = visible_facility(session, actor, facility_id)
    party = session.get(Party, facility.party_id)
    assert party is not None
    position = facility_position(session, facility)
    collateral = drawdown_collateral(
        session, facility, on, exposure=position.exposure, policy=load_policy(on)
    )
    usage = None
    if facility.programme_id is not None:
        programme = session.get(Programme, facility.programme_id)
        assert programme is not None
        usage = programme_usage(session, programme)
    pending = pending_step(session, facility)
    users = dict(session.execute(sa.select(User.id, User.username)).all())
    steps = [
        (a, users.get(a.actor_id, str(a.actor_id)))
        for a in session.scalars(
            sa.select(Approval).where(Approval.facility_id == facility.id).order_by(Approval.id)
        )
    ]
    loans = list(
        session.scalars(sa.select(Loan).where(Loan.facility_id == facility.id).order_by(Loan.id))
    )
    return FacilityView(
        facility=facility,
        party=party,
        position=position,
        availability=facility_availability(
            session, facility, on, collateral=collateral.candidate, position=position
        ),
        usage=usage,
        pending=pending,
        authority_needed=None
        if pending is None or pending.amount is None
        else authority_needed(session, facility, pending.amount, on),
        steps=steps,
        loans=[LoanLine(x, outstanding_principal(x)) for x in loans],
        drawdowns=list(
            session.scalars(
                sa.select(Drawdown)
                .where(Drawdown.facility_id == facility.id)
                .order_by(Drawdown.id.desc())
            )
        ),
        collateral=list(
            session.scalars(
                sa.select(CollateralItem).where(CollateralItem.pledged_facility_id == facility.id)
            )
        ),
        guarantors=[(session.get(Party, g.guarantor_party_id), g) for g in facility.guarantees],  # type: ignore[misc]
        problems=reconcile_facility(session, facility)
        + [p for x in loans for p in reconcile_loan(x)],
        as_of=on,
    )


def list_facilities(
    session: Session,
    actor: Actor,
    *,
    party_uscc: str | None = None,
    status: str | None = None,
    product: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[int, list[tuple[Facility, Party, LimitPosition]]]:
    """Facilities the actor may see, newest first, each with its limit accounting."""
    query = sa.select(Facility, Party).join(Party, Party.id == Facility.party_id)
    clause = facility_filter(actor)
    if clause is not None:
        query = query.where(clause)
    if party_uscc:
        query = query.where(Facility.party_id == visible_party(session, actor, party_uscc).id)
    for name, value, enum_cls in (
        ("status", status, FacilityStatus),
        ("product", product, Product),
    ):
        if value:
            try:
                query = query.where(getattr(Facility, name) == enum_cls(value))
            except ValueError:
                raise ValidationFailed(
                    f"{name}: 未知取值 “{value}” (unknown)", errors={name: ["unknown"]}
                ) from None
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    query = query.order_by(Facility.id.desc()).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    rows = session.execute(query).all()
    return total, [(f, p, facility_position(session, f)) for f, p in rows]


def summary_dict(facility: Facility, party: Party, position: LimitPosition) -> dict[str, object]:
    return {
        "id": facility.id,
        "code": facility.code,
        "party": {"uscc": party.uscc, "name": party.name},
        "product": facility.product.value,
        "limit_amount": str(facility.limit_amount),
        "status": facility.status.value,
        "start_date": _date(facility.start_date),
        "end_date": _date(facility.end_date),
        "revolving": facility.revolving,
        "used": str(position.used),
        "available": str(position.available),
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
                    "due_date": _date(i.due_date),
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
        "paid_on": _date(r.paid_on),
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
