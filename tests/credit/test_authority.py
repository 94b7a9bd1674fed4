"""Approval authority by level, amount and product class (差别化授权) [000 §五]."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scf.credit.authority import (
    authority_rule,
    lowest_sufficient_level,
    not_own_proposal_rule,
    product_class,
)
from scf.credit.policy import Policy

D = Decimal


@pytest.mark.parametrize(
    ("product", "expected"),
    [
        ("receivable_pledge", "self_liquidating"),
        ("confirmed_warehouse", "self_liquidating"),
        ("mortgage", "secured"),
        ("joint_guarantee", "secured"),
        ("credit", "unsecured"),
    ],
)
def test_product_classes(policy: Policy, product: str, expected: str) -> None:
    assert product_class(product, policy) == expected


# authority.yaml (assumed): supervisor 5M / 3M / 0.5M; branch director 30M / 10M / 1M;
# head office 200M / 50M / 3M for self-liquidating / secured / unsecured.
@pytest.mark.parametrize(
    ("level", "product", "amount", "ok"),
    [
        ("sme_risk_supervisor", "receivable_pledge", "5000000", True),  # exactly the ceiling
        ("sme_risk_supervisor", "receivable_pledge", "5000000.01", False),
        ("branch_risk_director", "receivable_pledge", "5000000.01", True),
        ("sme_risk_supervisor", "mortgage", "3000000", True),
        ("sme_risk_supervisor", "mortgage", "3000001", False),
        ("sme_risk_supervisor", "credit", "500000", True),
        ("sme_risk_supervisor", "credit", "500000.01", False),
        ("branch_risk_director", "credit", "1000000", True),
        ("head_office_risk_director", "secured", "0", True),
        (None, "credit", "1", False),  # no authority at all
    ],
)
def test_authority_rule(
    policy: Policy, level: str | None, product: str, amount: str, ok: bool
) -> None:
    product = "mortgage" if product == "secured" else product
    result = authority_rule(level, product, D(amount), policy)
    assert result.ok is ok
    assert "(assumed)" in result.clause, "the amounts are not in the documents"


@pytest.mark.parametrize(
    ("product", "amount", "level"),
    [
        ("factoring", "4000000", "sme_risk_supervisor"),
        ("factoring", "6000000", "branch_risk_director"),
        ("factoring", "30000000.01", "head_office_risk_director"),
        ("credit", "3000000.01", None),  # beyond every level
    ],
)
def test_lowest_sufficient_level(
    policy: Policy, product: str, amount: str, level: str | None
) -> None:
    assert lowest_sufficient_level(product, D(amount), policy) == level


def test_refusal_names_the_level_needed(policy: Policy) -> None:
    result = authority_rule("sme_risk_supervisor", "factoring", D("6000000"), policy)
    assert not result.ok
    assert "branch_risk_director" in result.message


def test_nobody_approves_their_own_proposal() -> None:
    assert not not_own_proposal_rule(7, 7).ok
    assert not not_own_proposal_rule(7, None).ok, "an approver without an identity is refused"
    assert not_own_proposal_rule(7, 8).ok
