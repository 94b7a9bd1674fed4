"""Industries and size classification [DOMAIN §2] [002 表1-2]."""

from datetime import date
from decimal import Decimal

import pytest

from scf.credit.facts import FirmFacts
from scf.credit.industries import UnknownIndustry, parse_industry
from scf.credit.policy import load_policy
from scf.credit.size import classify


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("制造业", "manufacturing"),
        ("批发业", "wholesale"),
        ("零售业", "retail"),
        ("wholesale", "wholesale"),
        (" Retail ", "retail"),
        ("煤炭开采和洗选业", "coal_mining"),
    ],
)
def test_industry_parses_from_code_or_chinese_name(text: str, code: str) -> None:
    assert parse_industry(text) == code


def test_unknown_industry_names_the_value() -> None:
    with pytest.raises(UnknownIndustry, match="金融业"):
        parse_industry("金融业")


WAN = Decimal(10000)
NEW = date(2024, 1, 1)

# (industry, employees, revenue 万元, assets 万元, expected, why)
CASES_2011 = [
    ("manufacturing", 1000, 40000, 1, "large", "at both SME ceilings"),
    ("manufacturing", 999, 40000, 1, "medium", "one measure below the ceiling"),
    ("manufacturing", 300, 2000, 1, "medium", "exactly medium bounds"),
    ("manufacturing", 300, 1999, 1, "small", "revenue short of medium"),
    ("manufacturing", 20, 300, 1, "small", "exactly small bounds"),
    ("manufacturing", 19, 300, 1, "micro", "employees short of small"),
    ("coal_mining", 250, 5000, 1, "small", "coal is industry for size"),
    ("wholesale", 5, 1000, 1, "small", "wholesale small bounds"),
    ("wholesale", 20, 5000, 1, "medium", "wholesale medium bounds"),
    ("wholesale", 4, 1000, 1, "micro", "wholesale micro"),
    ("retail", 50, 500, 1, "medium", "retail medium"),
    ("construction", 0, 6000, 5000, "medium", "construction uses revenue and assets"),
    ("construction", 0, 6000, 4999, "small", "construction assets short"),
    ("agriculture", 0, 49, 0, "micro", "agriculture revenue only"),
    ("other", 100, 0, 0, "medium", "other: employees only"),
]


@pytest.mark.parametrize(("industry", "emp", "rev", "assets", "expected", "why"), CASES_2011)
def test_size_class_2011_standard(
    industry: str, emp: int, rev: int, assets: int, expected: str, why: str
) -> None:
    facts = FirmFacts(
        industry=industry, employees=emp, revenue_12m=rev * WAN, total_assets=assets * WAN
    )
    assert classify(facts, load_policy(NEW)).size_class == expected, why


def test_same_firm_is_classified_by_2003_table_on_2011_06_17_and_2011_table_on_2011_06_18() -> None:
    # wholesale, 150 staff, 4,000万 revenue: 2003 → medium (≥100, ≥3000); 2011 → small
    facts = FirmFacts(industry="wholesale", employees=150, revenue_12m=4000 * WAN)
    assert classify(facts, load_policy(date(2011, 6, 17))).size_class == "medium"
    assert classify(facts, load_policy(date(2011, 6, 18))).size_class == "small"


def test_2003_table_drops_a_class_when_one_lower_bound_is_missed() -> None:
    # industry: 2,500 staff and 50,000万 revenue but assets 30,000万 < 40,000 → medium
    facts = FirmFacts(
        industry="manufacturing",
        employees=2500,
        revenue_12m=50000 * WAN,
        total_assets=30000 * WAN,
    )
    result = classify(facts, load_policy(date(2010, 1, 1)))
    assert result.size_class == "medium"
    assert result.decided_by == ("assets",)


def test_size_explains_which_measure_decided() -> None:
    facts = FirmFacts(industry="manufacturing", employees=19, revenue_12m=300 * WAN)
    result = classify(facts, load_policy(NEW))
    assert result.decided_by == ("employees",)
    assert "employees" in result.explanation


def test_missing_measure_gives_no_class_and_names_the_field() -> None:
    result = classify(FirmFacts(industry="manufacturing", employees=10), load_policy(NEW))
    assert result.size_class is None
    assert result.missing == ("revenue_12m",)
