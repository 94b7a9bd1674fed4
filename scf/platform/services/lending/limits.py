"""Limit accounting from the loan book: figures derived by SQL, never stored twice.

A facility's blocked amount is the principal of its pending loans (a drawdown requested
and not yet disbursed); what is outstanding is the principal disbursed less principal
repaid; a programme's or a joint-guarantee group's use is the sum over its facilities
of blocked + outstanding. No balance column exists to drift: every figure is a sum over
loans and repayments, and ``reconcile_facility`` proves the few stored pairs (a
drawdown's amount and its loan's principal) agree.

What counts as used, at every level a drawdown is checked against (issue #12): a
pending loan counts wherever outstanding principal counts — the facility, the
collateral of the facility's items, the programme (a market programme's cap is the
market level), the joint-guarantee group's total limit, and the related-party group
and single-customer concentration limits (reserved beside the network's outstanding,
``network.exposure.related_party_group_for``). ``leave_out`` leaves one pending loan out
of every sum: the loan being paid out, checked again without itself.

Concurrency: before the sums are read, every level that can bind is locked, always in
one global order, so two drawdowns can never deadlock and never read a level another
is about to use:

    1. the related-party group   (advisory lock, keyed by the group's lowest party id)
    2. the customer              (advisory lock, keyed by the party id)
    3. the joint-guarantee group (advisory lock, keyed by the group id)
    4. the programme row         (``SELECT … FOR UPDATE``)
    5. the facility row          (``SELECT … FOR UPDATE``)
    (6. the receivables or receipts a drawdown names, in id order, ``pledged``)

``lock_limits`` takes 1–5 for a drawdown or a disbursal; ``lock_facility`` takes 4–5
for the steps that only free or re-read a facility (repayment, cancelling, a limit
change, a release of goods). Two members of one group take the same group lock: the
group is whatever ``related_party_group_for`` returns on the date. On PostgreSQL (READ
COMMITTED) each statement after the locks sees every drawdown committed before them,
so concurrent drawdowns are checked one after another. A group that changed while the
drawdown waited (a new controlling link) is refused as a ``Conflict`` to retry.

SQLite has no row or advisory locks: its transactions are serialisable, one writer at a
time; the unit of work (``scf.platform.services.unit_of_work``) takes the database's
write lock before a use case reads anything. Never more than the limit either way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.availability import (
    Availability,
    Candidate,
    LimitPosition,
    availability,
    customer_headroom,
    facility_remaining,
    group_headroom,
    joint_group_remaining,
    programme_remaining,
)
from scf.credit.money import ZERO
from scf.platform.errors import Conflict
from scf.platform.models import Drawdown, Facility, JointGuaranteeGroup, Loan, Programme
from scf.platform.models.enums import DrawdownStatus, LoanStatus
from scf.platform.services.lending.balances import money_sum, repaid_principal_of_row_loan
from scf.platform.services.network.exposure import related_party_group_for

DISBURSED = (LoanStatus.ACTIVE, LoanStatus.REPAID, LoanStatus.WRITTEN_OFF)


def _position_columns(leave_out: int | None = None) -> tuple[sa.ColumnElement[Decimal], ...]:
    """(blocked, drawn, outstanding) over the loans selected, bar the pending ``leave_out``."""
    pending = Loan.status == LoanStatus.PENDING
    if leave_out is not None:
        pending = sa.and_(pending, Loan.id != leave_out)
    disbursed = Loan.status.in_(DISBURSED)
    return (
        money_sum(sa.case((pending, Loan.principal), else_=0)),
        money_sum(sa.case((disbursed, Loan.principal), else_=0)),
        money_sum(sa.case((disbursed, Loan.principal - repaid_principal_of_row_loan()), else_=0)),
    )


def facility_position(
    session: Session, facility: Facility, *, leave_out: int | None = None
) -> LimitPosition:
    """The facility's limit accounting on the committed and flushed loan book."""
    blocked, drawn, outstanding = session.execute(
        sa.select(*_position_columns(leave_out)).where(Loan.facility_id == facility.id)
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


def _blocked_and_outstanding(
    session: Session, where: sa.ColumnElement[bool], leave_out: int | None
) -> tuple[Decimal, Decimal]:
    """(blocked, outstanding) over the loans of the facilities ``where`` selects."""
    blocked, _drawn, outstanding = session.execute(
        sa.select(*_position_columns(leave_out))
        .select_from(Loan)
        .join(Facility, Facility.id == Loan.facility_id)
        .where(where)
    ).one()
    return blocked, outstanding


def programme_usage(
    session: Session, programme: Programme, *, leave_out: int | None = None
) -> ProgrammeUsage:
    blocked, outstanding = _blocked_and_outstanding(
        session, Facility.programme_id == programme.id, leave_out
    )
    return ProgrammeUsage(programme, blocked, outstanding)


def joint_group_used(session: Session, group_id: int, *, leave_out: int | None = None) -> Decimal:
    """What the joint-guarantee group's facilities use (blocked + outstanding)."""
    return sum(_blocked_and_outstanding(session, Facility.group_id == group_id, leave_out), ZERO)


# ------------------------------------------------------------------- locks


class LockLevel(IntEnum):
    """Levels locked by advisory lock, in the global order (rows follow: programme, facility)."""

    RELATED_PARTY_GROUP = 1
    CUSTOMER = 2
    JOINT_GROUP = 3


ADVISORY_NAMESPACE = 0x5CF0  # the first key of scf's advisory locks: namespace + level


def _advisory_lock(session: Session, level: LockLevel, key: int) -> None:
    """Held to the end of the transaction (``pg_advisory_xact_lock``), as row locks are."""
    session.execute(
        sa.text("SELECT pg_advisory_xact_lock(:level, :key)"),
        {"level": ADVISORY_NAMESPACE + level, "key": key},
    )


def lock_facility(session: Session, facility_id: int) -> Facility | None:
    """Lock the programme row, then the facility row (levels 4 and 5 of the order),
    re-reading both from the database."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            sa.text("UPDATE facilities SET id = id WHERE id = :id"), {"id": facility_id}
        )
    programme_id = session.scalar(
        sa.select(Facility.programme_id).where(Facility.id == facility_id)
    )
    if programme_id is not None:
        session.scalar(
            sa.select(Programme)
            .where(Programme.id == programme_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    return session.scalar(
        sa.select(Facility)
        .where(Facility.id == facility_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def lock_limits(session: Session, facility_id: int, on: dt.date) -> Facility | None:
    """Lock every level that can bind a drawdown on the facility on ``on``, in the
    global order (module docstring), and return the facility re-read under its lock."""
    if session.get_bind().dialect.name == "postgresql":
        _lock_levels_above_the_programme(session, facility_id, on)
    return lock_facility(session, facility_id)


def _lock_levels_above_the_programme(session: Session, facility_id: int, on: dt.date) -> None:
    owner = session.execute(
        sa.select(Facility.party_id, Facility.group_id).where(Facility.id == facility_id)
    ).first()
    if owner is None:
        return
    anchor = related_party_group_for(session, owner.party_id, on).anchor_party_id
    _advisory_lock(session, LockLevel.RELATED_PARTY_GROUP, anchor)
    _advisory_lock(session, LockLevel.CUSTOMER, owner.party_id)
    if owner.group_id is not None:
        _advisory_lock(session, LockLevel.JOINT_GROUP, owner.group_id)
    if related_party_group_for(session, owner.party_id, on).anchor_party_id != anchor:
        raise Conflict(
            "关联集团在等待期间发生变化，未写入任何数据，请重试 "
            "(the related-party group changed while waiting; nothing written, retry)"
        )


# ------------------------------------------------------------------- availability


def concentration_candidates(
    session: Session, party_id: int, on: dt.date, *, leave_out: int | None = None
) -> tuple[Candidate, Candidate]:
    """The related-party group's (15%) and the customer's own (10%) headroom [DOMAIN §9],
    each net of outstanding and of what pending drawdowns reserve."""
    view = related_party_group_for(session, party_id, on, leave_out=leave_out)
    return (
        group_headroom(
            view.limit_amount,
            view.exposure,
            view.reserved,
            group=f"{view.group_id} ({len(view.members)})",
        ),
        customer_headroom(
            view.customer_limit_amount, view.customer_exposure, view.customer_reserved
        ),
    )


def _programme_candidate(
    session: Session, facility: Facility, leave_out: int | None
) -> Candidate | None:
    if facility.programme_id is None:
        return None
    programme = session.get(Programme, facility.programme_id)
    assert programme is not None
    usage = programme_usage(session, programme, leave_out=leave_out)
    return programme_remaining(programme.cap, usage.used, programme=programme.code)


def _joint_group_candidate(
    session: Session, facility: Facility, leave_out: int | None
) -> Candidate | None:
    group = (
        None if facility.group_id is None else session.get(JointGuaranteeGroup, facility.group_id)
    )
    if group is None or group.total_limit is None:
        return None
    used = joint_group_used(session, group.id, leave_out=leave_out)
    return joint_group_remaining(group.total_limit, used, group=group.code)


def facility_availability(
    session: Session,
    facility: Facility,
    on: dt.date,
    *,
    collateral: Candidate | None,
    position: LimitPosition | None = None,
    leave_out: int | None = None,
) -> Availability:
    """Availability of ``facility`` on ``on``: facility, collateral, programme, joint
    group, related-party group, customer; ``leave_out``: a pending loan not counted."""
    position = position or facility_position(session, facility, leave_out=leave_out)
    return availability(
        [
            facility_remaining(position),
            collateral,
            _programme_candidate(session, facility, leave_out),
            _joint_group_candidate(session, facility, leave_out),
            *concentration_candidates(session, facility.party_id, on, leave_out=leave_out),
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
