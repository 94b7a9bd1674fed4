"""Recording relationships (typed, dated edges of the network): create, end or delete.

Writing is for relationship managers, risk officers and administrators; both ends must
be visible to the actor (a relationship across two books is entered by a risk officer).
Refused with the field named: unknown parties, markets, groups or loans; a party
related to itself (a self-guarantee); a guarantee without a positive amount; a
shareholding outside (0, 100%] or taking the firm's recorded shareholders above 100%;
an end date before the start; a loan named on an edge that is not a guarantee or a
buy-back, or that is not the guaranteed party's. A loan, party, market or group the
actor may not see is refused like an unknown one, and a refusal never shows a figure
of a party the actor may not see (the shareholders' total only when all are visible). Deleting removes a mistaken entry (the audit log keeps
it whole); ending (``ended_on``) keeps history, as reproducible decisions need.
Reading them is ``network.queries``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.auth.access import (
    Actor,
    can_view_market,
    find_party_by_reference,
    loan_filter,
    require_role,
    visible_among,
)
from scf.platform.errors import Conflict, ValidationFailed
from scf.platform.models import JointGuaranteeGroup, Loan, Market, Party, Relationship
from scf.platform.models.enums import PartyKind, RelationshipKind, Role
from scf.platform.services.audit import record
from scf.platform.services.network.queries import get_relationship, relationship_dict
from scf.platform.services.unit_of_work import use_case

WRITERS = (Role.RELATIONSHIP_MANAGER, Role.RISK_OFFICER, Role.ADMIN)
MARKET_TARGETS = {RelationshipKind.MEMBER_OF_MARKET, RelationshipKind.ADMINISTERS}
GROUP_TARGETS = {RelationshipKind.MEMBER_OF_GROUP}
PERSON_SOURCES = {RelationshipKind.LEGAL_REPRESENTATIVE_OF, RelationshipKind.SPOUSE_OF}
LOAN_KINDS = {RelationshipKind.GUARANTEES, RelationshipKind.BUYBACK_FOR}
ONE = Decimal("1")


@dataclass
class _Problems:
    """Every field's problems, gathered so that one answer names them all."""

    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def raise_any(self) -> None:
        if self.errors:
            name, messages = next(iter(self.errors.items()))
            raise ValidationFailed(f"{name}: {messages[0]}", errors=self.errors)


