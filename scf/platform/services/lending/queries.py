"""Read model of facilities for the API, the pages and the CLI (one place).

A facility's view carries its limit accounting, each candidate of availability with
its working (the same ``facility_availability`` the drawdown check calls), its
programme's use, the approval trail — with the step awaiting a decision and the
authority it needs — and its loans (``loan_queries`` is the loans' read model).
Nothing here writes; the commands are in ``facilities``, ``drawdowns`` and
``facility_status``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.authority import lowest_sufficient_level
from scf.credit.availability import Availability, LimitPosition
from scf.credit.policy import load_policy
from scf.platform.auth.access import Actor, facility_filter, visible_facility, visible_party
from scf.platform.errors import ValidationFailed
from scf.platform.models import (
    Approval,
    CollateralItem,
    Drawdown,
    Facility,
    Loan,
    Party,
    Programme,
    User,
)
from scf.platform.models.enums import ApprovalAction, FacilityStatus, Product
from scf.platform.services.collateral.pledged import drawdown_collateral
from scf.platform.services.lending.balances import outstanding_principal
from scf.platform.services.lending.freezes import FreezeView, freeze_view
from scf.platform.services.lending.granting import party_total_limits
from scf.platform.services.lending.limits import (
    ProgrammeUsage,
    facility_availability,
    facility_position,
    programme_usage,
    reconcile_facility,
)
from scf.platform.services.lending.loan_queries import LoanLine, iso, reconcile_loan

PROPOSALS = (ApprovalAction.PROPOSE, ApprovalAction.RESUBMIT, ApprovalAction.PROPOSE_CHANGE)


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
    freeze: FreezeView | None = None  # who froze it and why; an unfreeze awaiting approval

    def summary(self) -> dict[str, object]:
        f = self.facility
        return {
            "id": f.id,
            "code": f.code,
            "party": {"uscc": self.party.uscc, "name": self.party.name},
            "product": f.product.value,
            "limit_amount": str(f.limit_amount),
            "status": f.status.value,
            "start_date": iso(f.start_date),
            "end_date": iso(f.end_date),
            "review_date": iso(f.review_date),
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
            "freeze": None if self.freeze is None else self.freeze.to_dict(),
        }


def drawdown_dict(d: Drawdown) -> dict[str, object]:
    return {
        "id": d.id,
        "facility_id": d.facility_id,
        "amount": str(d.amount),
        "requested_on": iso(d.requested_on),
        "status": d.status.value,
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
    steps = [(a, users.get(a.actor_id, str(a.actor_id))) for a in approvals(session, facility)]
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
        freeze=freeze_view(session, facility),
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
        "start_date": iso(facility.start_date),
        "end_date": iso(facility.end_date),
        "revolving": facility.revolving,
        "used": str(position.used),
        "available": str(position.available),
    }


def approvals(session: Session, facility: Facility) -> list[Approval]:
    return list(
        session.scalars(
            sa.select(Approval).where(Approval.facility_id == facility.id).order_by(Approval.id)
        )
    )


def pending_step(session: Session, facility: Facility) -> Approval | None:
    """The proposal awaiting a decision: a new facility's, or a limit change's."""
    steps = approvals(session, facility)
    last = steps[-1] if steps else None
    if last is None or last.action not in {a.value for a in PROPOSALS}:
        return None
    if facility.status in (FacilityStatus.PROPOSED,) or (
        last.action == ApprovalAction.PROPOSE_CHANGE.value
        and facility.status in (FacilityStatus.ACTIVE, FacilityStatus.FROZEN)
    ):
        return last
    return None


def authority_needed(
    session: Session, facility: Facility, amount: Decimal, on: dt.date
) -> str | None:
    """The lowest approval level that may approve ``amount`` on this facility."""
    total = party_total_limits(session, facility.party_id, facility.id) + amount
    return lowest_sufficient_level(facility.product.value, total, load_policy(on))
