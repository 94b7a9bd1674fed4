"""What a borrower may still draw (可用额度), and the limit accounting behind it.

Limit accounting is a state machine per yuan of a facility: **available** → **blocked**
(earmarked by a pending drawdown) → **utilised** (disbursed, outstanding) → **released**
by repayment. A revolving facility (循环额度) gets released principal back as available;
a one-off facility does not: what was drawn stays consumed [003 §六(七)].

Availability for a drawdown is the lowest of named candidates, each explained
[003 §八, §六(四), §七(四)2] [DOMAIN §9]:

- ``facility_remaining``: limit − blocked − utilised (or − drawn, if not revolving);
- ``collateral_headroom``: the collateral's lending value now − the balances it already
  secures;
- ``programme_remaining``: the programme cap − what the programme already backs;
- ``group_headroom``: the related-party group's concentration headroom (optional: the
  network computes it).

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


def group_headroom(headroom: Decimal | None, *, group: str = "") -> Candidate | None:
    """The related-party group's concentration headroom (集团客户集中度) [DOMAIN §9];
    None when it is not known, so it does not bind."""
    if headroom is None:
        return None
    return Candidate(
        "group_headroom",
        headroom,
        "[DOMAIN §9] (assumed)",
        f"关联集团{(' ' + group) if group else ''}集中度余量 {format_yuan(headroom)}",
    )
