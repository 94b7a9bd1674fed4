"""Guarantees and collateral (担保政策) [003 §七] [DOMAIN §7].

Strong guarantees (存单, 国债, 房产, 土地, 专业担保公司) stand alone; weak ones (机器设备,
存货, 专利, 商标) never do. Key-supported customers may combine strong with weak if the
strong part covers ≥ 40% of the loan; others take strong guarantees only.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from scf.credit.dates import add_months, add_years
from scf.credit.explain import RuleResult, rule
from scf.credit.money import ZERO, floor_fen
from scf.credit.policy import Policy
from scf.credit.rating import rating_at_least


class GuaranteeError(ValueError):
    """A guarantee or collateral kind the policy does not know."""


def guarantee_strength(kind: str, policy: Policy) -> str:
    """ "strong" or "weak" [003 §七(一)1]."""
    strength = policy.list_holding(
        kind, {"strong": "guarantee.strong_kinds", "weak": "guarantee.weak_kinds"}
    )
    if strength is not None:
        return strength
    raise GuaranteeError(f"未知担保方式 {kind!r} (unknown guarantee kind)")


def guarantee_mix_rules(
    tier: str, parts: Mapping[str, Decimal], loan_amount: Decimal, policy: Policy
) -> tuple[RuleResult, ...]:
    """``parts`` maps guarantee kind → the part of the loan it covers [003 §七(一)2]."""
    clause = "[003 §七(一)2]"
    strong = sum((v for k, v in parts.items() if guarantee_strength(k, policy) == "strong"), ZERO)
    weak_kinds = sorted(k for k in parts if guarantee_strength(k, policy) == "weak")
    out = [
        rule(
            "weak_guarantee_not_alone",
            clause,
            not (weak_kinds and strong == 0),
            ",".join(sorted(parts)),
            "弱担保须与强担保组合",
            "弱担保方式不能独立使用",
        )
    ]
    if weak_kinds:
        share_min = policy.decimal("guarantee.combined_strong_share_min")
        share = strong / loan_amount if loan_amount else ZERO
        out.append(
            rule(
                "combined_guarantee_key_supported_only",
                clause,
                tier == "key_supported",
                tier,
                "key_supported",
                "仅重点支持类客户可采用强弱组合担保；其他客户只能采用强担保",
            )
        )
        out.append(
            rule(
                "combined_strong_share_sufficient",
                clause,
                share >= share_min,
                f"{share:.4f}",
                f"≥ {share_min}",
                "组合担保中强担保对应贷款额占比不得低于40%",
            )
        )
    return tuple(out)


def collateral_rate(
    kind: str,
    policy: Policy,
    *,
    maturity_value: Decimal | None = None,
    principal_plus_interest: Decimal | None = None,
) -> Decimal:
    """Maximum collateral rate by kind [003 §七(三),(四)]; deposits and bonds go to 100%
    when their value at maturity covers the loan's principal and interest."""
    if kind in ("deposit_certificate", "treasury_bond") and (
        maturity_value is not None
        and principal_plus_interest is not None
        and maturity_value >= principal_plus_interest
    ):
        return policy.decimal("collateral_rate.deposit_fully_covering")
    name = f"collateral_rate.{kind}"
    if not policy.has(name):
        raise GuaranteeError(f"没有{kind}的抵质押率 (no collateral rate for {kind!r})")
    return policy.decimal(name)


@dataclass(frozen=True)
class Collateral:
    kind: str
    value: Decimal  # 认定价值
    maturity_value: Decimal | None = None


def collateral_support(
    items: Sequence[Collateral], policy: Policy, principal_plus_interest: Decimal | None = None
) -> Decimal:
    """What the collateral supports: Σ value × rate, rounded down (a granted-amount candidate)."""
    return sum(
        (
            floor_fen(
                c.value
                * collateral_rate(
                    c.kind,
                    policy,
                    maturity_value=c.maturity_value,
                    principal_plus_interest=principal_plus_interest,
                )
            )
            for c in items
        ),
        ZERO,
    )


