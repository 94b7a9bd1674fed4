"""Facilities (授信额度): proposed by one user, approved or sent back by another.

Maker-checker with tiered authority (差别化授权) [000 §五]: a relationship manager
proposes, the credit engine checks (``granting.evaluate_grant``) and fixes the granted
amount; a risk officer whose approval level covers the borrower's total limits for the
product class approves, or sends the proposal back with a comment; nobody approves their
own proposal. A limit change follows the same path. Every step is an ``Approval`` row
and an audit entry with the facility before and after.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.authority import authority_rule, lowest_sufficient_level, not_own_proposal_rule
from scf.credit.dates import add_years
from scf.credit.explain import rule
from scf.credit.money import ZERO
from scf.credit.policy import load_policy
from scf.platform.auth.access import (
    Actor,
    approver_level,
    require_lender,
    require_role,
    visible_facility,
    visible_party,
)
from scf.platform.errors import Conflict, Forbidden, NotFound, ValidationFailed
from scf.platform.models import (
    Approval,
    CollateralItem,
    Facility,
    FacilityGuarantee,
    JointGuaranteeGroup,
    Party,
    Programme,
)
from scf.platform.models.enums import (
    ApprovalAction,
    FacilityStatus,
    GuarantorKind,
    Product,
    RepaymentMethod,
    Role,
)
from scf.platform.models.types import utcnow
from scf.platform.services import audit
from scf.platform.services.granting import (
    FacilityTerms,
    GrantDecision,
    GuaranteeTerms,
    evaluate_grant,
    party_total_limits,
    refuse,
)
from scf.platform.services.limit_accounting import (
    facility_position,
    lock_facility,
    write_service,
)

PROPOSALS = (ApprovalAction.PROPOSE, ApprovalAction.RESUBMIT, ApprovalAction.PROPOSE_CHANGE)


def snapshot(facility: Facility) -> dict[str, Any]:
    """What the audit log keeps of a facility before and after a step."""
    return {
        "code": facility.code,
        "party_id": facility.party_id,
        "product": facility.product.value,
        "limit_amount": str(facility.limit_amount),
        "status": facility.status.value,
        "start_date": facility.start_date.isoformat(),
        "end_date": facility.end_date.isoformat(),
        "revolving": facility.revolving,
        "approved_by_id": facility.approved_by_id,
    }


def _positive(amount: Decimal, field: str = "amount") -> Decimal:
    if amount <= 0:
        raise ValidationFailed(
            f"{field} (金额): 必须大于0 (must be positive)",
            errors={field: ["必须大于0 (must be positive)"]},
        )
    return amount


def _choice(enum_cls: Any, value: str, field: str) -> Any:
    try:
        return enum_cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum_cls)
        raise ValidationFailed(
            f"{field}: 未知取值 “{value}” (unknown; one of {allowed})",
            errors={field: [f"one of {allowed}"]},
        ) from None


def _find_party(session: Session, key: str, field: str) -> Party:
    """A guarantor by unified social credit code or customer number (persons have no USCC)."""
    party = session.scalar(
        sa.select(Party).where(sa.or_(Party.uscc == key, Party.customer_number == key))
    )
    if party is None:
        raise ValidationFailed(
            f"{field}: 未找到主体 “{key}” (party not found)", errors={field: [f"unknown {key}"]}
        )
    return party


@dataclass(frozen=True)
class Proposal:
    """A relationship manager's proposal, as received (codes, not rows)."""

    party_uscc: str
    product: str
    amount: Decimal
    start_date: dt.date
    end_date: dt.date
    repayment_method: str
    revolving: bool = False
    programme_code: str | None = None
    group_code: str | None = None
    collateral_codes: tuple[str, ...] = ()
    guarantees: tuple[tuple[str, str, Decimal], ...] = ()  # guarantor, kind, amount
    registered_and_operating_locally: bool = False
    contribution: str = "medium"
    prospect: str = "fair"
    rate_annual: Decimal | None = None
    comment: str | None = None


