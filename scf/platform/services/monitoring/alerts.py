"""Working through alerts: list (filtered, paginated), read, acknowledge, resolve, comment.

The jobs raise and auto-resolve alerts (``scf.jobs.alert_book``); people read them here.
Visibility is ``access.alert_filter``: an alert you may not see is *not found*, and so
is acting on it. Anyone who sees an alert may acknowledge it; resolving it by hand is
for the bank's staff (a market administrator acknowledges and comments). A condition
that still holds after a manual resolution is raised again by the next run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from scf.platform.auth.access import Actor, alert_filter, require_role, visible_alert
from scf.platform.errors import Conflict, ValidationFailed
from scf.platform.models import Alert, AlertEvent, Loan, Party, User
from scf.platform.models.enums import AlertStatus, Role, Severity
from scf.platform.models.types import utcnow
from scf.platform.services import audit
from scf.platform.services.unit_of_work import use_case

UNRESOLVED = "unresolved"  # open or acknowledged: the queue still to be worked
STATUS_FILTERS = (*(s.value for s in AlertStatus), UNRESOLVED)
COMMENT_MAX = 2000
SEVERITY_ORDER = sa.case(
    {Severity.CRITICAL.value: 2, Severity.WARNING.value: 1}, value=Alert.severity, else_=0
)


@dataclass
class AlertView:
    alert: Alert
    party_uscc: str | None = None
    party_name: str | None = None
    loan_code: str | None = None
    owner: str | None = None
    acknowledged_by: str | None = None
    resolved_by: str | None = None
    events: list[AlertEvent] | None = field(default=None)

    def to_dict(self) -> dict[str, object]:
        a = self.alert
        data: dict[str, object] = {
            "id": a.id,
            "rule": a.rule,
            "severity": a.severity.value,
            "status": a.status.value,
            "subject_type": a.subject_type,
            "subject_id": a.subject_id,
            "party": None
            if a.party_id is None
            else {"uscc": self.party_uscc, "name": self.party_name},
            "loan_code": self.loan_code,
            "market_id": a.market_id,
            "owner": self.owner,
            "message": a.message,
            "figures": a.figures,
            "first_seen_on": a.first_seen_on.isoformat(),
            "last_seen_on": a.last_seen_on.isoformat(),
            "acknowledged_at": _iso(a.acknowledged_at),
            "acknowledged_by": self.acknowledged_by,
            "resolved_at": _iso(a.resolved_at),
            "resolved_by": self.resolved_by,
            "comment": a.comment,
        }
        if self.events is not None:
            data["events"] = [
                {"at": _iso(e.at), "actor": e.actor, "action": e.action, "comment": e.comment}
                for e in self.events
            ]
        return data


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _views(session: Session, query: sa.Select[tuple[Alert]]) -> list[AlertView]:
    owner, acknowledger, resolver = aliased(User), aliased(User), aliased(User)
    rows = session.execute(
        query.add_columns(
            Party.uscc,
            Party.name,
            Loan.code,
            owner.username,
            acknowledger.username,
            resolver.username,
        )
        .outerjoin(Party, Party.id == Alert.party_id)
        .outerjoin(Loan, Loan.id == Alert.loan_id)
        .outerjoin(owner, owner.id == Alert.owner_user_id)
        .outerjoin(acknowledger, acknowledger.id == Alert.acknowledged_by_id)
        .outerjoin(resolver, resolver.id == Alert.resolved_by_id)
    )
    return [AlertView(*row) for row in rows]


def list_alerts(
    session: Session,
    actor: Actor,
    *,
    status: str | None = None,
    severity: str | None = None,
    rule: str | None = None,
    party: str | None = None,
    owner: str | None = None,
    market: int | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[int, list[AlertView]]:
    """Alerts ``actor`` may see, most severe and most recent first.

    ``party`` is a unified social credit code or customer number; ``owner`` a username
    (a market administrator's username also matches the alerts of their market).
    """
    query = sa.select(Alert)
    visible = alert_filter(actor)
    if visible is not None:
        query = query.where(visible)
    if status:
        if status not in STATUS_FILTERS:
            raise _bad("status", "状态 (status)", status, STATUS_FILTERS)
        if status == UNRESOLVED:
            query = query.where(Alert.status != AlertStatus.RESOLVED)
        else:
            query = query.where(Alert.status == AlertStatus(status))
    if severity:
        choices = tuple(s.value for s in Severity)
        if severity not in choices:
            raise _bad("severity", "级别 (severity)", severity, choices)
        query = query.where(Alert.severity == Severity(severity))
    if rule:
        query = query.where(Alert.rule == rule)
    if market is not None:
        query = query.where(Alert.market_id == market)
    if party:
        query = query.where(
            Alert.party_id.in_(
                sa.select(Party.id).where(
                    sa.or_(Party.uscc == party, Party.customer_number == party)
                )
            )
        )
    if owner:
        query = query.where(
            sa.or_(
                Alert.owner_user_id.in_(sa.select(User.id).where(User.username == owner)),
                Alert.market_id.in_(
                    sa.select(User.market_id).where(
                        User.username == owner, User.role == Role.MARKET_ADMINISTRATOR
                    )
                ),
            )
        )
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    query = query.order_by(SEVERITY_ORDER.desc(), Alert.last_seen_on.desc(), Alert.id.desc())
    query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return total, _views(session, query)


def get_alert(session: Session, actor: Actor, alert_id: int) -> AlertView:
    """One alert with its history (what people and the jobs did with it)."""
    alert = visible_alert(session, actor, alert_id)
    (view,) = _views(session, sa.select(Alert).where(Alert.id == alert.id))
    view.events = list(
        session.scalars(
            sa.select(AlertEvent)
            .where(AlertEvent.alert_id == alert.id)
            .order_by(AlertEvent.at, AlertEvent.id)
        )
    )
    return view


@use_case
def acknowledge_alert(
    session: Session, actor: Actor, alert_id: int, comment: str | None = None
) -> AlertView:
    """Someone has seen it and is on it; the alert stays in the queue until it clears."""
    alert = visible_alert(session, actor, alert_id)
    if alert.status is not AlertStatus.OPEN:
        raise Conflict(
            f"预警 {alert_id} 状态为 {alert.status.value}，不能确认 (only an open alert can be "
            "acknowledged)"
        )
    _act(session, actor, alert, AlertStatus.ACKNOWLEDGED, "acknowledged", _comment(comment))
    return get_alert(session, actor, alert_id)


@use_case
def resolve_alert(
    session: Session, actor: Actor, alert_id: int, comment: str | None = None
) -> AlertView:
    """Close it by hand (the action taken goes in the comment)."""
    alert = visible_alert(session, actor, alert_id)
    require_role(actor, Role.ADMIN, Role.RISK_OFFICER, Role.RELATIONSHIP_MANAGER)
    if alert.status is AlertStatus.RESOLVED:
        raise Conflict(f"预警 {alert_id} 已解决 (already resolved)")
    _act(session, actor, alert, AlertStatus.RESOLVED, "resolved", _comment(comment))
    return get_alert(session, actor, alert_id)


@use_case
def comment_alert(session: Session, actor: Actor, alert_id: int, comment: str) -> AlertView:
    """Add a note to the alert's history without changing its status (who called whom,
    what was agreed); anyone who sees the alert may."""
    alert = visible_alert(session, actor, alert_id)
    text = _comment(comment)
    if text is None:
        raise ValidationFailed(
            "comment (备注): 不能为空 (must not be empty)", errors={"comment": ["required"]}
        )
    now = utcnow()
    before = {"comment": alert.comment}
    alert.comment = text
    session.add(
        AlertEvent(
            alert_id=alert.id, at=now, actor=actor.username, action="commented", comment=text
        )
    )
    audit.record(
        session,
        actor,
        "alert.commented",
        "alert",
        alert.id,
        before=before,
        after={"comment": text},
        context={"rule": alert.rule, "dedup_key": alert.dedup_key},
    )
    session.flush()
    return get_alert(session, actor, alert_id)


def _act(
    session: Session,
    actor: Actor,
    alert: Alert,
    status: AlertStatus,
    action: str,
    comment: str | None,
) -> None:
    now = utcnow()
    before = {"status": alert.status.value, "comment": alert.comment}
    alert.status = status
    if status is AlertStatus.ACKNOWLEDGED:
        alert.acknowledged_at, alert.acknowledged_by_id = now, actor.user_id
    else:
        alert.resolved_at, alert.resolved_by_id = now, actor.user_id
    if comment is not None:
        alert.comment = comment
    session.add(
        AlertEvent(alert_id=alert.id, at=now, actor=actor.username, action=action, comment=comment)
    )
    audit.record(
        session,
        actor,
        f"alert.{action}",
        "alert",
        alert.id,
        before=before,
        after={"status": status.value, "comment": alert.comment},
        context={"rule": alert.rule, "dedup_key": alert.dedup_key},
    )
    session.flush()


def _comment(comment: str | None) -> str | None:
    if comment is None or not comment.strip():
        return None
    text = comment.strip()
    if len(text) > COMMENT_MAX:
        raise ValidationFailed(
            f"comment (备注): 不超过{COMMENT_MAX}字 (at most {COMMENT_MAX} characters)",
            errors={"comment": [f"at most {COMMENT_MAX} characters"]},
        )
    return text


def _bad(name: str, label: str, value: str, choices: tuple[str, ...]) -> ValidationFailed:
    return ValidationFailed(
        f"{label}: 无效取值 (invalid) “{value}”; one of: {', '.join(choices)}",
        errors={name: [f"one of: {', '.join(choices)}"]},
    )
