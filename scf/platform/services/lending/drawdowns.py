"""Drawdowns (提款): checked against availability, then blocked, then utilised.

A drawdown request locks the facility and its programme, computes availability
(``limit_accounting.facility_availability``: facility, collateral, programme, group)
and every rule on it and its collateral; if any fails it is refused with them and
nothing is written. Otherwise a pending loan blocks the amount and its receivables or
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

from scf.credit.availability import drawdown_rules
from scf.credit.dates import months_between
from scf.credit.explain import RuleResult, rule
from scf.credit.money import ZERO
from scf.credit.policy import load_policy
from scf.credit.schedules import term_rule
from scf.platform.auth.access import Actor, require_lender, visible_facility
from scf.platform.errors import Conflict, NotFound, ValidationFailed
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
from scf.platform.services.collateral.pledged import backing, drawdown_collateral
from scf.platform.services.lending.granting import refuse
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
    errors: dict[str, list[str]] = {}
    if request.amount <= 0:
        errors["amount"] = ["必须大于0 (must be positive)"]
    if request.instalments < 1:
        errors["instalments"] = ["至少1期 (at least one)"]
    if request.margin is not None and request.margin < 0:
        errors["margin"] = ["不能为负 (must not be negative)"]
    method = facility.repayment_method
    if request.repayment_method is not None:
        try:
            given = RepaymentMethod(request.repayment_method)
        except ValueError:
            errors["repayment_method"] = [f"未知还款方式 “{request.repayment_method}”"]
        else:
            if method is not None and given is not method:
                errors["repayment_method"] = [
                    f"额度核定的还款方式为 {method.value} (the facility fixes {method.value})"
                ]
            method = given
    if method is None and "repayment_method" not in errors:
        errors["repayment_method"] = ["额度未核定还款方式，须填写 (required for this facility)"]
    rate = request.rate_annual if request.rate_annual is not None else facility.rate_annual
    if rate is None:
        errors["rate_annual"] = ["额度未核定利率，须填写 (required for this facility)"]
    elif not ZERO < rate < 1:
        errors["rate_annual"] = ["须在0与1之间，如0.0815 (a ratio between 0 and 1)"]
    if errors:
        first = next(iter(errors))
        raise ValidationFailed(f"{first}: {errors[first][0]}", errors=errors)
    assert method is not None and rate is not None
    return method, rate


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


def _term_rule(session: Session, facility: Facility, request: DrawdownRequest) -> RuleResult:
    kinds = {
        k.value
        for k in session.scalars(
            sa.select(CollateralItem.kind).where(CollateralItem.pledged_facility_id == facility.id)
        )
    }
    return term_rule(
        months_between(request.requested_on, request.maturity_date),
        deposit_or_bond_pledged=bool(kinds) and kinds <= {"deposit", "bond"},
        policy=load_policy(request.requested_on),
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
    kind = backing(facility.product, policy)
    _named_collateral(request, kind)
    position = facility_position(session, facility)
    collateral = drawdown_collateral(
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
    available = facility_availability(
        session, facility, request.requested_on, collateral=collateral.candidate, position=position
    )
    status = facility.status.value
    if status == "active" and request.requested_on > facility.end_date:
        status = "expired"
    rules = [
        *drawdown_rules(
            amount=request.amount,
            on=request.requested_on,
            maturity=request.maturity_date,
            facility_status=status,
            facility_start=facility.start_date,
            facility_end=facility.end_date,
            available=available,
        ),
        _term_rule(session, facility, request),
        *collateral.rules,
    ]
    if any(r.result == "fail" for r in rules):
        raise refuse("提款被拒绝，未写入任何数据 (drawdown refused; nothing written)", rules)
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
    _pledge(session, loan, collateral.receivables, collateral.receipts, request)
    drawdown = Drawdown(
        facility_id=facility.id,
        amount=request.amount,
        requested_on=request.requested_on,
        status=DrawdownStatus.PENDING.value,
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
    if request.disburse:
        disburse_drawdown(session, actor, drawdown.id, on=request.requested_on)
    return drawdown


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
    drawdown = session.get(Drawdown, drawdown_id)
    if drawdown is None:
        raise NotFound(f"未找到提款 (drawdown not found): {drawdown_id}")
    visible_facility(session, actor, drawdown.facility_id)
    facility = lock_facility(session, drawdown.facility_id)
    session.refresh(drawdown)
    if drawdown.status != DrawdownStatus.PENDING.value:
        raise Conflict(f"提款 {drawdown_id} 状态为 {drawdown.status} (not pending)")
    loan = session.get(Loan, drawdown.loan_id)
    assert facility is not None and loan is not None
    return drawdown, facility, loan


@use_case
def disburse_drawdown(session: Session, actor: Actor, drawdown_id: int, *, on: dt.date) -> Loan:
    """Blocked → utilised: the loan becomes active with its schedule from the engine."""
    require_lender(actor)
    drawdown, facility, loan = _pending(session, actor, drawdown_id)
    rules = [
        rule(
            "facility_active",
            "[003 §八]",
            facility.status.value == "active" and on <= facility.end_date,
            facility.status.value,
            "active",
            "额度须为有效状态 (the facility must be active)",
        ),
        rule(
            "disbursed_on_or_after_request",
            "[003 §十(一)]",
            drawdown.requested_on <= on < loan.maturity_date,
            on.isoformat(),
            f"{drawdown.requested_on.isoformat()} ≤ 放款日 < {loan.maturity_date.isoformat()}",
            "放款日不得早于申请日、须早于到期日 (disbursed between request and maturity)",
        ),
    ]
    if any(not r.ok for r in rules):
        raise refuse("放款被拒绝 (disbursal refused)", rules)
    before = loan_snapshot(loan)
    loan.drawn_on = on
    loan.status = LoanStatus.ACTIVE
    store_schedule(loan, schedule_for(loan, int(drawdown.reason.get("instalments", 1))))
    drawdown.status = DrawdownStatus.UTILISED.value
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
    drawdown.status = DrawdownStatus.CANCELLED.value
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