def _terms(session: Session, actor: Actor, p: Proposal, as_of: dt.date) -> FacilityTerms:
    _positive(p.amount)
    if p.end_date < p.start_date:
        raise ValidationFailed(
            "end_date (到期日): 不得早于起始日 (must not be before start_date)",
            errors={"end_date": ["不得早于起始日 (not before start_date)"]},
        )
    party = visible_party(session, actor, p.party_uscc)
    programme = group = None
    if p.programme_code:
        programme = session.scalar(sa.select(Programme).where(Programme.code == p.programme_code))
        if programme is None:
            raise ValidationFailed(
                f"programme (项目): 未找到 “{p.programme_code}” (not found)",
                errors={"programme": ["not found"]},
            )
    if p.group_code:
        group = session.scalar(
            sa.select(JointGuaranteeGroup).where(JointGuaranteeGroup.code == p.group_code)
        )
        if group is None:
            raise ValidationFailed(
                f"group (联保体): 未找到 “{p.group_code}” (not found)",
                errors={"group": ["not found"]},
            )
    items = list(
        session.scalars(
            sa.select(CollateralItem).where(CollateralItem.code.in_(p.collateral_codes))
        )
    )
    missing = sorted(set(p.collateral_codes) - {i.code for i in items})
    if missing:
        raise ValidationFailed(
            f"collateral (抵质押物): 未找到 {', '.join(missing)} (not found)",
            errors={"collateral": [f"not found: {', '.join(missing)}"]},
        )
    guarantees = tuple(
        GuaranteeTerms(
            _find_party(session, key, "guarantees"),
            _choice(GuarantorKind, kind, "guarantees.kind"),
            _positive(amount, "guarantees.amount"),
        )
        for key, kind, amount in p.guarantees
    )
    if any(g.guarantor.id == party.id for g in guarantees):
        raise ValidationFailed(
            "guarantees (保证人): 借款人不能为自己担保 (a borrower cannot guarantee itself)",
            errors={"guarantees": ["self-guarantee"]},
        )
    return FacilityTerms(
        party=party,
        product=_choice(Product, p.product, "product"),
        requested=p.amount,
        start_date=p.start_date,
        end_date=p.end_date,
        revolving=p.revolving,
        repayment_method=_choice(RepaymentMethod, p.repayment_method, "repayment_method"),
        as_of=as_of,
        programme=programme,
        group=group,
        collateral=tuple(items),
        guarantees=guarantees,
        registered_and_operating_locally=p.registered_and_operating_locally,
        contribution=p.contribution,
        prospect=p.prospect,
        rate_annual=p.rate_annual,
    )


def _record_terms(p: Proposal) -> dict[str, object]:
    """The proposal as stored in the decision, so a resubmission re-runs the same terms."""
    return {
        "registered_and_operating_locally": p.registered_and_operating_locally,
        "contribution": p.contribution,
        "prospect": p.prospect,
        "rate_annual": None if p.rate_annual is None else str(p.rate_annual),
    }


def _step(
    session: Session,
    facility: Facility,
    actor: Actor,
    action: ApprovalAction,
    amount: Decimal | None,
    comment: str | None,
) -> None:
    if actor.user_id is None:
        raise Forbidden("审批流程需要具名用户 (maker-checker needs a named user, not the system)")
    session.add(
        Approval(
            facility_id=facility.id,
            action=action.value,
            amount=amount,
            actor_id=actor.user_id,
            comment=comment,
            at=utcnow(),
        )
    )


