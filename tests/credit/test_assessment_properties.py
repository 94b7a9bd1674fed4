"""Invariants of ``assess`` over arbitrary (valid) facts: no floats, no negative limits,
no guessing (missing input → refer)."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from scf.credit.assessment import assess
from scf.credit.facts import FirmFacts
from scf.credit.industries import INDUSTRIES
from scf.credit.policy import load_policy

AS_OF = date(2024, 6, 30)
POLICY = load_policy(AS_OF)
money = st.none() | st.decimals(min_value=0, max_value=10**10, places=2)
signed = st.none() | st.decimals(min_value=-(10**8), max_value=10**8, places=2)
past = st.none() | st.dates(min_value=date(1950, 1, 1), max_value=AS_OF)
flag = st.none() | st.booleans()


@st.composite
def firm_facts(draw: st.DrawFn) -> FirmFacts:
    assets = draw(money)
    liabilities = draw(money) if assets is not None else None
    return FirmFacts(
        party_type=draw(st.none() | st.sampled_from(["enterprise", "individual_business"])),
        industry=draw(st.none() | st.sampled_from(sorted(INDUSTRIES))),
        employees=draw(st.none() | st.integers(min_value=0, max_value=5000)),
        revenue_12m=draw(money),
        revenue_prior_year=draw(money),
        total_assets=assets,
        total_liabilities=liabilities,
        existing_exposure=draw(st.decimals(min_value=0, max_value=10**9, places=2)),
        net_profit_last_year=draw(signed),
        net_profit_prior_year=draw(signed),
        established_on=draw(past),
        rating=draw(st.none() | st.sampled_from(POLICY.items("rating.scale"))),
        bad_credit_3y=draw(flag),
        controller_bad_credit_1y=draw(flag),
        operator_birth_date=draw(past),
        household_net_assets=draw(money),
        household_debt=draw(money),
        years_in_trade=draw(st.none() | st.decimals(min_value=0, max_value=50, places=1)),
        years_at_premises=draw(st.none() | st.decimals(min_value=0, max_value=50, places=1)),
        local_residence=draw(flag),
        fixed_home=draw(flag),
        operator_bad_credit_1y=draw(flag),
        programme_credit=draw(st.booleans()),
        prohibited_flags=frozenset(
            draw(st.sets(st.sampled_from(POLICY.items("tier.prohibited.flags")), max_size=2))
        ),
    )


def walk(value: object) -> None:
    assert not isinstance(value, float), value
    if isinstance(value, dict):
        for k, v in value.items():
            assert isinstance(k, str)
            walk(v)
    elif isinstance(value, list):
        for v in value:
            walk(v)
    else:
        assert value is None or isinstance(value, str | int | bool), type(value)


@given(
    facts=firm_facts(), requested=st.none() | st.decimals(min_value=0, max_value=10**9, places=2)
)
def test_assessment_is_json_ready_never_negative_and_never_guesses(
    facts: FirmFacts, requested: Decimal | None
) -> None:
    a = assess(facts, AS_OF, requested_amount=requested, policy=POLICY)
    walk(a.to_dict())
    assert a.reference_limit.amount >= 0
    if a.granted is not None:
        assert a.granted.amount >= 0 and (requested is None or a.granted.amount <= requested)
        if not a.reference_limit.missing and a.decision != "ineligible":
            assert a.granted.amount <= a.reference_limit.amount
    if a.missing and a.decision == "eligible":
        raise AssertionError("an assessment with missing inputs cannot be eligible")
    if facts.prohibited_flags:
        assert (a.tier, a.decision) == ("prohibited", "ineligible")
