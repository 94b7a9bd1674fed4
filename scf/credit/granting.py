"""What the engine decides on a facility proposal (授信审查) [003 §六–§八] [DOMAIN §4, §7].

The platform gathers the borrower's assessment, the collateral and guarantees offered,
and the sums already used (programme, joint-guarantee group); these functions decide:
which of the assessment's results the grant carries, what the collateral is worth and
whether its mix is allowed, the granted amount as the lowest of the named candidates,
the approval's own rules, and the rate when the proposal does not give one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from scf.credit.assessment import Assessment
from scf.credit.explain import RuleResult, rule
from scf.credit.facility_rules import (
    collateral_rate_kind,
    guarantee_kind,
    pricing_guarantee_class,
)
from scf.credit.guarantees import (
    Collateral,
    collateral_support,
    guarantee_mix_rules,
    guarantee_strength,
    machinery_rules,
)
from scf.credit.kinds import CollateralKind, ProgrammeKind, RelationshipKind
from scf.credit.limits import GrantedAmount, LimitBreakdown, granted_amount
from scf.credit.money import ZERO, floor_fen, quantize_to
from scf.credit.policy import Policy
from scf.credit.pricing import derive_levels, quote

# Which relationships put a party in a programme: a core enterprise's 1+N chain are its
# suppliers and dealers [003 §三(二)]; a market's are the merchants trading in it [003 §三(一)].
PROGRAMME_MEMBERSHIP = {
    ProgrammeKind.CORE: (RelationshipKind.SUPPLIES_TO, RelationshipKind.DISTRIBUTES_FOR),
    ProgrammeKind.MARKET: (RelationshipKind.MEMBER_OF_MARKET,),
}


def programme_relationships(programme_kind: str) -> tuple[RelationshipKind, ...]:
    """The relationship kinds that make a party a member of a ``programme_kind`` programme."""
    return PROGRAMME_MEMBERSHIP[ProgrammeKind(programme_kind)]


# ------------------------------------------------------------------- the assessment


def reference_limit_computable(limit: LimitBreakdown) -> RuleResult:
    """No grant without the reference limit it is capped by [003 §八]: its figures must
    all be known."""
    return rule(
        "reference_limit_computable",
        limit.clause,
        not limit.missing,
        ",".join(limit.missing),
        "齐全",
        "缺少计算风险敞口限额的数据 (figures missing for the reference limit)",
    )


def assessment_findings(assessment: Assessment) -> list[RuleResult]:
    """What a grant carries from the borrower's assessment: every admission rule that did
    not pass, the tier rules that make it prohibited, and a missing reference limit."""
    findings = [r for r in assessment.rules if r.result != "pass"]
    if assessment.tier == "prohibited":
        findings += [r for r in assessment.tier_rules if r.result == "fail"]
    limit = reference_limit_computable(assessment.reference_limit)
    if not limit.ok:
        findings.append(limit)
    return findings


# ------------------------------------------------------------------- collateral


@dataclass(frozen=True)
class CollateralItemFacts:
    """One collateral item offered with a proposal, as appraised (认定价值)."""

    code: str
    kind: str
    appraised_value: Decimal
    real_estate_use: str | None = None
    maturity_value: Decimal | None = None
    general_purpose: bool | None = None
    purchase_date: date | None = None
    newness: Decimal | None = None
    unit_value: Decimal | None = None


def machinery_details_given(item: CollateralItemFacts) -> RuleResult:
    """Machinery is judged on its purchase date, newness and unit value [003 §七(三)3]:
    without them it cannot be accepted."""
    return rule(
        "machinery_details_given",
        "[003 §七(三)3]",
        None not in (item.purchase_date, item.newness, item.unit_value),
        item.code,
        "购置日期、成新率、单价",
        "机器设备须登记购置日期、成新率和单台价值",
    )


def item_rules(item: CollateralItemFacts, as_of: date, policy: Policy) -> tuple[RuleResult, ...]:
    """The rules on one item: machinery only, general-purpose, recent, half new, ≥ 50,000
    a unit [003 §七(三)3]; other kinds are judged by their rate alone."""
    if item.kind != CollateralKind.MACHINERY:
        return ()
    details = machinery_details_given(item)
    if not details.ok:
        return (details,)
    assert item.purchase_date and item.newness is not None and item.unit_value
    return machinery_rules(
        general_purpose=bool(item.general_purpose),
        purchased_on=item.purchase_date,
        newness=item.newness,
        unit_value=item.unit_value,
        as_of=as_of,
        policy=policy,
    )


@dataclass(frozen=True)
class CollateralPackage:
    """What the collateral and guarantee companies offered are worth, and their rules."""

    rules: tuple[RuleResult, ...]
    parts: dict[str, Decimal]  # guarantee kind → what it covers (collateral: lending value)
    support: Decimal | None  # the collateral's lending value; None when none is offered
    strong: bool  # a strong guarantee covers something [003 §七(一)1]
    has_real_estate: bool


def collateral_package(
    items: Sequence[CollateralItemFacts],
    guarantee_companies: Iterable[Decimal],
    *,
    tier: str,
    requested: Decimal,
    as_of: date,
    policy: Policy,
) -> CollateralPackage:
    """Each item at its collateral rate [003 §七(三),(四)], machinery's own rules, and the
    mix of strong and weak guarantees [003 §七(一)2] counting guarantee companies as strong."""
    parts: dict[str, Decimal] = {}
    rules: list[RuleResult] = []
    for item in items:
        value = collateral_support(
            [
                Collateral(
                    collateral_rate_kind(item.kind, item.real_estate_use),
                    item.appraised_value,
                    item.maturity_value,
                )
            ],
            policy,
        )
        kind = guarantee_kind(item.kind, item.real_estate_use)
        if kind is not None:
            parts[kind] = parts.get(kind, ZERO) + value
        rules += item_rules(item, as_of, policy)
    for amount in guarantee_companies:
        parts["guarantee_company"] = parts.get("guarantee_company", ZERO) + amount
    if parts:
        rules += guarantee_mix_rules(tier, parts, requested, policy)
    support = sum((v for k, v in parts.items() if k != "guarantee_company"), ZERO)
    return CollateralPackage(
        rules=tuple(rules),
        parts=parts,
        support=support if items else None,
        strong=any(guarantee_strength(k, policy) == "strong" for k, v in parts.items() if v > 0),
        has_real_estate=any(i.kind == CollateralKind.REAL_ESTATE for i in items),
    )


def collateral_not_pledged_elsewhere(code: str, pledged_to: int | None) -> RuleResult:
    """Collateral secures one facility: an item already pledged cannot be offered again
    [003 §七]."""
    return rule(
        "collateral_not_pledged_elsewhere",
        "[003 §七]",
        pledged_to is None,
        code,
        "未抵押",
        "抵质押物不得重复抵押 (collateral pledged once)",
    )


# ------------------------------------------------------------------- the amount


def granted(
    *,
    reference_limit: LimitBreakdown,
    requested: Decimal,
    product_cap: Decimal | None,
    collateral_support: Decimal | None,
    programme_remaining: Decimal | None = None,
    joint_group_remaining: Decimal | None = None,
) -> GrantedAmount:
    """The lowest of reference limit, amount requested, product cap, what the collateral
    supports, the programme's remaining cap and the joint-guarantee group's remaining
    limit [003 §八] [DOMAIN §4], rounded down to the fen; None = not applicable."""
    lowest = granted_amount(
        {
            "reference_limit": None if reference_limit.missing else reference_limit.amount,
            "requested": requested,
            "product_cap": product_cap,
            "collateral_support": collateral_support,
            "programme_remaining": programme_remaining,
            "joint_group_remaining": joint_group_remaining,
        }
    )
    return GrantedAmount(floor_fen(lowest.amount), lowest.binding, lowest.candidates)


def granted_amount_positive(amount: GrantedAmount) -> RuleResult:
    """A grant of nothing is a refusal: the binding candidate is named [003 §八]."""
    return rule(
        "granted_amount_positive",
        "[003 §八]",
        amount.amount > 0,
        f"{amount.amount:f} ({amount.binding})",
        "> 0",
        "核定额度为各项限额孰低，须大于0 (the lowest candidate leaves something to grant)",
    )


# ------------------------------------------------------------------- approval


def facility_not_ended(on: date, end: date) -> RuleResult:
    """A facility is approved only while its term has not ended [003 §八]."""
    return rule(
        "facility_not_ended",
        "[003 §八]",
        on <= end,
        on.isoformat(),
        f"≤ {end.isoformat()}",
        "额度到期后不能再审批 (a facility past its end date cannot be approved)",
    )


# ------------------------------------------------------------------- pricing


def formula_rate(
    *,
    rating: str,
    tier: str,
    tier_factors: frozenset[str],
    guarantee_parts: Mapping[str, Decimal],
    contribution: str | None,
    prospect: str | None,
    policy: Policy,
) -> tuple[Decimal, dict[str, object]]:
    """The pricing formula's rate for a proposal [000 第8篇 一(二)], contribution and
    prospect derived from the tier when not given (as the pricing quote does), rounded
    half-up to the six places rates are stored to; and its working. Raises
    ``PricingError`` when the policy has no coefficient for an input."""
    levels = derive_levels(tier, tier_factors, policy, contribution=contribution, prospect=prospect)
    result = quote(
        rating=rating,
        guarantee=pricing_guarantee_class(guarantee_parts, policy),
        contribution=levels.contribution,
        prospect=levels.prospect,
        policy=policy,
    )
    return quantize_to(result.annual_rate, 6), {**result.to_dict(), "derived": levels.reasons}
