"""Running the credit engine on a facility proposal (授信审查): gather, ask, explain.

The engine decides every rule; this module loads what it needs from the database and
collects the answers: admission and tier (``assess_loaded_party``), the product's own
conditions (``facility_rules.product_rules``), the guarantee mix and each guarantor
[003 §七], personal guarantees [003 §七(二)4], no mutual guarantee between small firms
[003 §七(二)5], machinery [003 §七(三)3], pricing [000 第8篇], and the granted amount as
the lowest of the named candidates [DOMAIN §4]. Any failed rule refuses the proposal
(``RuleRefused`` listing them); rules that *refer* are kept for the approver to see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.dates import months_between
from scf.credit.explain import RuleResult, rule
from scf.credit.facility_rules import (
    collateral_rate_kind,
    guarantee_kind,
    pricing_guarantee_class,
    product_cap_for,
    product_rules,
)
from scf.credit.guarantees import (
    Collateral,
    collateral_support,
    guarantee_mix_rules,
    guarantee_strength,
    machinery_rules,
    mutual_guarantee_rule,
    required_personal_guarantors,
)
from scf.credit.limits import GrantedAmount, granted_amount
from scf.credit.money import ZERO, floor_fen, quantize_to
from scf.credit.policy import Policy, load_policy
from scf.credit.pricing import PricingError, derive_levels, quote
from scf.platform.errors import RuleRefused, ValidationFailed
from scf.platform.models import (
    CollateralItem,
    Facility,
    FinancialSnapshot,
    JointGuaranteeGroup,
    Party,
    Programme,
    Relationship,
)
from scf.platform.models.enums import (
    FacilityStatus,
    GuarantorKind,
    Product,
    ProgrammeKind,
    RelationshipKind,
    RepaymentMethod,
)
from scf.platform.services.lending.guarantors import (
    LIVE,
    GuaranteeTerms,
    guarantee_pairs,
    guarantor_checks,
    person_links,
)
from scf.platform.services.lending.limits import money_sum, programme_usage
from scf.platform.services.parties.assessment import (
    ASSESSABLE,
    assess_loaded_party,
    latest_snapshot,
)


@dataclass(frozen=True)
class FacilityTerms:
    """What a relationship manager proposes."""

    party: Party
    product: Product
    requested: Decimal
    start_date: dt.date
    end_date: dt.date
    revolving: bool
    repayment_method: RepaymentMethod
    as_of: dt.date
    programme: Programme | None = None
    group: JointGuaranteeGroup | None = None
    collateral: tuple[CollateralItem, ...] = ()
    guarantees: tuple[GuaranteeTerms, ...] = ()
    registered_and_operating_locally: bool = False
    contribution: str | None = None  # None: derived from the tier (scf.credit.pricing)
    prospect: str | None = None
    rate_annual: Decimal | None = None


@dataclass(frozen=True)
class GrantDecision:
    """The engine's answer on a proposal, as stored in ``Facility.decision``."""

    granted: GrantedAmount
    tier: str
    admission: str
    rules: tuple[RuleResult, ...]
    rate_annual: Decimal
    pricing: dict[str, object] | None
    policy_version: str
    as_of: dt.date
    requested: Decimal
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def refer(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.rules if r.result == "refer")

    def to_dict(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "requested": str(self.requested),
            "granted": self.granted.to_dict(),
            "tier": self.tier,
            "admission": self.admission,
            "rules": [r.to_dict() for r in self.rules],
            "refer": [r.id for r in self.refer],
            "rate_annual": str(self.rate_annual),
            "pricing": self.pricing,
            "policy_version": self.policy_version,
            **self.extra,
        }


def refuse(message: str, rules: list[RuleResult] | tuple[RuleResult, ...]) -> RuleRefused:
    """A ``RuleRefused`` whose message and ``errors`` name every failed rule."""
    failed = [r for r in rules if r.result == "fail"]
    names = "; ".join(
        f"{r.id} {r.clause}: {r.message} [实际 observed: {r.observed}; 要求 required: {r.threshold}]"
        for r in failed
    )
    return RuleRefused(f"{message}: {names}", errors={"rules": [r.to_dict() for r in failed]})


def _edge_to(session: Session, party_id: int, as_of: dt.date, **target: object) -> bool:
    return (
        session.scalar(
            sa.select(Relationship.id)
            .where(
                Relationship.source_party_id == party_id,
                Relationship.valid_on(as_of),
                *(getattr(Relationship, k) == v for k, v in target.items()),
            )
            .limit(1)
        )
        is not None
    )