@dataclass(frozen=True)
class _Ends:
    """What the edge joins: a source party and one of a party, a market or a group."""

    source: Party | None
    target: Party | None = None
    market: Market | None = None
    group: JointGuaranteeGroup | None = None


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
    edge_kind = _edge_kind(kind)
    problems = _Problems()
    ends = _ends(session, actor, edge_kind, source, target, target_market, target_group, problems)
    _check_figures(session, actor, edge_kind, ends, amount, percentage, valid_from, problems)
    if valid_from and valid_to and valid_to < valid_from:
        problems.add("valid_to", f"结束日早于开始日 (before valid_from {valid_from})")
    loan_row = _guaranteed_loan(session, actor, edge_kind, loan, ends.target, problems)
    problems.raise_any()
    assert ends.source is not None
    _refuse_duplicate(session, edge_kind, ends, valid_from)
    rel = Relationship(
        kind=edge_kind,
        source_party_id=ends.source.id,
        target_party_id=ends.target.id if ends.target else None,
        target_market_id=ends.market.id if ends.market else None,
        target_group_id=ends.group.id if ends.group else None,
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


def _edge_kind(kind: str) -> RelationshipKind:
    try:
        return RelationshipKind(kind)
    except ValueError:
        known = ", ".join(k.value for k in RelationshipKind)
        raise ValidationFailed(
            f"kind (关系类型): 未知 “{kind}” (unknown); one of {known}", errors={"kind": [kind]}
        ) from None


def _ends(
    session: Session,
    actor: Actor,
    kind: RelationshipKind,
    source: str,
    target: str | None,
    target_market: str | None,
    target_group: str | None,
    problems: _Problems,
) -> _Ends:
    """Both ends, each visible to the actor: the target is a market, a group or a party
    according to the kind (a warehouse supervisor supervises a market or a party)."""
    source_party = find_party_by_reference(session, actor, source) if source else None
    if source_party is None:
        problems.add("source", f"未知主体 (unknown party): {source}")
    elif kind in PERSON_SOURCES and source_party.kind is not PartyKind.PERSON:
        problems.add("source", "须为自然人 (must be a natural person)")
    if kind in MARKET_TARGETS or (kind is RelationshipKind.SUPERVISES and target_market):
        market = session.scalar(sa.select(Market).where(Market.code == (target_market or "")))
        if market is None or not can_view_market(actor, market.id):
            problems.add("target_market", f"未知市场 (unknown market): {target_market}")
        return _Ends(source_party, market=market)
    if kind in GROUP_TARGETS:
        group = session.scalar(
            sa.select(JointGuaranteeGroup).where(JointGuaranteeGroup.code == (target_group or ""))
        )
        if group is None or not can_view_market(actor, group.market_id):
            problems.add("target_group", f"未知联保体 (unknown group): {target_group}")
        return _Ends(source_party, group=group)
    target_party = find_party_by_reference(session, actor, target) if target else None
    if target_party is None:
        problems.add("target", f"未知主体 (unknown party): {target}")
    elif source_party is not None and target_party.id == source_party.id:
        word = "自我担保" if kind is RelationshipKind.GUARANTEES else "自身关联"
        problems.add("target", f"不能指向自身 ({word}: a party cannot be related to itself)")
    return _Ends(source_party, target=target_party)


def _check_figures(
    session: Session,
    actor: Actor,
    kind: RelationshipKind,
    ends: _Ends,
    amount: Decimal | None,
    percentage: Decimal | None,
    valid_from: dt.date | None,
    problems: _Problems,
) -> None:
    """A guarantee states a positive amount; a shareholding a percentage in (0, 1] that
    keeps the firm's recorded shareholders within 100%; no other kind has one."""
    if amount is not None and amount <= 0:
        problems.add("amount", "金额必须大于0 (must be positive)")
    if kind is RelationshipKind.GUARANTEES and amount is None:
        problems.add("amount", "担保须有金额 (a guarantee needs its amount)")
    if kind is not RelationshipKind.HOLDS_SHARES:
        if percentage is not None:
            problems.add("percentage", "仅持股关系有比例 (only holds_shares has a percentage)")
        return
    if percentage is None:
        problems.add("percentage", "持股须有比例 (a shareholding needs its percentage, 0..1)")
    elif not Decimal("0") < percentage <= ONE:
        problems.add("percentage", f"持股比例须在0与1之间 (must be in (0, 1], got {percentage})")
    elif ends.target is not None:
        held = _shares_held(session, ends.target.id, valid_from or dt.date.today())
        if sum(held.values(), Decimal("0")) + percentage > ONE:
            problems.add("percentage", _over_100_percent(session, actor, held, percentage))


def _shares_held(session: Session, firm_id: int, on: dt.date) -> dict[int, Decimal]:
    """The firm's recorded shareholdings on ``on``, by shareholder."""
    rows = session.execute(
        sa.select(Relationship.source_party_id, Relationship.percentage).where(
            Relationship.kind == RelationshipKind.HOLDS_SHARES,
            Relationship.target_party_id == firm_id,
            Relationship.valid_on(on),
        )
    )
    held: dict[int, Decimal] = {}
    for holder, share in rows:
        held[holder] = held.get(holder, Decimal("0")) + (share or Decimal("0"))
    return held


def _over_100_percent(
    session: Session, actor: Actor, held: dict[int, Decimal], percentage: Decimal
) -> str:
    """The refusal of a shareholding that takes the total above 100%: with the total
    only for an actor who sees every shareholder (it would tell what a hidden one holds)."""
    message = "股东持股合计将超过100% (shareholdings would exceed 100%)"
    if len(visible_among(session, actor, held)) < len(held):
        return message
    total = sum(held.values(), Decimal("0")) + percentage
    return f"股东持股合计将达{total}，超过100% (shareholdings would reach {total}, over 100%)"


def _guaranteed_loan(
    session: Session,
    actor: Actor,
    kind: RelationshipKind,
    code: str | None,
    target: Party | None,
    problems: _Problems,
) -> Loan | None:
    """The loan a guarantee (or buy-back) stands behind: one the actor may see (else
    refused like an unknown code), and the guaranteed party's."""
    if not code:
        return None
    if kind not in LOAN_KINDS:
        problems.add(
            "loan", "仅担保或回购关系可指定贷款 (only a guarantee or buy-back names a loan)"
        )
        return None
    query = sa.select(Loan).where(Loan.code == code)
    clause = loan_filter(actor)
    loan = session.scalar(query if clause is None else query.where(clause))
    if loan is None:
        problems.add("loan", f"未知贷款 (unknown loan): {code}")
    elif target is not None and loan.party_id != target.id:
        problems.add("loan", "贷款不属于被担保人 (the loan is not the target's)")
    return loan


def _refuse_duplicate(
    session: Session, kind: RelationshipKind, ends: _Ends, valid_from: dt.date | None
) -> None:
    """The same edge (kind, both ends, start date) is recorded once."""
    assert ends.source is not None
    duplicate = session.scalar(
        sa.select(Relationship.id).where(
            Relationship.kind == kind,
            Relationship.source_party_id == ends.source.id,
            _same(Relationship.target_party_id, ends.target.id if ends.target else None),
            _same(Relationship.target_market_id, ends.market.id if ends.market else None),
            _same(Relationship.target_group_id, ends.group.id if ends.group else None),
            _same(Relationship.valid_from, valid_from),
        )
    )
    if duplicate is not None:
        raise Conflict(f"关系已存在 (relationship already recorded): #{duplicate}")


def _same(column: Any, value: object) -> sa.ColumnElement[bool]:
    """``column`` equal to ``value``, where no value matches only NULL."""
    return column.is_(None) if value is None else column == value


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
