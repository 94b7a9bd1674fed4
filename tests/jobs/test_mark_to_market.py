"""Collateral mark-to-market with a fixed clock: a price fall through the warning line and
then the liquidation line, a stale price, a recovery that resolves the alert [DOMAIN §6].

Policy (goods.yaml): advance rate 0.60, liquidation at loan ≥ 0.80 × market value, a
price older than 5 business days is stale.
"""

from __future__ import annotations

import datetime as dt

from scf.jobs.mark_to_market import MARGIN, STALE
from scf.platform.models.enums import AlertStatus, Role, Severity
from tests.jobs.conftest import Runner
from tests.jobs.network import Network

MON, TUE, WED, THU, FRI = (dt.date(2026, 11, d) for d in (16, 17, 18, 19, 20))
NEXT_MON = dt.date(2026, 11, 23)


def steel_loan(net: Network) -> tuple[int, str]:
    """600,000 lent against 100 t of rebar (two receipts of 60 t and 40 t)."""
    rm = net.user("rm_mtm", Role.RELATIONSHIP_MANAGER)
    borrower = net.party("钢贸商", rm=rm)
    loan = net.loan(borrower, "600000")
    steel = net.commodity("steel_rebar")
    net.receipt(loan, steel, "60")
    net.receipt(loan, steel, "40")
    return loan.id, steel


def test_price_fall_crosses_warning_then_liquidation_then_recovery_resolves(
    net: Network, runner: Runner
) -> None:
    loan_id, steel = steel_loan(net)
    # Mon 10,000/t: market 1,000,000; lending 0.60 × 1,000,000 = 600,000 ≥ 600,000 → ok.
    net.price(steel, MON, "10000")
    outcome = runner.run("mark_to_market", MON)
    assert outcome.status == "succeeded"
    assert outcome.counts["ok"] == 1 and outcome.counts["positions"] == 2
    assert runner.alerts(MARGIN) == []

    # Tue 9,000/t: market 900,000; lending 540,000 < 600,000 → warning, top up 60,000;
    # liquidation line 0.80 × 900,000 = 720,000 > 600,000 → not yet.
    net.price(steel, TUE, "9000")
    runner.run("mark_to_market", TUE)
    (alert,) = runner.alerts(MARGIN)
    assert (alert.severity, alert.loan_id, alert.status) == (
        Severity.WARNING,
        loan_id,
        AlertStatus.OPEN,
    )
    assert alert.figures["status"] == "warning"
    assert alert.figures["market_value"] == "900000.00"
    assert alert.figures["lending_value"] == "540000.00"
    assert alert.figures["shortfall"] == "60000.00"
    assert alert.figures["liquidation_line"] == "720000.00"
    assert alert.figures["policy_version"].startswith("hebei-2012@")
    assert alert.owner_user_id is not None and alert.first_seen_on == TUE
    first_id = alert.id

    # Wed 7,500/t: market 750,000; 0.80 × 750,000 = 600,000 = balance → liquidation (≥);
    # lending 450,000 → shortfall 150,000. Same condition: the same alert, escalated.
    net.price(steel, WED, "7500")
    runner.run("mark_to_market", WED)
    (alert,) = runner.alerts(MARGIN)
    assert alert.id == first_id
    assert alert.severity is Severity.CRITICAL and alert.figures["status"] == "liquidation"
    assert alert.figures["shortfall"] == "150000.00"
    assert (alert.first_seen_on, alert.last_seen_on) == (TUE, WED)

    # Thu 10,000/t again: ok → the alert resolves itself.
    net.price(steel, THU, "10000")
    outcome = runner.run("mark_to_market", THU)
    assert outcome.counts["alerts"]["resolved"] == 1
    assert runner.alerts(MARGIN) == []
    (closed,) = runner.alerts(MARGIN, unresolved=False)
    assert closed.status is AlertStatus.RESOLVED and closed.resolved_by_id is None


def test_one_fen_below_the_liquidation_line_is_only_a_warning(net: Network, runner: Runner) -> None:
    # 7,500.0001/t × 100 t = 750,000.01; × 0.80 = 600,000.008 > 600,000 → warning, not liquidation.
    _, steel = steel_loan(net)
    net.price(steel, MON, "7500.0001")
    runner.run("mark_to_market", MON)
    (alert,) = runner.alerts(MARGIN)
    assert alert.severity is Severity.WARNING and alert.figures["status"] == "warning"


