"""Drawdowns (提款): checked against availability, then blocked, then utilised.

A drawdown request locks every level that can bind it (``limits.lock_limits``: group,
customer, joint group, programme, facility, in that order) and asks every rule on it
(``drawdown_checks.request_check``: availability at every level, collateral, term); if
any fails it is refused with them and nothing is written. Otherwise a pending loan
blocks the amount — at every level, beside outstanding principal — and its receivables
or warehouse receipts are pledged to it. Disbursal takes the same locks and checks
again (``drawdown_checks.disbursal_check``: the limits may have shrunk meanwhile), then
turns it into an active loan with its schedule from the credit engine (utilised); a
drawdown paid out at once was checked a moment before under the same locks, on the
same day, and is not checked twice. Cancelling a pending one frees the amount and the
collateral.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.availability import Availability, LimitPosition
from scf.platform.auth.access import Actor, require_lender, visible_drawdown, visible_facility
from scf.platform.errors import Conflict, ValidationFailed
from scf.platform.models import (
    Drawdown,
    Facility,
    Loan,
    MarginDeposit,
    Receivable,
    WarehouseReceipt,
)
from scf.platform.models.enums import (
    DrawdownStatus,
    LoanStatus,
    ReceiptStatus,
    RepaymentMethod,
)
from scf.platform.services import audit
from scf.platform.services.lending.drawdown_checks import (
    DrawdownRequest,
    disbursal_check,
    request_check,
    validated_terms,
)
from scf.platform.services.lending.limits import facility_position, lock_facility, lock_limits
from scf.platform.services.lending.loan_book import (
    loan_snapshot,
    refresh_delinquency,
    schedule_for,
    store_schedule,
)
from scf.platform.services.lending.refusals import refuse
from scf.platform.services.unit_of_work import use_case

__all__ = ["DrawdownRequest", "cancel_drawdown", "disburse_drawdown", "request_drawdown"]


@use_case
def request_drawdown(
    session: Session, actor: Actor, facility_id: int, request: DrawdownRequest
) -> Drawdown:
    """Check and block a drawdown (and disburse it unless ``request.disburse`` is False)."""
    require_lender(actor)
    # Lock first (on SQLite the write lock must come before any read), then check access.
    facility = lock_limits(session, facility_id, request.requested_on)
    visible_facility(session, actor, facility_id)
    assert facility is not None
    method, rate = validated_terms(request, facility)
    check = request_check(session, facility, request)
    if any(r.result == "fail" for r in check.rules):
        raise refuse("提款被拒绝，未写入任何数据 (drawdown refused; nothing written)", check.rules)
    loan = _pending_loan(session, facility, request, method, rate)
    _pledge(session, loan, check.collateral.receivables, check.collateral.receipts, request)
    drawdown = Drawdown(
        facility_id=facility.id,
        amount=request.amount,
        requested_on=request.requested_on,
        status=DrawdownStatus.PENDING,
        loan_id=loan.id,
        requested_by_id=actor.user_id,
        reason={
            "availability": check.available.to_dict(),
            "rules": [r.to_dict() for r in check.rules],
            "collateral": check.collateral.detail,
            "instalments": request.instalments,
            "policy_version": check.policy.version,
        },
    )
    session.add(drawdown)
    session.flush()
    _audit_request(session, actor, drawdown, loan, facility, check.position, check.available)
    if request.disburse:
        _utilise(session, actor, drawdown, loan, request.requested_on, check.available)
    return drawdown


def _audit_request(
    session: Session,
    actor: Actor,
    drawdown: Drawdown,
    loan: Loan,
    facility: Facility,
    position: LimitPosition,
    available: Availability,
) -> None:
    """The request in the audit log: the facility's position before and after it."""
    audit.record(
        session,
        actor,
        "drawdown.request",
        "drawdown",
        drawdown.id,
        before={"position": position.to_dict()},
        after={
            "loan": loan_snapshot(loan),
            "position": facility_position(session, facility).to_dict(),
        },
        context={"availability": available.to_dict()},
    )


def _pending_loan(
    session: Session,
    facility: Facility,
    request: DrawdownRequest,
    method: RepaymentMethod,
    rate: Decimal,
) -> Loan:
    """The loan a checked drawdown becomes, pending (it blocks the amount) until disbursed."""
    loan = Loan(
        code=f"LN{request.requested_on:%Y%m%d}{secrets.token_hex(3).upper()}",
        facility_id=facility.id,
        party_id=facility.party_id,
        product=facility.product,
        principal=request.amount,
        rate_annual=rate,
        drawn_on=request.requested_on,
        maturity_date=request.maturity_date,
        repayment_method=method,
        status=LoanStatus.PENDING,
    )
    session.add(loan)
    session.flush()
    return loan


