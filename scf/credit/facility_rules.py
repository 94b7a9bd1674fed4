"""Rules a facility must meet to be granted, by product [003 §六] [003 §七] [DOMAIN §4–§8].

The engine's own rules (``limits.credit_loan_rules``, ``limits.revolving_rules``,
``guarantees.guarantee_mix_rules`` …) decide; this module picks the ones a product
needs, maps collateral to the guarantee vocabulary of the policy, and lists the
candidates of the granted amount (lowest of reference limit, requested, product cap,
collateral support, programme remaining [DOMAIN §4]).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from scf.credit.explain import RuleResult, rule
from scf.credit.joint_guarantee import repays_in_instalments
from scf.credit.kinds import Product
from scf.credit.limits import credit_loan_rules, product_cap, revolving_rules
from scf.credit.policy import Policy

PRODUCTS = tuple(product.value for product in Product)
RECEIVABLE_PRODUCTS = (Product.RECEIVABLE_PLEDGE.value, Product.FACTORING.value)


def guarantee_kind(collateral_kind: str, real_estate_use: str | None = None) -> str | None:
    """The policy's guarantee kind for a collateral item [003 §七(一)1]; None for kinds the
    policy neither calls strong nor weak (equity), which then count as neither."""
    if collateral_kind == "real_estate":
        return {
            "residential": "real_estate_residential",
            "commercial": "real_estate_commercial",
            "industrial": "industrial_land",
            "land": "industrial_land",
        }.get(real_estate_use or "", "real_estate_commercial")
    return {
        "deposit": "deposit_certificate",
        "bond": "treasury_bond",
        "machinery": "machinery",
        "patent": "patent",
        "trademark": "trademark",
    }.get(collateral_kind)


def collateral_rate_kind(collateral_kind: str, real_estate_use: str | None = None) -> str:
    """The ``collateral_rate.*`` parameter for an item (equity has its own rate)."""
    if collateral_kind == "equity":
        return "equity"
    kind = guarantee_kind(collateral_kind, real_estate_use)
    return kind or "other_pledge"


def pricing_guarantee_class(parts: Mapping[str, Decimal], policy: Policy) -> str:
    """The guarantee class of the pricing table: deposit_certificate (all deposits or
    bonds), unsecured (nothing), combined (any weak), strong otherwise [000 第8篇]."""
    kinds = {k for k, v in parts.items() if v > 0}
    if not kinds:
        return "unsecured"
    if kinds <= {"deposit_certificate", "treasury_bond"}:
        return "deposit_certificate"
    if kinds & set(policy.items("guarantee.weak_kinds")):
        return "combined"
    return "strong"


def product_cap_for(product: str, party_type: str, policy: Policy) -> Decimal | None:
    """The per-borrower cap of the product, if it has one [003 §六(五)-(七)]."""
    if product == "credit":
        return product_cap("credit_loan", policy)
    if product == "revolving":
        return product_cap("revolving", policy)
    if product == "joint_guarantee" and party_type == "individual_business":
        return product_cap("joint_guarantee_individual", policy)
    return None


def product_rules(
    product: str,
    *,
    tier: str,
    term_months: int,
    repayment_method: str,
    strong_guarantee: bool,
    registered_and_operating_locally: bool,
    taxable_revenue_last_year: Decimal | None,
    in_programme: bool,
    in_group: bool,
    has_real_estate: bool,
    policy: Policy,
) -> tuple[RuleResult, ...]:
    """The product's own conditions, each a rule with its clause."""
    if product not in PRODUCTS:
        raise ValueError(f"未知产品 {product!r} (unknown product; known: {PRODUCTS})")
    if product == "credit":
        return credit_loan_rules(
            tier=tier,
            registered_and_operating_locally=registered_and_operating_locally,
            taxable_revenue_last_year=taxable_revenue_last_year,
            repayment_method=repayment_method,
            policy=policy,
        )
    if product == "revolving":
        return revolving_rules(
            strong_guarantee=strong_guarantee, term_months=term_months, policy=policy
        )
    if product == "joint_guarantee":
        return joint_guarantee_rules(in_group, repayment_method, policy)
    if product in RECEIVABLE_PRODUCTS:
        return (supplier_in_core_programme(in_programme),)
    if product == "confirmed_warehouse":
        return confirmed_warehouse_dealer_rules(tier, in_programme)
    if product == "mortgage":
        return (mortgage_has_real_estate(has_real_estate),)
    return ()


def joint_guarantee_rules(
    in_group: bool, repayment_method: str, policy: Policy
) -> tuple[RuleResult, ...]:
    """A joint-guarantee loan goes to a member of the group [003 §六(五)] and is repaid in
    instalments, never in one bullet [003 §十(二)]."""
    return (
        rule(
            "borrower_in_joint_guarantee_group",
            "[003 §六(五)]",
            in_group,
            in_group,
            True,
            "联保贷款借款人须为联保体成员 (the borrower belongs to the group)",
        ),
        repays_in_instalments(repayment_method, policy),
    )


def supplier_in_core_programme(in_programme: bool) -> RuleResult:
    """Receivables are owed by an approved buyer: the supplier is in a core enterprise's
    programme [003 §六(四)]."""
    return rule(
        "supplier_in_core_programme",
        "[003 §六(四)]",
        in_programme,
        in_programme,
        True,
        "应收账款债务人须为我行核心企业：借款人须在核心企业项目下 "
        "(the debtor is an approved buyer: the borrower is in a core programme)",
    )


def confirmed_warehouse_dealer_rules(tier: str, in_programme: bool) -> tuple[RuleResult, ...]:
    """保兑仓 lends to a key-supported dealer in the manufacturer's programme [003 §六(九)]."""
    return (
        rule(
            "dealer_key_supported",
            "[003 §六(九)]",
            tier == "key_supported",
            tier,
            "key_supported",
            "保兑仓经销商须为重点支持类客户 (the dealer is key-supported)",
        ),
        rule(
            "dealer_in_programme",
            "[003 §六(九)]",
            in_programme,
            in_programme,
            True,
            "经销商须在核心厂商的保兑仓项目下 (the dealer is in the manufacturer's programme)",
        ),
    )


def mortgage_has_real_estate(has_real_estate: bool) -> RuleResult:
    """A mortgage loan (房易贷) is secured by real estate [003 §六(一)]."""
    return rule(
        "mortgage_has_real_estate",
        "[003 §六(一)]",
        has_real_estate,
        has_real_estate,
        True,
        "房易贷须以房产抵押 (a mortgage loan is secured by real estate)",
    )
