"""Alerts raised by the jobs: one per open condition, updated while it lasts, resolved when it clears.

A job works out, as plain values, every condition that holds on its as-of date and
hands them to ``sync_alerts`` with the rules it owns. The book then

- raises an alert for a condition seen for the first time (``dedup_key`` = rule + subject);
- updates the open alert of a condition seen again (severity, message, figures, owner,
  ``last_seen_on``) instead of raising a new one each day; an acknowledged alert whose
  severity rises is reopened, because what was acknowledged is no longer what is true;
- resolves, as the system, the open alerts of those rules whose condition is gone.

Running it twice for one date changes nothing the second time. An alert already seen
on a later date is left alone, so a back-fill cannot drag it back in time. The owner is
the subject party's relationship manager (else the borrower's); the market is the
party's market, so that the market administrator's users see it in their queue.
All writes are set-based (bulk INSERT / UPDATE), inside the job's one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.jobs.context import Counts, JobContext
from scf.platform.models import Alert, AlertEvent, Party, Relationship
from scf.platform.models.enums import AlertStatus, RelationshipKind, Severity

SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}
CHUNK = 5000  # ids per IN (...) list: well inside SQLite's and PostgreSQL's limits

T = TypeVar("T")


def dec(value: Decimal) -> str:
    """A figure as a decimal string (never a JSON float)."""
    return f"{value:f}"


@dataclass(frozen=True)
class Condition:
    """Something that needs action on the as-of date, with the figures that show why."""

    rule: str
    key: str  # the subject, e.g. "loan:42": with the rule, what makes it the same condition
    severity: Severity
    subject_type: str
    subject_id: int | None
    party_id: int | None
    message: str
    figures: dict[str, Any] = field(default_factory=dict)
    loan_id: int | None = None
    owner_party_id: int | None = None  # whose relationship manager owns it if the party has none

    @property
    def dedup_key(self) -> str:
        return f"{self.rule}:{self.key}"


@dataclass(frozen=True)
class Owner:
    user_id: int | None
    market_id: int | None


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def owners_of(session: Session, party_ids: Collection[int], as_of: dt.date) -> dict[int, Owner]:
    """Relationship manager and market (member or administrator, on ``as_of``) of each party."""
    managers: dict[int, int | None] = {}
    markets: dict[int, int] = {}
    ids = sorted(party_ids)
    for part in chunks(ids):
        managers.update(
            session.execute(
                sa.select(Party.id, Party.relationship_manager_id).where(Party.id.in_(part))
            ).all()
        )
        for party_id, market_id in session.execute(
            sa.select(Relationship.source_party_id, Relationship.target_market_id)
            .where(
                Relationship.source_party_id.in_(part),
                Relationship.kind.in_(
                    [RelationshipKind.MEMBER_OF_MARKET, RelationshipKind.ADMINISTERS]
                ),
                Relationship.valid_on(as_of),
            )
            .order_by(Relationship.id)
        ):
            if market_id is not None:
                markets.setdefault(party_id, market_id)
    return {p: Owner(managers.get(p), markets.get(p)) for p in ids}


def _owner(condition: Condition, owners: dict[int, Owner]) -> Owner:
    """The party's relationship manager, else the fallback party's; the market is the
    subject party's own, so that a market administrator never sees outsiders' alerts."""
    nobody = Owner(None, None)
    own = owners.get(condition.party_id, nobody) if condition.party_id is not None else nobody
    if own.user_id is None and condition.owner_party_id is not None:
        return Owner(owners.get(condition.owner_party_id, nobody).user_id, own.market_id)
    return own


def sync_alerts(ctx: JobContext, rules: Collection[str], conditions: Iterable[Condition]) -> Counts:
    """Make the open alerts of ``rules`` match ``conditions`` on ``ctx.as_of`` (see module doc)."""
    session, as_of, now = ctx.session, ctx.as_of, ctx.now
    wanted: dict[str, Condition] = {}
    for condition in conditions:
        if condition.rule not in rules:
            raise ValueError(f"rule {condition.rule!r} is not one of this job's {sorted(rules)}")
        if condition.dedup_key in wanted:
            raise ValueError(f"two conditions share the key {condition.dedup_key!r}")
        wanted[condition.dedup_key] = condition
    existing = {
        row.dedup_key: row
        for row in session.execute(
            sa.select(
                Alert.id,
                Alert.dedup_key,
                Alert.status,
                Alert.severity,
                Alert.message,
                Alert.figures,
                Alert.owner_user_id,
                Alert.market_id,
                Alert.last_seen_on,
            ).where(Alert.rule.in_(list(rules)), Alert.status != AlertStatus.RESOLVED)
        )
    }
    parties = {p for c in wanted.values() for p in (c.party_id, c.owner_party_id) if p is not None}
    owners = owners_of(session, parties, as_of)
    counts = {"raised": 0, "updated": 0, "unchanged": 0, "reopened": 0, "resolved": 0}
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    actor = f"job:{ctx.job_name}"
    for key, condition in wanted.items():
        owner = _owner(condition, owners)
        values = {
            "severity": condition.severity,
            "message": condition.message,
            "figures": condition.figures,
            "owner_user_id": owner.user_id,
            "market_id": owner.market_id,
            "last_seen_on": as_of,
        }
        row = existing.get(key)
        if row is None:
            inserts.append(
                {
                    **values,
                    "rule": condition.rule,
                    "dedup_key": key,
                    "status": AlertStatus.OPEN,
                    "subject_type": condition.subject_type,
                    "subject_id": condition.subject_id,
                    "party_id": condition.party_id,
                    "loan_id": condition.loan_id,
                    "first_seen_on": as_of,
                }
            )
            continue
        current = {name: getattr(row, name) for name in values}
        if row.last_seen_on > as_of or current == values:
            counts["unchanged"] += 1
            continue
        status = row.status
        if row.severity != condition.severity:
            rising = SEVERITY_RANK[condition.severity] > SEVERITY_RANK[row.severity]
            if rising and status is AlertStatus.ACKNOWLEDGED:
                status = AlertStatus.OPEN
                counts["reopened"] += 1
            events.append(
                {
                    "alert_id": row.id,
                    "at": now,
                    "actor": actor,
                    "action": "escalated" if rising else "eased",
                    "comment": f"{row.severity.value} → {condition.severity.value} ({as_of})",
                }
            )
        updates.append({"id": row.id, **values, "status": status, "updated_at": now})
    cleared = [
        row.id for key, row in existing.items() if key not in wanted and row.last_seen_on <= as_of
    ]
    if inserts:
        session.execute(sa.insert(Alert), inserts)
    if updates:
        session.execute(sa.update(Alert), updates)
    for part in chunks(cleared):
        session.execute(
            sa.update(Alert)
            .where(Alert.id.in_(part))
            .values(
                status=AlertStatus.RESOLVED, resolved_at=now, resolved_by_id=None, updated_at=now
            )
            .execution_options(synchronize_session=False)
        )
    events.extend(
        {
            "alert_id": alert_id,
            "at": now,
            "actor": actor,
            "action": "auto_resolved",
            "comment": f"条件已消除 (condition cleared) as of {as_of}",
        }
        for alert_id in cleared
    )
    if events:
        session.execute(sa.insert(AlertEvent), events)
    counts["raised"], counts["updated"], counts["resolved"] = (
        len(inserts),
        len(updates),
        len(cleared),
    )
    counts["open"] = len(wanted)
    return counts
