"""One call answering a relationship manager: admissible? which tier? how much?

``assess`` runs size classification [DOMAIN §2], admission [DOMAIN §3], tiering and
the reference limit [DOMAIN §4] under the policy in force on ``as_of``, and records
the policy version so the same answer can be reproduced after the policy changes.
A missing figure is never guessed: the decision is "refer" and the rule says which
field is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from scf.credit.admission import admission_rules, tier_of
from scf.credit.coal import coal_class
from scf.credit.explain import Decision, RuleResult, decide
from scf.credit.facts import FirmFacts, validate
from scf.credit.limits import GrantedAmount, LimitBreakdown, granted_amount, reference_limit
from scf.credit.policy import Policy, load_policy
from scf.credit.size import size_class_allowed


@dataclass(frozen=True)
class Assessment:
    as_of: date
    size_class: str | None
    size_explanation: str
    decision: Decision
    tier: str
    policy_version: str
    rules: tuple[RuleResult, ...]
    tier_rules: tuple[RuleResult, ...]
    reference_limit: LimitBreakdown
    granted: GrantedAmount | None
    missing: tuple[str, ...]
    coal_class: int | None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: money as decimal strings, dates ISO, never a float."""
        return {
            "as_of": self.as_of.isoformat(),
            "size_class": self.size_class,
            "size_explanation": self.size_explanation,
            "decision": self.decision,
            "tier": self.tier,
            "policy_version": self.policy_version,
            "rules": [r.to_dict() for r in self.rules],
            "tier_rules": [r.to_dict() for r in self.tier_rules],
            "reference_limit": self.reference_limit.to_dict(),
            "granted": None if self.granted is None else self.granted.to_dict(),
            "missing": list(self.missing),
            "coal_class": self.coal_class,
        }


def assess(
    facts: FirmFacts,
    as_of: date,
    *,
    requested_amount: Decimal | None = None,
    policy: Policy | None = None,
    network_rules: tuple[RuleResult, ...] = (),
) -> Assessment:
    """Admission, tier and reference limit as of ``as_of`` [003 §五, §八].

    ``network_rules`` are the checks only the network can make (concentration of the
    related-party group, guarantee circles, guarantor capacity: ``scf.graph.rules``);
    they count in the decision like any other rule."""
    policy = policy if policy is not None else load_policy(as_of)
    validate(facts, as_of, policy)
    size_result = None
    size_rule = None
    if facts.party_type == "enterprise":
        size_result, size_rule = size_class_allowed(facts, policy)
    rules = admission_rules(facts, as_of, policy, size_rule) + network_rules
    tier, reasons = tier_of(facts, policy)
    decision = "ineligible" if tier == "prohibited" else decide(rules)
    limit = reference_limit(facts, policy)
    missing: list[str] = []
    for r in rules:
        missing += [n for n in r.missing if n not in missing]
    missing += [f for f in limit.missing if f not in missing]
    granted = None
    if requested_amount is not None:
        if decision == "ineligible":
            granted = GrantedAmount(Decimal("0.00"), "decision_ineligible", {})
        else:
            granted = granted_amount(
                {
                    "reference_limit": None if limit.missing else limit.amount,
                    "requested": requested_amount,
                }
            )
    return Assessment(
        as_of=as_of,
        size_class=None if size_result is None else size_result.size_class,
        size_explanation="" if size_result is None else size_result.explanation,
        decision=decision,
        tier=tier,
        policy_version=policy.version,
        rules=rules,
        tier_rules=reasons,
        reference_limit=limit,
        granted=granted,
        missing=tuple(missing),
        coal_class=coal_class(facts, policy) if facts.industry == "coal_mining" else None,
    )
