"""Warehouse receipts as pages and the API read them: a receipt the actor may see, what
of it may leave the warehouse now and why, the margin paid on its loan, and the check
that its stored quantities agree with its releases and its parts.

Read side only: nothing here writes. The commands are in ``receipts``; how much may
leave is decided by ``scf.credit.pledges`` (repayment or 保兑仓 margin) from the facts
gathered here [003 §七(四)2, §六(九)].
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

from scf.credit.goods import goods_advance_rate
from scf.credit.money import ZERO
from scf.credit.pledges import (
    Allowance,
    Position,
    margin_allowance,
    releases_with_margin,
    repayment_allowance,
    secured_balance,
    unpledged_allowance,
)
from scf.credit.policy import load_policy
from scf.platform.auth.access import Actor, can_view_party
from scf.platform.auth.not_found import not_found
from scf.platform.models import Loan, MarginDeposit, ReceiptRelease, WarehouseReceipt
from scf.platform.models.enums import ReceiptStatus
from scf.platform.models.types import Quantity
from scf.platform.services.collateral.pledged import receipt_position
from scf.platform.services.lending.balances import outstanding_principal
from scf.platform.services.lending.limits import money_sum

LIVE = (ReceiptStatus.ISSUED, ReceiptStatus.PLEDGED)


def receipt_snapshot(receipt: WarehouseReceipt) -> dict[str, object]:
    return {
        "number": receipt.number,
        "status": receipt.status.value,
        "quantity": str(receipt.quantity),
        "released_quantity": str(receipt.released_quantity),
        "pledged_loan_id": receipt.pledged_loan_id,
        "parent_id": receipt.parent_id,
    }


def visible_receipt(
    session: Session, actor: Actor, number: str, *, lock: bool = False
) -> WarehouseReceipt:
    query = sa.select(WarehouseReceipt).where(WarehouseReceipt.number == number)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    receipt = session.scalar(query)
    if receipt is None or not can_view_party(session, actor, receipt.owner_party_id):
        raise not_found("warehouse_receipt", number)
    return receipt


def _loan_positions(session: Session, loan: Loan, on: dt.date) -> list[Position]:
    live = session.scalars(
        sa.select(WarehouseReceipt)
        .where(WarehouseReceipt.pledged_loan_id == loan.id, WarehouseReceipt.status.in_(LIVE))
        .order_by(WarehouseReceipt.id)
    )
    return [receipt_position(session, r, on) for r in live]


def margin_paid(session: Session, loan_id: int) -> Decimal:
    return (
        session.scalar(
            sa.select(money_sum(MarginDeposit.amount)).where(MarginDeposit.loan_id == loan_id)
        )
        or ZERO
    )


def released_value(session: Session, loan_id: int) -> Decimal:
    return (
        session.scalar(
            sa.select(money_sum(ReceiptRelease.value)).where(ReceiptRelease.loan_id == loan_id)
        )
        or ZERO
    )


def release_allowance(session: Session, receipt: WarehouseReceipt, on: dt.date) -> Allowance:
    """How much of ``receipt`` may leave the warehouse on ``on``, and why."""
    position = receipt_position(session, receipt, on)
    free = unpledged_allowance(
        receipt.number, receipt.status.value, receipt.pledged_loan_id is not None, position.quantity
    )
    if free is not None:
        return free
    loan = session.get(Loan, receipt.pledged_loan_id)
    assert loan is not None
    balance = secured_balance(loan.status.value, loan.principal, outstanding_principal(loan))
    if releases_with_margin(loan.product.value, balance):
        return margin_allowance(
            position,
            margin_paid=margin_paid(session, loan.id),
            released_value=released_value(session, loan.id),
        )
    return repayment_allowance(
        _loan_positions(session, loan, on),
        receipt.number,
        balance=balance,
        rate=goods_advance_rate(load_policy(on)),
    )


def _quantity_sum(
    session: Session, column: InstrumentedAttribute[Decimal], *where: sa.ColumnElement[bool]
) -> Decimal:
    """Σ of a quantity column over the rows selected, typed as a quantity."""
    total = sa.type_coerce(sa.func.coalesce(sa.func.sum(column), 0), Quantity())
    return session.scalar(sa.select(total).where(*where)) or ZERO


def reconcile_receipt(session: Session, receipt: WarehouseReceipt) -> list[str]:
    """``released_quantity`` = Σ releases; a split parent's children hold what it had left."""
    problems = []
    released = _quantity_sum(
        session, ReceiptRelease.quantity, ReceiptRelease.receipt_id == receipt.id
    )
    if released != receipt.released_quantity:
        problems.append(
            f"{receipt.number}: released {receipt.released_quantity} ≠ Σ releases {released}"
        )
    left = receipt.quantity - receipt.released_quantity
    if receipt.status is ReceiptStatus.SPLIT:
        children = _quantity_sum(
            session, WarehouseReceipt.quantity, WarehouseReceipt.parent_id == receipt.id
        )
        if children != left:
            problems.append(f"{receipt.number}: children hold {children}, parent had {left}")
    return problems