def test_price_older_than_five_business_days_is_stale(net: Network, runner: Runner) -> None:
    _, steel = steel_loan(net)
    net.price(steel, dt.date(2026, 11, 13), "10000")  # a Friday
    # Fri 20th: Mon–Fri after the 13th = 5 business days → not stale (the limit is "older than 5").
    runner.run("mark_to_market", FRI)
    assert runner.alerts(STALE) == []
    # Mon 23rd: 6 business days (the weekend does not count) → stale.
    runner.run("mark_to_market", NEXT_MON)
    (alert,) = runner.alerts(STALE)
    assert alert.severity is Severity.WARNING
    assert alert.figures["price_age_business_days"] == 6
    assert alert.figures["price_date"] == "2026-11-13"
    assert alert.figures["threshold_business_days"] == 5
    # A fresh price clears it (same day rerun sees the new data).
    net.price(steel, NEXT_MON, "10000")
    runner.run("mark_to_market", NEXT_MON)
    assert runner.alerts(STALE) == []


def test_goods_without_any_price_are_reported_not_valued(net: Network, runner: Runner) -> None:
    _, steel = steel_loan(net)
    outcome = runner.run("mark_to_market", MON)
    assert outcome.counts["stale_price"] == 1
    (alert,) = runner.alerts(STALE)
    assert alert.figures["missing_prices"] == ["steel_rebar"]


def test_released_goods_and_repayments_count(net: Network, runner: Runner) -> None:
    """Balance = principal − principal repaid; quantity = issued − released."""
    from decimal import Decimal

    from scf.platform.models import Repayment

    rm = net.user("rm_rel", Role.RELATIONSHIP_MANAGER)
    loan = net.loan(net.party("钢贸商乙", rm=rm), "600000")
    steel = net.commodity()
    net.receipt(loan, steel, "100", released="20")  # 80 t left
    net.session.add(
        Repayment(
            loan_id=loan.id,
            paid_on=MON,
            amount=Decimal("100000"),
            principal_part=Decimal("100000"),
            interest_part=Decimal("0"),
        )
    )
    net.price(steel, MON, "10000")
    runner.run("mark_to_market", MON)
    # balance 500,000; market 80 × 10,000 = 800,000; lending 480,000 → shortfall 20,000.
    (alert,) = runner.alerts(MARGIN)
    assert alert.figures["loan_balance"] == "500000.00"
    assert alert.figures["market_value"] == "800000.00"
    assert alert.figures["shortfall"] == "20000.00"


def test_two_commodities_are_valued_together(net: Network, runner: Runner) -> None:
    # 50 t rebar at 10,000 + 20 t coke at 2,500 = 550,000; lending 330,000; loan 400,000
    # → warning, shortfall 70,000; line 0.80 × 550,000 = 440,000 > 400,000.
    rm = net.user("rm_two", Role.RELATIONSHIP_MANAGER)
    loan = net.loan(net.party("综合贸易", rm=rm), "400000")
    steel, coke = net.commodity("steel_rebar"), net.commodity("coke")
    net.receipt(loan, steel, "50")
    net.receipt(loan, coke, "20")
    net.price(steel, MON, "10000")
    net.price(coke, MON, "2500")
    runner.run("mark_to_market", MON)
    (alert,) = runner.alerts(MARGIN)
    assert alert.figures["market_value"] == "550000.00"
    assert alert.figures["shortfall"] == "70000.00"
    assert [lot["commodity"] for lot in alert.figures["lots"]] == ["coke", "steel_rebar"]


def test_confirmed_warehouse_release_beyond_margin_paid(net: Network, runner: Runner) -> None:
    """保兑仓: released goods worth more than the margin paid [003 §六(九)]."""
    from decimal import Decimal

    from scf.platform.models import CollateralItem
    from scf.platform.models.enums import CollateralKind, Product

    rm = net.user("rm_cw", Role.RELATIONSHIP_MANAGER)
    dealer = net.party("轮胎经销商", rm=rm)
    facility = net.facility(dealer, Product.CONFIRMED_WAREHOUSE)
    loan = net.loan(dealer, "700000", product=Product.CONFIRMED_WAREHOUSE, facility=facility)
    tyres = net.commodity("tyres")
    net.receipt(loan, tyres, "100", released="40")
    net.session.add(
        CollateralItem(
            code="TCW1",
            kind=CollateralKind.DEPOSIT,
            owner_party_id=dealer.id,
            description="保兑仓保证金",
            appraised_value=Decimal("300000"),
            valued_on=MON,
            pledged_facility_id=facility.id,
        )
    )
    # 40 t released × 7,000 = 280,000 ≤ 300,000 paid → releasable 20,000, no alert.
    net.price(tyres, MON, "7000")
    outcome = runner.run("mark_to_market", MON)
    assert outcome.counts["releasable"] == "20000.00"
    assert runner.alerts("confirmed_warehouse_over_release") == []
    # at 8,000: released 320,000 > 300,000 → excess 20,000, critical.
    net.price(tyres, TUE, "8000")
    runner.run("mark_to_market", TUE)
    (alert,) = runner.alerts("confirmed_warehouse_over_release")
    assert alert.severity is Severity.CRITICAL
    assert (alert.figures["released_value"], alert.figures["excess"]) == ("320000.00", "20000.00")
