"""Drawing on a facility (提款) and disbursing the loan (放款) [003 §八] [003 §十(一)].

A facility lends only while it is active and in its term. Its stored status says what
people decided (frozen, closed); the calendar adds expiry: an active or frozen facility
past its end date *is* expired, whether or not the nightly job has written it yet
(``facility_status_on``). The same ``facility_active`` rule answers at the request and
at the disbursal, so the two can never disagree.

A drawdown takes the facility's repayment method and rate (fixed and priced when it was
granted) unless it names its own; a rate is a ratio strictly between 0 and 1.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from scf.credit.availability import Availability
from scf.credit.dates import months_between
from scf.credit.explain import RuleResult, rule
from scf.credit.kinds import FacilityStatus
from scf.credit.money import format_yuan
from scf.credit.policy import Policy
from scf.credit.pricing import RATE_OUT_OF_BOUNDS, rate_within_bounds
from scf.credit.schedules import term_rule

# Statuses in which a facility still binds and so expires at its end date.
EXPIRING = (FacilityStatus.ACTIVE, FacilityStatus.FROZEN)


def facility_status_on(status: str, end: date, on: date) -> str:
    """The facility's status on ``on``: ``expired`` once past its end date if it was
    active or frozen; otherwise the stored status (proposed, closed … stay as they are)."""
    return FacilityStatus.EXPIRED.value if status in EXPIRING and on > end else status


def facility_active(status: str, end: date, on: date) -> RuleResult:
    """A facility lends only while active: not frozen, not expired, not closed [003 §八]."""
    current = facility_status_on(status, end, on)
    return rule(
        "facility_active",
        "[003 §八]",
        current == FacilityStatus.ACTIVE,
        current,
        FacilityStatus.ACTIVE.value,
        "额度须为有效状态（未冻结、未到期、未关闭）(the facility must be active)",
    )


def drawdown_rules(
    *,
    amount: Decimal,
    on: date,
    maturity: date,
    facility_status: str,
    facility_start: date,
    facility_end: date,
    available: Availability,
) -> tuple[RuleResult, ...]:
    """A drawdown fits when the facility is active and in term, the loan ends within it,
    and the amount is within availability (every candidate) [003 §八]."""
    return (
        facility_active(facility_status, facility_end, on),
        rule(
            "drawdown_within_facility_term",
            "[003 §八]",
            facility_start <= on <= facility_end,
            on.isoformat(),
            f"{facility_start.isoformat()} – {facility_end.isoformat()}",
            "提款日须在额度有效期内 (drawn within the facility's term)",
        ),
        rule(
            "maturity_after_drawdown",
            "[003 §十(一)]",
            maturity > on,
            maturity.isoformat(),
            f"> {on.isoformat()}",
            "到期日须晚于提款日 (maturity after the drawdown date)",
        ),
        within_availability(amount, available),
    )


def within_availability(amount: Decimal, available: Availability) -> RuleResult:
    """The amount fits under every candidate of availability, the binding one named
    [003 §八] [DOMAIN §4, §9]."""
    binding = available.candidate(available.binding)
    return rule(
        "within_availability",
        binding.clause if binding is not None else "[003 §八]",
        amount <= available.amount,
        format_yuan(amount),
        f"≤ {format_yuan(available.amount)} ({available.binding})",
        "提款金额不得超过可用额度（额度、押品、项目、联保体、集团及单一客户集中度孰低）"
        "(within availability: the lowest of facility, collateral, programme, joint group, "
        "related-party group and customer)",
    )


def drawdown_term_rule(
    requested_on: date, maturity: date, pledged_kinds: Collection[str], policy: Policy
) -> RuleResult:
    """The loan's term in months against the limit: three years when the facility is
    secured only by deposits or bonds, one year otherwise [003 §十(一)]."""
    kinds = set(pledged_kinds)
    return term_rule(
        months_between(requested_on, maturity),
        deposit_or_bond_pledged=bool(kinds) and kinds <= {"deposit", "bond"},
        policy=policy,
    )


def disbursed_on_or_after_request(requested_on: date, on: date, maturity: date) -> RuleResult:
    """Money leaves on or after the day it was asked for, and before the loan matures
    [003 §十(一)]."""
    return rule(
        "disbursed_on_or_after_request",
        "[003 §十(一)]",
        requested_on <= on < maturity,
        on.isoformat(),
        f"{requested_on.isoformat()} ≤ 放款日 < {maturity.isoformat()}",
        "放款日不得早于申请日、须早于到期日 (disbursed between request and maturity)",
    )


def disbursal_rules(
    *,
    amount: Decimal,
    facility_status: str,
    facility_end: date,
    requested_on: date,
    on: date,
    maturity: date,
    available: Availability,
) -> tuple[RuleResult, ...]:
    """A pending drawdown is disbursed while its facility is still active [003 §八],
    between its request and its maturity [003 §十(一)], and while it still fits: the
    limits may have shrunk since the request (a lowered limit, a price fall, a revised
    net capital), so availability is asked again, the loan itself left out of it."""
    return (
        facility_active(facility_status, facility_end, on),
        disbursed_on_or_after_request(requested_on, on, maturity),
        within_availability(amount, available),
    )


@dataclass(frozen=True)
class DrawdownTerms:
    """The method and rate a drawdown takes, or why it cannot (field → message)."""

    method: str | None
    rate: Decimal | None
    errors: dict[str, str] = field(default_factory=dict)


def drawdown_terms(
    *,
    facility_method: str | None,
    facility_rate: Decimal | None,
    method: str | None,
    rate: Decimal | None,
) -> DrawdownTerms:
    """The facility fixed its repayment method when it was granted: a drawdown may repeat
    it but not change it, and must name one only when the facility has none. The rate is
    the drawdown's own or the facility's, a ratio strictly between 0 and 1."""
    errors: dict[str, str] = {}
    chosen = facility_method
    if method is not None:
        if facility_method is not None and method != facility_method:
            errors["repayment_method"] = (
                f"额度核定的还款方式为 {facility_method} (the facility fixes {facility_method})"
            )
        chosen = method
    if chosen is None:
        errors["repayment_method"] = "额度未核定还款方式，须填写 (required for this facility)"
    taken = rate if rate is not None else facility_rate
    if taken is None:
        errors["rate_annual"] = "额度未核定利率，须填写 (required for this facility)"
    elif not rate_within_bounds(taken):
        errors["rate_annual"] = RATE_OUT_OF_BOUNDS
    return DrawdownTerms(chosen, taken, errors)