def in_programme(session: Session, party: Party, programme: Programme | None, on: dt.date) -> bool:
    """The party supplies to / distributes for the core, or trades in the market, on ``on``."""
    if programme is None:
        return False
    if programme.kind is ProgrammeKind.CORE:
        return any(
            _edge_to(session, party.id, on, kind=kind, target_party_id=programme.core_party_id)
            for kind in (RelationshipKind.SUPPLIES_TO, RelationshipKind.DISTRIBUTES_FOR)
        )
    return _edge_to(
        session,
        party.id,
        on,
        kind=RelationshipKind.MEMBER_OF_MARKET,
        target_market_id=programme.market_id,
    )


def _collateral_rules(
    terms: FacilityTerms, tier: str, policy: Policy
) -> tuple[list[RuleResult], dict[str, Decimal], Decimal]:
    """Guarantee mix, machinery, and the collateral's lending value."""
    parts: dict[str, Decimal] = {}
    out: list[RuleResult] = []
    for item in terms.collateral:
        value = collateral_support(
            [
                Collateral(
                    collateral_rate_kind(item.kind.value, item.real_estate_use),
                    item.appraised_value,
                    item.maturity_value,
                )
            ],
            policy,
        )
        kind = guarantee_kind(item.kind.value, item.real_estate_use)
        if kind is not None:
            parts[kind] = parts.get(kind, ZERO) + value
        if item.kind.value == "machinery":
            if None in (item.purchase_date, item.newness, item.unit_value):
                out.append(
                    rule(
                        "machinery_details_given",
                        "[003 §七(三)3]",
                        False,
                        item.code,
                        "购置日期、成新率、单价",
                        "机器设备须登记购置日期、成新率和单台价值",
                    )
                )
            else:
                assert item.purchase_date and item.newness is not None and item.unit_value
                out += machinery_rules(
                    general_purpose=bool(item.general_purpose),
                    purchased_on=item.purchase_date,
                    newness=item.newness,
                    unit_value=item.unit_value,
                    as_of=terms.as_of,
                    policy=policy,
                )
    for g in terms.guarantees:
        if g.kind is GuarantorKind.GUARANTEE_COMPANY:
            parts["guarantee_company"] = parts.get("guarantee_company", ZERO) + g.amount
    if parts:
        out += guarantee_mix_rules(tier, parts, terms.requested, policy)
    support = sum((v for k, v in parts.items() if k != "guarantee_company"), ZERO)
    return out, parts, support


def evaluate_grant(
    session: Session, terms: FacilityTerms, *, facility_id: int | None = None
) -> GrantDecision:
    """Every rule on the proposal and the granted amount; raises ``RuleRefused`` on a fail.

    ``facility_id`` is the facility being changed (a limit change), left out of the sums
    it would otherwise count twice."""
    policy = load_policy(terms.as_of)
    party = terms.party
    if party.kind not in ASSESSABLE:
        raise ValidationFailed(
            f"party (借款人): {party.name} 不是企业或个体工商户 (not a borrower)",
            errors={"party": ["only enterprises and individual businesses borrow"]},
        )
    assessed = assess_loaded_party(session, party, terms.as_of, requested_amount=terms.requested)
    answer = assessed.assessment
    rules: list[RuleResult] = [r for r in answer.rules if r.result != "pass"]
    if answer.tier == "prohibited":
        rules += [r for r in answer.tier_rules if r.result == "fail"]
    if answer.reference_limit.missing:
        rules.append(
            rule(
                "reference_limit_computable",
                answer.reference_limit.clause,
                False,
                ",".join(answer.reference_limit.missing),
                "齐全",
                "缺少计算风险敞口限额的数据 (figures missing for the reference limit)",
            )
        )
    snapshot = latest_snapshot(session, party.id, terms.as_of)
    collateral_results, parts, support = _collateral_rules(terms, answer.tier, policy)
    rules += collateral_results
    strong = any(guarantee_strength(k, policy) == "strong" for k, v in parts.items() if v > 0)
    rules += product_rules(
        terms.product.value,
        tier=answer.tier,
        term_months=months_between(terms.start_date, terms.end_date),
        repayment_method=terms.repayment_method.value,
        strong_guarantee=strong,
        registered_and_operating_locally=terms.registered_and_operating_locally,
        taxable_revenue_last_year=None if snapshot is None else snapshot.taxable_revenue_last_year,
        in_programme=in_programme(session, party, terms.programme, terms.as_of),
        in_group=terms.group is not None
        and _edge_to(
            session,
            party.id,
            terms.as_of,
            kind=RelationshipKind.MEMBER_OF_GROUP,
            target_group_id=terms.group.id,
        ),
        has_real_estate=any(i.kind.value == "real_estate" for i in terms.collateral),
        policy=policy,
    )
    pairs = guarantee_pairs(session, terms.as_of)
    signed: set[str] = set()
    for g in terms.guarantees:
        if g.kind is GuarantorKind.PERSONAL:
            signed.add(str(g.guarantor.id))
            continue
        results, size = guarantor_checks(session, g, terms.as_of, policy)
        rules += results
        rules.append(
            mutual_guarantee_rule(
                str(g.guarantor.id), size, str(party.id), answer.size_class, pairs
            )
        )
    party_type = ASSESSABLE[party.kind]
    personal = required_personal_guarantors(
        party_type, person_links(session, party, terms.as_of), signed, policy
    )
    rules.append(personal.rule)
    candidates: dict[str, Decimal | None] = {
        "reference_limit": None
        if answer.reference_limit.missing
        else answer.reference_limit.amount,
        "requested": terms.requested,
        "product_cap": product_cap_for(terms.product.value, party_type, policy),
        "collateral_support": support if terms.collateral else None,
    }
    if terms.programme is not None:
        candidates["programme_remaining"] = programme_usage(session, terms.programme).remaining
    if terms.group is not None and terms.group.total_limit is not None:
        candidates["joint_group_remaining"] = terms.group.total_limit - _group_limits(
            session, terms.group.id, facility_id
        )
    granted = granted_amount(candidates)
    granted = GrantedAmount(floor_fen(granted.amount), granted.binding, granted.candidates)
    rules.append(
        rule(
            "granted_amount_positive",
            "[003 §八]",
            granted.amount > 0,
            f"{granted.amount:f} ({granted.binding})",
            "> 0",
            "核定额度为各项限额孰低，须大于0 (the lowest candidate leaves something to grant)",
        )
    )
    rate, pricing = _price(terms, snapshot, answer.tier, parts, policy)
    decision = GrantDecision(
        granted=granted,
        tier=answer.tier,
        admission=answer.decision,
        rules=tuple(rules),
        rate_annual=rate,
        pricing=pricing,
        policy_version=policy.version,
        as_of=terms.as_of,
        requested=terms.requested,
        extra={
            "reference_limit": answer.reference_limit.to_dict(),
            "size_class": answer.size_class,
        },
    )
    if any(r.result == "fail" for r in rules):
        raise refuse("授信不符合规则，未提交 (refused by the credit rules; nothing saved)", rules)
    return decision


