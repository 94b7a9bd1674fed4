"""Plausible business dates (业务日期): a date a user types must lie in the window the
policy sets — not before ``dates.earliest`` (1990), not after the business date where
the thing cannot happen in the future (money received, a price observed), and a
drawdown's value date not more than ``dates.drawdown.backdating_days_max`` days back.

Each check returns the problem as a sentence for the field it names, or ``None``; the
platform turns a problem into a 4xx naming the field, nothing written.
"""

from __future__ import annotations

from datetime import date, timedelta

from scf.credit.policy import Policy


def earliest_business_date(policy: Policy) -> date:
    return date.fromisoformat(policy.text("dates.earliest"))


def too_early(value: date, policy: Policy) -> str | None:
    earliest = earliest_business_date(policy)
    if value < earliest:
        return f"日期不得早于 {earliest.isoformat()} (not before {earliest.isoformat()})"
    return None


def in_the_future(value: date, today: date) -> str | None:
    if value > today:
        return f"日期不得晚于营业日 {today.isoformat()} (not after today, {today.isoformat()})"
    return None


def past_date_problem(value: date, *, today: date, policy: Policy) -> str | None:
    """A date of something that has happened (a repayment received, a price observed)."""
    return too_early(value, policy) or in_the_future(value, today)


def drawdown_value_date_problem(value: date, *, today: date, policy: Policy) -> str | None:
    """A drawdown's value date: not before 1990, not more than the allowed days back."""
    days = int(policy.decimal("dates.drawdown.backdating_days_max"))
    if value < today - timedelta(days=days):
        return (
            f"提款日不得早于营业日前 {days} 天 (a value date at most {days} days before "
            f"today, {today.isoformat()})"
        )
    return too_early(value, policy)
