"""Joint-guarantee groups (联保体) [000 §三(一)5, §五(二)] [003 §六(五)] [DOMAIN §8].

Members are jointly and severally liable, so each member can be called for its own
balance plus every other member's. The group gets one limit, allocated here in
proportion to each member's reference limit, capped per member at min(its reference
limit, its product cap — 2,000,000 for an individual business), with what a capped
member cannot take spread over the others; amounts are rounded down to the fen and the
remaining fen go to the largest remainders (ties by name) so the allocations sum to
the allocatable total exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from scf.credit.explain import RuleResult, rule
from scf.credit.money import FEN, ZERO, floor_fen
from scf.credit.policy import Policy


def max_liability(balances: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Own balance + every other member's balance (连带责任)."""
    total = sum(balances.values(), ZERO)
    return {m: own + (total - own) for m, own in balances.items()}


@dataclass(frozen=True)
class Allocation:
    allocations: dict[str, Decimal]
    allocated: Decimal
    unallocated: Decimal  # what no member could take under its cap
    method: str


def allocate_group_limit(
    total: Decimal,
    reference_limits: Mapping[str, Decimal],
    caps: Mapping[str, Decimal | None] | None = None,
) -> Allocation:
    caps = caps or {}
    capacity = {
        m: floor_fen(max(ref if caps.get(m) is None else min(ref, caps[m] or ZERO), ZERO))
        for m, ref in reference_limits.items()
    }
    target = min(floor_fen(max(total, ZERO)), sum(capacity.values(), ZERO))
    fixed: dict[str, Decimal] = {}
    while True:
        free = [m for m in capacity if m not in fixed and reference_limits[m] > 0]
        rest = target - sum(fixed.values(), ZERO)
        weight = sum((reference_limits[m] for m in free), ZERO)
        if not free or weight == 0:
            exact = dict(fixed)
            break
        share = {m: rest * reference_limits[m] / weight for m in free}
        over = [m for m in free if share[m] >= capacity[m]]
        if not over:
            exact = fixed | share
            break
        for m in over:
            fixed[m] = capacity[m]
    alloc = {m: floor_fen(exact.get(m, ZERO)) for m in capacity}
    leftover = target - sum(alloc.values(), ZERO)
    order = sorted(capacity, key=lambda m: (-(exact.get(m, ZERO) - alloc[m]), m))
    while leftover > 0:
        progressed = False
        for m in order:
            if leftover > 0 and alloc[m] + FEN <= capacity[m]:
                alloc[m] += FEN
                leftover -= FEN
                progressed = True
        if not progressed:
            break
    allocated = sum(alloc.values(), ZERO)
    return Allocation(
        alloc,
        allocated,
        floor_fen(max(total, ZERO)) - allocated,
        "按成员风险敞口限额参考值比例分配，单户不超过其参考值与产品上限，舍至分后余额按尾差补足"
        " (proportional to reference limits, capped per member, fen reconciled)",
    )


def group_rules(
    *,
    member_count: int,
    member_limits: Mapping[str, Decimal],
    individual_members: frozenset[str],
    margin_pool: Decimal,
    repayment_method: str,
    policy: Policy,
) -> tuple[RuleResult, ...]:
    """Size 3–10 (assumed), individual members ≤ 2,000,000, margin pool ≥ largest member
    limit, instalment repayment [DOMAIN §8]."""
    low = int(policy.decimal("joint_guarantee.members_min"))
    high = int(policy.decimal("joint_guarantee.members_max"))
    cap = policy.decimal("product.joint_guarantee_individual.cap")
    largest = max(member_limits.values(), default=ZERO)
    cover = policy.decimal("joint_guarantee.margin_pool_cover")
    over_cap = sorted(m for m in individual_members if member_limits.get(m, ZERO) > cap)
    return (
        rule(
            "group_size_within_bounds",
            policy.ref("joint_guarantee.members_min"),
            low <= member_count <= high,
            member_count,
            f"{low}–{high}",
            "联保体成员3至10户",
        ),
        rule(
            "individual_member_within_cap",
            "[003 §六(五)]",
            not over_cap,
            ",".join(over_cap) or "无",
            f"≤ {cap:f}",
            "个体经营户联保贷款单户授信不超过200万元",
        ),
        rule(
            "margin_pool_covers_largest_member",
            "[000 第3篇 四.第三]",
            margin_pool >= largest * cover,
            f"{margin_pool:f}",
            f"≥ {largest * cover:f}",
            "联保保证金应覆盖最大单户授信",
        ),
        repays_in_instalments(repayment_method, policy),
    )


def repays_in_instalments(repayment_method: str, policy: Policy) -> RuleResult:
    """Joint-guarantee loans are repaid in instalments, never in one bullet [003 §十(二)]."""
    methods = policy.items("joint_guarantee.repayment_methods")
    return rule(
        "group_repays_in_instalments",
        "[003 §十(二)]",
        repayment_method in methods,
        repayment_method,
        "/".join(methods),
        "联保贷款须分期还款，不得一次还本",
    )
