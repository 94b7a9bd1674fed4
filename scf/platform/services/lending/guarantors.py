"""What the guarantee rules need to know about guarantors and the borrower's people.

A proposed guarantor is checked by the credit engine (``scf.credit.guarantees``:
ratings by size, a market administrator's assets and 2 × net assets [003 §七(二)2], a
professional guarantee company) and by the network: its contingent liabilities
(对外担保余额, the balances its guarantees stand behind) plus the one proposed must stay
within its capacity [DOMAIN §9] — the same figure the risk desk and the capacity watch
use. The people who must sign personal guarantees [003 §七(二)4] and the guarantee
pairs already on the books (for the mutual-guarantee ban [003 §七(二)5]) come from the
relationships.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.explain import RuleResult
from scf.credit.guarantees import Guarantor, PersonLink, guarantor_rules
from scf.credit.policy import Policy
from scf.platform.models import Facility, FacilityGuarantee, Party, Relationship
from scf.platform.models.enums import FacilityStatus, GuarantorKind, PartyKind, RelationshipKind
from scf.platform.services.network.exposure import (
    contingent_liabilities_of,
    guarantor_capacity_rule_for,
)
from scf.platform.services.parties.assessment import latest_snapshot, size_class_of

# Facilities whose limits count: granted and not ended (a frozen one still binds).
LIVE = (FacilityStatus.ACTIVE, FacilityStatus.FROZEN)


@dataclass(frozen=True)
class GuaranteeTerms:
    """One guarantee offered with a proposal: who, of what kind, for how much."""

    guarantor: Party
    kind: GuarantorKind
    amount: Decimal


def guarantor_checks(
    session: Session, g: GuaranteeTerms, as_of: dt.date, policy: Policy
) -> tuple[list[RuleResult], str | None]:
    """Every rule on one proposed guarantor, and its size class (the caller names each
    result after the guarantor, or withholds its figures from a reader who may not see it)."""
    snapshot = latest_snapshot(session, g.guarantor.id, as_of)
    size = size_class_of(g.guarantor, snapshot, as_of)
    net = None
    if snapshot is not None and snapshot.total_assets is not None:
        net = snapshot.total_assets - (snapshot.total_liabilities or Decimal(0))
    facts = Guarantor(
        name=g.guarantor.name,
        kind=g.kind.value,
        size_class=size,
        rating=None if snapshot is None else snapshot.rating,
        total_assets=None if snapshot is None else snapshot.total_assets,
        net_assets=net,
        outstanding_guarantees=contingent_liabilities_of(session, g.guarantor.id, as_of) + g.amount,
    )
    results = list(guarantor_rules(facts, policy))
    if g.kind is not GuarantorKind.MARKET_ADMINISTRATOR:
        # the engine checks an administrator's 2 × net assets itself; others by the network
        results.append(
            guarantor_capacity_rule_for(
                session, g.guarantor.id, as_of, additional_guarantee=g.amount
            )
        )
    return results, size


def person_links(session: Session, party: Party, as_of: dt.date) -> list[PersonLink]:
    """Legal representative, actual controller and shareholders (persons) of the borrower;
    for an individual business, the spouse of its legal representative [003 §七(二)4]."""
    roles = {
        RelationshipKind.LEGAL_REPRESENTATIVE_OF: "legal_representative",
        RelationshipKind.CONTROLS: "actual_controller",
        RelationshipKind.HOLDS_SHARES: "shareholder",
    }
    edges = session.execute(
        sa.select(Relationship, Party)
        .join(Party, Party.id == Relationship.source_party_id)
        .where(
            Relationship.target_party_id == party.id,
            Relationship.kind.in_(list(roles)),
            Relationship.valid_on(as_of),
            Party.kind == PartyKind.PERSON,
        )
    ).all()
    links = [PersonLink(str(p.id), roles[e.kind], e.percentage) for e, p in edges]
    if party.kind is PartyKind.INDIVIDUAL_BUSINESS:
        heads = [int(x.person) for x in links if x.role == "legal_representative"]
        spouses = session.execute(
            sa.select(Relationship.source_party_id, Relationship.target_party_id).where(
                Relationship.kind == RelationshipKind.SPOUSE_OF,
                sa.or_(
                    Relationship.source_party_id.in_(heads),
                    Relationship.target_party_id.in_(heads),
                ),
            )
        ).all()
        links = [
            PersonLink(str(b if a in heads else a), "spouse") for a, b in spouses if b is not None
        ]
    return links


def guarantee_pairs(session: Session, as_of: dt.date) -> set[tuple[str, str]]:
    """(guarantor, borrower) pairs on the books: network edges and facility guarantees."""
    pairs = {
        (str(a), str(b))
        for a, b in session.execute(
            sa.select(Relationship.source_party_id, Relationship.target_party_id).where(
                Relationship.kind == RelationshipKind.GUARANTEES, Relationship.valid_on(as_of)
            )
        )
    }
    pairs |= {
        (str(a), str(b))
        for a, b in session.execute(
            sa.select(FacilityGuarantee.guarantor_party_id, Facility.party_id)
            .join(Facility, Facility.id == FacilityGuarantee.facility_id)
            .where(Facility.status.in_([*LIVE, FacilityStatus.PROPOSED]))
        )
    }
    return pairs
