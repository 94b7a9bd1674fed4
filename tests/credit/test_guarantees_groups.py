"""Guarantees and collateral [003 §七] and joint-guarantee groups [DOMAIN §8]."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scf.credit.guarantees import (
    Collateral,
    GuaranteeError,
    Guarantor,
    PersonLink,
    collateral_rate,
    collateral_support,
    guarantee_mix_rules,
    guarantee_strength,
    guarantor_rules,
    insurance_rules,
    machinery_rules,
    mutual_guarantee_rule,
    required_personal_guarantors,
)
from scf.credit.joint_guarantee import allocate_group_limit, group_rules, max_liability
from scf.credit.policy import Policy

D = Decimal


@pytest.mark.parametrize(
    ("kind", "strength"),
    [
        ("deposit_certificate", "strong"),
        ("industrial_land", "strong"),
        ("guarantee_company", "strong"),
        ("machinery", "weak"),
        ("inventory", "weak"),
        ("patent", "weak"),
        ("trademark", "weak"),
    ],
)
def test_guarantee_strength(policy: Policy, kind: str, strength: str) -> None:
    assert guarantee_strength(kind, policy) == strength


def test_unknown_guarantee_kind_is_refused(policy: Policy) -> None:
    with pytest.raises(GuaranteeError, match="goodwill"):
        guarantee_strength("goodwill", policy)


@pytest.mark.parametrize(
    ("tier", "parts", "failed"),
    [
        ("normal", {"real_estate_residential": "1000000"}, []),
        (
            "key_supported",
            {"machinery": "1000000"},
            ["weak_guarantee_not_alone", "combined_strong_share_sufficient"],
        ),
        ("key_supported", {"real_estate_commercial": "400000", "machinery": "600000"}, []),
        (
            "key_supported",
            {"real_estate_commercial": "399999", "machinery": "600001"},
            ["combined_strong_share_sufficient"],
        ),
        (
            "normal",
            {"real_estate_commercial": "500000", "inventory": "500000"},
            ["combined_guarantee_key_supported_only"],
        ),
    ],
)
def test_guarantee_mix(policy: Policy, tier: str, parts: dict[str, str], failed: list[str]) -> None:
    rules = guarantee_mix_rules(tier, {k: D(v) for k, v in parts.items()}, D("1000000"), policy)
    assert [r.id for r in rules if not r.ok] == failed


@pytest.mark.parametrize(
    ("kind", "rate"),
    [
        ("deposit_certificate", "0.90"),
        ("market_administrator_property", "0.50"),
        ("movable_goods", "0.60"),
        ("equity", "0.60"),
        ("patent", "0.30"),
        ("trademark", "0.30"),
        ("other_pledge", "0.50"),
        ("real_estate_residential", "0.70"),
        ("real_estate_commercial", "0.60"),
        ("industrial_land", "0.50"),
        ("machinery", "0.50"),
    ],
)
def test_collateral_rates(policy: Policy, kind: str, rate: str) -> None:
    assert collateral_rate(kind, policy) == D(rate)


def test_deposit_rate_is_100_percent_when_maturity_value_covers_principal_and_interest(
    policy: Policy,
) -> None:
    assert collateral_rate(
        "deposit_certificate",
        policy,
        maturity_value=D("1050000"),
        principal_plus_interest=D("1050000"),
    ) == D("1.00")
    assert collateral_rate(
        "deposit_certificate",
        policy,
        maturity_value=D("1049999"),
        principal_plus_interest=D("1050000"),
    ) == D("0.90")


def test_collateral_support_sums_value_times_rate(policy: Policy) -> None:
    items = [
        Collateral("real_estate_residential", D("1000000")),
        Collateral("machinery", D("300000")),
    ]
    assert collateral_support(items, policy) == D("850000.00")


def test_machinery_conditions(policy: Policy) -> None:
    ok = machinery_rules(
        general_purpose=True,
        purchased_on=date(2021, 6, 30),
        newness=D("0.50"),
        unit_value=D("50000"),
        as_of=date(2024, 6, 30),
        policy=policy,
    )
    assert all(r.ok for r in ok)
    bad = machinery_rules(
        general_purpose=False,
        purchased_on=date(2021, 6, 29),
        newness=D("0.49"),
        unit_value=D("49999"),
        as_of=date(2024, 6, 30),
        policy=policy,
    )
    assert not any(r.ok for r in bad)


@pytest.mark.parametrize(
    ("guarantor", "ok"),
    [
        (Guarantor("L", "enterprise", "large", "A+"), True),
        (Guarantor("L", "enterprise", "large", "A"), False),
        (Guarantor("M", "enterprise", "medium", "AA"), True),
        (Guarantor("M", "enterprise", "medium", "AA-"), False),
        (Guarantor("S", "enterprise", "small", "AAA"), False),
        (Guarantor("G", "guarantee_company"), True),
        (
            Guarantor(
                "A",
                "market_administrator",
                total_assets=D("50000000"),
                net_assets=D("20000000"),
                outstanding_guarantees=D("40000000"),
            ),
            True,
        ),
        (
            Guarantor(
                "A",
                "market_administrator",
                total_assets=D("50000000"),
                net_assets=D("20000000"),
                outstanding_guarantees=D("40000000.01"),
            ),
            False,
        ),
        (
            Guarantor(
                "A",
                "market_administrator",
                total_assets=D("49999999"),
                net_assets=D("20000000"),
                outstanding_guarantees=D("0"),
            ),
            False,
        ),
    ],
)
def test_guarantor_eligibility(policy: Policy, guarantor: Guarantor, ok: bool) -> None:
    assert all(r.ok for r in guarantor_rules(guarantor, policy)) is ok


def test_required_personal_guarantors_names_who_is_missing(policy: Policy) -> None:
    links = [
        PersonLink("张三", "legal_representative"),
        PersonLink("张三", "shareholder", D("0.40")),
        PersonLink("李四", "actual_controller"),
        PersonLink("王五", "shareholder", D("0.15")),
        PersonLink("赵六", "shareholder", D("0.1499")),
    ]
    result = required_personal_guarantors("enterprise", links, {"张三"}, policy)
    assert [p for p, _ in result.required] == ["张三", "李四", "王五"]
    assert result.missing == ("李四", "王五")
    assert result.rule.result == "refer"  # 原则上


def test_individual_business_needs_the_spouse(policy: Policy) -> None:
    links = [PersonLink("陈七", "spouse"), PersonLink("陈八", "legal_representative")]
    result = required_personal_guarantors("individual_business", links, set(), policy)
    assert result.missing == ("陈七",) and result.rule.result == "fail"


@pytest.mark.parametrize(
    ("g_size", "b_size", "existing", "ok"),
    [
        ("small", "micro", [("B", "A")], False),
        ("small", "micro", [], True),
        ("medium", "small", [("B", "A")], True),
    ],
)
def test_no_mutual_guarantee_between_two_small_firms(
    g_size: str, b_size: str, existing: list[tuple[str, str]], ok: bool
) -> None:
    assert mutual_guarantee_rule("A", g_size, "B", b_size, existing).ok is ok


def test_insurance_must_cover_debt_name_bank_and_outlast_loan_by_two_months(policy: Policy) -> None:
    ok = insurance_rules(
        insured_amount=D("1000000"),
        debt=D("1000000"),
        bank_first_beneficiary=True,
        insurance_ends=date(2025, 8, 31),
        loan_maturity=date(2025, 6, 30),
        policy=policy,
    )
    assert all(r.ok for r in ok)
    bad = insurance_rules(
        insured_amount=D("999999"),
        debt=D("1000000"),
        bank_first_beneficiary=False,
        insurance_ends=date(2025, 8, 29),
        loan_maturity=date(2025, 6, 30),
        policy=policy,
    )
    assert not any(r.ok for r in bad)


# --------------------------------------------------------------------- groups


def test_each_member_is_liable_for_the_whole_group() -> None:
    assert max_liability({"A": D("100"), "B": D("200"), "C": D("300")}) == {
        "A": D("600"),
        "B": D("600"),
        "C": D("600"),
    }


def test_group_limit_allocated_proportionally_with_fen_reconciled() -> None:
    a = allocate_group_limit(D("100.00"), {"A": D("500"), "B": D("500"), "C": D("500")})
    assert a.allocations == {"A": D("33.34"), "B": D("33.33"), "C": D("33.33")}
    assert a.allocated == D("100.00") and a.unallocated == 0


def test_capped_member_passes_its_excess_to_the_others() -> None:
    a = allocate_group_limit(
        D("5000000"),
        {"A": D("4000000"), "B": D("3000000"), "C": D("3000000")},
        caps={"A": D("2000000"), "B": D("2000000"), "C": D("2000000")},
    )
    assert a.allocations == {"A": D("2000000.00"), "B": D("1500000.00"), "C": D("1500000.00")}
    b = allocate_group_limit(
        D("9000000"), {"A": D("4000000"), "B": D("3000000")}, caps={"A": D("2000000"), "B": None}
    )
    assert b.allocations == {"A": D("2000000.00"), "B": D("3000000.00")}
    assert b.unallocated == D("4000000.00")


money = st.decimals(min_value=0, max_value=10**8, places=2)


@given(
    total=money,
    refs=st.dictionaries(st.text(min_size=1, max_size=3), money, min_size=1, max_size=10),
    cap=st.none() | money,
)
def test_allocation_never_exceeds_caps_and_sums_exactly(
    total: Decimal, refs: dict[str, Decimal], cap: Decimal | None
) -> None:
    a = allocate_group_limit(total, refs, {m: cap for m in refs})
    assert sum(a.allocations.values()) == a.allocated
    assert a.allocated + a.unallocated == total
    for m, v in a.allocations.items():
        assert 0 <= v <= refs[m] and (cap is None or v <= cap)
    assert a.allocated == min(
        total, sum(min(r, cap if cap is not None else r) for r in refs.values())
    )


def test_group_rules(policy: Policy) -> None:
    limits = {"A": D("2000000"), "B": D("1000000"), "C": D("500000")}
    ok = group_rules(
        member_count=3,
        member_limits=limits,
        individual_members=frozenset({"A"}),
        margin_pool=D("2000000"),
        repayment_method="equal_principal",
        policy=policy,
    )
    assert all(r.ok for r in ok)
    bad = group_rules(
        member_count=2,
        member_limits=limits | {"A": D("2000000.01")},
        individual_members=frozenset({"A"}),
        margin_pool=D("1999999"),
        repayment_method="bullet",
        policy=policy,
    )
    assert not any(r.ok for r in bad)
    assert (
        group_rules(
            member_count=11,
            member_limits=limits,
            individual_members=frozenset(),
            margin_pool=D("2000000"),
            repayment_method="equal_principal",
            policy=policy,
        )[0].result
        == "fail"
    )
