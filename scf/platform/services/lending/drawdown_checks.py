"""What a drawdown is checked against: at its request, and again when it is paid out.

At the request (``request_check``): the request's own figures, then its collateral and
availability at every level (``limits.facility_availability``: facility, collateral,
programme, joint-guarantee group, related-party group, customer) and every rule on it
(``scf.credit.drawdowns``, ``scf.credit.collateral``).

At disbursal (``disbursal_check``): the limits may have shrunk since the request —
another drawdown, a lowered limit, a price fall, goods released, a freeze, expiry, a
revised net capital — so availability is computed again with the pending loan itself
left out of every sum, and its own collateral valued again on the day
(``pledged.drawdown_collateral(pledged_to=…)``). Both run under the locks of
``limits.lock_limits``; a failing rule refuses the step and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.availability import Availability, LimitPosition
from scf.credit.business_dates import drawdown_value_date_problem, in_the_future
from scf.credit.drawdowns import (
    disbursal_rules,
    drawdown_rules,
    drawdown_term_rule,
    drawdown_terms,
)
from scf.credit.explain import RuleResult
from scf.credit.policy import Policy, load_policy
from scf.platform.clock import business_today
from scf.platform.errors import ValidationFailed
from scf.platform.models import CollateralItem, Facility, Loan, Receivable, WarehouseReceipt
from scf.platform.models.enums import RepaymentMethod
from scf.platform.services.collateral.pledged import (
    DrawdownCollateral,
    backing,
    drawdown_collateral,
)
from scf.platform.services.collateral.receipt_queries import margin_paid
from scf.platform.services.lending.limits import facility_availability, facility_position


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


def validated_terms(
    request: DrawdownRequest, facility: Facility
) -> tuple[RepaymentMethod, Decimal]:
    """The request's own figures, then the method and rate it takes (``drawdown_terms``)."""
    errors: dict[str, list[str]] = {}
    if request.amount <= 0:
        errors["amount"] = ["必须大于0 (must be positive)"]
    if request.instalments < 1:
        errors["instalments"] = ["至少1期 (at least one)"]
    if request.margin is not None and request.margin < 0:
        errors["margin"] = ["不能为负 (must not be negative)"]
    value_date = drawdown_value_date_problem(
        request.requested_on,
        today=business_today(),
        policy=load_policy(request.requested_on),
    ) or in_the_future(request.requested_on, business_today())
    if value_date:
        errors["requested_on"] = [value_date]
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


@dataclass(frozen=True)
class RequestCheck:
    """A request's verdict and what it was decided on."""

    rules: list[RuleResult]
    available: Availability
    position: LimitPosition
    collateral: DrawdownCollateral
    policy: Policy


def request_check(session: Session, facility: Facility, request: DrawdownRequest) -> RequestCheck:
    """Every rule on the request, availability at every level among them."""
    policy = load_policy(request.requested_on)
    position = facility_position(session, facility)
    kind = backing(facility.product, policy)
    _named_collateral(request, kind)
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
    return RequestCheck(rules, available, position, collateral, policy)


def _own_collateral(
    session: Session, facility: Facility, loan: Loan, on: dt.date
) -> DrawdownCollateral:
    """The pending loan's own collateral valued on ``on``: the receivables or receipts
    pledged to it (with the margin paid on it), or the facility's items less what the
    facility owes besides this loan."""
    policy = load_policy(on)
    kind = backing(facility.product, policy)
    codes = session.scalars(sa.select(Receivable.code).where(Receivable.pledged_loan_id == loan.id))
    numbers = session.scalars(
        sa.select(WarehouseReceipt.number).where(WarehouseReceipt.pledged_loan_id == loan.id)
    )
    return drawdown_collateral(
        session,
        facility,
        on,
        exposure=facility_position(session, facility, leave_out=loan.id).exposure,
        policy=policy,
        receivable_codes=list(codes) if kind == "receivables" else None,
        receipt_numbers=list(numbers) if kind == "warehouse_receipts" else None,
        margin=margin_paid(session, loan.id),
        amount=loan.principal,
        maturity=loan.maturity_date,
        pledged_to=loan.id,
    )


def disbursal_check(
    session: Session, facility: Facility, loan: Loan, requested_on: dt.date, on: dt.date
) -> tuple[list[RuleResult], Availability]:
    """Every rule on paying the pending loan (requested on ``requested_on``) out on ``on``,
    and availability without it."""
    collateral = _own_collateral(session, facility, loan, on)
    available = facility_availability(
        session, facility, on, collateral=collateral.candidate, leave_out=loan.id
    )
    rules = [
        *disbursal_rules(
            amount=loan.principal,
            facility_status=facility.status.value,
            facility_end=facility.end_date,
            requested_on=requested_on,
            on=on,
            maturity=loan.maturity_date,
            available=available,
        ),
        *collateral.rules,
    ]
    return rules, available
