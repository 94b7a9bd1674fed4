"""Limit accounting from the loan book: figures derived by SQL, never stored twice.

A facility's blocked amount is the principal of its pending loans (a drawdown requested
and not yet disbursed); what is outstanding is the principal disbursed less principal
repaid; a programme's use is the sum over its facilities of blocked + outstanding. No
balance column exists to drift: every figure is a sum over loans and repayments, and
``reconcile_facility`` proves the few stored pairs (a drawdown's amount and its loan's
principal) agree.

Concurrency: a drawdown locks its facility row and then its programme row
(``SELECT … FOR UPDATE``, always in that order, so two drawdowns cannot deadlock), and
only then reads the sums. On PostgreSQL (READ COMMITTED) each statement after the lock
sees every drawdown committed before it, so concurrent drawdowns are checked one after
the other and can never together exceed the facility or the programme.

SQLite has no row locks: its transactions are serialisable, one writer at a time; the
unit of work (``scf.platform.services.unit_of_work``) takes the database's write lock
before a use case reads anything. Never more than the limit either way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.availability import (
    Availability,
    Candidate,
    LimitPosition,
    availability,
    facility_remaining,
    group_headroom,
    programme_remaining,
)
from scf.credit.money import ZERO
from scf.platform.models import Drawdown, Facility, Loan, Programme
from scf.platform.models.enums import DrawdownStatus, LoanStatus
from scf.platform.models.types import Money
from scf.platform.services.lending.balances import repaid_principal_of_row_loan
from scf.platform.services.network.exposure import related_party_group_for

DISBURSED = (LoanStatus.ACTIVE, LoanStatus.REPAID, LoanStatus.WRITTEN_OFF)


def money_sum(expression: sa.ColumnElement[Decimal]) -> sa.ColumnElement[Decimal]:
    """A money sum typed as ``Money`` so SQLite's scaled integers come back as yuan."""
    return sa.type_coerce(sa.func.coalesce(sa.func.sum(expression), 0), Money())


def _position_columns() -> tuple[sa.ColumnElement[Decimal], ...]:
    """(blocked, drawn, outstanding) over the loans selected."""
    pending = Loan.status == LoanStatus.PENDING
    disbursed = Loan.status.in_(DISBURSED)
    return (
        money_sum(sa.case((pending, Loan.principal), else_=0)),
        money_sum(sa.case((disbursed, Loan.principal), else_=0)),
        money_sum(sa.case((disbursed, Loan.principal - repaid_principal_of_row_loan()), else_=0)),
    )


def facility_position(session: Session, facility: Facility) -> LimitPosition:
    """The facility's limit accounting on the committed and flushed loan book."""
    blocked, drawn, outstanding = session.execute(
        sa.select(*_position_columns()).where(Loan.facility_id == facility.id)
    ).one()
    return LimitPosition(
        limit=facility.limit_amount,
        blocked=blocked,
        outstanding=outstanding,
        drawn=drawn,
        revolving=facility.revolving,
    )


@dataclass(frozen=True)
class ProgrammeUsage:
    """A programme cap and what its facilities use of it (blocked + outstanding)."""

    programme: Programme
    blocked: Decimal
    outstanding: Decimal

    @property
    def used(self) -> Decimal:
        return self.blocked + self.outstanding

    @property
    def remaining(self) -> Decimal:
        return self.programme.cap - self.used

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.programme.id,
            "code": self.programme.code,
            "name": self.programme.name,
            "cap": str(self.programme.cap),
            "blocked": str(self.blocked),
            "outstanding": str(self.outstanding),
            "used": str(self.used),
            "remaining": str(self.remaining),
        }


def programme_usage(session: Session, programme: Programme) -> ProgrammeUsage:
    blocked, _drawn, outstanding = session.execute(
        sa.select(*_position_columns())
        .select_from(Loan)
        .join(Facility, Facility.id == Loan.facility_id)
        .where(Facility.programme_id == programme.id)
    ).one()
    return ProgrammeUsage(programme, blocked, outstanding)


def lock_facility(session: Session, facility_id: int) -> Facility | None:
    """Lock the facility row, then its programme row, re-reading both from the database."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            sa.text("UPDATE facilities SET id = id WHERE id = :id"), {"id": facility_id}
        )
    facility = session.scalar(
        sa.select(Facility)
        .where(Facility.id == facility_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if facility is not None and facility.programme_id is not None:
        session.scalar(
            sa.select(Programme)
            .where(Programme.id == facility.programme_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    return facility


def related_party_group_headroom(
    session: Session, party_id: int, as_of: dt.date
) -> tuple[Decimal | None, str]:
    """What may still be lent to the party under the concentration limits [DOMAIN §9]:
    the lower of its related-party group's headroom (15% of net capital) and its own
    (10%), from the network service, and the group's name for the explanation."""
    group = related_party_group_for(session, party_id, as_of)
    return group.headroom, f"{group.group_id} ({len(group.members)})"


def facility_availability(
    session: Session,
    facility: Facility,
    on: dt.date,
    *,
    collateral: Candidate | None,
    position: LimitPosition | None = None,
) -> Availability:
    """Availability of ``facility`` on ``on``: facility, collateral, programme, group."""
    position = position or facility_position(session, facility)
    programme_candidate = None
    if facility.programme_id is not None:
        programme = session.get(Programme, facility.programme_id)
        assert programme is not None
        usage = programme_usage(session, programme)
        programme_candidate = programme_remaining(
            programme.cap, usage.used, programme=programme.code
        )
    headroom, group = related_party_group_headroom(session, facility.party_id, on)
    return availability(
        [
            facility_remaining(position),
            collateral,
            programme_candidate,
            group_headroom(headroom, group=group),
        ]
    )


def reconcile_facility(session: Session, facility: Facility) -> list[str]:
    """Stored figures that must agree with the loan book; an empty list when they do.

    - each drawdown's amount equals its loan's principal, and its status matches the loan's;
    - the facility's position has no negative part.
    """
    problems: list[str] = []
    rows = session.execute(
        sa.select(Drawdown, Loan)
        .join(Loan, Loan.id == Drawdown.loan_id)
        .where(Drawdown.facility_id == facility.id)
    ).all()
    expected = {
        DrawdownStatus.PENDING: {LoanStatus.PENDING},
        DrawdownStatus.UTILISED: set(DISBURSED),
        DrawdownStatus.CANCELLED: {LoanStatus.CANCELLED},
    }
    for drawdown, loan in rows:
        if drawdown.amount != loan.principal:
            problems.append(f"drawdown {drawdown.id}: {drawdown.amount} ≠ loan {loan.principal}")
        if loan.status not in expected.get(drawdown.status, set()):
            problems.append(
                f"drawdown {drawdown.id} {drawdown.status.value} but loan {loan.status.value}"
            )
    position = facility_position(session, facility)
    if min(position.blocked, position.outstanding, position.released) < ZERO:
        problems.append(f"facility {facility.id}: negative figure in {position.to_dict()}")
    return problems