@write_service
def propose_facility(
    session: Session, actor: Actor, proposal: Proposal, as_of: dt.date
) -> Facility:
    """Propose a facility; the engine fixes the amount (lowest candidate) or refuses."""
    require_lender(actor)
    if actor.user_id is None:
        raise Forbidden("提议需要具名用户 (a proposal needs a named user, not the system)")
    terms = _terms(session, actor, proposal, as_of)
    for item in terms.collateral:
        if item.pledged_facility_id is not None:
            raise refuse(
                "抵质押物已押于其他额度 (collateral already pledged)",
                [
                    rule(
                        "collateral_not_pledged_elsewhere",
                        "[003 §七]",
                        False,
                        item.code,
                        "未抵押",
                        "抵质押物不得重复抵押 (collateral pledged once)",
                    )
                ],
            )
    decision = evaluate_grant(session, terms)
    facility = Facility(
        code=f"FA{as_of:%Y%m%d}{secrets.token_hex(3).upper()}",
        party_id=terms.party.id,
        programme_id=None if terms.programme is None else terms.programme.id,
        group_id=None if terms.group is None else terms.group.id,
        product=terms.product,
        limit_amount=decision.granted.amount,
        start_date=terms.start_date,
        end_date=terms.end_date,
        revolving=terms.revolving,
        status=FacilityStatus.PROPOSED,
        review_date=min(add_years(terms.start_date, 1), terms.end_date),
        policy_version=decision.policy_version,
        decision={**decision.to_dict(), "terms": _record_terms(proposal)},
        proposed_by_id=actor.user_id,
        repayment_method=terms.repayment_method,
        rate_annual=decision.rate_annual,
    )
    facility.guarantees = [
        FacilityGuarantee(guarantor_party_id=g.guarantor.id, kind=g.kind, amount=g.amount)
        for g in terms.guarantees
    ]
    session.add(facility)
    session.flush()
    for item in terms.collateral:
        item.pledged_facility_id = facility.id
    _step(session, facility, actor, ApprovalAction.PROPOSE, facility.limit_amount, proposal.comment)
    audit.record(
        session,
        actor,
        "facility.propose",
        "facility",
        facility.id,
        after=snapshot(facility),
        context={"decision": facility.decision, "collateral": list(proposal.collateral_codes)},
    )
    session.flush()
    return facility


def approvals(session: Session, facility: Facility) -> list[Approval]:
    return list(
        session.scalars(
            sa.select(Approval).where(Approval.facility_id == facility.id).order_by(Approval.id)
        )
    )


def pending_step(session: Session, facility: Facility) -> Approval | None:
    """The proposal awaiting a decision: a new facility's, or a limit change's."""
    steps = approvals(session, facility)
    last = steps[-1] if steps else None
    if last is None or last.action not in {a.value for a in PROPOSALS}:
        return None
    if facility.status in (FacilityStatus.PROPOSED,) or (
        last.action == ApprovalAction.PROPOSE_CHANGE.value
        and facility.status in (FacilityStatus.ACTIVE, FacilityStatus.FROZEN)
    ):
        return last
    return None


def _locked(session: Session, actor: Actor, facility_id: int) -> Facility:
    """Lock the facility (first: on SQLite the write lock must precede any read), then
    check the actor may see it."""
    facility = lock_facility(session, facility_id)
    visible_facility(session, actor, facility_id)
    assert facility is not None
    return facility


@write_service
def approve_facility(
    session: Session, actor: Actor, facility_id: int, *, on: dt.date, comment: str | None = None
) -> Facility:
    """Approve the pending proposal: not one's own, within one's authority [000 §五]."""
    level = approver_level(session, actor)
    facility = _locked(session, actor, facility_id)
    pending = pending_step(session, facility)
    if pending is None:
        raise Conflict(f"额度 {facility.code} 没有待审批的提议 (nothing awaiting approval)")
    assert pending.amount is not None
    policy = load_policy(on)
    total = party_total_limits(session, facility.party_id, facility.id) + pending.amount
    rules = [
        not_own_proposal_rule(pending.actor_id, actor.user_id),
        authority_rule(level, facility.product.value, total, policy),
        rule(
            "facility_not_ended",
            "[003 §八]",
            on <= facility.end_date,
            on.isoformat(),
            f"≤ {facility.end_date.isoformat()}",
            "额度到期后不能再审批 (a facility past its end date cannot be approved)",
        ),
    ]
    if any(not r.ok for r in rules):
        raise refuse("审批被拒绝 (approval refused)", rules)
    before = snapshot(facility)
    if pending.action == ApprovalAction.PROPOSE_CHANGE.value:
        facility.limit_amount = pending.amount
        change = dict(facility.decision or {}).pop("pending_change", None)
        facility.decision = {
            **{k: v for k, v in (facility.decision or {}).items() if k != "pending_change"},
            "last_change": change,
        }
    else:
        facility.status = FacilityStatus.ACTIVE
    facility.approved_by_id = actor.user_id
    _step(session, facility, actor, ApprovalAction.APPROVE, pending.amount, comment)
    audit.record(
        session,
        actor,
        "facility.approve",
        "facility",
        facility.id,
        before=before,
        after=snapshot(facility),
        context={"rules": [r.to_dict() for r in rules], "level": level},
    )
    session.flush()
    return facility


