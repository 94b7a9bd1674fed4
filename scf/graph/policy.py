"""The network's policy parameters, read once from the dated policy (``network.yaml``
and the guarantor, goods families) into one typed value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from scf.credit.policy import Policy


@dataclass(frozen=True)
class NetworkPolicy:
    version: str
    shareholding_min: Decimal
    single_customer_max: Decimal
    related_party_group_max: Decimal
    cycle_length_max: int
    circle_refer_size_above: int
    recovery_rate: Decimal
    capacity_enterprise: Decimal
    capacity_administrator: Decimal
    capacity_guarantee_company: Decimal
    capacity_household: Decimal
    advance_rate: Decimal
    liquidation_ratio: Decimal
    refs: Mapping[str, str] = field(compare=False)

    @classmethod
    def of(cls, policy: Policy) -> NetworkPolicy:
        names = {
            "shareholding_min": "related_party.shareholding_min",
            "single_customer_max": "concentration.single_customer_max",
            "related_party_group_max": "concentration.related_party_group_max",
            "cycle_length_max": "guarantee_circle.cycle_length_max",
            "circle_refer_size_above": "guarantee_circle.refer_size_above",
            "recovery_rate": "stress.recovery_rate",
            "capacity_enterprise": "guarantor.capacity_to_net_assets.enterprise",
            "capacity_administrator": "guarantor.administrator_guarantees_to_net_assets_max",
            "capacity_guarantee_company": "guarantor.capacity_to_net_assets.guarantee_company",
            "capacity_household": "guarantor.capacity_to_net_assets.household",
            "advance_rate": "goods.advance_rate.general",
            "liquidation_ratio": "goods.liquidation_ratio",
        }
        counts = ("cycle_length_max", "circle_refer_size_above")
        ratios = {f: policy.decimal(n) for f, n in names.items() if f not in counts}
        return cls(
            version=policy.version,
            cycle_length_max=int(policy.decimal(names["cycle_length_max"])),
            circle_refer_size_above=int(policy.decimal(names["circle_refer_size_above"])),
            refs={field: policy.ref(name) for field, name in names.items()},
            **ratios,
        )
