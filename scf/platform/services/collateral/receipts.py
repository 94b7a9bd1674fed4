"""Warehouse receipts (仓单) over their life: issued, pledged, split, released, cancelled.

A supervisor (仓储监管机构) issues a receipt for goods it holds; a drawdown pledges it to
a loan (``drawdowns.request_drawdown``); it may be split into smaller receipts (the
pledge follows the goods); goods leave it only as far as the loan allows — 随还随提, the
goods left still cover the balance, or for 保兑仓 the goods released stay within the
margin paid (随缴保证金随提货) [003 §七(四)2, §六(九)] [000 §三(二)5]; an unpledged receipt
with nothing released may be cancelled. ``released_quantity`` is the sum of the
``ReceiptRelease`` rows, and ``receipt_queries.reconcile_receipt`` proves it. Each
function here is one use case; what pages read is in ``receipt_queries``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.collateral import issued_by_supervisor, price_known, receipt_cancellable
from scf.credit.money import ZERO, quantize_fen
from scf.credit.pledges import release_rule, split_rule
from scf.platform.auth.access import Actor, require_lender, visible_loan, visible_party
from scf.platform.errors import Conflict, ValidationFailed
from scf.platform.models import (
    Commodity,
    Loan,
    MarginDeposit,
    Party,
    ReceiptRelease,
    WarehouseReceipt,
)
from scf.platform.models.enums import LoanStatus, Product, ReceiptStatus, ReleaseBasis
from scf.platform.services import audit
from scf.platform.services.collateral.pledged import latest_price
from scf.platform.services.collateral.receipt_queries import (
    LIVE,
    margin_paid,
    receipt_snapshot,
    release_allowance,
    visible_receipt,
)
from scf.platform.services.lending.limits import lock_facility
from scf.platform.services.lending.refusals import refuse
from scf.platform.services.unit_of_work import use_case

# What each part of a split receipt keeps of it: whose goods, where, which, and the pledge.
INHERITED_BY_PARTS = (
    "owner_party_id",
    "supervisor_party_id",
    "warehouse",
    "commodity_code",
    "unit",
    "status",
    "pledged_loan_id",
)


def _positive(value: Decimal, field: str) -> Decimal:
    if value <= 0:
        raise ValidationFailed(
            f"{field}: 必须大于0 (must be positive)",
            errors={field: ["必须大于0 (must be positive)"]},
        )
    return value


def _audit(
    session: Session, actor: Actor, action: str, receipt: WarehouseReceipt, **change: Any
) -> None:
    """A step in the receipt's life in the audit log: ``before``, ``after`` (the receipt
    now unless given) and ``context``, as ``audit.record`` takes them."""
    change.setdefault("after", receipt_snapshot(receipt))
    audit.record(session, actor, f"receipt.{action}", "warehouse_receipt", receipt.id, **change)


def _commodity(session: Session, code: str) -> Commodity:
    goods = session.get(Commodity, code)
    if goods is None:
        raise ValidationFailed(
            f"commodity (品种): 未知 “{code}” (unknown)", errors={"commodity": ["unknown"]}
        )
    return goods


@use_case
def issue_receipt(
    session: Session,
    actor: Actor,
    *,
    number: str,
    owner_uscc: str,
    supervisor_uscc: str,
    warehouse: str,
    commodity: str,
    quantity: Decimal,
    issued_on: dt.date,
) -> WarehouseReceipt:
    """Record a receipt issued by a warehouse supervisor for goods it holds."""
    require_lender(actor)
    _positive(quantity, "quantity")
    owner = visible_party(session, actor, owner_uscc)
    supervisor = session.scalar(sa.select(Party).where(Party.uscc == supervisor_uscc))
    goods = _commodity(session, commodity)
    check = issued_by_supervisor(None if supervisor is None else supervisor.kind.value)
    if not check.ok:
        raise refuse("仓单不能登记 (receipt refused)", [check])
    if session.scalar(sa.select(WarehouseReceipt.id).where(WarehouseReceipt.number == number)):
        raise Conflict(f"仓单号已存在 (receipt number exists): {number}")
    assert supervisor is not None
    receipt = WarehouseReceipt(
        number=number,
        owner_party_id=owner.id,
        supervisor_party_id=supervisor.id,
        warehouse=warehouse,
        commodity_code=goods.code,
        quantity=quantity,
        released_quantity=ZERO,
        unit=goods.unit,
        issued_on=issued_on,
        status=ReceiptStatus.ISSUED,
    )
    session.add(receipt)
    session.flush()
    _audit(session, actor, "issue", receipt)
    return receipt


@use_case
def split_receipt(
    session: Session, actor: Actor, number: str, parts: list[Decimal], *, on: dt.date
) -> list[WarehouseReceipt]:
    """Split a live receipt into smaller ones holding the goods left; a pledge follows."""
    require_lender(actor)
    receipt = visible_receipt(session, actor, number, lock=True)
    if receipt.status not in LIVE:
        raise Conflict(f"仓单 {number} 状态为 {receipt.status.value}，不能拆分 (not live)")
    remaining = receipt.quantity - receipt.released_quantity
    check = split_rule(remaining, parts)
    if not check.ok:
        raise refuse("仓单拆分被拒绝 (split refused)", [check])
    before = receipt_snapshot(receipt)
    inherited = {c: getattr(receipt, c) for c in INHERITED_BY_PARTS}
    children = [
        WarehouseReceipt(
            number=f"{receipt.number}-{k}",
            quantity=part,
            released_quantity=ZERO,
            issued_on=on,
            parent_id=receipt.id,
            **inherited,
        )
        for k, part in enumerate(parts, start=1)
    ]
    session.add_all(children)
    receipt.status = ReceiptStatus.SPLIT
    session.flush()
    after = {**receipt_snapshot(receipt), "children": [c.number for c in children]}
    _audit(session, actor, "split", receipt, before=before, after=after)
    return children


@use_case
def release_goods(
    session: Session, actor: Actor, number: str, quantity: Decimal, *, on: dt.date
) -> ReceiptRelease:
    """Goods leave the warehouse (出库) within what repayment or margin allows."""
    require_lender(actor)
    _positive(quantity, "quantity")
    receipt = visible_receipt(session, actor, number, lock=True)
    if receipt.pledged_loan_id is not None:
        loan = session.get(Loan, receipt.pledged_loan_id)
        if loan is not None:
            lock_facility(session, loan.facility_id)
    allowance = release_allowance(session, receipt, on)
    price = latest_price(session, receipt.commodity_code, on)
    checks = [release_rule(quantity, allowance)]
    if receipt.status is ReceiptStatus.PLEDGED:
        checks.append(price_known(None if price is None else price.price_date))
    if any(not c.ok for c in checks):
        raise refuse("提货被拒绝，未写入任何数据 (release refused; nothing written)", checks)
    before = receipt_snapshot(receipt)
    unit_price = None if price is None else price.price
    release = ReceiptRelease(
        receipt_id=receipt.id,
        loan_id=receipt.pledged_loan_id,
        released_on=on,
        quantity=quantity,
        unit_price=unit_price,
        value=quantize_fen(quantity * (unit_price or ZERO)),
        basis=ReleaseBasis.UNPLEDGED
        if allowance.basis in ("unpledged", "paid_off")
        else ReleaseBasis(allowance.basis),
        details=allowance.to_dict(),
    )
    session.add(release)
    receipt.released_quantity = receipt.released_quantity + quantity
    if receipt.released_quantity == receipt.quantity:
        receipt.status = ReceiptStatus.RELEASED
    session.flush()
    _audit(session, actor, "release", receipt, before=before, context=allowance.to_dict())
    return release


@use_case
def cancel_receipt(session: Session, actor: Actor, number: str, *, reason: str) -> WarehouseReceipt:
    """Cancel (注销) a receipt that is not pledged and has released nothing."""
    require_lender(actor)
    receipt = visible_receipt(session, actor, number, lock=True)
    check = receipt_cancellable(receipt.status.value, receipt.released_quantity)
    if not check.ok:
        raise refuse("仓单注销被拒绝 (cancellation refused)", [check])
    before = receipt_snapshot(receipt)
    receipt.status = ReceiptStatus.CANCELLED
    _audit(session, actor, "cancel", receipt, before=before, context={"reason": reason})
    session.flush()
    return receipt


@use_case
def pay_margin(
    session: Session,
    actor: Actor,
    loan_id: int,
    amount: Decimal,
    *,
    on: dt.date,
    reference: str | None = None,
) -> MarginDeposit:
    """Record 保兑仓 margin paid (随缴保证金): it lets goods of the same value be released."""
    require_lender(actor)
    _positive(amount, "amount")
    loan = visible_loan(session, actor, loan_id)
    if loan.product is not Product.CONFIRMED_WAREHOUSE or loan.status not in (
        LoanStatus.ACTIVE,
        LoanStatus.PENDING,
    ):
        raise Conflict(f"贷款 {loan.code} 不是在贷的保兑仓业务 (not a live 保兑仓 loan)")
    deposit = MarginDeposit(loan_id=loan.id, paid_on=on, amount=amount, reference=reference)
    session.add(deposit)
    session.flush()
    audit.record(
        session,
        actor,
        "loan.margin",
        "loan",
        loan.id,
        after={"amount": str(amount), "margin_paid": str(margin_paid(session, loan.id))},
    )
    return deposit
