"""Assessing a party from what the database knows on a date (准入、分类、限额).

The credit engine (``scf.credit.assessment.assess``) decides; this module only
gathers its facts: the party's kind, industry and founding date, the latest
financial snapshot on or before ``as_of`` (never a later one, so a decision made
last year is reproduced from last year's figures), and what the network says about
programme membership, and the checks only the network can make (related-party
concentration, guarantee circles, guarantor capacity). Nothing missing is filled in:
the engine refers the case and names the field.

Individual businesses (个体工商户) keep their figures in the same snapshot columns:
``total_liabilities`` is the household and entity debt, and
``controller_bad_credit_1y`` the operator's and spouse's record [003 §五(一)2].
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.assessment import Assessment, assess
from scf.credit.explain import RuleResult
from scf.credit.facts import CoalFacts, FactsError, FirmFacts, PartyType
from scf.credit.money import MoneyError, to_decimal
from scf.credit.policy import Policy, load_policy
from scf.credit.size import classify
from scf.platform.auth.access import Actor, visible_party
from scf.platform.errors import ValidationFailed
from scf.platform.models import FinancialSnapshot, Party, Programme, Relationship
from scf.platform.models.enums import PartyKind, ProgrammeKind, RelationshipKind
from scf.platform.services.network.exposure import borrower_rules_for, borrower_rules_of_many

ASSESSABLE: dict[PartyKind, PartyType] = {
    PartyKind.ENTERPRISE: "enterprise",
    PartyKind.INDIVIDUAL_BUSINESS: "individual_business",
}
# Edges that make a firm part of a programme (模式化授信): supplier, dealer, merchant.
PROGRAMME_EDGES = (
    RelationshipKind.SUPPLIES_TO,
    RelationshipKind.DISTRIBUTES_FOR,
    RelationshipKind.MEMBER_OF_MARKET,
)


@dataclass(frozen=True)
class PartyAssessment:
    """The engine's answer for one party, with the snapshot it was computed from."""

    party: Party
    snapshot_as_of: dt.date | None
    assessment: Assessment

    def to_dict(self) -> dict[str, object]:
        return {
            "uscc": self.party.uscc,
            "name": self.party.name,
            "snapshot_as_of": None
            if self.snapshot_as_of is None
            else self.snapshot_as_of.isoformat(),
            **self.assessment.to_dict(),
        }


def check_as_of(as_of: dt.date, today: dt.date | None = None) -> None:
    """An assessment is of the past or today: a future date has no figures yet."""
    today = today or dt.date.today()
    if as_of > today:
        raise ValidationFailed(
            f"as_of (评估日期): {as_of} 晚于今天 {today} (a date in the future)",
            errors={"as_of": [f"不能晚于今天 {today} (must not be in the future)"]},
        )


def latest_snapshot(session: Session, party_id: int, as_of: dt.date) -> FinancialSnapshot | None:
    """The newest snapshot dated on or before ``as_of``."""
    return session.scalar(
        sa.select(FinancialSnapshot)
        .where(FinancialSnapshot.party_id == party_id, FinancialSnapshot.as_of <= as_of)
        .order_by(FinancialSnapshot.as_of.desc())
        .limit(1)
    )


def programme_membership(
    session: Session, party_id: int, as_of: dt.date
) -> tuple[bool, dt.date | None]:
    """Whether the party belongs to a programme in force on ``as_of`` (rating floor CCC
    instead of B [000 §四]), and since when it has traded with the anchor."""
    return programme_memberships(session, [party_id], as_of)[party_id]


def programme_memberships(
    session: Session, party_ids: Sequence[int], as_of: dt.date
) -> dict[int, tuple[bool, dt.date | None]]:
    """``programme_membership`` for many parties in a few queries (batch onboarding)."""
    edges: dict[int, list[sa.Row[tuple[int, int | None, int | None, dt.date | None]]]] = {
        party_id: [] for party_id in party_ids
    }
    for chunk in chunked(party_ids):
        for edge in session.execute(
            sa.select(
                Relationship.source_party_id,
                Relationship.target_party_id,
                Relationship.target_market_id,
                Relationship.valid_from,
            ).where(
                Relationship.source_party_id.in_(chunk),
                Relationship.kind.in_(PROGRAMME_EDGES),
                Relationship.valid_on(as_of),
            )
        ):
            edges[edge.source_party_id].append(edge)
    anchors = session.execute(
        sa.select(Programme.kind, Programme.core_party_id, Programme.market_id).where(
            Programme.in_force(as_of),
        )
    ).all()
    cores = {a.core_party_id for a in anchors if a.kind is ProgrammeKind.CORE}
    markets = {a.market_id for a in anchors if a.kind is ProgrammeKind.MARKET}
    memberships: dict[int, tuple[bool, dt.date | None]] = {}
    for party_id, found in edges.items():
        anchored = any(
            (e.target_party_id is not None and e.target_party_id in cores)
            or (e.target_market_id is not None and e.target_market_id in markets)
            for e in found
        )
        dates = [e.valid_from for e in found if e.valid_from is not None]
        memberships[party_id] = (anchored, min(dates) if dates else None)
    return memberships


