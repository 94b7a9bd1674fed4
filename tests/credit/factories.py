"""Well-formed borrowers to vary one fact at a time in table-driven tests."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from scf.credit.facts import FirmFacts

AS_OF = date(2024, 6, 30)

MANUFACTURER = FirmFacts(
    party_type="enterprise",
    industry="manufacturing",
    employees=50,
    revenue_12m=Decimal("12000000"),
    revenue_prior_year=Decimal("10000000"),
    total_assets=Decimal("10000000"),
    total_liabilities=Decimal("5000000"),
    existing_exposure=Decimal("500000"),
    net_profit_last_year=Decimal("800000"),
    net_profit_prior_year=Decimal("600000"),
    established_on=date(2018, 1, 1),
    rating="BBB",
    bad_credit_3y=False,
    controller_bad_credit_1y=False,
)

WHOLESALER = replace(
    MANUFACTURER,
    industry="wholesale",
    employees=10,
    revenue_12m=Decimal("30000000"),
    total_assets=Decimal("8000000"),
    total_liabilities=Decimal("4000000"),
    existing_exposure=Decimal("0"),
)

SHOPKEEPER = FirmFacts(
    party_type="individual_business",
    industry="retail",
    operator_birth_date=date(1980, 5, 1),
    household_net_assets=Decimal("1500000"),
    household_debt=Decimal("300000"),
    total_assets=Decimal("1800000"),
    years_in_trade=Decimal("8"),
    years_at_premises=Decimal("4"),
    local_residence=True,
    fixed_home=True,
    operator_bad_credit_1y=False,
    rating="BB",
    existing_exposure=Decimal("200000"),
)
