"""A facility's life after approval (额度状态): frozen, unfrozen, closed, expired; and
who holds which approval level (差别化授权 [000 §五]).

Roles cannot undo each other (issue 12, finding 3): a freeze records who froze it, in
which role and why (``freezes`` reads it back); a risk officer's freeze — and any freeze
not known to be a relationship manager's — is lifted only by two risk officers, one
proposing the unfreeze (``propose_unfreeze``) and another approving it
(``approve_unfreeze``) or declining it (``decline_unfreeze``). Each step is audited."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.drawdowns import EXPIRING, facility_status_on
from scf.credit.money import ZERO
from scf.credit.policy import load_policy
from scf.platform.auth.access import Actor, require_role
from scf.platform.auth.not_found import not_found
from scf.platform.errors import Conflict, Forbidden, ValidationFailed
from scf.platform.models import CollateralItem, Facility, FacilityFreeze
from scf.platform.models.enums import FacilityStatus, Role
from scf.platform.models.types import utcnow
from scf.platform.services import audit
from scf.platform.services.lending.facilities import audit_step, locked_facility, snapshot
from scf.platform.services.lending.freezes import (
    freeze_record,
    freeze_view,
    lifted_in_two_steps,
)
from scf.platform.services.lending.limits import facility_position
from scf.platform.services.lending.proposals import choice
from scf.platform.services.unit_of_work import use_case

TRANSITIONS = {
    FacilityStatus.FROZEN: {FacilityStatus.ACTIVE},
    FacilityStatus.ACTIVE: {FacilityStatus.FROZEN},
    FacilityStatus.CLOSED: {
        FacilityStatus.ACTIVE,
        FacilityStatus.FROZEN,
        FacilityStatus.EXPIRED,
        FacilityStatus.PROPOSED,
        FacilityStatus.SENT_BACK,
    },
}
REASON_MAX = 500


@use_case
def set_facility_status(
    session: Session, actor: Actor, facility_id: int, status: str, *, reason: str
) -> Facility:
    """Freeze (冻结), unfreeze, or close a facility; closing needs nothing owed on it.

    Unfreezing follows the freeze (``freezes.lifted_in_two_steps``): a relationship
    manager's freeze is lifted at once, by a relationship manager who sees the facility
    or a risk officer; any other needs two risk officers, and a risk officer's "active"
    is their step in it — the first proposes the unfreeze, a second approves it. A risk
    officer freezing what a relationship manager froze takes the freeze over, so that the
    relationship manager can no longer lift it."""
    require_role(actor, Role.RELATIONSHIP_MANAGER, Role.RISK_OFFICER)
    target = choice(FacilityStatus, status, "status")
    reason = _required(reason, "reason", "原因")
    facility = locked_facility(session, actor, facility_id)
    if target is FacilityStatus.FROZEN and _takes_over(session, actor, facility):
        return _freeze(session, actor, facility, reason)
    if facility.status not in TRANSITIONS.get(target, set()):
        raise Conflict(
            f"额度 {facility.code} 不能从 {facility.status.value} 改为 {target.value} "
            "(transition not allowed)"
        )
    if target is FacilityStatus.FROZEN:
        return _freeze(session, actor, facility, reason)
    record = freeze_record(session, facility)
    if target is FacilityStatus.ACTIVE and lifted_in_two_steps(_role(record)):
        _require_risk_officer(actor)
        if record is None or record.unfreeze_proposed_at is None:
            return _propose(session, actor, facility, reason)
        return _approve(session, actor, facility, record, reason)
    if target is FacilityStatus.CLOSED:
        _refuse_closing_while_owed(session, facility)
    before = snapshot(facility)
    context = {"reason": reason, "freeze": _freeze_dict(session, facility)}
    facility.status = target
    _clear_freeze(session, facility)
    audit_step(session, actor, target.value, facility, before, context)
    session.flush()
    return facility


def _required(text: str | None, field: str, label: str) -> str:
    value = (text or "").strip()
    if not value:
        raise ValidationFailed(f"{field} ({label}): 必填 (required)", errors={field: ["required"]})
    if len(value) > REASON_MAX:
        message = f"不超过{REASON_MAX}字 (at most {REASON_MAX} characters)"
        raise ValidationFailed(f"{field} ({label}): {message}", errors={field: [message]})
    return value


def _role(record: FacilityFreeze | None) -> Role | None:
    """Who froze, by role (None: the system, or a freeze from before the record)."""
    return None if record is None else record.frozen_by_role


def _takes_over(session: Session, actor: Actor, facility: Facility) -> bool:
    """A risk officer freezing a facility a relationship manager froze."""
    if actor.role is not Role.RISK_OFFICER or facility.status is not FacilityStatus.FROZEN:
        return False
    return not lifted_in_two_steps(_role(freeze_record(session, facility)))


def _refuse_closing_while_owed(session: Session, facility: Facility) -> None:
    exposure = facility_position(session, facility).exposure
    if exposure > ZERO:
        raise Conflict(
            f"额度 {facility.code} 尚有余额 {exposure:,.2f}，不能关闭 (cannot close while owed)"
        )
    for item in session.scalars(
        sa.select(CollateralItem).where(CollateralItem.pledged_facility_id == facility.id)
    ):
        item.pledged_facility_id = None


def _freeze_dict(session: Session, facility: Facility) -> dict[str, object] | None:
    """The freeze in force as the audit log keeps it (None when not frozen)."""
    freeze = freeze_view(session, facility)
    return None if freeze is None else freeze.to_dict()


def _clear_freeze(session: Session, facility: Facility) -> None:
    """The facility is no longer frozen: its freeze record goes (the audit log keeps it)."""
    record = session.get(FacilityFreeze, facility.id)
    if record is not None:
        session.delete(record)


def _clear_unfreeze(record: FacilityFreeze) -> None:
    record.unfreeze_proposed_by_id = None
    record.unfreeze_proposed_at = None
    record.unfreeze_reason = None


def _freeze(session: Session, actor: Actor, facility: Facility, reason: str) -> Facility:
    before = snapshot(facility)
    replaced = _freeze_dict(session, facility)
    record = session.get(FacilityFreeze, facility.id) or FacilityFreeze(facility_id=facility.id)
    facility.status = FacilityStatus.FROZEN
    record.frozen_by_id = actor.user_id
    record.frozen_by_role = actor.role
    record.frozen_at = utcnow()
    record.reason = reason
    _clear_unfreeze(record)
    session.add(record)
    role = None if actor.role is None else actor.role.value
    context = {"reason": reason, "role": role, "replaces": replaced}
    audit_step(session, actor, "frozen", facility, before, context)
    session.flush()
    return facility


def _require_risk_officer(actor: Actor) -> None:
    if actor.role is not Role.RISK_OFFICER or actor.user_id is None:
        raise Forbidden(
            "此冻结只能由风险经理解除：一名风险经理提议，另一名风险经理批准 "
            "(only risk officers lift this freeze: one proposes, another approves)"
        )


def _frozen(session: Session, actor: Actor, facility_id: int) -> Facility:
    _require_risk_officer(actor)
    facility = locked_facility(session, actor, facility_id)
    if facility.status is not FacilityStatus.FROZEN:
        raise Conflict(f"额度 {facility.code} 未冻结 (not frozen)")
    return facility


def _awaiting(session: Session, actor: Actor, facility_id: int) -> tuple[Facility, FacilityFreeze]:
    facility = _frozen(session, actor, facility_id)
    record = freeze_record(session, facility)
    if record is None or record.unfreeze_proposed_at is None:
        raise Conflict(f"额度 {facility.code} 没有待批准的解冻 (no unfreeze awaits approval)")
    return facility, record


@use_case
def propose_unfreeze(session: Session, actor: Actor, facility_id: int, *, reason: str) -> Facility:
    """A risk officer proposes lifting a freeze (the maker); it stays frozen until
    another risk officer approves."""
    reason = _required(reason, "reason", "原因")
    facility = _frozen(session, actor, facility_id)
    record = freeze_record(session, facility)
    if record is not None and record.unfreeze_proposed_at is not None:
        raise Conflict(f"额度 {facility.code} 已有待批准的解冻 (an unfreeze already awaits)")
    return _propose(session, actor, facility, reason)


def _propose(session: Session, actor: Actor, facility: Facility, reason: str) -> Facility:
    """Record the proposal (a freeze from before the record gets its row now, saying so)."""
    before = snapshot(facility)
    record = freeze_record(session, facility)
    if record is None:  # frozen before freezes were recorded: no frozen_at, no reason
        record = FacilityFreeze(facility_id=facility.id)
        session.add(record)
    record.unfreeze_proposed_by_id = actor.user_id
    record.unfreeze_proposed_at = utcnow()
    record.unfreeze_reason = reason
    session.flush()
    context = {"reason": reason, "freeze": _freeze_dict(session, facility)}
    audit_step(session, actor, "unfreeze_proposed", facility, before, context)
    session.flush()
    return facility


@use_case
def approve_unfreeze(
    session: Session, actor: Actor, facility_id: int, *, comment: str | None = None
) -> Facility:
    """Another risk officer approves the proposed unfreeze (the checker): active again."""
    facility, record = _awaiting(session, actor, facility_id)
    return _approve(session, actor, facility, record, comment)


def _approve(
    session: Session,
    actor: Actor,
    facility: Facility,
    record: FacilityFreeze,
    comment: str | None,
) -> Facility:
    if record.unfreeze_proposed_by_id == actor.user_id:
        raise Forbidden(
            "解冻须由另一名风险经理批准，不能批准本人的提议 "
            "(another risk officer approves the unfreeze, not its proposer)"
        )
    before = snapshot(facility)
    context = _decision_context(session, facility, comment)
    facility.status = FacilityStatus.ACTIVE
    _clear_freeze(session, facility)
    audit_step(session, actor, "unfreeze_approved", facility, before, context)
    session.flush()
    return facility


def _decision_context(
    session: Session, facility: Facility, comment: str | None
) -> dict[str, object]:
    """What the audit log keeps of a decision on a proposed unfreeze: the checker's
    comment, who proposed it and why, and the freeze it was about."""
    freeze = freeze_view(session, facility)
    assert freeze is not None and freeze.unfreeze is not None
    return {
        "comment": comment,
        "proposed_by": freeze.unfreeze.proposed_by,
        "reason": freeze.unfreeze.reason,
        "freeze": freeze.to_dict(),
    }


@use_case
def decline_unfreeze(session: Session, actor: Actor, facility_id: int, *, comment: str) -> Facility:
    """A risk officer declines the proposed unfreeze (or its proposer withdraws it), with
    the reason: the facility stays frozen and another unfreeze may be proposed."""
    comment = _required(comment, "comment", "意见")
    facility, record = _awaiting(session, actor, facility_id)
    before = snapshot(facility)
    context = _decision_context(session, facility, comment)
    _clear_unfreeze(record)
    audit_step(session, actor, "unfreeze_declined", facility, before, context)
    session.flush()
    return facility


@use_case
def expire_facilities(session: Session, actor: Actor, as_of: dt.date) -> list[Facility]:
    """Write down the expiry ``facility_status_on`` already reads from the calendar (the
    drawdown and disbursal checks refuse an ended facility before this runs)."""
    ended = list(
        session.scalars(
            sa.select(Facility).where(
                Facility.end_date < as_of,
                Facility.status.in_(EXPIRING),
            )
        )
    )
    for facility in ended:
        before = snapshot(facility)
        facility.status = FacilityStatus(
            facility_status_on(facility.status.value, facility.end_date, as_of)
        )
        audit_step(session, actor, "expired", facility, before, {"as_of": as_of.isoformat()})
    session.flush()
    return ended


@use_case
def set_approval_level(
    session: Session, actor: Actor, username: str, level: str | None, *, on: dt.date
) -> None:
    """Give a risk officer an approval level (差别化授权), or take it away (None)."""
    require_role(actor, Role.ADMIN)
    from scf.platform.models import User

    user = session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise not_found("user", username)
    levels = load_policy(on).items("authority.levels")
    if level is not None and level not in levels:
        raise ValidationFailed(
            f"level (审批权限): 未知 “{level}” (one of {', '.join(levels)})",
            errors={"level": [f"one of {', '.join(levels)}"]},
        )
    if level is not None and user.role is not Role.RISK_OFFICER:
        raise ValidationFailed(
            f"level (审批权限): {username} 不是风险经理 (only risk officers approve)",
            errors={"level": ["only risk officers hold an approval level"]},
        )
    before = {"approval_level": user.approval_level}
    user.approval_level = level
    audit.record(
        session,
        actor,
        "user.approval_level",
        "user",
        user.id,
        before=before,
        after={"approval_level": level},
    )
    session.flush()
