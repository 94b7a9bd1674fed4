"""Reference limit R = min(X×a, Y×b) − Q, product caps, granted amount [003 §八, §六]."""

import json
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scf.credit.assessment import assess
from scf.credit.limits import (
    credit_loan_rules,
    enterprise_reference_limit,
    granted_amount,
    individual_reference_limit,
    product_cap,
    revolving_rules,
)
from scf.credit.policy import Policy, load_policy

from .factories import AS_OF, MANUFACTURER, SHOPKEEPER, WHOLESALER

D = Decimal

# (industry, X, Y, Q, candidate X×a, candidate Y×b, binding, R) — worked by hand
CASES = [
    (
        "manufacturing",
        "12000000",
        "4000000",
        "500000",
        "4200000.00",
        "2800000.00",
        "equity_x_b",
        "2300000.00",
    ),
    (
        "manufacturing",
        "5000000",
        "4000000",
        "0",
        "1750000.00",
        "2800000.00",
        "revenue_x_a",
        "1750000.00",
    ),
    (
        "wholesale",
        "30000000",
        "2400000",
        "0",
        "6000000.00",
        "2400000.00",
        "equity_x_b",
        "2400000.00",
    ),
    (
        "retail",
        "10000000",
        "4000000",
        "100000",
        "2000000.00",
        "4000000.00",
        "revenue_x_a",
        "1900000.00",
    ),
    (
        "construction",
        "10000000",
        "1000000",
        "0",
        "3500000.00",
        "700000.00",
        "equity_x_b",
        "700000.00",
    ),
    (
        "manufacturing",
        "12000000",
        "4000000",
        "3000000",
        "4200000.00",
        "2800000.00",
        "equity_x_b",
        "0.00",
    ),
]


@pytest.mark.parametrize(("industry", "x", "y", "q", "by_x", "by_y", "binding", "r"), CASES)
def test_reference_limit_worked_by_hand(
    policy: Policy,
    industry: str,
    x: str,
    y: str,
    q: str,
    by_x: str,
    by_y: str,
    binding: str,
    r: str,
) -> None:
    b = enterprise_reference_limit(industry, D(x), D(y), D(q), policy)
    assert b.candidates == {"revenue_x_a": D(by_x), "equity_x_b": D(by_y)}
    assert (b.binding, b.amount) == (binding, D(r))


def test_negative_reference_limit_is_floored_at_zero(policy: Policy) -> None:
    b = enterprise_reference_limit(
        "manufacturing", D("12000000"), D("4000000"), D("3000000"), policy
    )
    assert b.amount == D("0.00") and b.floored
    assert "→ 0" in b.formula


def test_other_industries_use_assumed_manufacturing_coefficients(policy: Policy) -> None:
    b = enterprise_reference_limit("transport", D("100"), D("100"), D("0"), policy)
    assert (b.inputs["a"], b.inputs["b"]) == (D("0.35"), D("0.70"))
    assert "assumed" in b.clause


def test_assessment_reference_limit_uses_equity_from_assets_less_liabilities() -> None:
    a = assess(MANUFACTURER, AS_OF)  # Y = 10M − 5M = 5M; min(4.2M, 3.5M) − 0.5M
    assert a.reference_limit.amount == D("3000000.00")
    assert a.reference_limit.inputs["Y"] == D("5000000")


def test_wholesale_assessment_limit_worked_by_hand() -> None:
    a = assess(WHOLESALER, AS_OF)  # min(30M × 20%, 4M × 100%) − 0
    assert a.reference_limit.amount == D("4000000.00")
    assert a.reference_limit.binding == "equity_x_b"


def test_individual_limit_is_household_net_assets_less_existing_exposure() -> None:
    a = assess(SHOPKEEPER, AS_OF)
    assert a.reference_limit.amount == D("1300000.00")
    assert individual_reference_limit(D("100"), D("200")).amount == D("0.00")


def test_granted_amount_is_the_lowest_named_candidate() -> None:
    g = granted_amount(
        {
            "reference_limit": D("3000000"),
            "requested": D("2500000"),
            "product_cap": D("2000000"),
            "collateral_support": D("2100000"),
            "programme_remaining": None,
        }
    )
    assert (g.amount, g.binding) == (D("2000000.00"), "product_cap")
    assert "programme_remaining" not in g.candidates


def test_assessment_granted_amount_binds_on_request_or_limit() -> None:
    a = assess(MANUFACTURER, AS_OF, requested_amount=D("1000000"))
    assert a.granted is not None and (a.granted.amount, a.granted.binding) == (
        D("1000000.00"),
        "requested",
    )
    b = assess(replace(MANUFACTURER, bad_credit_3y=True), AS_OF, requested_amount=D("1"))
    assert b.granted is not None and b.granted.amount == 0


@pytest.mark.parametrize(
    ("product", "cap"),
    [
        ("joint_guarantee_individual", "2000000"),
        ("credit_loan", "1000000"),
        ("revolving", "3000000"),
    ],
)
def test_product_caps(policy: Policy, product: str, cap: str) -> None:
    assert product_cap(product, policy) == D(cap)


def test_credit_loan_needs_key_support_local_revenue_and_amortising(policy: Policy) -> None:
    rules = credit_loan_rules(
        tier="key_supported",
        registered_and_operating_locally=True,
        taxable_revenue_last_year=D("5000000"),
        repayment_method="equal_principal",
        policy=policy,
    )
    assert all(r.ok for r in rules)
    rules = credit_loan_rules(
        tier="normal",
        registered_and_operating_locally=True,
        taxable_revenue_last_year=D("4999999.99"),
        repayment_method="bullet",
        policy=policy,
    )
    assert [r.result for r in rules] == ["fail", "pass", "fail", "fail"]


def test_revolving_loan_term_at_most_two_years(policy: Policy) -> None:
    assert all(r.ok for r in revolving_rules(strong_guarantee=True, term_months=24, policy=policy))
    assert not revolving_rules(strong_guarantee=True, term_months=25, policy=policy)[1].ok


def test_to_dict_is_json_ready_with_money_as_strings() -> None:
    data = assess(MANUFACTURER, AS_OF, requested_amount=D("1000000")).to_dict()
    text = json.dumps(data, ensure_ascii=False)
    assert '"amount": "3000000.00"' in text
    assert data["policy_version"] == assess(MANUFACTURER, AS_OF).policy_version


money = st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False, allow_infinity=False)


@given(
    x=money,
    y=money,
    q=money,
    industry=st.sampled_from(["manufacturing", "wholesale", "retail", "other"]),
)
def test_reference_limit_is_never_negative_nor_above_either_candidate(
    x: Decimal, y: Decimal, q: Decimal, industry: str
) -> None:
    b = enterprise_reference_limit(industry, x, y, q, load_policy(AS_OF))
    assert b.amount >= 0
    assert all(b.amount <= c for c in b.candidates.values())


@given(
    st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), st.none() | money, min_size=1).filter(
        lambda d: any(v is not None for v in d.values())
    )
)
def test_granted_amount_never_exceeds_any_cap(candidates: dict[str, Decimal | None]) -> None:
    g = granted_amount(candidates)
    assert all(g.amount <= v for v in candidates.values() if v is not None)
    assert g.amount >= 0 and not isinstance(g.amount, float)