def _group_limits(session: Session, group_id: int, leave_out: int | None) -> Decimal:
    """Σ limits of the joint-guarantee group's live or proposed facilities (bar one)."""
    query = sa.select(money_sum(Facility.limit_amount)).where(
        Facility.group_id == group_id,
        Facility.status.in_([*LIVE, FacilityStatus.PROPOSED, FacilityStatus.SENT_BACK]),
    )
    if leave_out is not None:
        query = query.where(Facility.id != leave_out)
    return session.scalar(query) or ZERO


def _price(
    terms: FacilityTerms,
    snapshot: FinancialSnapshot | None,
    tier: str,
    parts: dict[str, Decimal],
    policy: Policy,
) -> tuple[Decimal, dict[str, object] | None]:
    """The rate given, or the pricing formula's [000 第8篇 一(二)], with contribution and
    prospect derived from the tier as the pricing quote does when the proposal omits them."""
    rating = None if snapshot is None else snapshot.rating
    if terms.rate_annual is not None:
        if terms.rate_annual <= 0 or terms.rate_annual >= 1:
            raise ValidationFailed(
                "rate_annual (年利率): 须在0与1之间，如0.0815 (a ratio between 0 and 1)",
                errors={"rate_annual": ["须在0与1之间 (between 0 and 1, e.g. 0.0815)"]},
            )
        return terms.rate_annual, None
    if rating is None:
        raise ValidationFailed(
            "rate_annual (年利率): 借款人无评级，无法按定价公式定价，请填写利率 "
            "(no rating to price from: give rate_annual)",
            errors={"rate_annual": ["无评级时必填 (required when the borrower has no rating)"]},
        )
    try:
        levels = derive_levels(
            tier,
            frozenset(snapshot.tier_factors or ()) if snapshot is not None else frozenset(),
            policy,
            contribution=terms.contribution,
            prospect=terms.prospect,
        )
        result = quote(
            rating=rating,
            guarantee=pricing_guarantee_class(parts, policy),
            contribution=levels.contribution,
            prospect=levels.prospect,
            policy=policy,
        )
    except PricingError as error:
        raise ValidationFailed(
            f"pricing (定价): {error}", errors={"pricing": [str(error)]}
        ) from None
    # rates are stored to six places (Ratio), rounded half-up like every figure here
    return quantize_to(result.annual_rate, 6), {
        **result.to_dict(),
        "derived": levels.reasons,
    }


def party_total_limits(session: Session, party_id: int, leave_out: int | None) -> Decimal:
    """The borrower's limits in force with the bank (active or frozen), bar one facility."""
    query = sa.select(money_sum(Facility.limit_amount)).where(
        Facility.party_id == party_id, Facility.status.in_(LIVE)
    )
    if leave_out is not None:
        query = query.where(Facility.id != leave_out)
    return session.scalar(query) or ZERO
