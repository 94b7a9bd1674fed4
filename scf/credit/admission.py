"""Admission (准入) and customer tier (客户分层) [003 §五] [000 §四] [DOMAIN §3, §12].

Each rule is a small function returning a ``RuleResult`` with the clause, the value
observed and the threshold. Rules the bank writes as "原则上" (in principle) refer the
case when missed instead of refusing it. A rule whose input is missing refers and
names the field: nothing is guessed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from scf.credit.coal import coal_rules
from scf.credit.dates import add_years, completed_years
from scf.credit.explain import RuleResult, missing, pct, rule
from scf.credit.facts import LABELS, FirmFacts
from scf.credit.industries import debt_ratio_group
from scf.credit.policy import Policy
from scf.credit.rating import rating_at_least


def _miss(rid: str, clause: str, *fields: str) -> RuleResult:
    return missing(rid, clause, fields, LABELS)


# ----------------------------------------------------------------- enterprise rules


def established_long_enough(facts: FirmFacts, as_of: date, policy: Policy) -> RuleResult:
    """Established ≥ 3 years, in principle (原则上三年以上) [003 §五(一)1(2)]."""
    rid, clause = "established_at_least_3_years", "[003 §五(一)1(2)]"
    if facts.established_on is None:
        return _miss(rid, clause, "established_on")
    years = int(policy.decimal("admission.established_years_min"))
    ok = add_years(facts.established_on, years) <= as_of
    return rule(
        rid,
        clause,
        ok,
        f"{completed_years(facts.established_on, as_of)}年 (since {facts.established_on})",
        f"≥ {years}年",
        f"成立时间原则上{years}年以上 (established at least {years} years, in principle)",
        in_principle=True,
    )


def profitable_last_two_years(facts: FirmFacts, policy: Policy) -> RuleResult:
    """Profitable in each of the last two years (最近两年连续盈利) [003 §五(一)1(2)]."""
    rid, clause = "profitable_last_2_years", "[003 §五(一)1(2)]"
    absent = [
        f for f in ("net_profit_last_year", "net_profit_prior_year") if getattr(facts, f) is None
    ]
    if absent:
        return _miss(rid, clause, *absent)
    last, prior = facts.net_profit_last_year, facts.net_profit_prior_year
    assert last is not None and prior is not None
    return rule(
        rid,
        clause,
        last > 0 and prior > 0,
        f"{prior:f} / {last:f}",
        "> 0 each year",
        "最近两年连续盈利 (profitable in each of the last two years)",
    )


def debt_ratio_within_limit(facts: FirmFacts, policy: Policy) -> RuleResult:
    """Debt-to-asset ratio before credit: manufacturing ≤ 60%, trade ≤ 70%, other ≤ 60%
    [003 §五(一)1(4)]; exactly at the ceiling passes ("不高于")."""
    rid, clause = "debt_ratio_within_limit", "[003 §五(一)1(4)]"
    absent = [
        f for f in ("industry", "total_assets", "total_liabilities") if getattr(facts, f) is None
    ]
    if absent:
        return _miss(rid, clause, *absent)
    assert facts.industry is not None
    assert facts.total_assets is not None and facts.total_liabilities is not None
    ceiling = policy.decimal(f"admission.debt_ratio_max.{debt_ratio_group(facts.industry)}")
    if facts.total_assets == 0:
        return rule(
            rid, clause, False, "资产为零 (no assets)", f"≤ {pct(ceiling)}", "资产负债率无法计算"
        )
    ratio = facts.total_liabilities / facts.total_assets
    return rule(
        rid,
        clause,
        ratio <= ceiling,
        pct(ratio),
        f"≤ {pct(ceiling)}",
        f"授信前资产负债率不高于{pct(ceiling)} (debt ratio at most {pct(ceiling)})",
    )


def _clean_record(
    facts: FirmFacts, field: str, rid: str, clause: str, text: str, *, in_principle: bool = False
) -> RuleResult:
    """No bad credit record where ``field`` (a yes/no fact) says whether there is one."""
    bad = getattr(facts, field)
    if bad is None:
        return _miss(rid, clause, field)
    return rule(rid, clause, not bad, "有" if bad else "无", "无", text, in_principle=in_principle)


def no_bad_credit_3y(facts: FirmFacts) -> RuleResult:
    """No bad credit record in the last three years (三年内无不良信用记录) [003 §五(一)1(5)]."""
    return _clean_record(
        facts,
        "bad_credit_3y",
        "no_bad_credit_3y",
        "[003 §五(一)1(5)]",
        "企业三年内无不良信用记录 (no bad credit record in 3 years)",
    )


def controller_no_bad_credit_1y(facts: FirmFacts) -> RuleResult:
    """Legal representative and controller: no bad record in a year, in principle
    [003 §五(一)1(6)]."""
    return _clean_record(
        facts,
        "controller_bad_credit_1y",
        "controller_no_bad_credit_1y",
        "[003 §五(一)1(6)]",
        "法定代表人、实际控制人原则上一年内无不良信用记录 (in principle)",
        in_principle=True,
    )


# ------------------------------------------------------------ individual businesses


def operator_age_in_range(facts: FirmFacts, as_of: date, policy: Policy) -> RuleResult:
    """Operator aged 18 (inclusive) to 65 (exclusive) [003 §五(一)2(1)]."""
    rid, clause = "operator_age_18_to_65", "[003 §五(一)2(1)]"
    if facts.operator_birth_date is None:
        return _miss(rid, clause, "operator_birth_date")
    low = int(policy.decimal("individual.age_min"))
    high = int(policy.decimal("individual.age_max"))
    age = completed_years(facts.operator_birth_date, as_of)
    return rule(
        rid,
        clause,
        low <= age < high,
        f"{age}周岁",
        f"[{low}, {high})",
        f"经营者年龄在{low}周岁(含)至{high}周岁(不含)之间",
    )


def local_residence_and_fixed_home(facts: FirmFacts) -> RuleResult:
    """Local urban residence or residence permit, fixed home, in principle [003 §五(一)2(2)]."""
    rid, clause = "local_residence_and_fixed_home", "[003 §五(一)2(2)]"
    absent = [f for f in ("local_residence", "fixed_home") if getattr(facts, f) is None]
    if absent:
        return _miss(rid, clause, *absent)
    ok = bool(facts.local_residence) and bool(facts.fixed_home)
    return rule(
        rid,
        clause,
        ok,
        f"本地户口/居留={facts.local_residence}, 固定住所={facts.fixed_home}",
        "均为是",
        "原则上有本地城镇常住户口或有效居留身份、有固定住所 (in principle)",
        in_principle=True,
    )


def household_net_assets_sufficient(facts: FirmFacts, policy: Policy) -> RuleResult:
    """Household net physical assets ≥ 500,000 (家庭实物净资产) [003 §五(一)2(3)]."""
    rid, clause = "household_net_assets_at_least_minimum", "[003 §五(一)2(3)]"
    if facts.household_net_assets is None:
        return _miss(rid, clause, "household_net_assets")
    floor = policy.decimal("individual.household_net_assets_min")
    return rule(
        rid,
        clause,
        facts.household_net_assets >= floor,
        f"{facts.household_net_assets:f}",
        f"≥ {floor:f}",
        f"家庭实物净资产不低于{floor:f}元",
    )


def _years_rule(
    facts: FirmFacts, policy: Policy, field: str, param: str, rid: str, clause: str, text: str
) -> RuleResult:
    value = getattr(facts, field)
    if value is None:
        return _miss(rid, clause, field)
    floor = policy.decimal(param)
    return rule(rid, clause, value >= floor, f"{value}年", f"≥ {floor}年", text)


def operator_no_bad_credit_1y(facts: FirmFacts) -> RuleResult:
    """Operator and spouse: no bad record within a year, in principle [003 §五(一)2(6)]."""
    return _clean_record(
        facts,
        "operator_bad_credit_1y",
        "operator_no_bad_credit_1y",
        "[003 §五(一)2(6)]",
        "经营者及其配偶原则上一年内无不良信用记录 (in principle)",
        in_principle=True,
    )


# -------------------------------------------------------------------- common rules


def rating_at_or_above_floor(facts: FirmFacts, policy: Policy) -> RuleResult:
    """Internal rating B or above; CCC for programme credit and trade finance [000 §四].

    The seed says "原则上 ... B级(含)以上": below B refers. The CCC relaxation is the
    outer limit for programme credit, so below CCC fails.
    """
    rid, clause = "rating_at_or_above_floor", "[000 §四]"
    if facts.rating is None:
        return _miss(rid, clause, "rating")
    floor = policy.text(
        "rating.floor.programme" if facts.programme_credit else "rating.floor.general"
    )
    ok = rating_at_least(facts.rating, floor, policy)
    return rule(
        rid,
        clause,
        ok,
        facts.rating,
        f"≥ {floor}",
        f"客户信用评级应在{floor}级(含)以上"
        + (" (programme credit / trade finance)" if facts.programme_credit else " (in principle)"),
        in_principle=not facts.programme_credit,
    )


def not_prohibited(facts: FirmFacts) -> RuleResult:
    """Prohibited customers (禁止介入) are ineligible [003 §五(四)]."""
    flags = sorted(facts.prohibited_flags)
    return rule(
        "not_prohibited",
        "[003 §五(四)]",
        not flags,
        ",".join(flags) or "无",
        "无禁止介入情形",
        "不属于禁止介入的客户 (no prohibited condition)",
    )


# -------------------------------------------------------------------------- tiers


def _growing(
    rid: str,
    clause: str,
    now: Decimal | None,
    before: Decimal | None,
    fields: tuple[str, str],
    text: str,
) -> RuleResult:
    """A figure higher this year than the year before; missing either, refer."""
    if now is None or before is None:
        return _miss(rid, clause, *fields)
    return rule(rid, clause, now > before, f"{before:f} → {now:f}", "增长", text)


def _leverage_for_key_support(facts: FirmFacts, clause: str, policy: Policy) -> RuleResult:
    """Debt ratio 50% or lower ("50%以下" includes 50% for an individual business's
    household and entity debt; an enterprise's limit is kept below) [003 §五(二)]."""
    limit = policy.decimal("tier.key_supported.debt_ratio_below")
    individual = facts.party_type == "individual_business"
    debt_field = "household_debt" if individual else "total_liabilities"
    debt = getattr(facts, debt_field)
    if facts.total_assets is None or debt is None or facts.total_assets == 0:
        return _miss("leverage_low_for_key_support", clause, "total_assets", debt_field)
    ratio = debt / facts.total_assets
    return rule(
        "leverage_low_for_key_support",
        clause,
        ratio <= limit if individual else ratio < limit,
        pct(ratio),
        f"{'≤' if individual else '<'} {pct(limit)}",
        "授信前资产负债率50%以下（个体经营户负债不超过总资产50%）",
    )


def tier_rules(facts: FirmFacts, policy: Policy) -> tuple[RuleResult, ...]:
    """Key-supported needs growth, low leverage and one listed factor [003 §五(二)]."""
    clause = "[003 §五(二)]"
    factors = sorted(facts.tier_factors)
    return (
        _growing(
            "revenue_growing",
            clause,
            facts.revenue_12m,
            facts.revenue_prior_year,
            ("revenue_12m", "revenue_prior_year"),
            "营业收入持续增长",
        ),
        _growing(
            "profit_growing",
            clause,
            facts.net_profit_last_year,
            facts.net_profit_prior_year,
            ("net_profit_last_year", "net_profit_prior_year"),
            "利润持续增长",
        ),
        _leverage_for_key_support(facts, clause, policy),
        rule(
            "key_support_factor_present",
            clause + "1-8",
            bool(factors),
            ",".join(factors) or "无",
            "至少一项",
            "符合重点支持客户情形之一",
        ),
    )


def tier_of(facts: FirmFacts, policy: Policy) -> tuple[str, tuple[RuleResult, ...]]:
    """prohibited > cautious > key_supported > normal; caution outranks support."""
    reasons = tier_rules(facts, policy)
    if facts.prohibited_flags:
        return "prohibited", reasons
    if facts.cautious_factors:
        return "cautious", reasons
    if all(r.ok for r in reasons):
        return "key_supported", reasons
    return "normal", reasons


def admission_rules(
    facts: FirmFacts, as_of: date, policy: Policy, size_rule: RuleResult | None
) -> tuple[RuleResult, ...]:
    """Every admission rule for the party type, in the order of the clauses."""
    out: list[RuleResult] = []
    if facts.party_type is None:
        out.append(_miss("party_type_known", "[003 §五(一)]", "party_type"))
    elif facts.party_type == "enterprise":
        if size_rule is not None:
            out.append(size_rule)
        out += [
            established_long_enough(facts, as_of, policy),
            profitable_last_two_years(facts, policy),
            debt_ratio_within_limit(facts, policy),
            no_bad_credit_3y(facts),
            controller_no_bad_credit_1y(facts),
        ]
    else:
        out += [
            operator_age_in_range(facts, as_of, policy),
            local_residence_and_fixed_home(facts),
            household_net_assets_sufficient(facts, policy),
            _years_rule(
                facts,
                policy,
                "years_in_trade",
                "individual.years_in_trade_min",
                "years_in_trade_sufficient",
                "[003 §五(一)2(4)]",
                "三年以上行业从业经验",
            ),
            _years_rule(
                facts,
                policy,
                "years_at_premises",
                "individual.years_at_premises_min",
                "years_at_premises_sufficient",
                "[003 §五(一)2(5)]",
                "有固定经营场所并连续经营两年以上",
            ),
            operator_no_bad_credit_1y(facts),
        ]
    out.append(rating_at_or_above_floor(facts, policy))
    out.append(not_prohibited(facts))
    if facts.industry == "coal_mining":
        out += coal_rules(facts, policy)
    return tuple(out)
