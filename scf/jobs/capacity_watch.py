"""Job 6, capacity and concentration (担保能力与集中度): market administrators whose
guarantees exceed 2 × net assets [003 §七(二)2], and customers or related-party groups
over their share of the bank's net capital (10% / 15%) [DOMAIN §9].

The figures come from the network service (``scf.platform.services.network.exposure``), which
computes them for the risk desk and the credit checks too: one rule, one place. The
bank's net capital is this process's setting (``SCF_BANK_NET_CAPITAL``).
"""

from __future__ import annotations

from collections.abc import Iterator

from scf.credit.explain import pct
from scf.credit.money import format_yuan, to_decimal
from scf.jobs.alert_book import Condition, dec, sync_alerts
from scf.jobs.context import Counts, JobContext
from scf.platform.models.enums import Severity
from scf.platform.services.network.exposure import (
    AdministratorCapacity,
    ConcentrationBreach,
    administrator_capacity_usage,
    related_party_concentration_breaches,
)

ADMINISTRATOR_OVER_CAPACITY = "administrator_over_capacity"
CONCENTRATION_BREACH = "concentration_limit_exceeded"
RULES = (ADMINISTRATOR_OVER_CAPACITY, CONCENTRATION_BREACH)


def capacity_conditions(usages: tuple[AdministratorCapacity, ...]) -> Iterator[Condition]:
    for usage in usages:
        if not usage.breached or usage.capacity is None:
            continue
        yield Condition(
            rule=ADMINISTRATOR_OVER_CAPACITY,
            key=f"administrator:{usage.party_id}",
            severity=Severity.CRITICAL,
            subject_type="party",
            subject_id=usage.party_id,
            party_id=usage.party_id,
            message=(
                f"市场管理方 {usage.name} 对外担保 {format_yuan(usage.used)} 元，超过代偿能力 "
                f"{format_yuan(usage.capacity)} 元（净资产的2倍）"
                f" (administrator's guarantees over 2 × net assets) {usage.clause}"
            ),
            figures={
                "used": dec(usage.used),
                "capacity": dec(usage.capacity),
                "ratio": None if usage.ratio is None else dec(usage.ratio),
                "market_ids": list(usage.market_ids),
                "clause": usage.clause,
                "policy_version": usage.policy_version,
            },
        )


def concentration_conditions(breaches: tuple[ConcentrationBreach, ...]) -> Iterator[Condition]:
    for breach in breaches:
        group = breach.scope == "related_party_group"
        what = (
            f"关联集团（{len(breach.party_ids)}户）(related-party group)"
            if group
            else "单一客户 (single customer)"
        )
        yield Condition(
            rule=CONCENTRATION_BREACH,
            key=breach.key,
            severity=Severity.CRITICAL,
            subject_type="party",
            subject_id=breach.party_ids[0],
            party_id=breach.party_ids[0],
            message=(
                f"{what}授信余额 {format_yuan(breach.exposure)} 元，占资本净额 "
                f"{pct(breach.ratio)}，超过 {pct(breach.limit_ratio)} 的限额 "
                f"{format_yuan(breach.limit_amount)} 元 {breach.clause}"
            ),
            figures={
                "scope": breach.scope,
                "party_ids": list(breach.party_ids),
                "exposure": dec(breach.exposure),
                "ratio": dec(breach.ratio),
                "limit_ratio": dec(breach.limit_ratio),
                "limit_amount": dec(breach.limit_amount),
                "clause": breach.clause,
                "policy_version": breach.policy_version,
            },
        )


def run(ctx: JobContext) -> Counts:
    net_capital = to_decimal(ctx.settings.bank_net_capital, field="SCF_BANK_NET_CAPITAL")
    usages = administrator_capacity_usage(ctx.session, ctx.as_of)
    breaches = related_party_concentration_breaches(ctx.session, ctx.as_of, net_capital=net_capital)
    conditions = [*capacity_conditions(usages), *concentration_conditions(breaches)]
    return {
        "administrators": len(usages),
        "administrators_over_capacity": sum(
            1 for c in conditions if c.rule == ADMINISTRATOR_OVER_CAPACITY
        ),
        "concentration_breaches": len(breaches),
        "alerts": sync_alerts(ctx, RULES, conditions),
    }
