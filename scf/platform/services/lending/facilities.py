"""Facilities (授信额度): proposed by one user, approved or sent back by another.

(Proposal input: ``facility_terms``; freezing, closing, expiry, approval levels:
``facility_status``.)

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
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from scf.credit.authority import authority_rule, not_own_proposal_rule
from scf.credit.dates import add_years
from scf.credit.granting import collateral_not_pledged_elsewhere, facility_not_ended
from scf.credit.policy import load_policy
from scf.platform.auth.access import (
    Actor,
    approver_level,
    require_lender,
    visible_facility,
)
from scf.platform.errors import Conflict, Forbidden, ValidationFailed
from scf.platform.models import (
    Approval,
    Facility,
    FacilityGuarantee,
)
from scf.platform.models.enums import (
    ApprovalAction,
    FacilityStatus,
)
from scf.platform.models.types import utcnow
from scf.platform.services import audit
from scf.platform.services.lending.granting import (
    GrantDecision,
    evaluate_grant,
    party_total_limits,
)
from scf.platform.services.lending.limits import (
    lock_facility,
)
from scf.platform.services.lending.proposals import (
    Proposal,
    positive,
    proposal_terms,
    recorded_terms,
    stored_terms,
)
from scf.platform.services.lending.queries import approvals, pending_step
from scf.platform.services.lending.refusals import refuse
from scf.platform.services.unit_of_work import use_case


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


def audit_step(
    session: Session,
    actor: Actor,
    action: str,
    facility: Facility,
    before: dict[str, Any] | None,
    context: dict[str, Any],
    *,
    after: dict[str, Any] | None = None,
) -> None:
    """A maker-checker step in the audit log: the facility before and after it."""
    audit.record(
        session,
        actor,
        f"facility.{action}",
        "facility",
        facility.id,
        before=before,
        after=snapshot(facility) if after is None else after,
        context=context,
    )


@use_case
def propose_facility(
    session: Session, actor: Actor, proposal: Proposal, as_of: dt.date
) -> Facility:
    """Propose a facility; the engine fixes the amount (lowest candidate) or refuses."""
    require_lender(actor)
    if actor.user_id is None:
        raise Forbidden("提议需要具名用户 (a proposal needs a named user, not the system)")
    terms = proposal_terms(session, actor, proposal, as_of)
    for item in terms.collateral:
        check = collateral_not_pledged_elsewhere(item.code, item.pledged_facility_id)
        if not check.ok:
            raise refuse("抵质押物已押于其他额度 (collateral already pledged)", [check])
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
        decision={**decision.to_dict(), "terms": recorded_terms(proposal)},
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
    context = {"decision": facility.decision, "collateral": list(proposal.collateral_codes)}
    audit_step(session, actor, "propose", facility, None, context)
    session.flush()
    return facility


def locked_facility(session: Session, actor: Actor, facility_id: int) -> Facility:
    """Lock the facility (first: on SQLite the write lock must precede any read), then
    check the actor may see it."""
    facility = lock_facility(session, facility_id)
    visible_facility(session, actor, facility_id)
    assert facility is not None
    return facility


@use_case
def approve_facility(
    session: Session, actor: Actor, facility_id: int, *, on: dt.date, comment: str | None = None
) -> Facility:
    """Approve the pending proposal: not one's own, within one's authority [000 §五]."""
    level = approver_level(session, actor)
    facility = locked_facility(session, actor, facility_id)
    pending = pending_step(session, facility)
    if pending is None:
        raise Conflict(f"额度 {facility.code} 没有待审批的提议 (nothing awaiting approval)")
    assert pending.amount is not None
    policy = load_policy(on)
    total = party_total_limits(session, facility.party_id, facility.id) + pending.amount
    rules = [
        not_own_proposal_rule(pending.actor_id, actor.user_id),
        authority_rule(level, facility.product.value, total, policy),
        facility_not_ended(on, facility.end_date),
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
    audit_step(
        session,
        actor,
        "approve",
        facility,
        before,
        {"rules": [r.to_dict() for r in rules], "level": level},
    )
    session.flush()
    return facility


@use_case
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
    facility = locked_facility(session, actor, facility_id)
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
    audit_step(session, actor, "send_back", facility, before, {"comment": comment})
    session.flush()
    return facility


def _decide_again(
    session: Session, actor: Actor, facility: Facility, amount: Decimal, as_of: dt.date
) -> GrantDecision:
    terms = stored_terms(session, actor, facility, positive(amount), as_of)
    return evaluate_grant(session, terms, facility_id=facility.id)


@use_case
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
    facility = locked_facility(session, actor, facility_id)
    if facility.status is not FacilityStatus.SENT_BACK:
        raise Conflict(f"额度 {facility.code} 未被退回 (only a sent-back proposal is resubmitted)")
    before = snapshot(facility)
    decision = _decide_again(session, actor, facility, amount, as_of)
    facility.limit_amount = decision.granted.amount
    facility.rate_annual = decision.rate_annual
    facility.policy_version = decision.policy_version
    facility.decision = {**decision.to_dict(), "terms": (facility.decision or {}).get("terms")}
    facility.status = FacilityStatus.PROPOSED
    facility.proposed_by_id = actor.user_id
    _step(session, facility, actor, ApprovalAction.RESUBMIT, facility.limit_amount, comment)
    audit_step(session, actor, "resubmit", facility, before, {"decision": facility.decision})
    session.flush()
    return facility


@use_case
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
    facility = locked_facility(session, actor, facility_id)
    if facility.status not in (FacilityStatus.ACTIVE, FacilityStatus.FROZEN):
        raise Conflict(f"额度 {facility.code} 未生效 (only a granted facility changes its limit)")
    if pending_step(session, facility) is not None:
        raise Conflict(f"额度 {facility.code} 已有待审批的调整 (a change already awaits approval)")
    decision = _decide_again(session, actor, facility, amount, as_of)
    facility.decision = {**(facility.decision or {}), "pending_change": decision.to_dict()}
    _step(session, facility, actor, ApprovalAction.PROPOSE_CHANGE, decision.granted.amount, comment)
    audit_step(
        session,
        actor,
        "propose_change",
        facility,
        snapshot(facility),
        {"decision": decision.to_dict()},
        after={**snapshot(facility), "proposed_limit": str(decision.granted.amount)},
    )
    session.flush()
    return approvals(session, facility)[-1]