def latest_snapshots(
    session: Session, party_ids: Sequence[int], as_of: dt.date
) -> dict[int, FinancialSnapshot]:
    """``latest_snapshot`` for many parties in a few queries."""
    found: dict[int, FinancialSnapshot] = {}
    for chunk in chunked(party_ids):
        newest = (
            sa.select(
                FinancialSnapshot.party_id, sa.func.max(FinancialSnapshot.as_of).label("as_of")
            )
            .where(FinancialSnapshot.party_id.in_(chunk), FinancialSnapshot.as_of <= as_of)
            .group_by(FinancialSnapshot.party_id)
            .subquery()
        )
        for snapshot in session.scalars(
            sa.select(FinancialSnapshot).join(
                newest,
                sa.and_(
                    FinancialSnapshot.party_id == newest.c.party_id,
                    FinancialSnapshot.as_of == newest.c.as_of,
                ),
            )
        ):
            found[snapshot.party_id] = snapshot
    return found


def chunked(ids: Sequence[int], size: int = 1000) -> list[Sequence[int]]:
    """IN-lists of bounded length (SQLite limits bound parameters)."""
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def firm_facts(
    session: Session, party: Party, snapshot: FinancialSnapshot | None, as_of: dt.date
) -> FirmFacts:
    """What the credit engine needs, as the database holds it on ``as_of``."""
    in_programme, cooperation_since = programme_membership(session, party.id, as_of)
    return facts_of(party, snapshot, in_programme, cooperation_since)


def facts_of(
    party: Party,
    snapshot: FinancialSnapshot | None,
    in_programme: bool,
    cooperation_since: dt.date | None,
) -> FirmFacts:
    """The engine's facts from a party, its snapshot and its programme membership."""
    party_type = ASSESSABLE[party.kind]
    registered: dict[str, Any] = {
        "party_type": party_type,
        "industry": party.industry,
        "established_on": party.established_on,
        "cooperation_since": cooperation_since,
        "programme_credit": in_programme,
    }
    if snapshot is None:
        return FirmFacts(**registered)
    individual = party_type == "individual_business"
    # One constructor call, not a ``replace`` of a partial one: batch onboarding builds
    # ten thousand of these.
    return FirmFacts(
        **registered,
        employees=snapshot.employees,
        revenue_12m=snapshot.revenue_12m,
        revenue_prior_year=snapshot.revenue_prior_year,
        total_assets=snapshot.total_assets,
        total_liabilities=snapshot.total_liabilities,
        existing_exposure=snapshot.existing_exposure or Decimal("0"),
        net_profit_last_year=snapshot.net_profit_last_year,
        net_profit_prior_year=snapshot.net_profit_prior_year,
        taxable_revenue_last_year=snapshot.taxable_revenue_last_year,
        rating=snapshot.rating,
        bad_credit_3y=snapshot.bad_credit_3y,
        controller_bad_credit_1y=snapshot.controller_bad_credit_1y,
        prohibited_flags=frozenset(snapshot.prohibited_flags or ()),
        tier_factors=frozenset(snapshot.tier_factors or ()),
        cautious_factors=frozenset(snapshot.cautious_factors or ()),
        operator_birth_date=snapshot.operator_birth_date,
        household_net_assets=snapshot.household_net_assets,
        household_debt=snapshot.total_liabilities if individual else None,
        years_in_trade=_years(snapshot.years_in_trade),
        years_at_premises=_years(snapshot.years_at_premises),
        local_residence=snapshot.local_residence,
        fixed_home=snapshot.fixed_home,
        operator_bad_credit_1y=snapshot.controller_bad_credit_1y if individual else None,
        coal=_coal(snapshot),
    )


