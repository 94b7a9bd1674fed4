"""A market seen by its administrator (市场管理方): merchants with their status, loans.

Every function starts from ``access.visible_market``: a market administrator asking
for another market gets *not found*, whatever id they type, and inside a market they
see only the parties and loans ``access`` lets them see.

A merchant's status is its assessment on the date asked (decision, tier, reference
limit) by the same engine as everywhere else; a loan's balance is derived from its
repayments (``balances.outstanding_principal``) and its days past due from its
schedule, on that date, not read from a stored figure that may be stale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from scf.credit.delinquency import days_past_due, delinquency_class
from scf.credit.money import ZERO
from scf.credit.policy import load_policy
from scf.platform.auth.access import (
    Actor,
    can_view_market,
    loan_filter,
    market_party_ids,
    party_filter,
    visible_loan,
    visible_market,
)
from scf.platform.errors import ValidationFailed
from scf.platform.models import Loan, Market, Party, Relationship
from scf.platform.models.enums import LoanStatus, RelationshipKind
from scf.platform.services.lending.balances import outstanding_principal
from scf.platform.services.markets.queries import MarketView, list_markets
from scf.platform.services.parties.assessment import (
    PartyAssessment,
    assess_loaded_parties,
    check_as_of,
)


@dataclass(frozen=True)
class MerchantStatus:
    party: Party
    decision: str | None
    tier: str | None
    reference_limit: Decimal | None
    policy_version: str | None
    note: str | None = None  # why there is no assessment

    def to_dict(self) -> dict[str, object]:
        return {
            "uscc": self.party.uscc,
            "name": self.party.name,
            "kind": self.party.kind.value,
            "decision": self.decision,
            "tier": self.tier,
            "reference_limit": self.reference_limit,
            "policy_version": self.policy_version,
            "note": self.note,
        }


@dataclass(frozen=True)
class LoanLine:
    loan: Loan
    borrower: Party
    outstanding: Decimal
    days_past_due: int
    delinquency_class: str

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.loan.id,
            "code": self.loan.code,
            "borrower": {"uscc": self.borrower.uscc, "name": self.borrower.name},
            "product": self.loan.product.value,
            "principal": self.loan.principal,
            "outstanding": self.outstanding,
            "drawn_on": self.loan.drawn_on,
            "maturity_date": self.loan.maturity_date,
            "status": self.loan.status.value,
            "days_past_due": self.days_past_due,
            "delinquency_class": self.delinquency_class,
        }


@dataclass(frozen=True)
class LoanBook:
    lines: list[LoanLine]
    total: int
    principal: Decimal
    outstanding: Decimal
    overdue: int


def market_view(session: Session, actor: Actor, market_id: int, as_of: dt.date) -> MarketView:
    """The market with its stage, administrator and merchant count, if visible."""
    visible_market(session, actor, market_id)
    return next(v for v in list_markets(session, actor, as_of) if v.market.id == market_id)


def _merchants(market_id: int, as_of: dt.date) -> sa.Select[tuple[int]]:
    return sa.select(Relationship.source_party_id).where(
        Relationship.kind == RelationshipKind.MEMBER_OF_MARKET,
        Relationship.target_market_id == market_id,
        Relationship.valid_on(as_of),
    )


def market_merchants(
    session: Session,
    actor: Actor,
    market_id: int,
    as_of: dt.date,
    *,
    limit: int,
    offset: int = 0,
) -> tuple[int, list[MerchantStatus]]:
    """A page of the market's merchants (by name), each with its status on ``as_of``."""
    visible_market(session, actor, market_id)
    check_as_of(as_of)
    query = sa.select(Party).where(Party.id.in_(_merchants(market_id, as_of)))
    clause = party_filter(actor)
    if clause is not None:
        query = query.where(clause)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    parties = session.scalars(query.order_by(Party.name, Party.id).offset(offset).limit(limit))
    page = list(parties)
    # the batch path: one policy load, one network build, a few queries for the page
    results = assess_loaded_parties(session, [(p, None) for p in page], as_of)
    return total, [merchant_status(p, r) for p, r in zip(page, results, strict=True)]


def merchant_status(party: Party, result: PartyAssessment | ValidationFailed) -> MerchantStatus:
    if isinstance(result, ValidationFailed):
        return MerchantStatus(party, None, None, None, None, str(result))
    found = result.assessment
    limit = None if found.reference_limit.missing else found.reference_limit.amount
    return MerchantStatus(party, found.decision, found.tier, limit, found.policy_version)


def loan_line(loan: Loan, borrower: Party, as_of: dt.date) -> LoanLine:
    dpd = days_past_due(loan.instalments, as_of)
    return LoanLine(
        loan=loan,
        borrower=borrower,
        outstanding=outstanding_principal(loan),
        days_past_due=dpd,
        delinquency_class=delinquency_class(dpd, load_policy(as_of)),
    )


def market_loans(
    session: Session,
    actor: Actor,
    market_id: int,
    as_of: dt.date,
    *,
    limit: int,
    offset: int = 0,
) -> LoanBook:
    """Loans of the market's parties drawn by ``as_of``, most overdue first, with totals."""
    visible_market(session, actor, market_id)
    check_as_of(as_of)
    query = (
        sa.select(Loan, Party)
        .join(Party, Party.id == Loan.party_id)
        .where(
            Loan.party_id.in_(market_party_ids(market_id)),
            Loan.drawn_on <= as_of,
            Loan.status != LoanStatus.PENDING,
        )
        .options(selectinload(Loan.instalments), selectinload(Loan.repayments))
    )
    clause = loan_filter(actor)
    if clause is not None:
        query = query.where(clause)
    lines = [loan_line(loan, party, as_of) for loan, party in session.execute(query)]
    lines.sort(key=lambda line: (-line.days_past_due, line.loan.code))
    return LoanBook(
        lines=lines[offset : offset + limit],
        total=len(lines),
        principal=sum((line.loan.principal for line in lines), ZERO),
        outstanding=sum((line.outstanding for line in lines), ZERO),
        overdue=sum(1 for line in lines if line.days_past_due > 0),
    )


def loan_detail(session: Session, actor: Actor, loan_id: int, as_of: dt.date) -> LoanLine:
    """One loan by id, if its borrower is visible to ``actor`` (else *not found*)."""
    loan = visible_loan(session, actor, loan_id)
    check_as_of(as_of)
    borrower = session.get(Party, loan.party_id)
    assert borrower is not None
    return loan_line(loan, borrower, as_of)


def loan_market(session: Session, actor: Actor, loan: Loan) -> Market | None:
    """The market the borrower belongs to (for the page's way back), if any is visible."""
    market = session.scalar(
        sa.select(Market)
        .join(Relationship, Relationship.target_market_id == Market.id)
        .where(
            Relationship.source_party_id == loan.party_id,
            Relationship.kind.in_(
                [RelationshipKind.MEMBER_OF_MARKET, RelationshipKind.ADMINISTERS]
            ),
        )
        .order_by(Market.id)
        .limit(1)
    )
    return market if market is not None and can_view_market(actor, market.id) else None
