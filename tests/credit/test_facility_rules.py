"""Which rules a product needs when a facility is granted [003 §六] [003 §七]."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scf.credit.facility_rules import (
    collateral_rate_kind,
    guarantee_kind,
    pricing_guarantee_class,
    product_cap_for,
    product_rules,
)
from scf.credit.policy import Policy

D = Decimal
BASE = dict(
    tier="key_supported",
    term_months=12,
    repayment_method="equal_principal",
    strong_guarantee=True,
    registered_and_operating_locally=True,
    taxable_revenue_last_year=D("6000000"),
    in_programme=True,
    in_group=True,
    has_real_estate=True,
)


@pytest.mark.parametrize(
    ("product", "change", "failing"),
    [
        ("credit", {}, set()),
        ("credit", {"tier": "cautious"}, {"credit_loan_key_supported"}),
        ("credit", {"taxable_revenue_last_year": D("4999999.99")}, {"credit_loan_taxable_revenue"}),
        ("credit", {"repayment_method": "bullet"}, {"credit_loan_amortising"}),
        ("revolving", {"strong_guarantee": False}, {"revolving_strong_guarantee"}),
        ("revolving", {"term_months": 25}, {"revolving_term_within_limit"}),
        ("revolving", {"term_months": 24}, set()),
        ("joint_guarantee", {"in_group": False}, {"borrower_in_joint_guarantee_group"}),
        ("joint_guarantee", {"repayment_method": "bullet"}, {"group_repays_in_instalments"}),
        ("receivable_pledge", {"in_programme": False}, {"supplier_in_core_programme"}),
        ("confirmed_warehouse", {"tier": "general"}, {"dealer_key_supported"}),
        ("mortgage", {"has_real_estate": False}, {"mortgage_has_real_estate"}),
        ("goods_pledge", {"tier": "cautious", "in_programme": False}, set()),
    ],
)
def test_product_rules(
    policy: Policy, product: str, change: dict[str, object], failing: set[str]
) -> None:
    rules = product_rules(product, **{**BASE, **change}, policy=policy)  # type: ignore[arg-type]
    assert {r.id for r in rules if not r.ok} == failing


@pytest.mark.parametrize(
    ("product", "party_type", "cap"),
    [
        ("credit", "enterprise", D("1000000")),
        ("revolving", "enterprise", D("3000000")),
        ("joint_guarantee", "individual_business", D("2000000")),
        ("joint_guarantee", "enterprise", None),
        ("receivable_pledge", "enterprise", None),
    ],
)
def test_product_caps(policy: Policy, product: str, party_type: str, cap: Decimal | None) -> None:
    assert product_cap_for(product, party_type, policy) == cap


def test_collateral_maps_to_the_policy_vocabulary() -> None:
    assert guarantee_kind("real_estate", "residential") == "real_estate_residential"
    assert guarantee_kind("real_estate", "industrial") == "industrial_land"
    assert guarantee_kind("deposit") == "deposit_certificate"
    assert guarantee_kind("equity") is None
    assert collateral_rate_kind("equity") == "equity"
    assert collateral_rate_kind("machinery") == "machinery"


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ({}, "unsecured"),
        ({"deposit_certificate": D("1")}, "deposit_certificate"),
        ({"deposit_certificate": D("1"), "real_estate_commercial": D("1")}, "strong"),
        ({"real_estate_commercial": D("1"), "machinery": D("1")}, "combined"),
    ],
)
def test_pricing_guarantee_class(policy: Policy, parts: dict[str, Decimal], expected: str) -> None:
    assert pricing_guarantee_class(parts, policy) == expected
