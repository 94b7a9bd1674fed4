"""Applying a repayment to a schedule (还款冲销) [003 §十(二)] [DOMAIN §11].

Order: interest before principal (先息后本), oldest instalment first — first every unpaid
interest already due, then every unpaid principal already due. Money beyond what is due
pays the interest earned so far in the current period, then prepays principal
(提前还款), which reshapes the rest of the schedule:

- interest always follows the balance actually outstanding: the current period's
  interest drops by the interest the prepaid principal no longer earns until the due
  date, and later periods are recomputed on the lower balance (actual days / basis);
- the principal plan is either *regenerated* (the remaining principal re-spread over the
  remaining principal instalments; for equal instalments the annuity is recomputed) or
  *shortened* (instalments kept, the prepayment taken from the last ones), as the
  product's policy says (``repayment.prepayment.*_products``, assumed).

The prepayment is recorded on the current instalment (its principal due and paid both
grow by it), so that at every moment Σ principal due = the loan's principal and
Σ paid = Σ repayments. More than the payoff amount is refused, never kept as a credit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from scf.credit.explain import RuleResult, rule
from scf.credit.money import ZERO, format_yuan, quantize_fen
from scf.credit.policy import Policy
from scf.credit.schedules import Instalment, Schedule, daily_interest


class RepaymentError(ValueError):
    """A repayment that cannot be applied; ``rule`` is the rule it broke, if any."""

    def __init__(self, message: str, rule: RuleResult | None = None) -> None:
        super().__init__(message)
        self.rule = rule


@dataclass(frozen=True)
class Line:
    """One instalment as stored: what is due and what has been paid."""

    number: int
    due_date: date
    principal_due: Decimal
    interest_due: Decimal
    principal_paid: Decimal = ZERO
    interest_paid: Decimal = ZERO

    @property
    def principal_unpaid(self) -> Decimal:
        return self.principal_due - self.principal_paid

    @property
    def interest_unpaid(self) -> Decimal:
        return self.interest_due - self.interest_paid


@dataclass(frozen=True)
class Payoff:
    """What closes the loan on a date (提前结清金额)."""

    due_interest: Decimal
    due_principal: Decimal
    accrued_interest: Decimal  # earned in the current period, not yet paid
    future_principal: Decimal

    @property
    def total(self) -> Decimal:
        return (
            self.due_interest + self.due_principal + self.accrued_interest + self.future_principal
        )

    def to_dict(self) -> dict[str, str]:
        return {
            "due_interest": str(quantize_fen(self.due_interest)),
            "due_principal": str(quantize_fen(self.due_principal)),
            "accrued_interest": str(quantize_fen(self.accrued_interest)),
            "future_principal": str(quantize_fen(self.future_principal)),
            "total": str(quantize_fen(self.total)),
        }


@dataclass(frozen=True)
class Allocation:
    """How one repayment was applied, and the schedule after it."""

    on: date
    amount: Decimal
    interest_part: Decimal
    principal_part: Decimal
    prepaid_principal: Decimal
    payoff_before: Payoff
    lines: tuple[Line, ...]
    mode: str | None  # "regenerate" / "shorten" when principal was prepaid

    @property
    def closes_loan(self) -> bool:
        return self.amount == self.payoff_before.total

    def to_dict(self) -> dict[str, object]:
        return {
            "on": self.on.isoformat(),
            "amount": str(self.amount),
            "interest_part": str(self.interest_part),
            "principal_part": str(self.principal_part),
            "prepaid_principal": str(self.prepaid_principal),
            "payoff_before": self.payoff_before.to_dict(),
            "mode": self.mode,
            "closes_loan": self.closes_loan,
        }


def _current_index(lines: Sequence[Line], on: date) -> int | None:
    """The first instalment not yet due on ``on`` (due after it), if any."""
    return next((i for i, line in enumerate(lines) if line.due_date > on), None)


def _accrued(
    lines: Sequence[Line], index: int | None, on: date, rate: Decimal, policy: Policy
) -> tuple[Decimal, Decimal]:
    """(opening balance of the current period, interest earned in it and not yet paid).

    Earned = the current instalment's interest − what the balance would still earn from
    ``on`` to its due date; this holds after earlier prepayments too, since each one
    lowered the instalment's interest by exactly what the prepaid part would have earned.
    """
    if index is None:
        return ZERO, ZERO
    current = lines[index]
    opening = sum((line.principal_unpaid for line in lines[index:]), ZERO)
    still_to_earn = daily_interest(opening, rate, (current.due_date - on).days, policy)
    earned = max(current.interest_due - still_to_earn, ZERO)
    return opening, max(earned - current.interest_paid, ZERO)


def payoff(lines: Sequence[Line], *, on: date, rate: Decimal, policy: Policy) -> Payoff:
    """Everything due, the current period's interest earned so far, and future principal."""
    index = _current_index(lines, on)
    due = lines if index is None else lines[:index]
    opening, accrued = _accrued(lines, index, on, rate, policy)
    return Payoff(
        due_interest=sum((line.interest_unpaid for line in due), ZERO),
        due_principal=sum((line.principal_unpaid for line in due), ZERO),
        accrued_interest=accrued,
        future_principal=opening,
    )


