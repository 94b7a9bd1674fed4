"""Approval authority (差别化授权) and maker-checker (审贷分离) [000 §五].

Credit approval is delegated in tiers — branch SME risk supervisor, branch risk director,
head office SME risk director [000 §五(一)] — and differs by the product's risk [000 §五].
Each level may approve up to an amount per product class; the amount measured is the
borrower's total limits with the bank after this approval, so that a limit split into
pieces needs the same level as the whole (化整为零、变相越权 [000 §四.6]). The person who
proposed a facility never approves it: business and risk control are separate
(授信经营与风险控制相分离, [000] 城市商业银行中小企业授信管理对策 (一)). The levels come
from the documents; the amounts are assumed (``authority.yaml``).
"""

from __future__ import annotations

from decimal import Decimal

from scf.credit.explain import RuleResult, rule
from scf.credit.policy import Policy, PolicyError

PRODUCT_CLASSES = ("self_liquidating", "secured", "unsecured")


def product_class(product: str, policy: Policy) -> str:
    """The risk class a product belongs to for approval authority."""
    found = policy.list_holding(
        product, {name: f"authority.product_class.{name}" for name in PRODUCT_CLASSES}
    )
    if found is not None:
        return found
    raise PolicyError("authority.yaml", "authority.product_class", f"no class for {product!r}")


def max_amount(level: str, product: str, policy: Policy) -> Decimal:
    """What ``level`` may approve for ``product`` (the borrower's total limits)."""
    if level not in policy.items("authority.levels"):
        raise PolicyError("authority.yaml", "authority.levels", f"unknown level {level!r}")
    return policy.decimal(f"authority.max_amount.{level}.{product_class(product, policy)}")


def lowest_sufficient_level(product: str, amount: Decimal, policy: Policy) -> str | None:
    """The lowest level whose authority covers ``amount``; None when none does."""
    for level in policy.items("authority.levels"):
        if amount <= max_amount(level, product, policy):
            return level
    return None


def authority_rule(
    level: str | None, product: str, total_limits: Decimal, policy: Policy
) -> RuleResult:
    """The approver's level covers the borrower's total limits for this product class."""
    needed = lowest_sufficient_level(product, total_limits, policy)
    ceiling = None if level is None else max_amount(level, product, policy)
    ok = ceiling is not None and total_limits <= ceiling
    threshold = (
        f"审批权限 {level}: ≤ {ceiling:f}" if ceiling is not None else "无审批权限 (no authority)"
    )
    needed_text = needed or "超出全部授权 (beyond every level)"
    cited = level if ceiling is not None else policy.items("authority.levels")[0]
    return rule(
        "approval_within_authority",
        policy.ref(f"authority.max_amount.{cited}.{product_class(product, policy)}"),
        ok,
        f"{total_limits:f} ({product_class(product, policy)})",
        threshold,
        f"审批金额须在审批人授权范围内，所需最低权限: {needed_text} "
        f"(approval within the approver's authority; lowest sufficient level: {needed_text})",
    )


def not_own_proposal_rule(proposed_by: int | None, approver: int | None) -> RuleResult:
    """Nobody approves their own proposal (审贷分离)."""
    return rule(
        "approver_is_not_proposer",
        "[000 §五]",
        approver is not None and approver != proposed_by,
        approver,
        f"≠ {proposed_by}",
        "提议人不得审批本人提议的授信 (nobody approves their own proposal)",
    )
