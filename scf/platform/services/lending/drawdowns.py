"""Drawdowns (提款): checked against availability, then blocked, then utilised.

A drawdown request locks the facility and its programme, computes availability
(``limits.facility_availability``: facility, collateral, programme, group) and asks
every rule on it and its collateral (``scf.credit.drawdowns``, ``scf.credit.collateral``;
the same ``facility_active`` again at disbursal); if any fails it is refused with them
and nothing is written. Otherwise a pending loan blocks the amount and its receivables or
warehouse receipts are pledged to it; disbursal turns it into an active loan with its
schedule from the credit engine (utilised); cancelling a pending one frees the amount
and the collateral.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.availability import Availability, LimitPosition
from scf.credit.drawdowns import (
    disbursal_rules,
    drawdown_rules,
    drawdown_term_rule,
    drawdown_terms,
)
from scf.credit.policy import Policy, load_policy
from scf.platform.auth.access import Actor, require_lender, visible_drawdown, visible_facility
from scf.platform.errors import Conflict, ValidationFailed
from scf.platform.models import (
    CollateralItem,
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
from scf.platform.services.collateral.pledged import (
    DrawdownCollateral,
    backing,
    drawdown_collateral,
)
from scf.platform.services.lending.limits import (
    facility_availability,
    facility_position,
    lock_facility,
)
from scf.platform.services.lending.loan_book import (
    loan_snapshot,
    refresh_delinquency,
    schedule_for,
    store_schedule,
)
from scf.platform.services.lending.refusals import refuse
from scf.platform.services.unit_of_work import use_case


@dataclass(frozen=True)
class DrawdownRequest:
    amount: Decimal
    requested_on: dt.date
    maturity_date: dt.date
    instalments: int = 1
    repayment_method: str | None = None
    rate_annual: Decimal | None = None
    receivable_codes: tuple[str, ...] = ()
    receipt_numbers: tuple[str, ...] = ()
    margin: Decimal | None = None
    disburse: bool = True


def _validate(request: DrawdownRequest, facility: Facility) -> tuple[RepaymentMethod, Decimal]:
    """The request's own figures, then the method and rate it takes (``drawdown_terms``)."""
    errors: dict[str, list[str]] = {}
    if request.amount <= 0:
        errors["amount"] = ["必须大于0 (must be positive)"]
    if request.instalments < 1:
        errors["instalments"] = ["至少1期 (at least one)"]
    if request.margin is not None and request.margin < 0:
        errors["margin"] = ["不能为负 (must not be negative)"]
    named = None
    if request.repayment_method is not None:
        try:
            named = RepaymentMethod(request.repayment_method).value
        except ValueError:
            errors["repayment_method"] = [f"未知还款方式 “{request.repayment_method}”"]
    terms = drawdown_terms(
        facility_method=None
        if facility.repayment_method is None
        else facility.repayment_method.value,
        facility_rate=facility.rate_annual,
        method=named,
        rate=request.rate_annual,
    )
    for name, message in terms.errors.items():
        errors.setdefault(name, [message])
    if errors:
        first = next(iter(errors))
        raise ValidationFailed(f"{first}: {errors[first][0]}", errors=errors)
    assert terms.method is not None and terms.rate is not None
    return RepaymentMethod(terms.method), terms.rate


def _named_collateral(request: DrawdownRequest, kind: str) -> None:
    if kind == "receivables" and not request.receivable_codes:
        raise ValidationFailed(
            "receivables (应收账款): 须列明质押的应收账款 (name the receivables pledged)",
            errors={"receivables": ["必填 (required for this product)"]},
        )
    if kind == "warehouse_receipts" and not request.receipt_numbers:
        raise ValidationFailed(
            "warehouse_receipts (仓单): 须列明质押的仓单 (name the warehouse receipts pledged)",
            errors={"warehouse_receipts": ["必填 (required for this product)"]},
        )


def _pledged_kinds(session: Session, facility: Facility) -> set[str]:
    """The kinds of the collateral items attached to the facility (the term limit reads them)."""
    return {
        k.value
        for k in session.scalars(
            sa.select(CollateralItem.kind).where(CollateralItem.pledged_facility_id == facility.id)
        )
    }