@write_service
def send_back_facility(
    session: Session, actor: Actor, facility_id: int, *, comment: str
) -> Facility:
    """Return the pending proposal to its maker with a reason (退回)."""
    approver_level(session, actor)
    if not (comment or "").strip():
        raise ValidationFailed(
            "comment (退回意见): 必填 (required: say why it goes back)",
            errors={"comment": ["必填 (required)"]},
        )
    facility = _locked(session, actor, facility_id)
    pending = pending_step(session, facility)
    if pending is None:
        raise Conflict(f"额度 {facility.code} 没有待审批的提议 (nothing awaiting approval)")
    own = not_own_proposal_rule(pending.actor_id, actor.user_id)
    if not own.ok:
        raise refuse("不能退回本人的提议 (cannot decide on one's own proposal)", [own])
    before = snapshot(facility)
    if pending.action == ApprovalAction.PROPOSE_CHANGE.value:
        facility.decision = {
            k: v for k, v in (facility.decision or {}).items() if k != "pending_change"
        }
    else:
        facility.status = FacilityStatus.SENT_BACK
    _step(session, facility, actor, ApprovalAction.SEND_BACK, pending.amount, comment)
    audit.record(
        session,
        actor,
        "facility.send_back",
        "facility",
        facility.id,
        before=before,
        after=snapshot(facility),
        context={"comment": comment},
    )
    session.flush()
    return facility


def stored_terms(
    session: Session, facility: Facility, requested: Decimal, as_of: dt.date
) -> FacilityTerms:
    """The facility's terms as granted, with a new requested amount (resubmission, change)."""
    recorded = dict((facility.decision or {}).get("terms") or {})
    party = session.get(Party, facility.party_id)
    assert party is not None
    rate = recorded.get("rate_annual")
    return FacilityTerms(
        party=party,
        product=facility.product,
        requested=requested,
        start_date=facility.start_date,
        end_date=facility.end_date,
        revolving=facility.revolving,
        repayment_method=facility.repayment_method or RepaymentMethod.BULLET,
        as_of=as_of,
        programme=None
        if facility.programme_id is None
        else session.get(Programme, facility.programme_id),
        group=None
        if facility.group_id is None
        else session.get(JointGuaranteeGroup, facility.group_id),
        collateral=tuple(
            session.scalars(
                sa.select(CollateralItem).where(CollateralItem.pledged_facility_id == facility.id)
            )
        ),
        guarantees=tuple(
            GuaranteeTerms(session.get(Party, g.guarantor_party_id), g.kind, g.amount)  # type: ignore[arg-type]
            for g in facility.guarantees
        ),
        registered_and_operating_locally=bool(recorded.get("registered_and_operating_locally")),
        contribution=str(recorded.get("contribution") or "medium"),
        prospect=str(recorded.get("prospect") or "fair"),
        rate_annual=None if rate is None else Decimal(str(rate)),
    )


def _decide_again(
    session: Session, facility: Facility, amount: Decimal, as_of: dt.date
) -> GrantDecision:
    return evaluate_grant(
        session, stored_terms(session, facility, _positive(amount), as_of), facility_id=facility.id
    )