def machinery_rules(
    *,
    general_purpose: bool,
    purchased_on: date,
    newness: Decimal,
    unit_value: Decimal,
    as_of: date,
    policy: Policy,
) -> tuple[RuleResult, ...]:
    """Machinery accepted only if general-purpose, bought ≤ 3 years ago, ≥ 50% new,
    ≥ 50,000 per unit [003 §七(三)3]."""
    clause = "[003 §七(三)3]"
    years = int(policy.decimal("machinery.age_years_max"))
    newness_min = policy.decimal("machinery.newness_min")
    value_min = policy.decimal("machinery.unit_value_min")
    return (
        rule(
            "machinery_general_purpose",
            clause,
            general_purpose,
            general_purpose,
            True,
            "通用性强，易于变现",
        ),
        rule(
            "machinery_recent",
            clause,
            add_years(purchased_on, years) >= as_of,
            purchased_on.isoformat(),
            f"≤ {years}年",
            "购买时间不超过三年",
        ),
        rule(
            "machinery_newness",
            clause,
            newness >= newness_min,
            str(newness),
            f"≥ {newness_min}",
            "成新率不低于50%",
        ),
        rule(
            "machinery_unit_value",
            clause,
            unit_value >= value_min,
            f"{unit_value:f}",
            f"≥ {value_min:f}",
            "单件(台、套)价值5万元以上",
        ),
    )


@dataclass(frozen=True)
class Guarantor:
    name: str
    kind: str  # enterprise / market_administrator / guarantee_company
    size_class: str | None = None
    rating: str | None = None
    total_assets: Decimal | None = None
    net_assets: Decimal | None = None
    outstanding_guarantees: Decimal | None = None


def guarantor_rules(g: Guarantor, policy: Policy) -> tuple[RuleResult, ...]:
    """Guarantor eligibility [003 §七(二)1-3]."""
    if g.kind == "guarantee_company":
        return (
            rule(
                "guarantor_professional_company",
                "[003 §七(二)3]",
                True,
                g.kind,
                g.kind,
                "专业担保公司担保",
            ),
        )
    if g.kind == "enterprise":
        return (enterprise_guarantor_rule(g, policy),)
    if g.kind == "market_administrator":
        return administrator_guarantor_rules(g, policy)
    raise GuaranteeError(f"未知保证人类别 {g.kind!r}")


def enterprise_guarantor_rule(g: Guarantor, policy: Policy) -> RuleResult:
    """An enterprise guarantees if large and rated A+ or better, or medium and rated AA or
    better [003 §七(二)1]; small firms do not guarantee."""
    clause = "[003 §七(二)1]"
    if g.size_class not in ("large", "medium"):
        return rule(
            "guarantor_large_or_medium",
            clause,
            False,
            g.size_class,
            "large/medium",
            "保证人应为大中型企业",
        )
    floor = policy.text(f"guarantor.{g.size_class}_rating_min")
    return rule(
        "guarantor_rating",
        clause,
        g.rating is not None and rating_at_least(g.rating, floor, policy),
        g.rating,
        f"≥ {floor}",
        "A+级(含)以上大型企业、AA级(含)以上中型企业保证",
    )


def administrator_guarantor_rules(g: Guarantor, policy: Policy) -> tuple[RuleResult, ...]:
    """A market administrator guarantees with total assets ≥ 50,000,000, net assets
    ≥ 20,000,000 and external guarantees within 2 × net assets [003 §七(二)2]."""
    clause = "[003 §七(二)2]"
    assets_min = policy.decimal("guarantor.administrator_assets_min")
    net_min = policy.decimal("guarantor.administrator_net_assets_min")
    multiple = policy.decimal("guarantor.administrator_guarantees_to_net_assets_max")
    net = g.net_assets
    return (
        rule(
            "administrator_assets",
            clause,
            g.total_assets is not None and g.total_assets >= assets_min,
            g.total_assets,
            f"≥ {assets_min:f}",
            "上年末资产总额不低于5000万元",
        ),
        rule(
            "administrator_net_assets",
            clause,
            net is not None and net >= net_min,
            net,
            f"≥ {net_min:f}",
            "净资产不低于2000万元",
        ),
        rule(
            "administrator_guarantees_within_capacity",
            clause,
            net is not None
            and g.outstanding_guarantees is not None
            and g.outstanding_guarantees <= net * multiple,
            g.outstanding_guarantees,
            f"≤ {multiple} × 净资产",
            "对外担保余额不超过净资产2倍",
        ),
    )


