"""Graph-aware checks fed back into admission and granting, each a ``RuleResult``.

- single customer ≤ 10% and related-party group ≤ 15% of the bank's net capital
  [DOMAIN §9] *(assumed)*: over the limit fails;
- a borrower inside a guarantee circle larger than ``guarantee_circle.refer_size_above``
  members is referred [DOMAIN §9];
- a mutual guarantee between two small/micro enterprises fails [003 §七(二)5]; any other
  mutual guarantee, and any guarantee triangle through the party, is referred: they are
  the riskiest motifs of Chinese guarantee networks;
- as guarantor: contingent liabilities (guarantees given, plus the one proposed) above
  its capacity fail; unknown net assets refer [003 §七(二)2] [DOMAIN §9].
"""

from __future__ import annotations

from decimal import Decimal

from scf.credit.explain import RuleResult, missing, pct, rule
from scf.credit.money import ZERO
from scf.graph.circles import circle_containing
from scf.graph.exposure import (
    concentration,
    guarantor_capacity,
    related_party_group_of,
)
from scf.graph.network import Network
from scf.graph.policy import NetworkPolicy


def concentration_rules(
    network: Network, party_id: int, policy: NetworkPolicy, net_capital: Decimal
) -> tuple[RuleResult, RuleResult]:
    own = concentration(
        network.own_exposure(party_id),
        net_capital,
        policy.single_customer_max,
        policy.refs["single_customer_max"],
    )
    group = related_party_group_of(network, party_id, policy)
    grouped = concentration(
        group.exposure,
        net_capital,
        policy.related_party_group_max,
        policy.refs["related_party_group_max"],
    )
    return (
        rule(
            "single_customer_concentration_within_limit",
            own.clause,
            not own.breached,
            f"{own.exposure} ({pct(own.ratio)})",
            f"≤ {own.limit_amount} ({pct(own.limit_ratio)})",
            "单一客户贷款余额不超过资本净额的10% (single customer ≤ 10% of net capital)",
        ),
        rule(
            "related_party_group_concentration_within_limit",
            grouped.clause,
            not grouped.breached,
            f"{grouped.exposure} ({pct(grouped.ratio)}, {len(group.members)} members)",
            f"≤ {grouped.limit_amount} ({pct(grouped.limit_ratio)})",
            "单一集团客户授信余额不超过资本净额的15% (related-party group ≤ 15% of net capital)",
        ),
    )


def circle_rules(network: Network, party_id: int, policy: NetworkPolicy) -> tuple[RuleResult, ...]:
    circle = circle_containing(network, party_id, policy, cycles_limit=0)
    limit = policy.circle_refer_size_above
    size = 0 if circle is None else circle.size
    pairs = () if circle is None else tuple(p for p in circle.mutual_pairs if party_id in p)
    breaches = () if circle is None else tuple(p for p in circle.breaches if party_id in p)
    triangles = () if circle is None else tuple(t for t in circle.triangles if party_id in t)
    return (
        rule(
            "guarantee_circle_size_within_limit",
            policy.refs["circle_refer_size_above"],
            size <= limit,
            f"{size} ({circle.id})" if circle is not None else "0",
            f"≤ {limit}",
            "借款人所在担保圈成员数超过阈值，提交审查 (inside a large guarantee circle: refer)",
            in_principle=True,
        ),
        rule(
            "no_mutual_guarantee_between_small_firms",
            "[003 §七(二)5]",
            not breaches,
            ",".join(f"{a}⇄{b}" for a, b in breaches) or "无",
            "小微企业之间不得互相保证",
            "两个小微企业之间不得互相保证 (two small/micro firms may not guarantee each other)",
        ),
        rule(
            "no_mutual_guarantee",
            "[DOMAIN §9]",
            not pairs,
            ",".join(f"{a}⇄{b}" for a, b in pairs) or "无",
            "无互保",
            "存在互保，提交审查 (mutual guarantee: refer)",
            in_principle=True,
        ),
        rule(
            "no_guarantee_triangle",
            "[DOMAIN §9]",
            not triangles,
            ",".join("→".join(map(str, t)) for t in triangles) or "无",
            "无三角担保",
            "存在三角担保圈，提交审查 (guarantee triangle: refer)",
            in_principle=True,
        ),
    )


def guarantor_capacity_rule(
    network: Network,
    party_id: int,
    policy: NetworkPolicy,
    additional_guarantee: Decimal = ZERO,
) -> RuleResult:
    used = network.contingent_liabilities(party_id) + additional_guarantee
    capacity = guarantor_capacity(network, party_id, policy)
    rid, clause = "guarantor_within_capacity", "[003 §七(二)2] [DOMAIN §9]"
    if used == 0:
        return rule(rid, clause, True, "0", None, "未对外担保 (gives no guarantees)")
    if capacity is None:
        return missing(rid, clause, ("net_assets",), {"net_assets": "净资产"})
    return rule(
        rid,
        clause,
        used <= capacity,
        f"{used}",
        f"≤ {capacity}",
        "对外担保余额不得超过代偿能力 (guarantees given must not exceed capacity)",
    )


def borrower_rules(
    network: Network, party_id: int, policy: NetworkPolicy, net_capital: Decimal
) -> tuple[RuleResult, ...]:
    """The checks that count in a borrower's admission: concentration and circles. A
    guarantor's capacity is checked when it is proposed as guarantor, not here."""
    return (
        *concentration_rules(network, party_id, policy, net_capital),
        *circle_rules(network, party_id, policy),
    )


def network_rules(
    network: Network,
    party_id: int,
    policy: NetworkPolicy,
    net_capital: Decimal,
    *,
    additional_guarantee: Decimal = ZERO,
) -> tuple[RuleResult, ...]:
    """Every graph-aware check of a party, as borrower and as guarantor."""
    return (
        *borrower_rules(network, party_id, policy, net_capital),
        guarantor_capacity_rule(network, party_id, policy, additional_guarantee),
    )
