"""A facility's life after approval (额度状态): frozen, unfrozen, closed, expired; and
who holds which approval level (差别化授权 [000 §五])."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.drawdowns import EXPIRING, facility_status_on
from scf.credit.money import ZERO
from scf.credit.policy import load_policy
from scf.platform.auth.access import Actor, require_role
from scf.platform.auth.not_found import not_found
from scf.platform.errors import Conflict, ValidationFailed
from scf.platform.models import CollateralItem, Facility
from scf.platform.models.enums import FacilityStatus, Role
from scf.platform.services import audit
from scf.platform.services.lending.facilities import audit_step, locked_facility, snapshot
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


@use_case
def set_facility_status(
    session: Session, actor: Actor, facility_id: int, status: str, *, reason: str
) -> Facility:
    """Freeze (冻结), unfreeze, or close a facility; closing needs nothing owed on it."""
    require_role(actor, Role.RELATIONSHIP_MANAGER, Role.RISK_OFFICER)
    target = choice(FacilityStatus, status, "status")
    if not (reason or "").strip():
        raise ValidationFailed("reason (原因): 必填 (required)", errors={"reason": ["required"]})
    facility = locked_facility(session, actor, facility_id)
    if facility.status not in TRANSITIONS.get(target, set()):
        raise Conflict(
            f"额度 {facility.code} 不能从 {facility.status.value} 改为 {target.value} "
            "(transition not allowed)"
        )
    if target is FacilityStatus.CLOSED:
        exposure = facility_position(session, facility).exposure
        if exposure > ZERO:
            raise Conflict(
                f"额度 {facility.code} 尚有余额 {exposure:,.2f}，不能关闭 (cannot close while owed)"
            )
        for item in session.scalars(
            sa.select(CollateralItem).where(CollateralItem.pledged_facility_id == facility.id)
        ):
            item.pledged_facility_id = None
    before = snapshot(facility)
    facility.status = target
    audit_step(session, actor, target.value, facility, before, {"reason": reason})
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
