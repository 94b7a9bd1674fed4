"""Receivables [003 §六(四),(八)] and goods pledges [003 §七(四)2, §六(九),(十)]."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scf.credit.goods import (
    GoodsError,
    confirmed_warehouse_margin_ok,
    goods_acceptable,
    goods_advance_rate,
    lending_value,
    manufacturer_rules,
    margin_status,
    partial_margin_acceptance,
    releasable_value,
)
from scf.credit.policy import Policy, load_policy
from scf.credit.receivables import (
    Receivable,
    advance_rate,
    check_receivable,
    factoring_rules,
    find_double_pledges,
    receivable_limit,
)

D = Decimal
AS_OF = date(2024, 6, 30)
GOOD = Receivable(
    id="r1",
    supplier="S1",
    debtor="CORE",
    invoice_no="INV-001",
    amount=D("1000000"),
    due_on=date(2024, 9, 30),
    genuine_trade=True,
    debtor_approved=True,
    confirmed_by_debtor=True,
    collections_to_bank_account=True,
)


def test_clean_receivable_is_eligible() -> None:
    assert check_receivable(GOOD, AS_OF).eligible


@pytest.mark.parametrize(
    ("change", "rule_id"),
    [
        ({"genuine_trade": False}, "genuine_trade"),
        ({"debtor_approved": False}, "debtor_is_approved_buyer"),
        ({"confirmed_by_debtor": False}, "confirmed_by_debtor"),
        ({"due_on": date(2024, 6, 29)}, "not_overdue"),
        ({"previously_pledged": True}, "not_pledged_before"),
        ({"collections_to_bank_account": False}, "collections_to_bank_account"),
    ],
)
def test_receivable_ineligible_with_the_reason(change: dict[str, object], rule_id: str) -> None:
    check = check_receivable(replace(GOOD, **change), AS_OF)  # type: ignore[arg-type]
    assert not check.eligible
    assert [r.id for r in check.rules if not r.ok] == [rule_id]


def test_receivable_due_today_is_not_overdue() -> None:
    assert check_receivable(replace(GOOD, due_on=AS_OF), AS_OF).eligible


def test_double_pledge_found_across_suppliers_despite_spacing_and_case() -> None:
    other = replace(GOOD, id="r2", supplier="S2", invoice_no="inv-001 ")
    unrelated = replace(GOOD, id="r3", invoice_no="INV-002")
    doubles = find_double_pledges([GOOD, other, unrelated])
    assert len(doubles) == 1
    assert doubles[0].receivable_ids == ("r1", "r2") and doubles[0].suppliers == ("S1", "S2")


@pytest.mark.parametrize(
    ("tier", "rate"), [("normal", "0.70"), ("cautious", "0.70"), ("key_supported", "0.80")]
)
def test_advance_rate_by_tier(policy: Policy, tier: str, rate: str) -> None:
    assert advance_rate(tier, policy) == D(rate)


def test_advance_rate_is_never_raised_above_the_ceiling(policy: Policy) -> None:
    assert advance_rate("key_supported", policy, requested=D("0.95")) == D("0.80")
    assert advance_rate("normal", policy, requested=D("0.50")) == D("0.50")


def test_receivable_limit_sums_eligible_times_rate_capped_by_reference_and_programme(
    policy: Policy,
) -> None:
    second = replace(GOOD, id="r2", invoice_no="INV-002", amount=D("500000"))
    bad = replace(GOOD, id="r3", invoice_no="INV-003", confirmed_by_debtor=False)
    lim = receivable_limit(
        [GOOD, second, bad], tier="normal", as_of=AS_OF, policy=policy, reference_limit=D("5000000")
    )
    assert (lim.eligible_total, lim.by_receivables, lim.amount) == (
        D("1500000"),
        D("1050000.00"),
        D("1050000.00"),
    )
    assert lim.binding == "receivables_x_rate"
    lim = receivable_limit(
        [GOOD, second],
        tier="normal",
        as_of=AS_OF,
        policy=policy,
        reference_limit=D("900000"),
        programme_remaining=D("800000"),
    )
    assert (lim.amount, lim.binding) == (D("800000.00"), "programme_remaining")


def test_receivable_pledged_by_another_supplier_is_excluded(policy: Policy) -> None:
    elsewhere = replace(GOOD, id="x9", supplier="S9")
    lim = receivable_limit(
        [GOOD],
        tier="normal",
        as_of=AS_OF,
        policy=policy,
        reference_limit=D("9000000"),
        all_pledged=[elsewhere, GOOD],
    )
    assert lim.amount == 0 and lim.double_pledges


POLICY = load_policy(AS_OF)
money = st.decimals(min_value=0, max_value=10**9, places=2)


@given(
    amounts=st.lists(money, max_size=8),
    tier=st.sampled_from(["normal", "key_supported", "cautious"]),
    reference=money,
    programme=st.none() | money,
    requested=st.none() | st.decimals(min_value=-1, max_value=2, places=2),
)
def test_receivable_limit_invariants(
    amounts: list[Decimal],
    tier: str,
    reference: Decimal,
    programme: Decimal | None,
    requested: Decimal | None,
) -> None:
    assert advance_rate(tier, POLICY, requested) <= D("0.80")
    rs = [replace(GOOD, id=str(i), invoice_no=str(i), amount=a) for i, a in enumerate(amounts)]
    lim = receivable_limit(
        rs,
        tier=tier,
        as_of=AS_OF,
        policy=POLICY,
        reference_limit=reference,
        programme_remaining=programme,
    )
    assert 0 <= lim.amount <= reference
    assert programme is None or lim.amount <= programme
    assert lim.amount <= lim.eligible_total * D("0.80")


def test_factoring_terms(policy: Policy) -> None:
    ok = factoring_rules(
        relationship_since=date(2023, 3, 1),
        invoice_date=date(2023, 7, 1),
        financing_start=date(2024, 3, 1),
        financing_maturity=date(2024, 3, 31),
        contract_payment_date=date(2024, 3, 31),
        policy=policy,
    )
    assert [r.result for r in ok] == ["pass"] * 4
    bad = factoring_rules(
        relationship_since=date(2023, 3, 2),
        invoice_date=date(2023, 2, 29 - 1),
        financing_start=date(2024, 3, 1),
        financing_maturity=date(2024, 3, 30),
        contract_payment_date=date(2024, 4, 30),
        policy=policy,
    )
    assert [r.result for r in bad] == ["refer", "refer", "fail", "fail"]


def test_factoring_term_of_exactly_one_year_passes_and_a_day_more_fails(policy: Policy) -> None:
    def term(maturity: date) -> str:
        return factoring_rules(
            relationship_since=date(2020, 1, 1),
            invoice_date=date(2024, 1, 1),
            financing_start=date(2024, 1, 1),
            financing_maturity=maturity,
            contract_payment_date=maturity,
            policy=policy,
        )[2].result

    assert term(date(2025, 1, 1)) == "pass"
    assert term(date(2025, 1, 2)) == "fail"
    assert term(date(2024, 1, 31)) == "pass"  # 30 days
    assert term(date(2024, 1, 30)) == "fail"


# ------------------------------------------------------------------------ goods


@pytest.mark.parametrize(
    ("category", "ok"),
    [("steel", True), ("coke", True), ("premium_liquor", True), ("furniture", False)],
)
def test_acceptable_goods(policy: Policy, category: str, ok: bool) -> None:
    assert goods_acceptable(category, policy).ok is ok


def test_lending_value_and_goods_advance_rate_limits(policy: Policy) -> None:
    assert lending_value(D("100"), D("4000"), goods_advance_rate(policy)) == D("240000.00")
    assert goods_advance_rate(policy, D("0.70")) == D("0.70")
    with pytest.raises(GoodsError):
        goods_advance_rate(policy, D("0.71"))


# loan balance; quantity 100 t at price 4,000 → market 400,000, lending 240,000
@pytest.mark.parametrize(
    ("balance", "price_date", "status", "shortfall"),
    [
        ("240000", date(2024, 6, 28), "ok", "0"),
        ("240000.01", date(2024, 6, 28), "warning", "0.01"),
        ("320000", date(2024, 6, 28), "liquidation", "80000"),  # 80% of market value
        ("319999.99", date(2024, 6, 28), "warning", "79999.99"),
        ("100000", date(2024, 6, 21), "ok", "0"),  # Fri → Fri: 5 business days, not stale
        ("100000", date(2024, 6, 20), "stale_price", "0"),  # 6 business days
    ],
)
def test_margin_status(
    policy: Policy, balance: str, price_date: date, status: str, shortfall: str
) -> None:
    m = margin_status(
        loan_balance=D(balance),
        quantity=D("100"),
        price=D("4000"),
        price_date=price_date,
        as_of=date(2024, 6, 28),
        policy=policy,
    )
    assert (m.status, m.shortfall) == (status, D(shortfall))


def test_confirmed_warehouse_rules(policy: Policy) -> None:
    assert confirmed_warehouse_margin_ok(D("300000"), D("1000000"), policy).ok
    assert not confirmed_warehouse_margin_ok(D("299999"), D("1000000"), policy).ok
    assert releasable_value(D("500000"), D("300000")) == D("200000.00")
    assert releasable_value(D("500000"), D("600000")) == 0
    rules = manufacturer_rules(
        listed_or_national_or_large_regional=True,
        annual_revenue=D("1000000000"),
        rating="AA-",
        policy=policy,
    )
    assert all(r.ok for r in rules)
    rules = manufacturer_rules(
        listed_or_national_or_large_regional=True,
        annual_revenue=D("999999999"),
        rating="A+",
        policy=policy,
    )
    assert [r.ok for r in rules] == [True, False, False]


def test_partial_margin_acceptance_key_supported_only_at_least_half(policy: Policy) -> None:
    assert all(r.ok for r in partial_margin_acceptance(D("0.50"), "key_supported", policy))
    assert [r.ok for r in partial_margin_acceptance(D("0.49"), "normal", policy)] == [False, False]
