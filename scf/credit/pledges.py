"""Warehouse-receipt pledges over time: split, released as the loan is repaid
(随还随提) or as 保兑仓 margin is paid (随缴保证金随提货) [003 §七(四)2, §六(九)] [000 §三(二)5].

A pledged receipt may release goods only so far as what stays behind still covers the
loan: lending value of the goods left ≥ the loan's balance. For 保兑仓 the goods
released so far, valued at the price on release, may not exceed the margin paid
(``goods.releasable_value``). Quantities are rounded *down* to the unit of four
places: releasing a fraction more than allowed is releasing too much.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from scf.credit.explain import RuleResult, rule
from scf.credit.goods import lending_value, releasable_value
from scf.credit.kinds import LoanStatus, Product, ReceiptStatus
from scf.credit.money import ZERO, format_yuan

QUANTUM = Decimal("0.0001")


def floor_quantity(quantity: Decimal) -> Decimal:
    return quantity.quantize(QUANTUM, rounding=ROUND_DOWN)


@dataclass(frozen=True)
class Position:
    """Goods left on one pledged receipt and the price they are valued at."""

    receipt: str
    quantity: Decimal  # remaining (issued − released)
    unit_price: Decimal

    def lending_value(self, rate: Decimal) -> Decimal:
        return lending_value(self.quantity, self.unit_price, rate)


@dataclass(frozen=True)
class Allowance:
    """How much of one receipt may be released now, and why."""

    receipt: str
    quantity: Decimal
    basis: str  # repayment / margin / unpledged / paid_off
    explanation: str

    def to_dict(self) -> dict[str, str]:
        return {
            "receipt": self.receipt,
            "quantity": str(self.quantity),
            "basis": self.basis,
            "explanation": self.explanation,
        }


def unpledged_allowance(
    receipt: str, status: str, pledged: bool, quantity: Decimal
) -> Allowance | None:
    """A receipt no loan holds: every unit left may go while it is issued, none once it is
    split, released or cancelled; None when a loan holds it (the loan decides)."""
    if status == ReceiptStatus.ISSUED:
        return Allowance(receipt, quantity, "unpledged", "仓单未质押，可自由提货")
    if status != ReceiptStatus.PLEDGED or not pledged:
        return Allowance(receipt, ZERO, "none", f"仓单状态 {status}")
    return None


def secured_balance(loan_status: str, principal: Decimal, outstanding: Decimal) -> Decimal:
    """What pledged goods still secure: nothing once the loan is repaid, the whole principal
    while it is pending (blocked, not yet disbursed), else the principal outstanding."""
    if loan_status == LoanStatus.REPAID:
        return ZERO
    if loan_status == LoanStatus.PENDING:
        return principal
    return outstanding


def releases_with_margin(product: str, balance: Decimal) -> bool:
    """保兑仓 goods leave in step with the margin paid while anything is owed
    (随缴保证金随提货) [003 §六(九)]; other pledges as the loan is repaid (随还随提)
    [003 §七(四)2]."""
    return product == Product.CONFIRMED_WAREHOUSE and balance > 0


def repayment_allowance(
    positions: Sequence[Position], receipt: str, *, balance: Decimal, rate: Decimal
) -> Allowance:
    """随还随提: release from ``receipt`` while the goods left on all the loan's receipts
    keep a lending value ≥ the balance. ``positions`` are all receipts securing the loan."""
    target = next(p for p in positions if p.receipt == receipt)
    if balance <= 0:
        return Allowance(receipt, target.quantity, "paid_off", "贷款已结清，质物可全部提取")
    total = sum((p.lending_value(rate) for p in positions), ZERO)
    spare_value = max(total - balance, ZERO)
    per_unit = target.unit_price * rate
    quantity = target.quantity if per_unit == 0 else floor_quantity(spare_value / per_unit)
    quantity = min(quantity, target.quantity)
    return Allowance(
        receipt,
        quantity,
        "repayment",
        f"质物可贷价值 {format_yuan(total)} − 贷款余额 {format_yuan(balance)} = "
        f"{format_yuan(spare_value)}；÷ (单价 {target.unit_price} × 质押率 {rate}) → {quantity}",
    )


def margin_allowance(
    position: Position, *, margin_paid: Decimal, released_value: Decimal
) -> Allowance:
    """随缴保证金随提货: goods value released so far ≤ cumulative margin paid [003 §六(九)]."""
    value = releasable_value(margin_paid, released_value)
    quantity = (
        position.quantity
        if position.unit_price == 0
        else min(position.quantity, floor_quantity(value / position.unit_price))
    )
    return Allowance(
        position.receipt,
        quantity,
        "margin",
        f"累计保证金 {format_yuan(margin_paid)} − 已提货价值 {format_yuan(released_value)} = "
        f"{format_yuan(value)}；÷ 单价 {position.unit_price} → {quantity}",
    )


def release_rule(quantity: Decimal, allowance: Allowance) -> RuleResult:
    """A pledged receipt releases no more than repayment or margin allows."""
    clause = "[003 §六(九)]" if allowance.basis == "margin" else "[003 §七(四)2]"
    return rule(
        "release_within_allowance",
        clause,
        0 < quantity <= allowance.quantity,
        f"{quantity}",
        f"0 < 数量 ≤ {allowance.quantity}",
        f"提货数量不得超过还款或保证金允许的数量 (release within what repayment or margin "
        f"allows): {allowance.explanation}",
    )


def split_rule(remaining: Decimal, parts: Sequence[Decimal]) -> RuleResult:
    """A split needs two or more positive parts that add up to the goods left."""
    total = sum(parts, ZERO)
    return rule(
        "split_parts_add_up",
        "[003 §七(四)2]",
        len(parts) >= 2 and all(p > 0 for p in parts) and total == remaining,
        f"{len(parts)} 份, 合计 {total}",
        f"≥ 2 份, 合计 = {remaining}",
        "仓单拆分须为两份以上正数，且合计等于剩余数量 (parts positive and adding up)",
    )
