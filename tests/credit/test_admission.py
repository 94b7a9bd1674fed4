"""Admission rules and tiers [003 §五] [000 §四] [DOMAIN §3, §12]."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from scf.credit.assessment import assess
from scf.credit.facts import CoalFacts, FactsError, FirmFacts

from .factories import AS_OF, MANUFACTURER, SHOPKEEPER, WHOLESALER

D = Decimal


def result_of(facts: FirmFacts, rule_id: str, as_of: date = AS_OF) -> str:
    a = assess(facts, as_of)
    return next(r.result for r in a.rules if r.id == rule_id)


def test_sound_manufacturer_is_eligible_and_normal_tier() -> None:
    a = assess(MANUFACTURER, AS_OF)
    assert a.decision == "eligible", [r for r in a.rules if r.result != "pass"]
    assert a.size_class == "small"
    assert a.tier == "normal"  # debt ratio exactly 50% is not "below 50%"


# (facts change, rule id, expected result, clause note)
DEBT_RATIO_CASES = [
    ("manufacturing", "6000000", "pass", "exactly 60% passes [003 §五(一)1(4)]"),
    ("manufacturing", "6001000", "fail", "60.01% fails"),
    ("wholesale", "7000000", "pass", "wholesale exactly 70% passes"),
    ("wholesale", "7001000", "fail", "wholesale 70.01% fails"),
    ("retail", "7000000", "pass", "retail exactly 70% passes"),
    ("construction", "6000000", "pass", "other industries exactly 60% passes"),
    ("construction", "6500000", "fail", "other industries 65% fails"),
]


@pytest.mark.parametrize(("industry", "liabilities", "expected", "why"), DEBT_RATIO_CASES)
def test_debt_ratio_ceiling_by_industry(
    industry: str, liabilities: str, expected: str, why: str
) -> None:
    facts = replace(
        MANUFACTURER,
        industry=industry,
        total_assets=D("10000000"),
        total_liabilities=D(liabilities),
    )
    assert result_of(facts, "debt_ratio_within_limit") == expected, why


def test_wholesale_debt_ratio_exactly_70_percent_passes() -> None:
    facts = replace(WHOLESALER, total_liabilities=D("5600000"))  # 5.6M / 8M = 70%
    a = assess(facts, AS_OF)
    r = next(r for r in a.rules if r.id == "debt_ratio_within_limit")
    assert (r.result, r.observed, r.threshold) == ("pass", "70%", "≤ 70%")


@pytest.mark.parametrize(
    ("established", "expected"),
    [(date(2021, 6, 30), "pass"), (date(2021, 7, 1), "refer")],
    ids=["exactly_3_years_passes", "one_day_short_refers_in_principle"],
)
def test_established_three_years_in_principle(established: date, expected: str) -> None:
    assert (
        result_of(replace(MANUFACTURER, established_on=established), "established_at_least_3_years")
        == expected
    )


@pytest.mark.parametrize(
    ("last", "prior", "expected"),
    [("1", "1", "pass"), ("0", "1", "fail"), ("1", "-5", "fail")],
)
def test_profitable_each_of_last_two_years(last: str, prior: str, expected: str) -> None:
    facts = replace(MANUFACTURER, net_profit_last_year=D(last), net_profit_prior_year=D(prior))
    assert result_of(facts, "profitable_last_2_years") == expected


def test_bad_credit_in_3_years_is_ineligible() -> None:
    assert assess(replace(MANUFACTURER, bad_credit_3y=True), AS_OF).decision == "ineligible"


def test_controller_bad_credit_refers_because_it_is_in_principle() -> None:
    assert assess(replace(MANUFACTURER, controller_bad_credit_1y=True), AS_OF).decision == "refer"


def test_medium_enterprise_is_ineligible() -> None:
    a = assess(replace(MANUFACTURER, employees=400, revenue_12m=D("30000000")), AS_OF)
    assert a.size_class == "medium"
    assert a.decision == "ineligible"


@pytest.mark.parametrize(
    ("rating", "programme", "expected"),
    [
        ("B", False, "pass"),
        ("B-", False, "refer"),  # 原则上 B级(含)以上 [000 §四]
        ("CCC", True, "pass"),
        ("CC", True, "fail"),
        ("AAA", False, "pass"),
    ],
)
def test_rating_floor_b_or_ccc_for_programme_credit(
    rating: str, programme: bool, expected: str
) -> None:
    facts = replace(MANUFACTURER, rating=rating, programme_credit=programme)
    assert result_of(facts, "rating_at_or_above_floor") == expected


def test_prohibited_flag_makes_tier_prohibited_and_decision_ineligible() -> None:
    a = assess(replace(MANUFACTURER, prohibited_flags=frozenset({"entertainment"})), AS_OF)
    assert (a.tier, a.decision) == ("prohibited", "ineligible")


def test_key_supported_needs_growth_low_leverage_and_a_factor() -> None:
    facts = replace(
        MANUFACTURER, total_liabilities=D("4999999"), tier_factors=frozenset({"chain_member"})
    )
    assert assess(facts, AS_OF).tier == "key_supported"
    assert assess(replace(facts, tier_factors=frozenset()), AS_OF).tier == "normal"
    assert assess(replace(facts, revenue_prior_year=D("13000000")), AS_OF).tier == "normal"


def test_cautious_factor_outranks_key_support() -> None:
    facts = replace(
        MANUFACTURER,
        total_liabilities=D("4000000"),
        tier_factors=frozenset({"technology"}),
        cautious_factors=frozenset({"complex_shareholding"}),
    )
    assert assess(facts, AS_OF).tier == "cautious"


def test_missing_figure_refers_and_names_the_field_in_english_and_chinese() -> None:
    a = assess(replace(MANUFACTURER, total_liabilities=None), AS_OF)
    assert a.decision == "refer"
    assert "total_liabilities" in a.missing
    r = next(r for r in a.rules if r.id == "debt_ratio_within_limit")
    assert r.result == "refer"
    assert "负债总额" in r.message and "total_liabilities" in r.message


def test_empty_facts_refer_never_guess() -> None:
    a = assess(FirmFacts(), AS_OF)
    assert a.decision == "refer"
    assert "party_type" in a.missing and "rating" in a.missing


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"revenue_12m": D("-1")}, "revenue_12m"),
        ({"total_assets": D("-5")}, "total_assets"),
        ({"established_on": date(2030, 1, 1)}, "established_on"),
        ({"industry": "banking"}, "industry"),
        ({"total_assets": None}, "total_assets"),  # liabilities without assets
        ({"rating": "AAAA"}, "rating"),
        ({"tier_factors": frozenset({"lucky"})}, "tier_factors"),
    ],
)
def test_contradictory_facts_are_refused_naming_the_field(
    change: dict[str, object], field: str
) -> None:
    with pytest.raises(FactsError) as err:
        assess(replace(MANUFACTURER, **change), AS_OF)  # type: ignore[arg-type]
    assert err.value.field == field


# ----------------------------------------------------------- individual businesses


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        (date(2006, 6, 30), "pass"),  # 18 today
        (date(2006, 7, 1), "fail"),  # 17
        (date(1959, 7, 1), "pass"),  # 64
        (date(1959, 6, 30), "fail"),  # 65 today: excluded
    ],
    ids=["age_18_passes", "age_17_fails", "age_64_passes", "age_65_fails"],
)
def test_operator_age_18_inclusive_to_65_exclusive(birth: date, expected: str) -> None:
    assert (
        result_of(replace(SHOPKEEPER, operator_birth_date=birth), "operator_age_18_to_65")
        == expected
    )


def test_sound_shopkeeper_is_eligible() -> None:
    a = assess(SHOPKEEPER, AS_OF)
    assert a.decision == "eligible", [r for r in a.rules if r.result != "pass"]


@pytest.mark.parametrize(
    ("change", "rule_id", "expected"),
    [
        ({"household_net_assets": D("500000")}, "household_net_assets_at_least_minimum", "pass"),
        ({"household_net_assets": D("499999.99")}, "household_net_assets_at_least_minimum", "fail"),
        ({"years_in_trade": D("3")}, "years_in_trade_sufficient", "pass"),
        ({"years_in_trade": D("2.9")}, "years_in_trade_sufficient", "fail"),
        ({"years_at_premises": D("2")}, "years_at_premises_sufficient", "pass"),
        ({"years_at_premises": D("1")}, "years_at_premises_sufficient", "fail"),
        ({"fixed_home": False}, "local_residence_and_fixed_home", "refer"),
        ({"operator_bad_credit_1y": True}, "operator_no_bad_credit_1y", "refer"),
    ],
)
def test_individual_business_rules(change: dict[str, object], rule_id: str, expected: str) -> None:
    assert result_of(replace(SHOPKEEPER, **change), rule_id) == expected  # type: ignore[arg-type]


def test_individual_key_support_allows_debt_exactly_half_of_assets() -> None:
    facts = replace(
        SHOPKEEPER,
        household_debt=D("900000"),
        revenue_12m=D("2"),
        revenue_prior_year=D("1"),
        net_profit_last_year=D("2"),
        net_profit_prior_year=D("1"),
        tier_factors=frozenset({"mature_market_merchant"}),
    )
    assert assess(facts, AS_OF).tier == "key_supported"


# ------------------------------------------------------------------- coal overlay

COAL = replace(
    MANUFACTURER,
    industry="coal_mining",
    coal=CoalFacts(
        group_output_mt=D("1.5"),
        mine_capacity_mt=D("0.6"),
        key_province=True,
        coking_coal=False,
        new_or_expanded=False,
        reserve_life_years=D("40"),
    ),
)


@pytest.mark.parametrize(
    ("coal_change", "rule_id", "expected"),
    [
        ({}, "coal_mine_capacity_sufficient", "pass"),
        ({"mine_capacity_mt": D("0.59")}, "coal_mine_capacity_sufficient", "fail"),
        (
            {"mine_capacity_mt": D("0.45"), "coking_coal": True},
            "coal_mine_capacity_sufficient",
            "pass",
        ),
        (
            {"mine_capacity_mt": D("0.3"), "key_province": False},
            "coal_mine_capacity_sufficient",
            "pass",
        ),
        (
            {"mine_capacity_mt": D("1.19"), "new_or_expanded": True},
            "coal_mine_capacity_sufficient",
            "fail",
        ),
        ({"group_output_mt": D("1.2")}, "coal_group_output_sufficient", "pass"),
        ({"group_output_mt": D("1.19")}, "coal_group_output_sufficient", "fail"),
    ],
)
def test_coal_overlay(coal_change: dict[str, object], rule_id: str, expected: str) -> None:
    assert COAL.coal is not None
    facts = replace(COAL, coal=replace(COAL.coal, **coal_change))  # type: ignore[arg-type]
    assert result_of(facts, rule_id) == expected


def test_coal_rating_below_b_fails_even_though_general_floor_only_refers() -> None:
    assert result_of(replace(COAL, rating="B-"), "coal_rating_at_or_above_floor") == "fail"


def test_coal_without_coal_figures_refers() -> None:
    a = assess(replace(COAL, coal=None), AS_OF)
    assert a.decision == "refer" and "coal" in a.missing


@pytest.mark.parametrize(
    ("output", "reserve", "liabilities", "expected"),
    [
        ("25", "40", "6000000", 1),
        ("25", "40", "6600000", 2),
        ("3", "30", "7000000", 2),
        ("2", "40", "1", 3),
        ("1", "40", "1", 4),
    ],
)
def test_coal_customer_class(output: str, reserve: str, liabilities: str, expected: int) -> None:
    assert COAL.coal is not None
    facts = replace(
        COAL,
        total_liabilities=D(liabilities),
        coal=replace(COAL.coal, group_output_mt=D(output), reserve_life_years=D(reserve)),
    )
    assert assess(facts, AS_OF).coal_class == expected
