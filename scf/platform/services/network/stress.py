"""Contagion stress tests on the book (传染压力测试): a scenario in, rounds and losses out.

Who may run what (issue 8): risk officers and administrators (and the system) run any
scenario; a relationship manager runs the *default of parties they may see* ("what if
it defaults", 假设违约) but no commodity shock, which moves the whole book. The cascade
of a default crosses books, so in a relationship manager's result every party they may
not see is **anonymised, not omitted**, as in the network views: ``x1``, ``x2``… with
no code, no loan code and no figures; a round's and the scenario's totals are withheld
when they include such a party (``complete`` says whether they do). The model is
``scf.graph.contagion``'s; this module resolves codes, runs it on the cached network
and names the parties and loans.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.graph.contagion import GoodsBreach, LoanLoss, Round, Scenario, StressResult, run_stress
from scf.graph.network import Network
from scf.platform.auth.access import Actor, require_role, visible_party_ids
from scf.platform.errors import Forbidden, ValidationFailed
from scf.platform.models import Commodity, Party
from scf.platform.models.enums import Role
from scf.platform.services.network.book import network_as_of, network_policy


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
    require_role(actor, Role.RISK_OFFICER, Role.ADMIN, Role.RELATIONSHIP_MANAGER)
    shocks = dict(shocks or {})
    if shocks and not actor.sees_everything:
        raise Forbidden(
            "价格冲击情景仅限风险官和管理员 (forbidden): commodity shocks move the whole "
            "book; a relationship manager may run the default of a party they see"
        )
    visible = visible_party_ids(session, actor)
    errors: dict[str, list[str]] = {}
    ids = []
    for i, reference in enumerate(defaults):
        party_id = session.scalar(
            sa.select(Party.id).where(
                sa.or_(Party.uscc == reference, Party.customer_number == reference)
            )
        )
        if party_id is None or (visible is not None and party_id not in visible):
            # A party the actor may not see is reported like a code that does not exist.
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
    return stress_dict(network, result, as_of, visible)


class _Masks:
    """Names what the reader may see and aliases the rest (x1, x2… in order of appearance)."""

    def __init__(self, network: Network, visible: frozenset[int] | None) -> None:
        self.network = network
        self.visible = visible
        self.alias: dict[int, str] = {}

    def shown(self, party_id: int) -> bool:
        return self.visible is None or party_id in self.visible

    def all_shown(self, party_ids: Iterable[int]) -> bool:
        return all(self.shown(p) for p in party_ids)

    def who(self, party_id: int) -> dict[str, Any]:
        if not self.shown(party_id):
            alias = self.alias.setdefault(party_id, f"x{len(self.alias) + 1}")
            return {"uscc": None, "name": alias, "node": None, "hidden": True}
        party = self.network.parties[party_id]
        return {"uscc": party.uscc, "name": party.name, "node": f"p:{party_id}", "hidden": False}

    def loan(self, loan_id: int) -> str | None:
        loan = self.network.loans[loan_id]
        return loan.code if self.shown(loan.borrower) else None

    def on_loan(self, loan_id: int, borrower: int) -> dict[str, Any]:
        """The loan's code and its borrower's name (or alias)."""
        return {"loan": self.loan(loan_id), "borrower": self.who(borrower)["name"]}

    def figure(self, value: Any, *party_ids: int) -> Any:
        return value if self.all_shown(party_ids) else None


def stress_dict(
    network: Network,
    result: StressResult,
    as_of: dt.date,
    visible: frozenset[int] | None = None,
) -> dict[str, Any]:
    """The result as plain data; ``visible``: the party ids the reader may see (None: all)."""
    masks = _Masks(network, visible)
    involved = set(result.defaulted_parties) | {x.borrower for x in result.losses}
    involved |= {c.guarantor for r in result.rounds for c in r.calls}
    complete = masks.all_shown(involved)
    return {
        "complete": complete,
        "as_of": as_of,
        "policy_version": result.policy_version,
        "recovery_rate": result.recovery_rate,
        "scenario": {
            "defaults": [
                masks.who(p)["uscc"] or masks.who(p)["name"] for p in result.scenario.defaults
            ],
            "shocks": {c: change for c, change in result.scenario.price_shocks},
        },
        "rounds": [_round(masks, r) for r in result.rounds],
        "goods_breaches": [_goods_breach(masks, b) for b in result.goods_breaches],
        "losses": [_loss(masks, x) for x in result.losses],
        "affected_parties": len(result.defaulted_parties),
        "affected_loans": len(result.losses),
        "exposure_at_default": result.exposure_at_default if complete else None,
        "collateral_cover": result.collateral_cover if complete else None,
        "guarantee_cover": result.guarantee_cover if complete else None,
        "total_loss": result.total_loss if complete else None,
    }


def _round(masks: _Masks, r: Round) -> dict[str, Any]:
    """One round: who defaulted and why, their loans, the guarantees called; the round's
    totals only when every party in it may be seen."""
    who, figure = masks.who, masks.figure

    def borrower(loan_id: int) -> int:
        return masks.network.loans[loan_id].borrower

    involved = [p.party for p in r.parties] + [x.borrower for x in r.loans]
    involved += [c.guarantor for c in r.calls] + [borrower(c.loan_id) for c in r.calls]
    complete = masks.all_shown(involved)
    return {
        "round": r.number,
        "complete": complete,
        "parties": [
            {
                **who(p.party),
                "reason": p.reason,
                "called": figure(p.called, p.party),
                "capacity": figure(p.capacity, p.party),
                "explanation": figure(p.explanation, p.party),
            }
            for p in r.parties
        ],
        "loans": [
            {
                **masks.on_loan(x.loan_id, x.borrower),
                "borrower_node": who(x.borrower)["node"],
                "exposure": figure(x.exposure, x.borrower),
                "reason": x.reason,
                "explanation": figure(x.explanation, x.borrower),
            }
            for x in r.loans
        ],
        "calls": [
            {
                "guarantor": who(c.guarantor)["name"],
                "guarantor_node": who(c.guarantor)["node"],
                "loan": masks.loan(c.loan_id),
                "amount": figure(c.amount, c.guarantor, borrower(c.loan_id)),
                "via": c.via,
            }
            for c in r.calls
        ],
        "exposure_at_default": r.exposure_at_default if complete else None,
        "called_amount": r.called_amount if complete else None,
    }


def _goods_breach(masks: _Masks, b: GoodsBreach) -> dict[str, Any]:
    return {
        **masks.on_loan(b.loan_id, b.borrower),
        "status": b.status,
        "market_value": masks.figure(b.market_value, b.borrower),
        "lending_value": masks.figure(b.lending_value, b.borrower),
        "exposure": masks.figure(b.exposure, b.borrower),
    }


def _loss(masks: _Masks, x: LoanLoss) -> dict[str, Any]:
    figure = masks.figure
    return {
        **masks.on_loan(x.loan_id, x.borrower),
        "exposure": figure(x.exposure, x.borrower),
        "collateral_cover": figure(x.collateral_cover, x.borrower),
        "guarantee_cover": figure(x.guarantee_cover, x.borrower),
        "uncovered": figure(x.uncovered, x.borrower),
        "loss": figure(x.loss, x.borrower),
    }
