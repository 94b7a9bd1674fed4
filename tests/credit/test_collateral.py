"""Collateral a drawdown names and warehouse receipts over their life: each rule with its
clause [003 §六(四)] [003 §七(四)2] [003 §六(九)] [DOMAIN §6]."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from scf.credit.collateral import (
    RECEIPT,
    RECEIVABLE,
    issued_by_supervisor,
    price_known,
    receipt_cancellable,
    receipt_not_pledged,
    receipt_rules,
)
from scf.credit.explain import RuleResult
from scf.credit.goods import margin_status, price_current
from scf.credit.pledges import releases_with_margin, secured_balance, unpledged_allowance
from scf.credit.policy import Policy

D = Decimal
FRIDAY = date(2024, 6, 28)


@pytest.mark.parametrize(
    ("price_date", "current"),
    [
        (FRIDAY, True),  # today's price
        (date(2024, 6, 21), True),  # Friday a week ago: 5 business days, the limit itself
        (date(2024, 6, 20), False),  # Thursday: 6 business days, stale (assumed 5)
        (None, False),  # no price at all
    ],
)
def test_price_current_clause_domain_6(
    policy: Policy, price_date: date | None, current: bool
) -> None:
    result = price_current(price_date, FRIDAY, policy)
    assert (result.id, result.clause, result.ok) == ("price_current", "[DOMAIN §6]", current)
    assert result.threshold == "≤ 5 个工作日"


@pytest.mark.parametrize("price_date", [FRIDAY, date(2024, 6, 21), date(2024, 6, 20)])
def test_the_drawdown_and_the_mark_to_market_read_one_stale_price_rule(
    policy: Policy, price_date: date
) -> None:
    marked = margin_status(
        loan_balance=D("1"),
        quantity=D("100"),
        price=D("4000"),
        price_date=price_date,
        as_of=FRIDAY,
        policy=policy,
    )
    assert ("stale_price" in marked.alerts) is not price_current(price_date, FRIDAY, policy).ok


@pytest.mark.parametrize(
    ("exists", "id_", "clause"),
    [
        (RECEIVABLE.exists, "receivable_exists", "[003 §六(四)]"),
        (RECEIPT.exists, "receipt_exists", "[003 §七(四)2]"),
    ],
)
def test_named_collateral_must_be_on_the_books(
    exists: Callable[[list[str]], RuleResult], id_: str, clause: str
) -> None:
    assert exists([]).ok
    missing = exists(["X1", "X2"])
    assert (missing.id, missing.clause, missing.result) == (id_, clause, "fail")
    assert missing.observed == "X1,X2"


@pytest.mark.parametrize(
    ("belongs", "id_"),
    [
        (RECEIVABLE.belongs_to_borrower, "receivable_belongs_to_borrower"),
        (RECEIPT.belongs_to_borrower, "receipt_belongs_to_borrower"),
    ],
)
def test_named_collateral_must_be_the_borrowers(
    belongs: Callable[[int, int], RuleResult], id_: str
) -> None:
    assert belongs(7, 7).ok
    other = belongs(8, 7)
    assert (other.id, other.ok, other.observed, other.threshold) == (id_, False, "8", "7")


@pytest.mark.parametrize(
    ("status", "loan", "ok"),
    [
        ("issued", None, True),
        ("issued", 5, False),  # issued yet pointing at a loan: not free
        ("pledged", 5, False),
        ("split", None, False),
        ("released", None, False),
        ("cancelled", None, False),
    ],
)
def test_only_a_free_receipt_is_pledged_clause_003_7_4_2(
    status: str, loan: int | None, ok: bool
) -> None:
    result = receipt_not_pledged(status, loan)
    assert (result.ok, result.observed, result.threshold) == (ok, status, "issued")


def _receipt(policy: Policy, **change: object) -> list[str]:
    facts: dict[str, object] = {
        "owner": 7,
        "borrower": 7,
        "status": "issued",
        "pledged_loan": None,
        "price_date": FRIDAY,
        "category": "steel",
        "confirmed_warehouse": False,
        "as_of": FRIDAY,
        "policy": policy,
    }
    return [r.id for r in receipt_rules(**{**facts, **change}) if not r.ok]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "failing"),
    [
        ({}, []),
        ({"owner": 8}, ["receipt_belongs_to_borrower"]),
        ({"status": "pledged", "pledged_loan": 3}, ["receipt_not_pledged"]),
        ({"price_date": date(2024, 6, 20)}, ["price_current"]),
        ({"category": "furniture"}, ["goods_category_acceptable"]),
        ({"confirmed_warehouse": True}, []),  # steel is 保兑仓 goods too
        ({"confirmed_warehouse": True, "category": "coke"}, ["confirmed_warehouse_goods"]),
    ],
)
def test_rules_on_a_receipt_a_drawdown_pledges(
    policy: Policy, change: dict[str, object], failing: list[str]
) -> None:
    assert _receipt(policy, **change) == failing


@pytest.mark.parametrize(
    ("kind", "ok"),
    [("warehouse_supervisor", True), ("enterprise", False), (None, False)],
)
def test_only_a_warehouse_supervisor_issues_a_receipt(kind: str | None, ok: bool) -> None:
    result = issued_by_supervisor(kind)
    assert (result.ok, result.observed, result.clause) == (ok, kind, "[003 §七(四)2]")


def test_a_pledged_release_needs_a_price_stale_or_not() -> None:
    assert price_known(date(2020, 1, 1)).ok  # old, but a value to record the release at
    assert not price_known(None).ok


@pytest.mark.parametrize(
    ("status", "released", "ok"),
    [
        ("issued", D("0"), True),
        ("issued", D("0.0001"), False),  # the least release keeps it
        ("pledged", D("0"), False),
        ("split", D("0"), False),
    ],
)
def test_only_a_free_untouched_receipt_is_cancelled(
    status: str, released: Decimal, ok: bool
) -> None:
    result = receipt_cancellable(status, released)
    assert (result.ok, result.observed) == (ok, f"{status}, released {released}")


@pytest.mark.parametrize(
    ("status", "pledged", "quantity", "basis"),
    [
        ("issued", False, D("40"), "unpledged"),  # all 40 t may go
        ("split", False, D("0"), "none"),
        ("released", False, D("0"), "none"),
        ("cancelled", False, D("0"), "none"),
        ("pledged", False, D("0"), "none"),  # pledged to no loan: nothing, never everything
    ],
)
def test_a_receipt_no_loan_holds(status: str, pledged: bool, quantity: Decimal, basis: str) -> None:
    allowance = unpledged_allowance("WR1", status, pledged, D("40"))
    assert allowance is not None
    assert (allowance.quantity, allowance.basis) == (quantity, basis)


def test_a_receipt_a_loan_holds_is_decided_by_the_loan() -> None:
    assert unpledged_allowance("WR1", "pledged", True, D("40")) is None


@pytest.mark.parametrize(
    ("loan_status", "secured"),
    [("pending", "500000"), ("active", "180000"), ("repaid", "0")],
)
def test_what_pledged_goods_still_secure(loan_status: str, secured: str) -> None:
    # principal 500,000 of which 320,000 repaid: 180,000 outstanding
    assert secured_balance(loan_status, D("500000"), D("180000")) == D(secured)


@pytest.mark.parametrize(
    ("product", "balance", "by_margin"),
    [
        ("confirmed_warehouse", D("0.01"), True),  # 保兑仓 while anything is owed [003 §六(九)]
        ("confirmed_warehouse", D("0"), False),  # paid off: as repaid (everything)
        ("goods_pledge", D("100000"), False),  # 随还随提 [003 §七(四)2]
    ],
)
def test_which_goods_leave_with_margin(product: str, balance: Decimal, by_margin: bool) -> None:
    assert releases_with_margin(product, balance) is by_margin