@write_service
def resubmit_facility(
    session: Session,
    actor: Actor,
    facility_id: int,
    *,
    amount: Decimal,
    as_of: dt.date,
    comment: str | None = None,
) -> Facility:
    """Resubmit a sent-back proposal (perhaps for another amount): the engine runs again."""
    require_lender(actor)
    facility = _locked(session, actor, facility_id)
    if facility.status is not FacilityStatus.SENT_BACK:
        raise Conflict(f"额度 {facility.code} 未被退回 (only a sent-back proposal is resubmitted)")
    before = snapshot(facility)
    decision = _decide_again(session, facility, amount, as_of)
    facility.limit_amount = decision.granted.amount
    facility.rate_annual = decision.rate_annual
    facility.policy_version = decision.policy_version
    facility.decision = {**decision.to_dict(), "terms": (facility.decision or {}).get("terms")}
    facility.status = FacilityStatus.PROPOSED
    facility.proposed_by_id = actor.user_id
    _step(session, facility, actor, ApprovalAction.RESUBMIT, facility.limit_amount, comment)
    audit.record(
        session,
        actor,
        "facility.resubmit",
        "facility",
        facility.id,
        before=before,
        after=snapshot(facility),
        context={"decision": facility.decision},
    )
    session.flush()
    return facility


@write_service
def propose_limit_change(
    session: Session,
    actor: Actor,
    facility_id: int,
    *,
    amount: Decimal,
    as_of: dt.date,
    comment: str | None = None,
) -> Approval:
    """Propose a new limit for a granted facility; it applies once approved."""
    require_lender(actor)
    facility = _locked(session, actor, facility_id)
    if facility.status not in (FacilityStatus.ACTIVE, FacilityStatus.FROZEN):
        raise Conflict(f"额度 {facility.code} 未生效 (only a granted facility changes its limit)")
    if pending_step(session, facility) is not None:
        raise Conflict(f"额度 {facility.code} 已有待审批的调整 (a change already awaits approval)")
    decision = _decide_again(session, facility, amount, as_of)
    facility.decision = {**(facility.decision or {}), "pending_change": decision.to_dict()}
    _step(session, facility, actor, ApprovalAction.PROPOSE_CHANGE, decision.granted.amount, comment)
    audit.record(
        session,
        actor,
        "facility.propose_change",
        "facility",
        facility.id,
        before=snapshot(facility),
        after={**snapshot(facility), "proposed_limit": str(decision.granted.amount)},
        context={"decision": decision.to_dict()},
    )
    session.flush()
    return approvals(session, facility)[-1]


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


@write_service
def set_facility_status(
    session: Session, actor: Actor, facility_id: int, status: str, *, reason: str
) -> Facility:
    """Freeze (冻结), unfreeze, or close a facility; closing needs nothing owed on it."""
    require_role(actor, Role.RELATIONSHIP_MANAGER, Role.RISK_OFFICER)
    target = _choice(FacilityStatus, status, "status")
    if not (reason or "").strip():
        raise ValidationFailed("reason (原因): 必填 (required)", errors={"reason": ["required"]})
    facility = _locked(session, actor, facility_id)
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
    audit.record(
        session,
        actor,
        f"facility.{target.value}",
        "facility",
        facility.id,
        before=before,
        after=snapshot(facility),
        context={"reason": reason},
    )
    session.flush()
    return facility


@write_service
def expire_facilities(session: Session, actor: Actor, as_of: dt.date) -> list[Facility]:
    """Mark facilities past their end date expired (the drawdown check refuses them anyway)."""
    ended = list(
        session.scalars(
            sa.select(Facility).where(
                Facility.end_date < as_of,
                Facility.status.in_([FacilityStatus.ACTIVE, FacilityStatus.FROZEN]),
            )
        )
    )
    for facility in ended:
        before = snapshot(facility)
        facility.status = FacilityStatus.EXPIRED
        audit.record(
            session,
            actor,
            "facility.expired",
            "facility",
            facility.id,
            before=before,
            after=snapshot(facility),
            context={"as_of": as_of.isoformat()},
        )
    session.flush()
    return ended


def authority_needed(
    session: Session, facility: Facility, amount: Decimal, on: dt.date
) -> str | None:
    """The lowest approval level that may approve ``amount`` on this facility."""
    total = party_total_limits(session, facility.party_id, facility.id) + amount
    return lowest_sufficient_level(facility.product.value, total, load_policy(on))


@write_service
def set_approval_level(
    session: Session, actor: Actor, username: str, level: str | None, *, on: dt.date
) -> None:
    """Give a risk officer an approval level (差别化授权), or take it away (None)."""
    require_role(actor, Role.ADMIN)
    from scf.platform.models import User

    user = session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"未找到用户 (user not found): {username}")
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
