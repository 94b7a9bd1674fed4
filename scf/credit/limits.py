"""Exposure limit (风险敞口限额), product caps and the granted amount [003 §八] [003 §六].

R = min(X × a, Y × b) − Q for enterprises, with a, b by industry (manufacturing
35%/70%, wholesale and retail 20%/100%, others the manufacturing pair, assumed);
R < 0 means no new limit. An individual business's limit is at most its household
and controlled-entity net assets. The granted amount is the lowest of the named
candidates, and the answer says which one binds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from scf.credit.explain import RuleResult, rule
from scf.credit.facts import FirmFacts
from scf.credit.industries import limit_group
from scf.credit.money import ZERO, floor_fen, format_yuan, quantize_fen
from scf.credit.policy import Policy


@dataclass(frozen=True)
class LimitBreakdown:
    formula: str
    clause: str
    inputs: dict[str, Decimal]
    candidates: dict[str, Decimal]
    binding: str | None
    amount: Decimal
    floored: bool = False
    missing: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        return {
            "formula": self.formula,
            "clause": self.clause,
            "inputs": {k: str(v) for k, v in self.inputs.items()},
            "candidates": {k: str(v) for k, v in self.candidates.items()},
            "binding": self.binding,
            "amount": str(self.amount),
            "floored": self.floored,
            "missing": list(self.missing),
        }


def enterprise_reference_limit(
    industry: str, revenue_12m: Decimal, owners_equity: Decimal, existing: Decimal, policy: Policy
) -> LimitBreakdown:
    """R = min(X × a, Y × b) − Q, floored at 0 [003 §八(一)]."""
    group = limit_group(industry)
    a = policy.decimal(f"limit.revenue_coefficient.{group}")
    b = policy.decimal(f"limit.equity_coefficient.{group}")
    by_revenue = floor_fen(revenue_12m * a)
    by_equity = floor_fen(owners_equity * b)
    candidates = {"revenue_x_a": by_revenue, "equity_x_b": by_equity}
    binding = "revenue_x_a" if by_revenue <= by_equity else "equity_x_b"
    raw = min(by_revenue, by_equity) - existing
    amount = quantize_fen(max(raw, ZERO))
    formula = (
        f"R = min(X × {a}, Y × {b}) − Q = min({format_yuan(revenue_12m)} × {a}, "
        f"{format_yuan(owners_equity)} × {b}) − {format_yuan(existing)} = "
        f"{format_yuan(raw)}" + (" → 0" if raw < 0 else "")
    )
    return LimitBreakdown(
        formula=formula,
        clause=policy.ref(f"limit.revenue_coefficient.{group}"),
        inputs={"X": revenue_12m, "Y": owners_equity, "Q": existing, "a": a, "b": b},
        candidates=candidates,
        binding=binding,
        amount=amount,
        floored=raw < 0,
    )


def individual_reference_limit(household_net_assets: Decimal, existing: Decimal) -> LimitBreakdown:
    """Limit ≤ household and controlled-entity net assets [003 §八(二)]; existing
    exposure uses part of it, so R = net assets − Q, floored at 0."""
    raw = household_net_assets - existing
    amount = quantize_fen(max(raw, ZERO))
    return LimitBreakdown(
        formula=(
            f"R = 家庭及经营实体净资产 − Q = {format_yuan(household_net_assets)} − "
            f"{format_yuan(existing)} = {format_yuan(raw)}" + (" → 0" if raw < 0 else "")
        ),
        clause="[003 §八(二)]",
        inputs={"household_net_assets": household_net_assets, "Q": existing},
        candidates={"household_net_assets": household_net_assets},
        binding="household_net_assets",
        amount=amount,
        floored=raw < 0,
    )


def household_net_assets(assets: Decimal, external_debts: Decimal) -> Decimal:
    """净资产 = household and entity assets − all external debts [003 §八(二)]."""
    return assets - external_debts


def reference_limit(facts: FirmFacts, policy: Policy) -> LimitBreakdown:
    """The reference limit for the party type, or a zero breakdown naming what is missing."""
    if facts.party_type == "individual_business":
        if facts.household_net_assets is None:
            return _missing(("household_net_assets",), "[003 §八(二)]")
        return individual_reference_limit(facts.household_net_assets, facts.existing_exposure)
    needed = ("party_type", "industry", "revenue_12m", "total_assets", "total_liabilities")
    absent = tuple(f for f in needed if getattr(facts, f) is None)
    if absent:
        return _missing(absent, "[003 §八(一)]")
    assert facts.industry is not None and facts.revenue_12m is not None
    equity = facts.owners_equity
    assert equity is not None
    return enterprise_reference_limit(
        facts.industry, facts.revenue_12m, equity, facts.existing_exposure, policy
    )


def _missing(fields: tuple[str, ...], clause: str) -> LimitBreakdown:
    return LimitBreakdown(
        formula=f"无法计算：缺少 {', '.join(fields)} (cannot compute: missing inputs)",
        clause=clause,
        inputs={},
        candidates={},
        binding=None,
        amount=ZERO,
        missing=fields,
    )


@dataclass(frozen=True)
class GrantedAmount:
    amount: Decimal
    binding: str
    candidates: dict[str, Decimal]

    def to_dict(self) -> dict[str, object]:
        return {
            "amount": str(self.amount),
            "binding": self.binding,
            "candidates": {k: str(v) for k, v in self.candidates.items()},
        }


def granted_amount(candidates: Mapping[str, Decimal | None]) -> GrantedAmount:
    """The lowest of the named candidates (孰低原则) [003 §八(一)]; None = not applicable.

    Typical names: reference_limit, requested, product_cap, collateral_support,
    programme_remaining. Ties bind on the first name given.
    """
    given = {k: max(v, ZERO) for k, v in candidates.items() if v is not None}
    if not given:
        raise ValueError("granted_amount needs at least one candidate")
    binding = min(given, key=lambda k: given[k])
    return GrantedAmount(quantize_fen(given[binding]), binding, given)


# ------------------------------------------------------------------- product caps

PRODUCTS = ("joint_guarantee_individual", "credit_loan", "revolving")


def product_cap(product: str, policy: Policy) -> Decimal:
    """Per-borrower cap of a product [003 §六(五)-(七)]."""
    if product not in PRODUCTS:
        raise ValueError(f"未知产品 {product!r} (unknown product; known: {PRODUCTS})")
    return policy.decimal(f"product.{product}.cap")


def credit_loan_rules(
    *,
    tier: str,
    registered_and_operating_locally: bool,
    taxable_revenue_last_year: Decimal | None,
    repayment_method: str,
    policy: Policy,
) -> tuple[RuleResult, ...]:
    """Unsecured credit loan (信用贷): key-supported, local, taxable revenue ≥ 5M,
    monthly amortising [003 §六(六)]."""
    clause = "[003 §六(六)]"
    floor = policy.decimal("product.credit_loan.taxable_revenue_min")
    methods = policy.items("product.credit_loan.repayment_methods")
    revenue_ok = taxable_revenue_last_year is not None and taxable_revenue_last_year >= floor
    return (
        rule(
            "credit_loan_key_supported",
            clause,
            tier == "key_supported",
            tier,
            "key_supported",
            "借款人应为重点支持类客户",
        ),
        rule(
            "credit_loan_local",
            clause,
            registered_and_operating_locally,
            registered_and_operating_locally,
            True,
            "注册地和实际经营地均在经办行所在地",
        ),
        rule(
            "credit_loan_taxable_revenue",
            clause,
            revenue_ok,
            None if taxable_revenue_last_year is None else f"{taxable_revenue_last_year:f}",
            f"≥ {floor:f}",
            "上年度纳税营业收入不低于500万元",
        ),
        rule(
            "credit_loan_amortising",
            clause,
            repayment_method in methods,
            repayment_method,
            "/".join(methods),
            "按月等额本金或等额本息还款",
        ),
    )


def revolving_rules(
    *, strong_guarantee: bool, term_months: int, policy: Policy
) -> tuple[RuleResult, ...]:
    """Revolving loan (循环贷): strong guarantee, term ≤ 2 years [003 §六(七)]."""
    clause = "[003 §六(七)]"
    longest = int(policy.decimal("product.revolving.term_months_max"))
    return (
        rule(
            "revolving_strong_guarantee",
            clause,
            strong_guarantee,
            strong_guarantee,
            True,
            "采用强担保方式",
        ),
        rule(
            "revolving_term_within_limit",
            clause,
            term_months <= longest,
            f"{term_months}个月",
            f"≤ {longest}个月",
            "最长期限为两年",
        ),
    )
