"""Loan pricing (贷款定价) [000 第8篇 一(二)] [003 §九].

rate = base × [1 + (credit-grade coeff × S1 + guarantee coeff × S2 + contribution
coeff × S3 + prospect coeff × S4)], S1 + S2 + S3 + S4 = 1. The annual rate is shown
in percent to two places and the monthly rate (annual / 12) in per mille to two
places, as the worked case does (4.86% → 8.15% a year, 6.79‰ a month).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from scf.credit.money import quantize_to
from scf.credit.policy import Policy
from scf.credit.rating import rating_rank

FACTORS = ("credit_grade", "guarantee", "contribution", "prospect")
ONE = Decimal(1)


class PricingError(ValueError):
    """Weights that do not sum to one, or a factor without coefficient or weight."""


@dataclass(frozen=True)
class RateQuote:
    base_rate: Decimal
    coefficients: dict[str, Decimal]
    weights: dict[str, Decimal]
    uplift: Decimal  # Σ coefficient × weight
    annual_rate: Decimal  # exact ratio
    annual_percent: Decimal  # e.g. 8.15
    monthly_permille: Decimal  # e.g. 6.79
    formula: str

    def to_dict(self) -> dict[str, object]:
        return {
            "base_rate": str(self.base_rate),
            "coefficients": {k: str(v) for k, v in self.coefficients.items()},
            "weights": {k: str(v) for k, v in self.weights.items()},
            "uplift": str(self.uplift),
            "annual_rate": str(self.annual_rate),
            "annual_percent": str(self.annual_percent),
            "monthly_permille": str(self.monthly_permille),
            "formula": self.formula,
        }


RATE_OUT_OF_BOUNDS = "须在0与1之间，如0.0815 (a ratio between 0 and 1)"


def rate_within_bounds(rate: Decimal) -> bool:
    """An annual rate is a ratio strictly between 0 and 1 (0.0815, not 8.15): 0 lends for
    nothing, and 1 or more is a percentage typed where a ratio belongs."""
    return Decimal(0) < rate < ONE


def loan_rate(
    base_rate: Decimal, coefficients: Mapping[str, Decimal], weights: Mapping[str, Decimal]
) -> RateQuote:
    """The pricing formula; raises ``PricingError`` when the weights do not sum to 1."""
    if set(coefficients) != set(weights):
        raise PricingError(
            f"系数与权重的因素不一致 (factors differ: {sorted(coefficients)} vs {sorted(weights)})"
        )
    total = sum(weights.values(), Decimal(0))
    if total != ONE:
        raise PricingError(f"权重之和应为1，实为{total} (weights must sum to 1, got {total})")
    uplift = sum((coefficients[k] * weights[k] for k in coefficients), Decimal(0))
    annual = base_rate * (ONE + uplift)
    terms = " + ".join(f"{coefficients[k]}×{weights[k]}" for k in coefficients)
    return RateQuote(
        base_rate=base_rate,
        coefficients=dict(coefficients),
        weights=dict(weights),
        uplift=uplift,
        annual_rate=annual,
        annual_percent=quantize_to(annual * 100, 2),
        monthly_permille=quantize_to(annual * 1000 / 12, 2),
        formula=f"{base_rate * 100}% × (1 + {terms}) = {quantize_to(annual * 100, 4)}%",
    )


def policy_weights(policy: Policy) -> dict[str, Decimal]:
    return {k: policy.decimal(f"pricing.weight.{k}") for k in FACTORS}


def credit_grade_coefficient(rating: str, policy: Policy) -> Decimal:
    """Coefficient of the first rating band whose floor the rating reaches (assumed table)."""
    bands = policy.items("pricing.rating_bands")
    coefficients = policy.items("pricing.coefficient.credit_grade")
    for floor, value in zip(bands, coefficients, strict=True):
        if rating_rank(rating, policy) <= rating_rank(floor, policy):
            return Decimal(value)
    raise PricingError(f"评级{rating}低于定价表最低档 (rating below the pricing table)")


def guarantee_coefficient(guarantee: str, policy: Policy) -> Decimal:
    """deposit_certificate / strong / combined / unsecured → coefficient (assumed table)."""
    name = f"pricing.coefficient.guarantee.{guarantee}"
    if not policy.has(name):
        raise PricingError(f"未知担保类别 {guarantee!r} (unknown guarantee class)")
    return policy.decimal(name)


def _level(kind: str, level: str, policy: Policy) -> Decimal:
    name = f"pricing.coefficient.{kind}.{level}"
    if not policy.has(name):
        raise PricingError(f"未知{kind}档次 {level!r}")
    return policy.decimal(name)


def quote(
    *,
    rating: str,
    guarantee: str,
    contribution: str,
    prospect: str,
    policy: Policy,
    base_rate: Decimal | None = None,
) -> RateQuote:
    """Rate for a borrower from its rating, guarantee class, contribution
    (high/medium/low) and prospect (good/fair/poor), via the policy's tables."""
    coefficients = {
        "credit_grade": credit_grade_coefficient(rating, policy),
        "guarantee": guarantee_coefficient(guarantee, policy),
        "contribution": _level("contribution", contribution, policy),
        "prospect": _level("prospect", prospect, policy),
    }
    base = base_rate if base_rate is not None else policy.decimal("pricing.base_rate")
    return loan_rate(base, coefficients, policy_weights(policy))


@dataclass(frozen=True)
class DerivedLevels:
    """Contribution and prospect levels read off a firm's tier, with where each came from."""

    contribution: str
    prospect: str
    reasons: dict[str, str]


def derive_levels(
    tier: str,
    tier_factors: frozenset[str],
    policy: Policy,
    *,
    contribution: str | None = None,
    prospect: str | None = None,
) -> DerivedLevels:
    """Fill in what the reviewer did not give: the prospect from the tier, the contribution
    from whether the bank is the main bank (assumed mappings, in ``pricing.yaml``)."""
    reasons: dict[str, str] = {}
    if prospect is None:
        name = f"pricing.prospect_by_tier.{tier}"
        if not policy.has(name):
            raise PricingError(f"客户分类{tier}不予定价 (tier {tier!r} is not priced)")
        prospect = policy.text(name)
        reasons["prospect"] = f"tier {tier} → {prospect} {policy.ref(name)}"
    if contribution is None:
        name = (
            "pricing.contribution.main_bank"
            if "main_bank" in tier_factors
            else "pricing.contribution.otherwise"
        )
        contribution = policy.text(name)
        reasons["contribution"] = f"{name.rsplit('.', 1)[1]} → {contribution} {policy.ref(name)}"
    return DerivedLevels(contribution, prospect, reasons)
