"""Loan classification by days past due (五级分类) [DOMAIN §11] *(assumed, from the
regulator's 2023 rules)*: 正常 0; 关注 1–90; 次级 91–270; 可疑 271–360; 损失 > 360."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Protocol

from scf.credit.policy import Policy

CHINESE = {
    "normal": "正常",
    "special_mention": "关注",
    "substandard": "次级",
    "doubtful": "可疑",
    "loss": "损失",
}


def delinquency_class(days_past_due: int, policy: Policy) -> str:
    if days_past_due < 0:
        raise ValueError(f"逾期天数不能为负 (days past due negative: {days_past_due})")
    if days_past_due == 0:
        return "normal"
    if days_past_due <= int(policy.decimal("delinquency.special_mention_max_days")):
        return "special_mention"
    if days_past_due <= int(policy.decimal("delinquency.substandard_max_days")):
        return "substandard"
    if days_past_due <= int(policy.decimal("delinquency.doubtful_max_days")):
        return "doubtful"
    return "loss"


class DueLine(Protocol):
    """One instalment as the loan book stores it: when it is due, what is due and paid."""

    @property
    def due_date(self) -> date: ...
    @property
    def principal_due(self) -> Decimal: ...
    @property
    def principal_paid(self) -> Decimal: ...
    @property
    def interest_due(self) -> Decimal: ...
    @property
    def interest_paid(self) -> Decimal: ...


def days_past_due(lines: Iterable[DueLine], as_of: date) -> int:
    """Days since the oldest instalment due on or before ``as_of`` that is not fully paid,
    principal or interest (the count the five classes are read from); ``lines`` in due order."""
    for line in lines:
        if line.due_date > as_of:
            break
        if line.principal_paid < line.principal_due or line.interest_paid < line.interest_due:
            return (as_of - line.due_date).days
    return 0