def _pledge(
    session: Session,
    loan: Loan,
    receivables: list[Receivable],
    receipts: list[WarehouseReceipt],
    request: DrawdownRequest,
) -> None:
    for receivable in receivables:
        receivable.pledged_loan_id = loan.id
        receivable.pledged_on = request.requested_on
    for receipt in receipts:
        receipt.pledged_loan_id = loan.id
        receipt.status = ReceiptStatus.PLEDGED
    if request.margin:
        session.add(
            MarginDeposit(
                loan_id=loan.id,
                paid_on=request.requested_on,
                amount=request.margin,
                reference="initial",
            )
        )


def _pending(
    session: Session, actor: Actor, drawdown_id: int, on: dt.date | None
) -> tuple[Drawdown, Facility, Loan]:
    """The pending drawdown re-read under the locks of its facility: every level for a
    disbursal on ``on``, the programme and facility rows for a cancellation (None)."""
    drawdown = visible_drawdown(session, actor, drawdown_id)
    if on is None:
        facility = lock_facility(session, drawdown.facility_id)
    else:
        facility = lock_limits(session, drawdown.facility_id, on)
    session.refresh(drawdown)
    if drawdown.status is not DrawdownStatus.PENDING:
        raise Conflict(f"提款 {drawdown_id} 状态为 {drawdown.status.value} (not pending)")
    loan = session.get(Loan, drawdown.loan_id)
    assert facility is not None and loan is not None
    return drawdown, facility, loan


@use_case
def disburse_drawdown(session: Session, actor: Actor, drawdown_id: int, *, on: dt.date) -> Loan:
    """Blocked → utilised, if it still fits: availability is checked again under the same
    locks as the request, the loan itself left out; refused, nothing is written."""
    require_lender(actor)
    drawdown, facility, loan = _pending(session, actor, drawdown_id, on)
    rules, available = disbursal_check(session, facility, loan, drawdown.requested_on, on)
    if any(not r.ok for r in rules):
        raise refuse("放款被拒绝，未写入任何数据 (disbursal refused; nothing written)", rules)
    return _utilise(session, actor, drawdown, loan, on, available)


def _utilise(
    session: Session,
    actor: Actor,
    drawdown: Drawdown,
    loan: Loan,
    on: dt.date,
    available: Availability,
) -> Loan:
    """The loan becomes active with its schedule from the engine."""
    before = loan_snapshot(loan)
    loan.drawn_on = on
    loan.status = LoanStatus.ACTIVE
    store_schedule(loan, schedule_for(loan, int(drawdown.reason.get("instalments", 1))))
    drawdown.status = DrawdownStatus.UTILISED
    session.flush()
    refresh_delinquency(loan, on)
    audit.record(
        session,
        actor,
        "drawdown.disburse",
        "loan",
        loan.id,
        before=before,
        after={**loan_snapshot(loan), "instalments": len(loan.instalments)},
        context={"drawdown_id": drawdown.id, "availability": available.to_dict()},
    )
    session.flush()
    return loan


@use_case
def cancel_drawdown(session: Session, actor: Actor, drawdown_id: int, *, reason: str) -> Drawdown:
    """Blocked → available again; the receivables and receipts are freed."""
    require_lender(actor)
    drawdown, _facility, loan = _pending(session, actor, drawdown_id, None)
    if not (reason or "").strip():
        raise ValidationFailed("reason (原因): 必填 (required)", errors={"reason": ["required"]})
    before = loan_snapshot(loan)
    for receivable in session.scalars(
        sa.select(Receivable).where(Receivable.pledged_loan_id == loan.id)
    ):
        receivable.pledged_loan_id = None
        receivable.pledged_on = None
    for receipt in session.scalars(
        sa.select(WarehouseReceipt).where(WarehouseReceipt.pledged_loan_id == loan.id)
    ):
        receipt.pledged_loan_id = None
        receipt.status = ReceiptStatus.ISSUED
    loan.status = LoanStatus.CANCELLED
    drawdown.status = DrawdownStatus.CANCELLED
    audit.record(
        session,
        actor,
        "drawdown.cancel",
        "drawdown",
        drawdown.id,
        before=before,
        after=loan_snapshot(loan),
        context={"reason": reason},
    )
    session.flush()
    return drawdown
