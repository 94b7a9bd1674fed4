"""Receivable watch and expiry watch on small hand-built cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from scf.jobs.expiry_watch import FACILITY_EXPIRING, REVIEW_DUE
from scf.jobs.receivable_watch import DEBTOR_OVERDUE, DUE, OVERDUE
from scf.platform.models import CollateralItem, InsurancePolicy
from scf.platform.models.enums import CollateralKind, Product, Role, Severity
from tests.jobs.conftest import Runner
from tests.jobs.network import Network

AS_OF = dt.date(2026, 6, 15)


def test_financed_receivables_due_and_unpaid(net: Network, runner: Runner) -> None:
    rm = net.user("rm_ar", Role.RELATIONSHIP_MANAGER)
    core = net.party("核心企业", rm=rm)
    supplier_a, supplier_b = net.party("供应商甲", rm=rm), net.party("供应商乙", rm=rm)
    loan_a = net.loan(supplier_a, "700000", product=Product.RECEIVABLE_PLEDGE)
    loan_b = net.loan(supplier_b, "300000", product=Product.RECEIVABLE_PLEDGE)
    net.receivable(supplier_a, core, "1000000.00", AS_OF - dt.timedelta(days=3), loan_a)  # late
    net.receivable(supplier_b, core, "400000.00", AS_OF - dt.timedelta(days=1), loan_b)  # late
    net.receivable(supplier_b, core, "50000.00", AS_OF + dt.timedelta(days=7), loan_b)  # due soon
    net.receivable(supplier_b, core, "60000.00", AS_OF + dt.timedelta(days=8), loan_b)  # later
    net.receivable(supplier_a, core, "70000.00", AS_OF - dt.timedelta(days=9), None)  # not financed
    paid = net.receivable(supplier_a, core, "80000.00", AS_OF - dt.timedelta(days=2), loan_a)
    paid.paid_on = AS_OF - dt.timedelta(days=2)

    runner.run("receivable_watch", AS_OF)
    overdue = {a.party_id: a for a in runner.alerts(OVERDUE)}
    assert set(overdue) == {supplier_a.id, supplier_b.id}
    assert overdue[supplier_a.id].figures["days_overdue"] == 3
    assert overdue[supplier_a.id].loan_id == loan_a.id
    (soon,) = runner.alerts(DUE)
    assert soon.severity is Severity.INFO and soon.figures["days_until_due"] == 7
    (chain,) = runner.alerts(DEBTOR_OVERDUE)
    # 1,000,000 + 400,000 late across two suppliers; unfinanced and paid ones do not count.
    assert chain.party_id == core.id
    assert (chain.figures["total_amount"], chain.figures["suppliers"]) == ("1400000.00", 2)


def test_insurance_ending_less_than_two_months_after_the_loan(net: Network, runner: Runner) -> None:
    """[003 §七(三)5]: insurance must end ≥ 2 months after maturity (2026-12-31 → 2027-02-28)."""
    rm = net.user("rm_ins", Role.RELATIONSHIP_MANAGER)
    borrower = net.party("房易贷客户", rm=rm)
    facility = net.facility(borrower, Product.MORTGAGE)
    net.loan(
        borrower,
        "500000",
        product=Product.MORTGAGE,
        facility=facility,
        maturity=dt.date(2026, 12, 31),
    )
    item = CollateralItem(
        code="TRE1",
        kind=CollateralKind.REAL_ESTATE,
        owner_party_id=borrower.id,
        description="商铺",
        appraised_value=Decimal("900000"),
        valued_on=dt.date(2026, 1, 1),
        pledged_facility_id=facility.id,
    )
    net.session.add(item)
    net.session.flush()
    insurance = InsurancePolicy(
        policy_number="TP1",
        collateral_item_id=item.id,
        insurer="保险公司",
        insured_amount=Decimal("900000"),
        bank_first_beneficiary=True,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2027, 2, 27),  # one day short
    )
    net.session.add(insurance)
    runner.run("expiry_watch", AS_OF)
    (alert,) = runner.alerts("insurance_outlasts_loan")
    assert alert.figures["observed"] == "2027-02-27"
    assert alert.figures["threshold"] == "≥ 2027-02-28"
    assert alert.figures["clause"] == "[003 §七(三)5]"
    assert runner.alerts("insurance_amount_covers_debt") == []  # 900,000 ≥ 500,000
    insurance.ends_on = dt.date(2027, 2, 28)  # extended: exactly two months is enough
    runner.run("expiry_watch", AS_OF)
    assert runner.alerts("insurance_outlasts_loan") == []


def test_facilities_expiring_and_reviews_due(net: Network, runner: Runner) -> None:
    rm = net.user("rm_fac", Role.RELATIONSHIP_MANAGER)
    party = net.party("额度客户", rm=rm)
    soon = net.facility(
        party, end=AS_OF + dt.timedelta(days=30), review=AS_OF + dt.timedelta(days=31)
    )
    later = net.facility(
        party, end=AS_OF + dt.timedelta(days=31), review=AS_OF - dt.timedelta(days=1)
    )
    runner.run("expiry_watch", AS_OF)
    (expiring,) = runner.alerts(FACILITY_EXPIRING)
    assert (expiring.subject_id, expiring.severity, expiring.figures["days_left"]) == (
        soon.id,
        Severity.INFO,
        30,
    )
    (review,) = runner.alerts(REVIEW_DUE)
    assert (review.subject_id, review.severity, review.figures["days_left"]) == (
        later.id,
        Severity.WARNING,
        -1,
    )
