"""Loan pricing quotes (贷款定价) [000 第8篇 一(二)]: the formula, or a party's own inputs.

Either the caller gives the base rate, the four coefficients and their weights, and
gets the formula's answer; or names a party and a guarantee class, and the
coefficients come from the policy's tables: the credit grade from the party's
rating on the date, the prospect from its tier, the contribution from whether the
bank is its main bank (unless the reviewer states them). Every derived input says
where it came from.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from scf.credit.policy import load_policy
from scf.credit.pricing import PricingError, derive_levels, loan_rate, quote
from scf.platform.auth.access import Actor
from scf.platform.errors import ValidationFailed
from scf.platform.services.parties.assessment import assess_party, latest_snapshot


def formula_quote(
    base_rate: Decimal, coefficients: dict[str, Decimal], weights: dict[str, Decimal]
) -> dict[str, Any]:
    """The pricing formula on the caller's own inputs."""
    try:
        return loan_rate(base_rate, coefficients, weights).to_dict()
    except PricingError as error:
        raise ValidationFailed(str(error), errors={"weights": [str(error)]}) from None


def party_quote(
    session: Session,
    actor: Actor,
    uscc: str,
    guarantee: str,
    as_of: dt.date,
    *,
    contribution: str | None = None,
    prospect: str | None = None,
    base_rate: Decimal | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """A quote for a visible party from its rating and tier on ``as_of``."""
    assessed = assess_party(session, actor, uscc, as_of, today=today)
    snapshot = latest_snapshot(session, assessed.party.id, as_of)
    rating = None if snapshot is None else snapshot.rating
    if rating is None:
        raise ValidationFailed(
            f"{uscc}: 无信用评级，无法定价 (no rating on {as_of}: cannot price)",
            errors={"rating": ["缺少评级 (missing)"]},
        )
    policy = load_policy(as_of)
    factors = frozenset(snapshot.tier_factors or ()) if snapshot is not None else frozenset()
    try:
        levels = derive_levels(
            assessed.assessment.tier,
            factors,
            policy,
            contribution=contribution,
            prospect=prospect,
        )
        answer = quote(
            rating=rating,
            guarantee=guarantee,
            contribution=levels.contribution,
            prospect=levels.prospect,
            policy=policy,
            base_rate=base_rate,
        )
    except PricingError as error:
        raise ValidationFailed(str(error), errors={"pricing": [str(error)]}) from None
    return {
        **answer.to_dict(),
        "policy_version": policy.version,
        "inputs": {
            "uscc": uscc,
            "as_of": as_of.isoformat(),
            "rating": rating,
            "tier": assessed.assessment.tier,
            "guarantee": guarantee,
            "contribution": levels.contribution,
            "prospect": levels.prospect,
        },
        "derived": levels.reasons,
    }
