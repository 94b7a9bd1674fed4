"""Relationships (typed, dated edges of the network): create, read, list, end or delete.

Writing is for relationship managers, risk officers and administrators; both ends must
be visible to the actor (a relationship across two books is entered by a risk officer).
Refused with the field named: unknown parties, markets, groups or loans; a party
related to itself (a self-guarantee); a guarantee without a positive amount; a
shareholding outside (0, 100%] or taking the firm's recorded shareholders above 100%;
an end date before the start. Deleting removes a mistaken entry (the audit log keeps
it whole); ending (``ended_on``) keeps history, as reproducible decisions need.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.auth.access import (
    Actor,
    can_view_market,
    party_filter,
    require_role,
    visible_party,
)
from scf.platform.errors import Conflict, NotFound, ValidationFailed
from scf.platform.models import JointGuaranteeGroup, Loan, Market, Party, Relationship
from scf.platform.models.enums import PartyKind, RelationshipKind, Role
from scf.platform.services.audit import record
from scf.platform.services.unit_of_work import use_case

WRITERS = (Role.RELATIONSHIP_MANAGER, Role.RISK_OFFICER, Role.ADMIN)
MARKET_TARGETS = {RelationshipKind.MEMBER_OF_MARKET, RelationshipKind.ADMINISTERS}
GROUP_TARGETS = {RelationshipKind.MEMBER_OF_GROUP}
PERSON_SOURCES = {RelationshipKind.LEGAL_REPRESENTATIVE_OF, RelationshipKind.SPOUSE_OF}
ONE = Decimal("1")


def _party(session: Session, actor: Actor, reference: str | None) -> Party | None:
    if not reference:
        return None
    query = sa.select(Party).where(
        sa.or_(Party.uscc == reference, Party.customer_number == reference)
    )
    clause = party_filter(actor)
    if clause is not None:
        query = query.where(clause)
    return session.scalars(query.order_by(Party.id)).first()


def relationship_dict(session: Session, rel: Relationship) -> dict[str, Any]:
    def ref(party_id: int | None) -> str | None:
        if party_id is None:
            return None
        party = session.get(Party, party_id)
        return None if party is None else (party.uscc or party.customer_number)

    market = session.get(Market, rel.target_market_id) if rel.target_market_id else None
    group = session.get(JointGuaranteeGroup, rel.target_group_id) if rel.target_group_id else None
    loan = session.get(Loan, rel.loan_id) if rel.loan_id else None
    return {
        "id": rel.id,
        "kind": rel.kind.value,
        "source": ref(rel.source_party_id),
        "target": ref(rel.target_party_id),
        "target_market": market.code if market else None,
        "target_group": group.code if group else None,
        "amount": rel.amount,
        "percentage": rel.percentage,
        "valid_from": rel.valid_from,
        "valid_to": rel.valid_to,
        "loan": loan.code if loan else None,
        "note": rel.note,
    }


@use_case
def create_relationship(
    session: Session,
    actor: Actor,
    *,
    kind: str,
    source: str,
    target: str | None = None,
    target_market: str | None = None,
    target_group: str | None = None,
    amount: Decimal | None = None,
    percentage: Decimal | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    loan: str | None = None,
    note: str | None = None,
) -> Relationship:
    require_role(actor, *WRITERS)
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    try:
        edge_kind = RelationshipKind(kind)
    except ValueError:
        known = ", ".join(k.value for k in RelationshipKind)
        raise ValidationFailed(
            f"kind (关系类型): 未知 “{kind}” (unknown); one of {known}", errors={"kind": [kind]}
        ) from None
    source_party = _party(session, actor, source)
    if source_party is None:
        fail("source", f"未知主体 (unknown party): {source}")
    elif edge_kind in PERSON_SOURCES and source_party.kind is not PartyKind.PERSON:
        fail("source", "须为自然人 (must be a natural person)")
    target_party = market = group = None
    if edge_kind in MARKET_TARGETS or (edge_kind is RelationshipKind.SUPERVISES and target_market):
        market = session.scalar(sa.select(Market).where(Market.code == (target_market or "")))
        if market is None or not can_view_market(actor, market.id):
            fail("target_market", f"未知市场 (unknown market): {target_market}")
    elif edge_kind in GROUP_TARGETS:
        group = session.scalar(
            sa.select(JointGuaranteeGroup).where(JointGuaranteeGroup.code == (target_group or ""))
        )
        if group is None or not can_view_market(actor, group.market_id):
            fail("target_group", f"未知联保体 (unknown group): {target_group}")
    else:
        target_party = _party(session, actor, target)
        if target_party is None:
            fail("target", f"未知主体 (unknown party): {target}")
        elif source_party is not None and target_party.id == source_party.id:
            word = "自我担保" if edge_kind is RelationshipKind.GUARANTEES else "自身关联"
            fail("target", f"不能指向自身 ({word}: a party cannot be related to itself)")
    if amount is not None and amount <= 0:
        fail("amount", "金额必须大于0 (must be positive)")
    if edge_kind is RelationshipKind.GUARANTEES and amount is None:
        fail("amount", "担保须有金额 (a guarantee needs its amount)")
    if edge_kind is RelationshipKind.HOLDS_SHARES:
        if percentage is None:
            fail("percentage", "持股须有比例 (a shareholding needs its percentage, 0..1)")
        elif not Decimal("0") < percentage <= ONE:
            fail("percentage", f"持股比例须在0与1之间 (must be in (0, 1], got {percentage})")
        elif target_party is not None:
            held = _shares_held(session, target_party.id, valid_from or dt.date.today())
            if held + percentage > ONE:
                fail(
                    "percentage",
                    f"股东持股合计将达{held + percentage}，超过100% (shareholdings would exceed 100%)",
                )
    elif percentage is not None:
        fail("percentage", "仅持股关系有比例 (only holds_shares has a percentage)")
    if valid_from and valid_to and valid_to < valid_from:
        fail("valid_to", f"结束日早于开始日 (before valid_from {valid_from})")
    loan_row = None
    if loan:
        loan_row = session.scalar(sa.select(Loan).where(Loan.code == loan))
        if loan_row is None:
            fail("loan", f"未知贷款 (unknown loan): {loan}")
        elif target_party is not None and loan_row.party_id != target_party.id:
            fail("loan", "贷款不属于被担保人 (the loan is not the target's)")
    if errors:
        first = next(iter(errors.items()))
        raise ValidationFailed(f"{first[0]}: {first[1][0]}", errors=errors)
    assert source_party is not None
    duplicate = session.scalar(
        sa.select(Relationship.id).where(
            Relationship.kind == edge_kind,
            Relationship.source_party_id == source_party.id,
            Relationship.target_party_id.is_(None)
            if target_party is None
            else Relationship.target_party_id == target_party.id,
            Relationship.target_market_id.is_(None)
            if market is None
            else Relationship.target_market_id == market.id,
            Relationship.target_group_id.is_(None)
            if group is None
            else Relationship.target_group_id == group.id,
            Relationship.valid_from.is_(None)
            if valid_from is None
            else Relationship.valid_from == valid_from,
        )
    )
    if duplicate is not None:
        raise Conflict(f"关系已存在 (relationship already recorded): #{duplicate}")
    rel = Relationship(
        kind=edge_kind,
        source_party_id=source_party.id,
        target_party_id=target_party.id if target_party else None,
        target_market_id=market.id if market else None,
        target_group_id=group.id if group else None,
        amount=amount,
        percentage=percentage,
        valid_from=valid_from,
        valid_to=valid_to,
        loan_id=loan_row.id if loan_row else None,
        note=note,
    )
    session.add(rel)
    session.flush()
    record(
        session,
        actor,
        "relationship.create",
        "relationship",
        rel.id,
        after=relationship_dict(session, rel),
    )
    return rel


def _shares_held(session: Session, firm_id: int, on: dt.date) -> Decimal:
    total = session.scalar(
        sa.select(sa.func.sum(Relationship.percentage)).where(
            Relationship.kind == RelationshipKind.HOLDS_SHARES,
            Relationship.target_party_id == firm_id,
            Relationship.valid_on(on),
        )
    )
    return total or Decimal("0")


def get_relationship(session: Session, actor: Actor, relationship_id: int) -> Relationship:
    """A relationship whose both ends the actor may see; otherwise *not found*."""
    rel = session.get(Relationship, relationship_id)
    if rel is None or not _visible(session, actor, rel):
        raise NotFound(f"未找到关系 (relationship not found): {relationship_id}")
    return rel


def _visible(session: Session, actor: Actor, rel: Relationship) -> bool:
    clause = party_filter(actor)
    ends = [p for p in (rel.source_party_id, rel.target_party_id) if p is not None]
    if clause is not None:
        seen = session.scalars(sa.select(Party.id).where(Party.id.in_(ends), clause)).all()
        if len(set(seen)) != len(set(ends)):
            return False
    if rel.target_market_id is not None and not can_view_market(actor, rel.target_market_id):
        return False
    if rel.target_group_id is not None:
        group = session.get(JointGuaranteeGroup, rel.target_group_id)
        return group is not None and can_view_market(actor, group.market_id)
    return True


def list_relationships(
    session: Session,
    actor: Actor,
    party_uscc: str,
    *,
    as_of: dt.date | None = None,
    kind: str | None = None,
) -> list[Relationship]:
    """A visible party's relationships (both directions) whose other end is visible too."""
    party = visible_party(session, actor, party_uscc)
    query = sa.select(Relationship).where(
        sa.or_(Relationship.source_party_id == party.id, Relationship.target_party_id == party.id)
    )
    if as_of is not None:
        query = query.where(Relationship.valid_on(as_of))
    if kind:
        query = query.where(Relationship.kind == kind)
    rows = session.scalars(query.order_by(Relationship.id)).all()
    return [r for r in rows if _visible(session, actor, r)]


@use_case
def delete_relationship(
    session: Session, actor: Actor, relationship_id: int, *, ended_on: dt.date | None = None
) -> Relationship:
    """Delete a mistaken relationship, or with ``ended_on`` end it on that date."""
    require_role(actor, *WRITERS)
    rel = get_relationship(session, actor, relationship_id)
    before = relationship_dict(session, rel)
    if ended_on is None:
        session.delete(rel)
        session.flush()
        record(
            session, actor, "relationship.delete", "relationship", relationship_id, before=before
        )
        return rel
    if rel.valid_from is not None and ended_on < rel.valid_from:
        raise ValidationFailed(
            f"ended_on (结束日): 早于开始日 {rel.valid_from} (before valid_from)",
            errors={"ended_on": [str(ended_on)]},
        )
    rel.valid_to = ended_on
    session.flush()
    record(
        session,
        actor,
        "relationship.end",
        "relationship",
        relationship_id,
        before=before,
        after=relationship_dict(session, rel),
    )
    return rel
