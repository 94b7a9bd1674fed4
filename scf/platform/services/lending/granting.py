"""Running the credit engine on a facility proposal (授信审查): gather, ask, explain.

The engine decides every rule (``scf.credit.granting`` and the rules it gathers); this
module loads the facts from the database — the borrower, its people and guarantors, the
collateral offered, programme membership, what the programme and group already use —
and collects the answers: admission and tier (``assess_loaded_party``), the product's own
conditions (``facility_rules.product_rules``), the guarantee mix and each guarantor
[003 §七], personal guarantees [003 §七(二)4], no mutual guarantee between small firms
[003 §七(二)5], machinery [003 §七(三)3], pricing [000 第8篇], and the granted amount as
the lowest of the named candidates [DOMAIN §4]. Any failed rule refuses the proposal
(``RuleRefused`` listing them); rules that *refer* are kept for the approver to see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.assessment import Assessment
from scf.credit.dates import months_between
from scf.credit.explain import RuleResult, about, masked
from scf.credit.facility_rules import product_cap_for, product_rules
from scf.credit.granting import (
    CollateralItemFacts,
    CollateralPackage,
    assessment_findings,
    collateral_package,
    formula_rate,
    granted,
    granted_amount_positive,
    programme_relationships,
)
from scf.credit.guarantees import mutual_guarantee_rule, required_personal_guarantors
from scf.credit.limits import GrantedAmount
from scf.credit.money import ZERO
from scf.credit.policy import Policy, load_policy
from scf.credit.pricing import RATE_OUT_OF_BOUNDS, PricingError, rate_within_bounds
from scf.platform.errors import ValidationFailed
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
from scf.platform.services.lending.refusals import refuse
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
    # Third parties (guarantors) the proposer may not see: their rules keep their outcome
    # and clause, their figures are withheld from the decision the proposer reads.
    hidden_parties: frozenset[int] = frozenset()


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


def _edge_to(
    session: Session,
    party_id: int,
    as_of: dt.date,
    kinds: Sequence[RelationshipKind],
    **target: object,
) -> bool:
    """Whether the party has a relationship of one of ``kinds`` to ``target`` on ``as_of``."""
    return (
        session.scalar(
            sa.select(Relationship.id)
            .where(
                Relationship.source_party_id == party_id,
                Relationship.valid_on(as_of),
                Relationship.kind.in_(kinds),
                *(getattr(Relationship, k) == v for k, v in target.items()),
            )
            .limit(1)
        )
        is not None
    )


def in_programme(session: Session, party: Party, programme: Programme | None, on: dt.date) -> bool:
    """The party has, on ``on``, a relationship ``programme_relationships`` names to the
    programme's core enterprise or market."""
    if programme is None:
        return False
    target = (
        {"target_party_id": programme.core_party_id}
        if programme.kind is ProgrammeKind.CORE
        else {"target_market_id": programme.market_id}
    )
    kinds = programme_relationships(programme.kind)
    return _edge_to(session, party.id, on, kinds, **target)


def _in_group(session: Session, terms: FacilityTerms) -> bool:
    return terms.group is not None and _edge_to(
        session,
        terms.party.id,
        terms.as_of,
        [RelationshipKind.MEMBER_OF_GROUP],
        target_group_id=terms.group.id,
    )


def _item_facts(item: CollateralItem) -> CollateralItemFacts:
    """The item as the engine reads it: the columns of the same names, the kind as its value."""
    names = [f.name for f in fields(CollateralItemFacts) if f.name != "kind"]
    return CollateralItemFacts(kind=item.kind.value, **{n: getattr(item, n) for n in names})


def _collateral(terms: FacilityTerms, tier: str, policy: Policy) -> CollateralPackage:
    """The collateral items and guarantee companies offered, valued and checked."""
    return collateral_package(
        [_item_facts(i) for i in terms.collateral],
        [g.amount for g in terms.guarantees if g.kind is GuarantorKind.GUARANTEE_COMPANY],
        tier=tier,
        requested=terms.requested,
        as_of=terms.as_of,
        policy=policy,
    )


def _require_borrower(party: Party) -> None:
    if party.kind not in ASSESSABLE:
        raise ValidationFailed(
            f"party (借款人): {party.name} 不是企业或个体工商户 (not a borrower)",
            errors={"party": ["only enterprises and individual businesses borrow"]},
        )


