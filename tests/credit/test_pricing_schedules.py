"""Pricing [000 第8篇], repayment schedules and delinquency classes [003 §十] [DOMAIN §11]."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scf.credit.delinquency import delinquency_class
from scf.credit.policy import Policy, load_policy
from scf.credit.pricing import PricingError, loan_rate, quote
from scf.credit.schedules import METHODS, ScheduleError, build_schedule, term_rule

D = Decimal
WORKED_COEFFICIENTS = {
    "credit_grade": D("0.55"),
    "guarantee": D("0.65"),
    "contribution": D("0.75"),
    "prospect": D("0.70"),
}
WORKED_WEIGHTS = {
    "credit_grade": D("0.15"),
    "guarantee": D("0.25"),
    "contribution": D("0.25"),
    "prospect": D("0.35"),
}


def test_seed_worked_case_gives_8_15_percent_a_year_and_6_79_permille_a_month() -> None:
    q = loan_rate(D("0.0486"), WORKED_COEFFICIENTS, WORKED_WEIGHTS)
    assert q.uplift == D("0.6775")
    assert q.annual_rate == D("0.08152650")
    assert q.annual_percent == D("8.15")
    assert q.monthly_permille == D("6.79")


def test_weights_not_summing_to_one_are_refused() -> None:
    weights = WORKED_WEIGHTS | {"prospect": D("0.30")}
    with pytest.raises(PricingError, match="sum to 1"):
        loan_rate(D("0.0486"), WORKED_COEFFICIENTS, weights)


def test_quote_derives_the_worked_case_from_policy_tables(policy: Policy) -> None:
    # BBB → 0.55; strong guarantee → 0.65; medium contribution → 0.75; fair prospect → 0.70
    q = quote(
        rating="BBB", guarantee="strong", contribution="medium", prospect="fair", policy=policy
    )
    assert q.coefficients == WORKED_COEFFICIENTS
    assert (q.annual_percent, q.monthly_permille) == (D("8.15"), D("6.79"))


def test_better_rating_and_deposit_pledge_price_lower(policy: Policy) -> None:
    low = quote(
        rating="AA",
        guarantee="deposit_certificate",
        contribution="high",
        prospect="good",
        policy=policy,
    )
    high = quote(
        rating="B", guarantee="unsecured", contribution="low", prospect="poor", policy=policy
    )
    assert low.annual_rate < high.annual_rate


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (0, "normal"),
        (1, "special_mention"),
        (90, "special_mention"),
        (91, "substandard"),
        (270, "substandard"),
        (271, "doubtful"),
        (360, "doubtful"),
        (361, "loss"),
    ],
)
def test_delinquency_class_boundaries(policy: Policy, days: int, expected: str) -> None:
    assert delinquency_class(days, policy) == expected


def test_equal_principal_schedule_worked_by_hand(policy: Policy) -> None:
    s = build_schedule(
        D("100000"), D("0.06"), date(2024, 1, 31), 4, method="equal_principal", policy=policy
    )
    assert [i.due_date for i in s.instalments] == [
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
        date(2024, 5, 31),
    ]
    assert [i.days for i in s.instalments] == [29, 31, 30, 31]
    assert [i.principal for i in s.instalments] == [D("25000.00")] * 4
    assert [i.interest for i in s.instalments] == [
        D("483.33"),
        D("387.50"),
        D("250.00"),
        D("129.17"),
    ]


def test_equal_instalment_first_payment_worked_by_hand(policy: Policy) -> None:
    s = build_schedule(
        D("120000"), D("0.12"), date(2024, 1, 15), 12, method="equal_instalment", policy=policy
    )
    first = s.instalments[0]
    assert (first.days, first.interest, first.principal) == (31, D("1240.00"), D("9421.85"))
    assert first.payment == D("10661.85")
    assert s.total_principal == D("120000")


def test_bullet_repays_principal_at_maturity_with_quarterly_interest(policy: Policy) -> None:
    s = build_schedule(
        D("1000000"),
        D("0.0815"),
        date(2024, 1, 1),
        4,
        method="bullet",
        interval_months=3,
        policy=policy,
    )
    assert [i.principal for i in s.instalments] == [D(0), D(0), D(0), D("1000000")]
    assert s.instalments[0].interest == D("20601.39")  # 1M × 8.15% × 91 / 360 = 20,601.388…


def test_instalment_principal_by_count_and_by_amounts(policy: Policy) -> None:
    s = build_schedule(
        D("100000"),
        D("0.06"),
        date(2024, 1, 1),
        6,
        method="instalment_principal",
        instalment_count=2,
        policy=policy,
    )
    assert [i.principal for i in s.instalments] == [0, 0, D("50000.00"), 0, 0, D("50000.00")]
    amounts = [D("10000"), D("20000"), D("70000")]
    s = build_schedule(
        D("100000"),
        D("0.06"),
        date(2024, 1, 1),
        3,
        method="instalment_principal",
        amounts=amounts,
        policy=policy,
    )
    assert [i.principal for i in s.instalments] == amounts
    with pytest.raises(ScheduleError):
        build_schedule(
            D("100000"),
            D("0.06"),
            date(2024, 1, 1),
            3,
            method="instalment_principal",
            amounts=[D("1"), D("2"), D("3")],
            policy=policy,
        )


POLICY = load_policy(date(2024, 6, 30))


@given(
    principal=st.decimals(min_value=D("0.01"), max_value=D("50000000"), places=2),
    rate=st.decimals(min_value=D("0"), max_value=D("0.36"), places=4),
    periods=st.integers(min_value=1, max_value=60),
    method=st.sampled_from([m for m in METHODS if m != "instalment_principal"]),
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
)
def test_schedule_principal_always_sums_to_the_loan_and_has_no_floats(
    principal: Decimal, rate: Decimal, periods: int, method: str, start: date
) -> None:
    s = build_schedule(principal, rate, start, periods, method=method, policy=POLICY)
    assert s.total_principal == principal
    assert all(i.principal >= 0 and i.interest >= 0 for i in s.instalments)
    assert s.instalments[-1].closing_balance == 0
    assert "float" not in repr(s.to_dict())


@pytest.mark.parametrize(
    ("months", "pledged", "ok"),
    [(12, False, True), (13, False, False), (36, True, True), (37, True, False)],
)
def test_loan_term_limits(policy: Policy, months: int, pledged: bool, ok: bool) -> None:
    assert term_rule(months, deposit_or_bond_pledged=pledged, policy=policy).ok is ok
