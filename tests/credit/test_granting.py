"""What the engine decides on a facility proposal: collateral at its rates and its mix,
the granted amount as the lowest candidate, the rules it carries from the assessment
[003 §七] [003 §八] [DOMAIN §4, §7]."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from scf.credit.assessment import assess
from scf.credit.granting import (
    CollateralItemFacts,
    CollateralPackage,
    assessment_findings,
    collateral_not_pledged_elsewhere,
    collateral_package,
    facility_not_ended,
    granted,
    granted_amount_positive,
    programme_relationships,
)
from scf.credit.limits import LimitBreakdown
from scf.credit.policy import Policy

from .factories import AS_OF, MANUFACTURER

D = Decimal
HOUSE = CollateralItemFacts("RE1", "real_estate", D("1000000"), real_estate_use="residential")
MACHINE = CollateralItemFacts(
    "MC1",
    "machinery",
    D("200000"),
    general_purpose=True,
    purchase_date=date(2023, 1, 1),  # 18 months before AS_OF
    newness=D("0.80"),
    unit_value=D("60000"),
)


def _package(
    policy: Policy,
    items: Sequence[CollateralItemFacts] = (),
    companies: Sequence[Decimal] = (),
    tier: str = "key_supported",
    requested: str = "1000000",
) -> CollateralPackage:
    return collateral_package(
        list(items), list(companies), tier=tier, requested=D(requested), as_of=AS_OF, policy=policy
    )


def test_house_and_machine_at_their_collateral_rates(policy: Policy) -> None:
    # residential 1,000,000 × 70% = 700,000; machinery 200,000 × 50% = 100,000 (assumed rates)
    package = _package(policy, [HOUSE, MACHINE])
    assert package.parts == {"real_estate_residential": D("700000.00"), "machinery": D("100000.00")}
    assert package.support == D("800000.00")
    assert (package.strong, package.has_real_estate) == (True, True)
    # key-supported, strong 700,000 / 1,000,000 = 70% ≥ 40%: the mix passes [003 §七(一)2]
    assert all(r.ok for r in package.rules)
    assert [r.id for r in package.rules][-3:] == [
        "weak_guarantee_not_alone",
        "combined_guarantee_key_supported_only",
        "combined_strong_share_sufficient",
    ]


@pytest.mark.parametrize(
    ("requested", "ok"),
    [("1750000", True), ("1750000.01", False)],  # 700,000 / 1,750,000 = 40% exactly
)
def test_strong_part_of_a_combined_guarantee_is_at_least_40_percent(
    policy: Policy, requested: str, ok: bool
) -> None:
    package = _package(policy, [HOUSE, MACHINE], requested=requested)
    share = next(r for r in package.rules if r.id == "combined_strong_share_sufficient")
    assert share.ok is ok


def test_weak_guarantees_never_stand_alone_and_only_key_supported_combine(policy: Policy) -> None:
    package = _package(policy, [MACHINE], tier="normal")
    assert {r.id for r in package.rules if not r.ok} == {
        "weak_guarantee_not_alone",
        "combined_guarantee_key_supported_only",
        "combined_strong_share_sufficient",
    }
    assert package.strong is False


def test_machinery_without_its_details_is_refused_by_name(policy: Policy) -> None:
    bare = replace(MACHINE, newness=None)
    rules = _package(policy, [bare]).rules
    details = next(r for r in rules if r.id == "machinery_details_given")
    assert (details.result, details.observed, details.clause) == ("fail", "MC1", "[003 §七(三)3]")
    assert not any(r.id.startswith("machinery_") and r.id != details.id for r in rules)


def test_a_guarantee_company_is_strong_but_supports_no_collateral_value(policy: Policy) -> None:
    package = _package(policy, companies=[D("300000")])
    assert package.parts == {"guarantee_company": D("300000")}
    assert (package.support, package.strong) == (None, True)


def test_nothing_offered_is_neither_strong_nor_a_candidate(policy: Policy) -> None:
    package = _package(policy)
    assert (package.rules, package.parts, package.support, package.strong) == ((), {}, None, False)


def _limit(amount: str, missing: tuple[str, ...] = ()) -> LimitBreakdown:
    return LimitBreakdown("R", "[003 §八(一)]", {}, {}, None, D(amount), missing=missing)


def test_the_granted_amount_is_the_lowest_candidate_rounded_down() -> None:
    amount = granted(
        reference_limit=_limit("900000"),
        requested=D("1000000"),
        product_cap=None,  # not applicable: not a candidate
        collateral_support=D("800000"),
        programme_remaining=D("600000.50"),
    )
    assert (amount.amount, amount.binding) == (D("600000.50"), "programme_remaining")
    assert set(amount.candidates) == {
        "reference_limit",
        "requested",
        "collateral_support",
        "programme_remaining",
    }


def test_a_missing_reference_limit_is_no_candidate_and_is_a_finding() -> None:
    amount = granted(
        reference_limit=_limit("0", ("revenue_12m",)),
        requested=D("500000"),
        product_cap=D("1000000"),
        collateral_support=None,
    )
    assert (amount.amount, amount.binding) == (D("500000.00"), "requested")
    answer = assess(replace(MANUFACTURER, revenue_12m=None), AS_OF)
    findings = {r.id: r for r in assessment_findings(answer)}
    assert findings["reference_limit_computable"].observed == "revenue_12m"
    assert findings["reference_limit_computable"].result == "fail"


def test_a_used_up_programme_grants_nothing_and_says_which_candidate() -> None:
    amount = granted(
        reference_limit=_limit("900000"),
        requested=D("1000000"),
        product_cap=None,
        collateral_support=None,
        programme_remaining=D("-5000"),  # over-used: counts as 0
    )
    rule = granted_amount_positive(amount)
    assert (rule.result, rule.observed, rule.clause) == (
        "fail",
        "0.00 (programme_remaining)",
        "[003 §八]",
    )
    assert granted_amount_positive(replace(amount, amount=D("0.01"))).ok


def test_an_eligible_borrower_brings_no_findings_a_prohibited_one_its_tier() -> None:
    assert assessment_findings(assess(MANUFACTURER, AS_OF)) == []
    prohibited = assess(replace(MANUFACTURER, prohibited_flags=frozenset({"entertainment"})), AS_OF)
    assert [(r.id, r.result) for r in assessment_findings(prohibited)] == [
        ("not_prohibited", "fail"),
        ("leverage_low_for_key_support", "fail"),
        ("key_support_factor_present", "fail"),
    ]


@pytest.mark.parametrize(("on", "ok"), [(date(2026, 12, 31), True), (date(2027, 1, 1), False)])
def test_a_facility_is_approved_only_until_its_end_date(on: date, ok: bool) -> None:
    assert facility_not_ended(on, date(2026, 12, 31)).ok is ok


def test_collateral_pledged_to_a_facility_is_not_offered_again() -> None:
    assert collateral_not_pledged_elsewhere("RE1", None).ok
    again = collateral_not_pledged_elsewhere("RE1", 42)
    assert (again.result, again.observed, again.clause) == ("fail", "RE1", "[003 §七]")


@pytest.mark.parametrize(
    ("kind", "relationships"),
    [("core", ("supplies_to", "distributes_for")), ("market", ("member_of_market",))],
)
def test_who_belongs_to_a_programme(kind: str, relationships: tuple[str, ...]) -> None:
    assert programme_relationships(kind) == relationships