def _collateral(
    session: Session,
    facility: Facility,
    request: DrawdownRequest,
    position: LimitPosition,
    policy: Policy,
) -> DrawdownCollateral:
    """What backs the drawdown: the receivables or receipts it names, or the facility's items."""
    kind = backing(facility.product, policy)
    _named_collateral(request, kind)
    return drawdown_collateral(
        session,
        facility,
        request.requested_on,
        exposure=position.exposure,
        policy=policy,
        receivable_codes=list(request.receivable_codes) if kind == "receivables" else None,
        receipt_numbers=list(request.receipt_numbers) if kind == "warehouse_receipts" else None,
        margin=request.margin,
        amount=request.amount,
        maturity=request.maturity_date,
    )


@use_case
def request_drawdown(
    session: Session, actor: Actor, facility_id: int, request: DrawdownRequest
) -> Drawdown:
    """Check and block a drawdown (and disburse it unless ``request.disburse`` is False)."""
    require_lender(actor)
    # Lock first (on SQLite the write lock must come before any read), then check access.
    facility = lock_facility(session, facility_id)
    visible_facility(session, actor, facility_id)
    assert facility is not None
    method, rate = _validate(request, facility)
    policy = load_policy(request.requested_on)
    position = facility_position(session, facility)
    collateral = _collateral(session, facility, request, position, policy)
    available = facility_availability(
        session, facility, request.requested_on, collateral=collateral.candidate, position=position
    )
    rules = [
        *drawdown_rules(
            amount=request.amount,
            on=request.requested_on,
            maturity=request.maturity_date,
            facility_status=facility.status.value,
            facility_start=facility.start_date,
            facility_end=facility.end_date,
            available=available,
        ),
        drawdown_term_rule(
            request.requested_on, request.maturity_date, _pledged_kinds(session, facility), policy
        ),
        *collateral.rules,
    ]
    if any(r.result == "fail" for r in rules):
        raise refuse("提款被拒绝，未写入任何数据 (drawdown refused; nothing written)", rules)
    loan = _pending_loan(session, facility, request, method, rate)
    _pledge(session, loan, collateral.receivables, collateral.receipts, request)
    drawdown = Drawdown(
        facility_id=facility.id,
        amount=request.amount,
        requested_on=request.requested_on,
        status=DrawdownStatus.PENDING,
        loan_id=loan.id,
        requested_by_id=actor.user_id,
        reason={
            "availability": available.to_dict(),
            "rules": [r.to_dict() for r in rules],
            "collateral": collateral.detail,
            "instalments": request.instalments,
            "policy_version": policy.version,
        },
    )
    session.add(drawdown)
    session.flush()
    _audit_request(session, actor, drawdown, loan, facility, position, available)
    if request.disburse:
        disburse_drawdown(session, actor, drawdown.id, on=request.requested_on)
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


def _pending(session: Session, actor: Actor, drawdown_id: int) -> tuple[Drawdown, Facility, Loan]:
    drawdown = visible_drawdown(session, actor, drawdown_id)
    facility = lock_facility(session, drawdown.facility_id)
    session.refresh(drawdown)
    if drawdown.status is not DrawdownStatus.PENDING:
        raise Conflict(f"提款 {drawdown_id} 状态为 {drawdown.status.value} (not pending)")
    loan = session.get(Loan, drawdown.loan_id)
    assert facility is not None and loan is not None
    return drawdown, facility, loan


@use_case
def disburse_drawdown(session: Session, actor: Actor, drawdown_id: int, *, on: dt.date) -> Loan:
    """Blocked → utilised: the loan becomes active with its schedule from the engine."""
    require_lender(actor)
    drawdown, facility, loan = _pending(session, actor, drawdown_id)
    rules = disbursal_rules(
        facility_status=facility.status.value,
        facility_end=facility.end_date,
        requested_on=drawdown.requested_on,
        on=on,
        maturity=loan.maturity_date,
    )
    if any(not r.ok for r in rules):
        raise refuse("放款被拒绝 (disbursal refused)", rules)
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
        context={"drawdown_id": drawdown.id},
    )
    session.flush()
    return loan


@use_case
def cancel_drawdown(session: Session, actor: Actor, drawdown_id: int, *, reason: str) -> Drawdown:
    """Blocked → available again; the receivables and receipts are freed."""
    require_lender(actor)
    drawdown, _facility, loan = _pending(session, actor, drawdown_id)
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