def size_class_of(party: Party, snapshot: FinancialSnapshot | None, as_of: dt.date) -> str | None:
    """An enterprise's size class on ``as_of`` from its snapshot (None for other kinds or
    when figures are missing): what a guarantor check needs, without a whole assessment."""
    if party.kind is not PartyKind.ENTERPRISE:
        return None
    return classify(facts_of(party, snapshot, False, None), load_policy(as_of)).size_class


def assess_party(
    session: Session,
    actor: Actor,
    uscc: str,
    as_of: dt.date,
    *,
    requested_amount: Decimal | None = None,
    today: dt.date | None = None,
) -> PartyAssessment:
    """Size class, admission, tier and reference limit of a visible party on ``as_of``."""
    check_as_of(as_of, today)
    party = visible_party(session, actor, uscc)
    return assess_loaded_party(session, party, as_of, requested_amount=requested_amount)


def assess_loaded_party(
    session: Session,
    party: Party,
    as_of: dt.date,
    *,
    requested_amount: Decimal | None = None,
) -> PartyAssessment:
    """The same for a party already loaded (batch onboarding, facility granting)."""
    _check_assessable(party)
    snapshot = latest_snapshot(session, party.id, as_of)
    facts = firm_facts(session, party, snapshot, as_of)
    network_rules = borrower_rules_for(session, party.id, as_of)
    return _assess(
        party, snapshot, facts, as_of, requested_amount, load_policy(as_of), network_rules
    )


def assess_loaded_parties(
    session: Session,
    requests: Sequence[tuple[Party, Decimal | None]],
    as_of: dt.date,
    *,
    snapshots: Mapping[int, FinancialSnapshot | None] | None = None,
) -> list[PartyAssessment | ValidationFailed]:
    """``assess_loaded_party`` for many parties with a handful of queries and one policy
    load (batch onboarding of thousands of firms); a party the engine cannot assess gets
    its error in its place instead of stopping the others.

    ``snapshots`` (party id -> its latest snapshot on or before ``as_of``) spares the
    query when the caller has just written or read them, as batch onboarding has.
    """
    ids = [party.id for party, _ in requests]
    if snapshots is None:
        snapshots = latest_snapshots(session, ids, as_of)
    memberships = programme_memberships(session, ids, as_of)
    network_rules = borrower_rules_of_many(session, ids, as_of)
    policy = load_policy(as_of)
    results: list[PartyAssessment | ValidationFailed] = []
    for party, requested_amount in requests:
        try:
            _check_assessable(party)
            snapshot = snapshots.get(party.id)
            facts = facts_of(party, snapshot, *memberships[party.id])
            results.append(
                _assess(
                    party,
                    snapshot,
                    facts,
                    as_of,
                    requested_amount,
                    policy,
                    network_rules[party.id],
                )
            )
        except ValidationFailed as error:
            results.append(error)
    return results


def _check_assessable(party: Party) -> None:
    if party.kind not in ASSESSABLE:
        raise ValidationFailed(
            f"{party.name}: 只评估企业和个体工商户 (only enterprises and individual businesses "
            f"are assessed; this party is a {party.kind.value})",
            errors={"uscc": [f"party kind {party.kind.value} is not assessed"]},
        )


def _assess(
    party: Party,
    snapshot: FinancialSnapshot | None,
    facts: FirmFacts,
    as_of: dt.date,
    requested_amount: Decimal | None,
    policy: Policy,
    network_rules: tuple[RuleResult, ...],
) -> PartyAssessment:
    try:
        result = assess(
            facts,
            as_of,
            requested_amount=requested_amount,
            policy=policy,
            network_rules=network_rules,
        )
    except FactsError as error:
        raise ValidationFailed(str(error), errors={error.field: [error.reason]}) from None
    return PartyAssessment(party, None if snapshot is None else snapshot.as_of, result)


def _years(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _coal(snapshot: FinancialSnapshot) -> CoalFacts | None:
    """Coal-overlay figures kept in ``industry_data["coal"]`` as decimal strings."""
    data = (snapshot.industry_data or {}).get("coal")
    if not isinstance(data, dict):
        return None
    try:
        numbers = {
            name: None if data.get(name) is None else to_decimal(data[name], field=f"coal.{name}")
            for name in ("group_output_mt", "mine_capacity_mt", "reserve_life_years")
        }
    except MoneyError as error:
        raise ValidationFailed(str(error), errors={"coal": [str(error)]}) from None
    flags = {
        name: None if data.get(name) is None else bool(data[name])
        for name in ("key_province", "coking_coal", "new_or_expanded")
    }
    return CoalFacts(**numbers, **flags)  # type: ignore[arg-type]
