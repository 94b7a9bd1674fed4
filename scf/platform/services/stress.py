"""Contagion stress tests on the book (传染压力测试): a scenario in, rounds and losses out.

The whole book is in the result, so only risk officers and administrators (and the
system) may run one. The model is ``scf.graph.contagion``'s; this module resolves
codes, runs it on the cached network and names the parties and loans.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.graph.contagion import Scenario, StressResult, run_stress
from scf.graph.network import Network
from scf.platform.auth.access import Actor, require_role
from scf.platform.errors import ValidationFailed
from scf.platform.models import Commodity, Party
from scf.platform.models.enums import Role
from scf.platform.services.network import network_as_of, network_policy


def parse_shock(text: str, field: str = "shock") -> tuple[str, Decimal]:
    """``steel_rebar=-20%`` or ``steel_rebar=-0.20`` -> ("steel_rebar", Decimal("-0.20"))."""
    commodity, sep, raw = text.partition("=")
    value = raw.strip()
    try:
        change = Decimal(value[:-1]) / 100 if value.endswith("%") else Decimal(value)
    except InvalidOperation:
        change = None
    if not sep or not commodity.strip() or change is None:
        raise ValidationFailed(
            f"{field} (价格冲击): “{text}” 应为 商品=变动 (expected COMMODITY=-20%)",
            errors={field: [text]},
        )
    return commodity.strip(), change


def run_stress_scenario(
    session: Session,
    actor: Actor,
    *,
    defaults: Sequence[str] = (),
    shocks: Mapping[str, Decimal] | None = None,
    as_of: dt.date,
) -> dict[str, Any]:
    require_role(actor, Role.RISK_OFFICER, Role.ADMIN)
    shocks = dict(shocks or {})
    errors: dict[str, list[str]] = {}
    ids = []
    for i, reference in enumerate(defaults):
        party_id = session.scalar(
            sa.select(Party.id).where(
                sa.or_(Party.uscc == reference, Party.customer_number == reference)
            )
        )
        if party_id is None:
            errors[f"defaults[{i}]"] = [f"未知主体 (unknown party) {reference}"]
        else:
            ids.append(party_id)
    known = set(session.scalars(sa.select(Commodity.code)))
    for commodity, change in shocks.items():
        if commodity not in known:
            errors[f"shocks.{commodity}"] = [
                f"未知商品 (unknown commodity); one of {sorted(known)}"
            ]
        elif not Decimal("-1") < change <= Decimal("10"):
            errors[f"shocks.{commodity}"] = [
                f"变动须在-100%与1000%之间 (change {change} out of range)"
            ]
    if not defaults and not shocks:
        errors["scenario"] = ["至少一个违约主体或价格冲击 (name a defaulting party or a shock)"]
    if errors:
        raise ValidationFailed("情景有误 (invalid scenario), see errors", errors=errors)
    network = network_as_of(session, as_of)
    scenario = Scenario(tuple(ids), tuple(sorted(shocks.items())))
    result = run_stress(network, scenario, network_policy(as_of))
    return stress_dict(network, result, as_of)


def stress_dict(network: Network, result: StressResult, as_of: dt.date) -> dict[str, Any]:
    def who(party_id: int) -> dict[str, Any]:
        party = network.parties[party_id]
        return {"uscc": party.uscc, "name": party.name}

    def loan(loan_id: int) -> str:
        return network.loans[loan_id].code

    return {
        "as_of": as_of,
        "policy_version": result.policy_version,
        "recovery_rate": result.recovery_rate,
        "scenario": {
            "defaults": [who(p)["uscc"] or who(p)["name"] for p in result.scenario.defaults],
            "shocks": {c: change for c, change in result.scenario.price_shocks},
        },
        "rounds": [
            {
                "round": r.number,
                "parties": [
                    {
                        **who(p.party),
                        "reason": p.reason,
                        "called": p.called,
                        "capacity": p.capacity,
                        "explanation": p.explanation,
                    }
                    for p in r.parties
                ],
                "loans": [
                    {
                        "loan": loan(x.loan_id),
                        "borrower": who(x.borrower)["name"],
                        "exposure": x.exposure,
                        "reason": x.reason,
                        "explanation": x.explanation,
                    }
                    for x in r.loans
                ],
                "calls": [
                    {
                        "guarantor": who(c.guarantor)["name"],
                        "loan": loan(c.loan_id),
                        "amount": c.amount,
                        "via": c.via,
                    }
                    for c in r.calls
                ],
                "exposure_at_default": r.exposure_at_default,
                "called_amount": r.called_amount,
            }
            for r in result.rounds
        ],
        "goods_breaches": [
            {
                "loan": loan(b.loan_id),
                "borrower": who(b.borrower)["name"],
                "status": b.status,
                "market_value": b.market_value,
                "lending_value": b.lending_value,
                "exposure": b.exposure,
            }
            for b in result.goods_breaches
        ],
        "losses": [
            {
                "loan": loan(x.loan_id),
                "borrower": who(x.borrower)["name"],
                "exposure": x.exposure,
                "collateral_cover": x.collateral_cover,
                "guarantee_cover": x.guarantee_cover,
                "uncovered": x.uncovered,
                "loss": x.loss,
            }
            for x in result.losses
        ],
        "affected_parties": len(result.defaulted_parties),
        "affected_loans": len(result.losses),
        "exposure_at_default": result.exposure_at_default,
        "collateral_cover": result.collateral_cover,
        "guarantee_cover": result.guarantee_cover,
        "total_loss": result.total_loss,
    }