def repayment_within_payoff(amount: Decimal, owed: Payoff) -> RuleResult:
    """A repayment may not exceed what closes the loan: no overpayment is kept."""
    return rule(
        "repayment_within_balance",
        "[003 §十(二)]",
        amount <= owed.total,
        format_yuan(amount),
        f"≤ {format_yuan(owed.total)}",
        "还款金额不得超过结清金额（到期利息+到期本金+当期已计利息+剩余本金）"
        "(repayment at most the payoff amount)",
    )


def prepayment_mode(product: str, policy: Policy) -> str:
    """``regenerate`` or ``shorten``, as the product's policy says."""
    mode = policy.list_holding(
        product,
        {
            "regenerate": "repayment.prepayment.regenerate_products",
            "shorten": "repayment.prepayment.shorten_products",
        },
    )
    if mode is not None:
        return mode
    raise RepaymentError(f"产品{product}未规定提前还款方式 (no prepayment mode for {product!r})")


def allocate(
    lines: Sequence[Line],
    amount: Decimal,
    *,
    on: date,
    rate: Decimal,
    method: str,
    mode: str,
    policy: Policy,
) -> Allocation:
    """Apply ``amount`` paid on ``on``: due interest, due principal, accrued interest,
    then principal prepaid. Raises ``RepaymentError`` above the payoff amount."""
    if amount <= 0:
        raise RepaymentError("还款金额必须大于0 (repayment must be positive)")
    owed = payoff(lines, on=on, rate=rate, policy=policy)
    if amount > owed.total:
        broken = repayment_within_payoff(amount, owed)
        raise RepaymentError(f"{broken.message}: {broken.observed} {broken.threshold}", broken)
    work = list(lines)
    index = _current_index(work, on)
    due_count = len(work) if index is None else index
    left = amount
    interest = principal = ZERO
    for field in ("interest", "principal"):
        for i in range(due_count):
            line = work[i]
            unpaid = line.interest_unpaid if field == "interest" else line.principal_unpaid
            pay = min(unpaid, left)
            if pay <= 0:
                continue
            left -= pay
            if field == "interest":
                work[i] = replace(line, interest_paid=line.interest_paid + pay)
                interest += pay
            else:
                work[i] = replace(line, principal_paid=line.principal_paid + pay)
                principal += pay
    prepaid = ZERO
    used_mode = None
    if left > 0 and index is not None:
        opening, accrued = _accrued(work, index, on, rate, policy)
        pay_accrued = min(accrued, left)
        left -= pay_accrued
        interest += pay_accrued
        current = work[index]
        work[index] = replace(current, interest_paid=current.interest_paid + pay_accrued)
        if left > 0:
            prepaid = left
            principal += prepaid
            used_mode = mode
            work = _reshape(work, index, prepaid, on, rate, method, mode, policy)
    return Allocation(on, amount, interest, principal, prepaid, owed, tuple(work), used_mode)