def evaluate_grant(
    session: Session, terms: FacilityTerms, *, facility_id: int | None = None
) -> GrantDecision:
    """Every rule on the proposal and the granted amount; raises ``RuleRefused`` on a fail.

    ``facility_id`` is the facility being changed (a limit change), left out of the sums
    it would otherwise count twice."""
    policy = load_policy(terms.as_of)
    _require_borrower(terms.party)
    answer = assess_loaded_party(
        session, terms.party, terms.as_of, requested_amount=terms.requested
    ).assessment
    snapshot = latest_snapshot(session, terms.party.id, terms.as_of)
    collateral = _collateral(terms, answer.tier, policy)
    rules = [
        *assessment_findings(answer),
        *collateral.rules,
        *_product_rules(session, terms, answer.tier, snapshot, collateral, policy),
        *_guarantee_rules(session, terms, answer.size_class, policy),
    ]
    amount = _granted(session, terms, answer, collateral, facility_id, policy)
    rules.append(granted_amount_positive(amount))
    rate, pricing = _price(terms, snapshot, answer.tier, collateral.parts, policy)
    decision = GrantDecision(
        granted=amount,
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


def _product_rules(
    session: Session,
    terms: FacilityTerms,
    tier: str,
    snapshot: FinancialSnapshot | None,
    collateral: CollateralPackage,
    policy: Policy,
) -> tuple[RuleResult, ...]:
    """The product's own conditions, on the facts the network and the books hold."""
    return product_rules(
        terms.product.value,
        tier=tier,
        term_months=months_between(terms.start_date, terms.end_date),
        repayment_method=terms.repayment_method.value,
        strong_guarantee=collateral.strong,
        registered_and_operating_locally=terms.registered_and_operating_locally,
        taxable_revenue_last_year=None if snapshot is None else snapshot.taxable_revenue_last_year,
        in_programme=in_programme(session, terms.party, terms.programme, terms.as_of),
        in_group=_in_group(session, terms),
        has_real_estate=collateral.has_real_estate,
        policy=policy,
    )


def _guarantee_rules(
    session: Session, terms: FacilityTerms, size_class: str | None, policy: Policy
) -> list[RuleResult]:
    """Each guarantor's rules and the mutual-guarantee ban [003 §七(二)1-3,5], then the
    personal guarantees the borrower's people owe [003 §七(二)4]."""
    pairs = guarantee_pairs(session, terms.as_of)
    signed: set[str] = set()
    rules: list[RuleResult] = []
    party = terms.party
    for g in terms.guarantees:
        if g.kind is GuarantorKind.PERSONAL:
            signed.add(str(g.guarantor.id))
            continue
        results, size = guarantor_checks(session, g, terms.as_of, policy)
        mutual = mutual_guarantee_rule(str(g.guarantor.id), size, str(party.id), size_class, pairs)
        if g.guarantor.id in terms.hidden_parties:
            key = g.guarantor.uscc or g.guarantor.customer_number or "?"
            rules += [masked(r, key) for r in (*results, mutual)]
        else:
            rules += [*(about(r, g.guarantor.name) for r in results), mutual]
    personal = required_personal_guarantors(
        ASSESSABLE[party.kind], person_links(session, party, terms.as_of), signed, policy
    )
    rules.append(personal.rule)
    return rules


def _granted(
    session: Session,
    terms: FacilityTerms,
    answer: Assessment,
    collateral: CollateralPackage,
    facility_id: int | None,
    policy: Policy,
) -> GrantedAmount:
    """The candidates of the granted amount, gathered from the books, and the lowest."""
    programme_remaining = group_remaining = None
    if terms.programme is not None:
        programme_remaining = programme_usage(session, terms.programme).remaining
    if terms.group is not None and terms.group.total_limit is not None:
        group_remaining = terms.group.total_limit - _group_limits(
            session, terms.group.id, facility_id
        )
    return granted(
        reference_limit=answer.reference_limit,
        requested=terms.requested,
        product_cap=product_cap_for(terms.product.value, ASSESSABLE[terms.party.kind], policy),
        collateral_support=collateral.support,
        programme_remaining=programme_remaining,
        joint_group_remaining=group_remaining,
    )


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
    """The rate given, or the pricing formula's (``scf.credit.granting.formula_rate``)."""
    if terms.rate_annual is not None:
        if not rate_within_bounds(terms.rate_annual):
            raise ValidationFailed(
                f"rate_annual (年利率): {RATE_OUT_OF_BOUNDS}",
                errors={"rate_annual": ["须在0与1之间 (between 0 and 1, e.g. 0.0815)"]},
            )
        return terms.rate_annual, None
    if snapshot is None or snapshot.rating is None:
        raise ValidationFailed(
            "rate_annual (年利率): 借款人无评级，无法按定价公式定价，请填写利率 "
            "(no rating to price from: give rate_annual)",
            errors={"rate_annual": ["无评级时必填 (required when the borrower has no rating)"]},
        )
    try:
        return formula_rate(
            rating=snapshot.rating,
            tier=tier,
            tier_factors=frozenset(snapshot.tier_factors or ()),
            guarantee_parts=parts,
            contribution=terms.contribution,
            prospect=terms.prospect,
            policy=policy,
        )
    except PricingError as error:
        raise ValidationFailed(
            f"pricing (定价): {error}", errors={"pricing": [str(error)]}
        ) from None


def party_total_limits(session: Session, party_id: int, leave_out: int | None) -> Decimal:
    """The borrower's limits in force with the bank (active or frozen), bar one facility."""
    query = sa.select(money_sum(Facility.limit_amount)).where(
        Facility.party_id == party_id, Facility.status.in_(LIVE)
    )
    if leave_out is not None:
        query = query.where(Facility.id != leave_out)
    return session.scalar(query) or ZERO
