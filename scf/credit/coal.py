"""Coal-industry overlay (煤炭行业授信政策) [000 第2篇] [DOMAIN §12].

Applied on top of the general admission rules when the industry is coal mining:
new customers need rating ≥ B, group raw-coal output ≥ 1.2 Mt/yr and a minimum
single-mine capacity by region; customers fall into classes 1–4 by output, reserve
life and debt ratio.
"""

from __future__ import annotations

from scf.credit.explain import RuleResult, missing, rule
from scf.credit.facts import LABELS, CoalFacts, FirmFacts
from scf.credit.policy import Policy
from scf.credit.rating import rating_at_least


def _miss(rid: str, clause: str, *fields: str) -> RuleResult:
    return missing(rid, clause, fields, LABELS)


def coal_rules(facts: FirmFacts, policy: Policy) -> tuple[RuleResult, ...]:
    """New coal customers: rating ≥ B, group output ≥ 1.2 Mt, mine size by region
    [000 第2篇 第六条]; these are "须同时满足" (all required), so misses fail."""
    clause = "[000 第2篇 第六条]"
    out: list[RuleResult] = []
    floor = policy.text("coal.rating_floor")
    if facts.rating is None:
        out.append(_miss("coal_rating_at_or_above_floor", clause, "rating"))
    else:
        out.append(
            rule(
                "coal_rating_at_or_above_floor",
                clause + "(一)",
                rating_at_least(facts.rating, floor, policy),
                facts.rating,
                f"≥ {floor}",
                f"煤炭新客户评级在{floor}级及以上",
            )
        )
    coal = facts.coal
    if coal is None:
        out.append(_miss("coal_group_output_sufficient", clause, "coal"))
        return tuple(out)
    minimum = policy.decimal("coal.group_output_min_mt")
    if coal.group_output_mt is None:
        out.append(_miss("coal_group_output_sufficient", clause, "coal.group_output_mt"))
    else:
        out.append(
            rule(
                "coal_group_output_sufficient",
                clause + "(二)",
                coal.group_output_mt >= minimum,
                f"{coal.group_output_mt}百万吨/年",
                f"≥ {minimum}",
                "煤炭企业集团原煤年产量120万吨以上",
            )
        )
    out.append(_mine_capacity_rule(coal, clause, policy))
    return tuple(out)


def _mine_capacity_rule(coal: CoalFacts, clause: str, policy: Policy) -> RuleResult:
    """Single-mine capacity by region: Shanxi, Shaanxi, Inner Mongolia ≥ 0.6 Mt/yr (coking
    coal ≥ 0.45), elsewhere ≥ 0.3; new or expanded mines ≥ 1.2 and ≥ 0.45 [000 第2篇 第六条(二)]."""
    needed = ("mine_capacity_mt", "key_province", "new_or_expanded")
    absent = [f"coal.{f}" for f in needed if getattr(coal, f) is None]
    if coal.key_province and not coal.new_or_expanded and coal.coking_coal is None:
        absent.append("coal.coking_coal")
    if absent:
        return _miss("coal_mine_capacity_sufficient", clause, *absent)
    assert coal.mine_capacity_mt is not None
    region = "key_region" if coal.key_province else "elsewhere"
    if coal.new_or_expanded:
        minimum = policy.decimal(f"coal.new_mine_min_mt.{region}")
    elif coal.key_province and coal.coking_coal:
        minimum = policy.decimal("coal.mine_min_mt.key_region_coking")
    else:
        minimum = policy.decimal(f"coal.mine_min_mt.{region}")
    return rule(
        "coal_mine_capacity_sufficient",
        clause + "(二)",
        coal.mine_capacity_mt >= minimum,
        f"{coal.mine_capacity_mt}百万吨/年",
        f"≥ {minimum}",
        "单井井型规模达到地区标准 (single-mine capacity by region)",
    )


def coal_class(facts: FirmFacts, policy: Policy) -> int | None:
    """Coal customer class 1–4 [000 第2篇 第七条–第十条]; None when figures are missing.

    Class 4 (exit) here means meeting none of the class 1–3 thresholds; the exit
    criteria themselves are qualitative and not modelled.
    """
    coal = facts.coal
    if coal is None or coal.group_output_mt is None:
        return None
    ratio = None
    if facts.total_assets and facts.total_liabilities is not None:
        ratio = facts.total_liabilities / facts.total_assets
    for n in (1, 2):
        if (
            coal.reserve_life_years is not None
            and ratio is not None
            and coal.group_output_mt >= policy.decimal(f"coal.class{n}.output_min_mt")
            and coal.reserve_life_years >= policy.decimal(f"coal.class{n}.reserve_years_min")
            and ratio <= policy.decimal(f"coal.class{n}.debt_ratio_max")
        ):
            return n
    if coal.group_output_mt >= policy.decimal("coal.class3.output_min_mt"):
        return 3
    return 4