@dataclass(frozen=True)
class PersonLink:
    person: str
    role: str  # legal_representative / actual_controller / shareholder / spouse
    share: Decimal | None = None


@dataclass(frozen=True)
class PersonalGuarantees:
    required: tuple[tuple[str, tuple[str, ...]], ...]  # person, roles that require them
    missing: tuple[str, ...]
    rule: RuleResult


def required_personal_guarantors(
    party_type: str, links: Iterable[PersonLink], signed: Collection[str], policy: Policy
) -> PersonalGuarantees:
    """Who must give a personal joint guarantee and who has not [003 §七(二)4]:
    legal representative, actual controller, every ≥ 15% shareholder (in principle,
    so a gap refers); for an individual business the operator's spouse (required)."""
    threshold = policy.decimal("personal_guarantee.shareholding_min")
    roles: dict[str, list[str]] = {}
    for link in links:
        if party_type == "individual_business":
            needed = link.role == "spouse"
        elif link.role == "shareholder":
            needed = link.share is not None and link.share >= threshold
        else:
            needed = link.role in ("legal_representative", "actual_controller")
        if needed:
            roles.setdefault(link.person, []).append(link.role)
    required = tuple((p, tuple(r)) for p, r in sorted(roles.items()))
    missing = tuple(p for p, _ in required if p not in signed)
    individual = party_type == "individual_business"
    result = rule(
        "personal_guarantees_complete",
        "[003 §七(二)4]",
        not missing,
        ",".join(missing) or "齐全",
        "全部签署",
        "经营者配偶承担连带责任保证"
        if individual
        else "法定代表人、实际控制人及持股15%(含)以上个人股东原则上承担连带责任保证",
        in_principle=not individual,
    )
    return PersonalGuarantees(required, missing, result)


def mutual_guarantee_rule(
    guarantor: str,
    guarantor_size: str | None,
    borrower: str,
    borrower_size: str | None,
    existing: Iterable[tuple[str, str]],
) -> RuleResult:
    """Two small/micro enterprises may not guarantee each other [003 §七(二)5]:
    refused when the borrower already guarantees this guarantor. ``existing`` holds
    (guarantor, borrower) pairs."""
    small = {"small", "micro"}
    both_small = guarantor_size in small and borrower_size in small
    reverse = (borrower, guarantor) in set(existing)
    return rule(
        "no_mutual_guarantee_between_small_firms",
        "[003 §七(二)5]",
        not (both_small and reverse),
        f"{guarantor}({guarantor_size}) ⇄ {borrower}({borrower_size})" if reverse else "无互保",
        "小微企业之间不得互相保证",
        "两个小微企业之间不得互相保证",
    )


def insurance_rules(
    *,
    insured_amount: Decimal,
    debt: Decimal,
    bank_first_beneficiary: bool,
    insurance_ends: date,
    loan_maturity: date,
    policy: Policy,
) -> tuple[RuleResult, ...]:
    """Collateral insurance: insured ≥ debt, bank first beneficiary, ends ≥ 2 months
    after the loan [003 §七(三)5]."""
    clause = "[003 §七(三)5]"
    months = int(policy.decimal("insurance.months_after_maturity_min"))
    latest_needed = add_months(loan_maturity, months)
    return (
        rule(
            "insurance_amount_covers_debt",
            clause,
            insured_amount >= debt,
            f"{insured_amount:f}",
            f"≥ {debt:f}",
            "投保金额不得低于债项金额",
        ),
        rule(
            "insurance_bank_first_beneficiary",
            clause,
            bank_first_beneficiary,
            bank_first_beneficiary,
            True,
            "保险第一受益人为经办行",
        ),
        rule(
            "insurance_outlasts_loan",
            clause,
            insurance_ends >= latest_needed,
            insurance_ends.isoformat(),
            f"≥ {latest_needed.isoformat()}",
            "保险到期日至少比贷款到期日长两个月",
        ),
    )
