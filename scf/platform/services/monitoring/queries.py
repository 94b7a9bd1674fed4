"""Reading alerts: the queue (filtered, paginated) and one alert with its history.

The read model behind the risk desk, the market portal, the API and ``scf alerts list``;
it never writes (acting on an alert is ``monitoring.alerts``). Visibility is
``access.alert_filter``: an alert you may not see is *not found*.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from scf.platform.auth.access import Actor, alert_filter, visible_alert
from scf.platform.errors import ValidationFailed
from scf.platform.models import Alert, AlertEvent, Loan, Party, User
from scf.platform.models.enums import AlertStatus, Role, Severity

UNRESOLVED = "unresolved"  # open or acknowledged: the queue still to be worked
STATUS_FILTERS = (*(s.value for s in AlertStatus), UNRESOLVED)
SEVERITIES = tuple(s.value for s in Severity)
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
    """Each alert with its party's code and name, its loan's code and the usernames of
    its owner and of who acknowledged and resolved it (the fields of ``AlertView``)."""
    owner, acknowledger, resolver = aliased(User), aliased(User), aliased(User)
    people = (person.username for person in (owner, acknowledger, resolver))
    rows = session.execute(
        query.add_columns(Party.uscc, Party.name, Loan.code, *people)
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
    query = query.where(*_status_and_severity(status, severity))
    if rule:
        query = query.where(Alert.rule == rule)
    if market is not None:
        query = query.where(Alert.market_id == market)
    if party:
        query = query.where(_of_party(party))
    if owner:
        query = query.where(_owned_by(owner))
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    query = query.order_by(SEVERITY_ORDER.desc(), Alert.last_seen_on.desc(), Alert.id.desc())
    query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return total, _views(session, query)


def _status_and_severity(status: str | None, severity: str | None) -> list[sa.ColumnElement[bool]]:
    """The filters on status (``unresolved``: open or acknowledged) and severity,
    refused with the choices when the value is not one of them."""
    clauses = []
    if status:
        if status not in STATUS_FILTERS:
            raise _bad("status", "状态 (status)", status, STATUS_FILTERS)
        clauses.append(
            Alert.status != AlertStatus.RESOLVED
            if status == UNRESOLVED
            else Alert.status == AlertStatus(status)
        )
    if severity:
        if severity not in SEVERITIES:
            raise _bad("severity", "级别 (severity)", severity, SEVERITIES)
        clauses.append(Alert.severity == Severity(severity))
    return clauses


def _of_party(reference: str) -> sa.ColumnElement[bool]:
    """Alerts on the party with this unified social credit code or customer number."""
    return Alert.party_id.in_(
        sa.select(Party.id).where(
            sa.or_(Party.uscc == reference, Party.customer_number == reference)
        )
    )


def _owned_by(username: str) -> sa.ColumnElement[bool]:
    """Alerts the user owns, or, for a market administrator, those of their market."""
    return sa.or_(
        Alert.owner_user_id.in_(sa.select(User.id).where(User.username == username)),
        Alert.market_id.in_(
            sa.select(User.market_id).where(
                User.username == username, User.role == Role.MARKET_ADMINISTRATOR
            )
        ),
    )


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


def _bad(name: str, label: str, value: str, choices: tuple[str, ...]) -> ValidationFailed:
    return ValidationFailed(
        f"{label}: 无效取值 (invalid) “{value}”; one of: {', '.join(choices)}",
        errors={name: [f"one of: {', '.join(choices)}"]},
    )