def _reshape(
    lines: list[Line],
    index: int,
    prepaid: Decimal,
    on: date,
    rate: Decimal,
    method: str,
    mode: str,
    policy: Policy,
) -> list[Line]:
    """The schedule after ``prepaid`` principal is paid on ``on`` in period ``index``."""
    current = lines[index]
    rest = lines[index:]
    opening = sum((line.principal_unpaid for line in rest), ZERO)
    balance = opening - prepaid
    parts = [line.principal_unpaid for line in rest]
    if mode == "regenerate":
        parts = _respread(rest, balance, on, rate, method, policy)
    elif mode == "shorten":
        take = prepaid
        for k in range(len(parts) - 1, -1, -1):
            cut = min(parts[k], take)
            parts[k] -= cut
            take -= cut
    else:
        raise RepaymentError(f"未知提前还款方式 {mode!r} (regenerate or shorten)")
    days_left = (current.due_date - on).days
    saved = daily_interest(opening, rate, days_left, policy) - daily_interest(
        balance, rate, days_left, policy
    )
    out = lines[:index]
    out.append(
        replace(
            current,
            principal_due=current.principal_paid + prepaid + parts[0],
            principal_paid=current.principal_paid + prepaid,
            interest_due=current.interest_due - saved,
        )
    )
    remaining = balance - parts[0]
    previous = current.due_date
    for k, line in enumerate(rest[1:], start=1):
        interest = daily_interest(remaining, rate, (line.due_date - previous).days, policy)
        if parts[k] == 0 and interest == 0 and remaining == 0:
            break  # nothing left to pay: the schedule ends here
        out.append(replace(line, principal_due=parts[k], interest_due=interest))
        remaining -= parts[k]
        previous = line.due_date
    return out


def _respread(
    rest: Sequence[Line], balance: Decimal, on: date, rate: Decimal, method: str, policy: Policy
) -> list[Decimal]:
    """New principal parts for the remaining instalments, summing to ``balance``."""
    if balance <= 0:
        return [ZERO] * len(rest)
    if method == "equal_instalment":
        return _annuity_parts(rest, balance, on, rate, policy)
    carrying = [k for k, line in enumerate(rest) if line.principal_unpaid > 0] or [len(rest) - 1]
    share = quantize_fen(balance / len(carrying))
    parts = [ZERO] * len(rest)
    for k in carrying:
        parts[k] = share
    parts[carrying[-1]] = balance - share * (len(carrying) - 1)
    return parts


def _annuity_parts(
    rest: Sequence[Line], balance: Decimal, on: date, rate: Decimal, policy: Policy
) -> list[Decimal]:
    """Equal instalments recomputed over the remaining periods, as ``build_schedule`` does."""
    n = len(rest)
    months = 1
    if n > 1:
        a, b = rest[-2].due_date, rest[-1].due_date
        months = max(1, (b.year - a.year) * 12 + b.month - a.month)
    r = rate * months / 12
    payment = (
        quantize_fen(balance / n) if r == 0 else quantize_fen(balance * r / (1 - (1 + r) ** -n))
    )
    parts = []
    remaining = balance
    previous = on
    for k, line in enumerate(rest):
        interest = daily_interest(remaining, rate, (line.due_date - previous).days, policy)
        part = remaining if k == n - 1 else min(max(payment - interest, ZERO), remaining)
        parts.append(part)
        remaining -= part
        previous = line.due_date
    return parts


# ------------------------------------------------------------------- ending on maturity


def end_on_maturity(schedule: Schedule, maturity: date, policy: Policy) -> Schedule:
    """The schedule with its last instalment due on the loan's maturity date.

    Monthly periods counted from the drawdown rarely land on the maturity date: the
    instalments due on or after it are merged into one due on it, carrying their
    principal, with interest on the balance from the previous due date to maturity;
    when the last instalment falls before maturity it is moved to it and its interest
    runs to it (the borrower keeps the money until then)."""
    rows = list(schedule.instalments)
    keep = [r for r in rows if r.due_date < maturity]
    merged = rows[len(keep) :]
    if len(merged) == 1 and merged[0].due_date == maturity:
        return schedule
    if not merged:  # the last instalment falls before maturity: move it there
        merged = [keep.pop()]
    previous = keep[-1].due_date if keep else schedule.start
    opening = merged[0].opening_balance
    principal = sum((r.principal for r in merged), ZERO)
    days = (maturity - previous).days
    last = Instalment(
        len(keep) + 1,
        maturity,
        days,
        opening,
        principal,
        daily_interest(opening, schedule.annual_rate, days, policy),
        opening - principal,
    )
    return replace(schedule, instalments=(*keep, last))
