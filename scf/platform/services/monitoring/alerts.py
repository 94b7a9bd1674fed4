"""Working an alert: acknowledge, resolve, comment (each one use case, one transaction).

The jobs raise and auto-resolve alerts (``scf.jobs.alert_book``); people work them here
and read them through ``monitoring.queries``. Visibility is ``access.alert_filter``: an
alert you may not see is *not found*, and so is acting on it. Anyone who sees an alert
may acknowledge it; resolving it by hand is for the bank's staff (a market
administrator acknowledges and comments). A condition that still holds after a manual
resolution is raised again by the next run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from scf.platform.auth.access import Actor, require_role, visible_alert
from scf.platform.errors import Conflict, ValidationFailed
from scf.platform.models import Alert, AlertEvent
from scf.platform.models.enums import AlertStatus, Role
from scf.platform.models.types import utcnow
from scf.platform.services import audit
from scf.platform.services.monitoring.queries import AlertView, get_alert
from scf.platform.services.unit_of_work import use_case

COMMENT_MAX = 2000


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
    before = {"comment": alert.comment}
    alert.comment = text
    _log(session, actor, alert, "commented", text, utcnow(), before, {"comment": text})
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
    after = {"status": status.value, "comment": alert.comment}
    _log(session, actor, alert, action, comment, now, before, after)


def _log(
    session: Session,
    actor: Actor,
    alert: Alert,
    action: str,
    comment: str | None,
    at: dt.datetime,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    """What was done goes in the alert's history and in the audit log, together."""
    session.add(
        AlertEvent(alert_id=alert.id, at=at, actor=actor.username, action=action, comment=comment)
    )
    audit.record(
        session,
        actor,
        f"alert.{action}",
        "alert",
        alert.id,
        before=before,
        after=after,
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
