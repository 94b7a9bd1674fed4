"""What a borrower may still draw (可用额度), and the limit accounting behind it.

Limit accounting is a state machine per yuan of a facility: **available** → **blocked**
(earmarked by a pending drawdown) → **utilised** (disbursed, outstanding) → **released**
by repayment. A revolving facility (循环额度) gets released principal back as available;
a one-off facility does not: what was drawn stays consumed [003 §六(七)].

Availability for a drawdown is the lowest of named candidates, each explained
[003 §八, §六(四), §七(四)2] [DOMAIN §4, §8, §9]:

- ``facility_remaining``: limit − blocked − utilised (or − drawn, if not revolving);
- ``collateral_headroom``: the collateral's lending value now − the balances it already
  secures;
- ``programme_remaining``: the programme cap − what the programme already backs (a
  market programme's cap is the market level);
- ``joint_group_remaining``: the joint-guarantee group's total limit − what its
  facilities already use;
- ``group_headroom``: the related-party group's concentration limit (15% of net capital)
  − its outstanding − what its pending drawdowns reserve;
- ``customer_headroom``: the same against the single-customer limit (10%).

At every level a pending drawdown counts as used beside outstanding principal: money
promised and not yet paid out is exposure already (issue #12). Ties bind on the first
candidate, in the order above.

The page, the API and the drawdown check (``scf.credit.drawdowns.drawdown_rules``) all
call ``availability`` so they agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from scf.credit.limits import granted_amount
from scf.credit.money import ZERO, format_yuan


@dataclass(frozen=True)
class LimitPosition:
    """One facility's limit accounting; every figure is derived from loans and drawdowns."""

    limit: Decimal
    blocked: Decimal  # pending drawdowns (已冻结/占用未放款)
    outstanding: Decimal  # principal disbursed and not repaid (已用)
    drawn: Decimal  # principal ever disbursed
    revolving: bool

    @property
    def released(self) -> Decimal:
        """Principal repaid (已释放)."""
        return self.drawn - self.outstanding

    @property
    def utilised(self) -> Decimal:
        """What counts against the limit besides blocked: outstanding if revolving, else drawn."""
        return self.outstanding if self.revolving else self.drawn

    @property
    def used(self) -> Decimal:
        return self.blocked + self.utilised

    @property
    def available(self) -> Decimal:
        return max(self.limit - self.used, ZERO)

    @property
    def exposure(self) -> Decimal:
        """What the bank is exposed to under this facility: blocked + outstanding."""
        return self.blocked + self.outstanding

    @property
    def over_limit(self) -> Decimal:
        """Used beyond the limit (after the limit was lowered): never created by a drawdown."""
        return max(self.used - self.limit, ZERO)

    def to_dict(self) -> dict[str, object]:
        return {
            "limit": str(self.limit),
            "blocked": str(self.blocked),
            "outstanding": str(self.outstanding),
            "drawn": str(self.drawn),
            "released": str(self.released),
            "utilised": str(self.utilised),
            "used": str(self.used),
            "available": str(self.available),
            "over_limit": str(self.over_limit),
            "revolving": self.revolving,
        }


@dataclass(frozen=True)
class Candidate:
    """One named bound on availability with its working."""

    name: str
    amount: Decimal
    clause: str
    formula: str

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "amount": str(self.amount),
            "clause": self.clause,
            "formula": self.formula,
        }


@dataclass(frozen=True)
class Availability:
    amount: Decimal
    binding: str
    candidates: tuple[Candidate, ...]

    def candidate(self, name: str) -> Candidate | None:
        return next((c for c in self.candidates if c.name == name), None)

    def to_dict(self) -> dict[str, object]:
        return {
            "amount": str(self.amount),
            "binding": self.binding,
            "candidates": [c.to_dict() for c in self.candidates],
        }


def availability(candidates: Sequence[Candidate | None]) -> Availability:
    """The lowest of the given candidates (孰低); None = not applicable; below 0 counts as 0."""
    given = tuple(c for c in candidates if c is not None)
    lowest = granted_amount({c.name: c.amount for c in given})
    return Availability(lowest.amount, lowest.binding, given)


def facility_remaining(position: LimitPosition) -> Candidate:
    """limit − blocked − utilised [DOMAIN §4]; for a one-off facility repaid principal
    is not available again."""
    used = "未偿本金" if position.revolving else "累计放款"
    return Candidate(
        "facility_remaining",
        position.limit - position.used,
        "[003 §八] [003 §六(七)]",
        f"额度 {format_yuan(position.limit)} − 冻结 {format_yuan(position.blocked)} − "
        f"{used} {format_yuan(position.utilised)} = {format_yuan(position.limit - position.used)}",
    )


def collateral_headroom(
    lending_value: Decimal, secured: Decimal, *, basis: str, clause: str
) -> Candidate:
    """Lending value of the collateral now − the balances it already secures."""
    return Candidate(
        "collateral_headroom",
        lending_value - secured,
        clause,
        f"{basis} 可贷价值 {format_yuan(lending_value)} − 已担保余额 {format_yuan(secured)} = "
        f"{format_yuan(lending_value - secured)}",
    )


def programme_remaining(cap: Decimal, used: Decimal, *, programme: str) -> Candidate:
    """Programme cap − what it already backs (blocked + outstanding) [003 §三(二)] [DOMAIN §5]."""
    return Candidate(
        "programme_remaining",
        cap - used,
        "[003 §三(二)] [DOMAIN §5]",
        f"{programme} 总额度 {format_yuan(cap)} − 已占用 {format_yuan(used)} = "
        f"{format_yuan(cap - used)}",
    )


def joint_group_remaining(total_limit: Decimal, used: Decimal, *, group: str) -> Candidate:
    """The joint-guarantee group's total limit − what its facilities use (blocked +
    outstanding): the group is reviewed together, one total limit [DOMAIN §8] [003 §六(五)]."""
    return Candidate(
        "joint_group_remaining",
        total_limit - used,
        "[003 §六(五)] [DOMAIN §8]",
        f"联保体 {group} 总额度 {format_yuan(total_limit)} − 已占用 {format_yuan(used)} = "
        f"{format_yuan(total_limit - used)}",
    )


def _concentration(
    name: str, whom: str, limit: Decimal, outstanding: Decimal, reserved: Decimal
) -> Candidate:
    remaining = limit - outstanding - reserved
    return Candidate(
        name,
        remaining,
        "[DOMAIN §9] (assumed)",
        f"{whom} 集中度限额 {format_yuan(limit)} − 贷款余额 {format_yuan(outstanding)} − "
        f"待放款预留 {format_yuan(reserved)} = {format_yuan(remaining)}",
    )


def group_headroom(
    limit: Decimal, outstanding: Decimal, reserved: Decimal, *, group: str = ""
) -> Candidate:
    """The related-party group's concentration headroom (集团客户集中度, 15% of net
    capital) [DOMAIN §9]: limit − the members' outstanding − their pending drawdowns."""
    return _concentration(
        "group_headroom", f"关联集团{(' ' + group) if group else ''}", limit, outstanding, reserved
    )


def customer_headroom(limit: Decimal, outstanding: Decimal, reserved: Decimal) -> Candidate:
    """One customer's concentration headroom (单一客户集中度, 10% of net capital)
    [DOMAIN §9]: limit − its outstanding − its pending drawdowns."""
    return _concentration("customer_headroom", "单一客户", limit, outstanding, reserved)
