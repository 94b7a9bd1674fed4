"""Repayment schedules (还款计划) [003 §十(二)] [DOMAIN §11].

Methods: ``bullet`` (一次还本按期还息), ``instalment_principal`` (分次还本按期还息, by
count or by amounts), ``equal_principal`` (等额本金) and ``equal_instalment`` (等额本息).
Interest accrues daily at annual rate / 360 *(assumed, the Chinese convention)* on the
actual days between due dates; principal always sums to the loan to the fen, the
last instalment absorbing the rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from scf.credit.dates import add_months
from scf.credit.explain import RuleResult, rule
from scf.credit.money import ZERO, quantize_fen
from scf.credit.policy import Policy

METHODS = ("bullet", "instalment_principal", "equal_principal", "equal_instalment")


class ScheduleError(ValueError):
    """Inputs that cannot make a schedule (amounts not summing to the loan, bad counts)."""


@dataclass(frozen=True)
class Instalment:
    number: int
    due_date: date
    days: int
    opening_balance: Decimal
    principal: Decimal
    interest: Decimal
    closing_balance: Decimal

    @property
    def payment(self) -> Decimal:
        return self.principal + self.interest

    def to_dict(self) -> dict[str, object]:
        return {
            "number": self.number,
            "due_date": self.due_date.isoformat(),
            "days": self.days,
            "opening_balance": str(self.opening_balance),
            "principal": str(self.principal),
            "interest": str(self.interest),
            "payment": str(self.payment),
            "closing_balance": str(self.closing_balance),
        }


@dataclass(frozen=True)
class Schedule:
    method: str
    principal: Decimal
    annual_rate: Decimal
    start: date
    instalments: tuple[Instalment, ...]

    @property
    def total_principal(self) -> Decimal:
        return sum((i.principal for i in self.instalments), ZERO)

    @property
    def total_interest(self) -> Decimal:
        return sum((i.interest for i in self.instalments), ZERO)

    def to_dict(self) -> dict[str, object]:
        return {
            "method": self.method,
            "principal": str(self.principal),
            "annual_rate": str(self.annual_rate),
            "start": self.start.isoformat(),
            "total_principal": str(self.total_principal),
            "total_interest": str(self.total_interest),
            "instalments": [i.to_dict() for i in self.instalments],
        }


def daily_interest(balance: Decimal, annual_rate: Decimal, days: int, policy: Policy) -> Decimal:
    """Interest on ``balance`` for ``days`` at annual / day-count basis, to the fen."""
    basis = policy.decimal("interest.day_count_basis")
    return quantize_fen(balance * annual_rate * days / basis)


def _principal_plan(
    method: str,
    principal: Decimal,
    periods: int,
    instalment_count: int | None,
    amounts: Sequence[Decimal] | None,
) -> list[Decimal] | None:
    """Principal due each period, or None for the annuity (computed as it runs)."""
    if method == "bullet":
        return [ZERO] * (periods - 1) + [principal]
    if method == "equal_principal":
        part = quantize_fen(principal / periods)
        return [part] * periods
    if method == "instalment_principal":
        if amounts is not None:
            if len(amounts) != periods:
                raise ScheduleError(f"需要{periods}期本金金额 (need {periods} amounts)")
            if sum(amounts, ZERO) != principal or any(a < 0 for a in amounts):
                raise ScheduleError(
                    "分次还本金额之和须等于贷款本金 (amounts must sum to principal)"
                )
            return list(amounts)
        if instalment_count is None or instalment_count < 1 or periods % instalment_count:
            raise ScheduleError(
                f"还本次数须整除期数 (instalment count must divide {periods} periods)"
            )
        step = periods // instalment_count
        part = quantize_fen(principal / instalment_count)
        return [part if (k + 1) % step == 0 else ZERO for k in range(periods)]
    if method == "equal_instalment":
        return None
    raise ScheduleError(f"未知还款方式 {method!r} (known: {METHODS})")


def build_schedule(
    principal: Decimal,
    annual_rate: Decimal,
    start: date,
    periods: int,
    *,
    method: str,
    policy: Policy,
    interval_months: int = 1,
    instalment_count: int | None = None,
    amounts: Sequence[Decimal] | None = None,
) -> Schedule:
    """A schedule of ``periods`` due dates every ``interval_months`` from ``start``."""
    if periods < 1 or interval_months < 1:
        raise ScheduleError("期数和间隔须为正 (periods and interval must be positive)")
    if principal <= 0 or annual_rate < 0:
        raise ScheduleError("本金须为正、利率不得为负 (principal > 0, rate ≥ 0)")
    plan = _principal_plan(method, principal, periods, instalment_count, amounts)
    payment = ZERO
    if plan is None:
        r = annual_rate * interval_months / 12
        payment = (
            quantize_fen(principal / periods)
            if r == 0
            else quantize_fen(principal * r / (1 - (1 + r) ** -periods))
        )
    balance = principal
    previous = start
    rows = []
    for k in range(periods):
        due = add_months(start, interval_months * (k + 1))
        days = (due - previous).days
        interest = daily_interest(balance, annual_rate, days, policy)
        if k == periods - 1:
            part = balance
        elif plan is None:
            part = max(payment - interest, ZERO)
        else:
            part = plan[k]
        part = min(part, balance)
        rows.append(Instalment(k + 1, due, days, balance, part, interest, balance - part))
        balance -= part
        previous = due
    return Schedule(method, principal, annual_rate, start, tuple(rows))


def term_rule(term_months: int, *, deposit_or_bond_pledged: bool, policy: Policy) -> RuleResult:
    """Loan term: generally ≤ 1 year; deposit/bond-pledged ≤ 3 years [003 §十(一)]."""
    name = (
        "term.deposit_pledged_months_max" if deposit_or_bond_pledged else "term.general_months_max"
    )
    longest = int(policy.decimal(name))
    return rule(
        "term_within_limit",
        "[003 §十(一)]",
        term_months <= longest,
        f"{term_months}个月",
        f"≤ {longest}个月",
        "贷款期限一般不超过一年；存单国债质押一般不超过三年",
    )
