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
the subject party's relationship manager (else the borrower's, ``owner_party_id``); the
market is the subject party's own, so that the market administrator's users see it in
their queue and never see outsiders'.

Set-based: the conditions go into a temporary staging table, and a handful of
statements (UPDATE … FROM, INSERT … SELECT, UPDATE … WHERE NOT EXISTS) reconcile it
with the alerts, inside the job's one transaction — hundreds of thousands of alerts
never pass through Python objects twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.jobs.context import Counts, JobContext
from scf.platform.db import json_dumps
from scf.platform.models import Alert, AlertEvent, Party, Relationship
from scf.platform.models.enums import AlertStatus, RelationshipKind, Severity
from scf.platform.models.types import UTCDateTime

STAGING = "alert_staging"
ALERTS = Alert.__table__
EVENTS = AlertEvent.__table__
OPEN, ACKNOWLEDGED, RESOLVED = (s.value for s in AlertStatus)


def dec(value: Decimal) -> str:
    """A figure as a decimal string (never a JSON float)."""
    return f"{value:f}"


@dataclass(frozen=True, slots=True)
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


def _staging_table() -> sa.Table:
    return sa.Table(
        STAGING,
        sa.MetaData(),
        sa.Column("dedup_key", sa.String(200), primary_key=True),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(32), nullable=False),
        sa.Column("subject_type", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.Integer),
        sa.Column("party_id", sa.Integer),
        sa.Column("loan_id", sa.Integer),
        sa.Column("owner_party_id", sa.Integer),
        sa.Column("owner_user_id", sa.Integer),
        sa.Column("market_id", sa.Integer),
        sa.Column("message", sa.String(1000), nullable=False),
        sa.Column("figures", sa.JSON, nullable=False),
        prefixes=["TEMPORARY"],
    )


def _rank(column: sa.ColumnElement[Any]) -> sa.ColumnElement[int]:
    return sa.case(
        (column == Severity.CRITICAL.value, 2), (column == Severity.WARNING.value, 1), else_=0
    )


def sync_alerts(ctx: JobContext, rules: Collection[str], conditions: Iterable[Condition]) -> Counts:
    """Make the open alerts of ``rules`` match ``conditions`` on ``ctx.as_of`` (see module doc)."""
    session, as_of = ctx.session, ctx.as_of
    rows: dict[str, dict[str, Any]] = {}
    for c in conditions:
        if c.rule not in rules:
            raise ValueError(f"rule {c.rule!r} is not one of this job's {sorted(rules)}")
        if c.dedup_key in rows:
            raise ValueError(f"two conditions share the key {c.dedup_key!r}")
        rows[c.dedup_key] = {
            "dedup_key": c.dedup_key,
            "rule": c.rule,
            "severity": c.severity.value,
            "subject_type": c.subject_type,
            "subject_id": c.subject_id,
            "party_id": c.party_id,
            "loan_id": c.loan_id,
            "owner_party_id": c.owner_party_id,
            "message": c.message,
            "figures": c.figures,
        }
    staging = _staging_table()
    staging.create(session.connection())  # a failure rolls this back with everything else
    _load(session, staging, list(rows.values()))
    _assign_owners(session, staging, as_of)
    now = sa.literal(ctx.now, UTCDateTime())
    counts = _reconcile(session, staging, rules, as_of, now, f"job:{ctx.job_name}")
    staging.drop(session.connection())
    counts["open"] = len(rows)
    return counts


def _load(session: Session, staging: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Fill the staging table: COPY on PostgreSQL (ten times faster than INSERTs for a
    hundred thousand rows), a batched INSERT elsewhere; then statistics for the planner."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(sa.insert(staging), rows)
        return
    names = [c.name for c in staging.columns if c.name not in ("owner_user_id", "market_id")]
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {STAGING} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json_dumps(row[n]) if n == "figures" else row[n] for n in names])
    cursor.close()
    session.execute(sa.text(f"ANALYZE {STAGING}"))


def _assign_owners(session: Session, t: sa.Table, as_of: dt.date) -> None:
    """Owner = the party's relationship manager, else the fallback party's; market = the
    party's market (member or administrator) on ``as_of``. Three joins, not a lookup per row."""
    session.execute(
        sa.update(t)
        .where(Party.id == t.c.party_id)
        .values(owner_user_id=Party.relationship_manager_id)
    )
    session.execute(
        sa.update(t)
        .where(t.c.owner_user_id.is_(None), Party.id == t.c.owner_party_id)
        .values(owner_user_id=Party.relationship_manager_id)
    )
    markets = (
        sa.select(
            Relationship.source_party_id.label("party_id"),
            sa.func.min(Relationship.target_market_id).label("market_id"),
        )
        .where(
            Relationship.kind.in_(
                [RelationshipKind.MEMBER_OF_MARKET, RelationshipKind.ADMINISTERS]
            ),
            Relationship.valid_on(as_of),
        )
        .group_by(Relationship.source_party_id)
        .subquery()
    )
    session.execute(
        sa.update(t).where(markets.c.party_id == t.c.party_id).values(market_id=markets.c.market_id)
    )


@dataclass(frozen=True)
class _Reconciliation:
    """One run's staging table against the alerts, and who and when to record."""

    session: Session
    staging: sa.Table
    as_of: dt.date
    now: sa.ColumnElement[dt.datetime]
    actor: str

    @property
    def day(self) -> sa.ColumnElement[dt.date]:
        return sa.literal(self.as_of, sa.Date())

    def record_events(self, action: Any, comment: Any, alerts: sa.Select[Any]) -> None:
        """One history line per alert ``alerts`` selects (its first column is the id)."""
        self.session.execute(
            sa.insert(EVENTS).from_select(
                ["alert_id", "at", "actor", "action", "comment"],
                alerts.add_columns(self.now, sa.literal(self.actor), action, comment),
            )
        )


def _reconcile(
    session: Session,
    t: sa.Table,
    rules: Collection[str],
    as_of: dt.date,
    now: sa.ColumnElement[dt.datetime],
    actor: str,
) -> Counts:
    run = _Reconciliation(session, t, as_of, now, actor)
    counts = _update_seen_again(run)
    counts["raised"] = _raise_new(run)
    counts["resolved"] = _resolve_cleared(run, rules)
    return {key: counts[key] for key in ("raised", "updated", "unchanged", "reopened", "resolved")}


def _update_seen_again(run: _Reconciliation) -> Counts:
    """Open alerts whose condition holds again take its severity, message, figures, owner
    and date; a change of severity goes in their history; an acknowledged alert whose
    severity rises is reopened. An alert already seen on a later date is left alone."""
    a, t, day = ALERTS, run.staging, run.day
    same = sa.and_(a.c.dedup_key == t.c.dedup_key, a.c.status != RESOLVED)
    current = sa.and_(same, a.c.last_seen_on <= day)  # not already seen on a later date
    changed = sa.or_(
        a.c.severity != t.c.severity,
        a.c.message != t.c.message,
        sa.cast(a.c.figures, sa.Text) != sa.cast(t.c.figures, sa.Text),
        a.c.owner_user_id.is_distinct_from(t.c.owner_user_id),
        a.c.market_id.is_distinct_from(t.c.market_id),
        a.c.last_seen_on != day,
    )
    rising = _rank(t.c.severity) > _rank(a.c.severity)
    matched = _count(run.session, sa.select(sa.func.count()).select_from(a.join(t, same)))
    reopened = _count(
        run.session,
        sa.select(sa.func.count())
        .select_from(a.join(t, current))
        .where(a.c.status == ACKNOWLEDGED, rising),
    )
    run.record_events(
        sa.case((rising, "escalated"), else_="eased"),
        sa.type_coerce(a.c.severity, sa.String)
        .op("||")(" → ")
        .op("||")(t.c.severity)
        .op("||")(f" ({run.as_of})"),
        sa.select(a.c.id).select_from(a.join(t, current)).where(a.c.severity != t.c.severity),
    )
    updated = run.session.execute(
        sa.update(a)
        .where(current, changed)
        .values(
            severity=t.c.severity,
            message=t.c.message,
            figures=t.c.figures,
            owner_user_id=t.c.owner_user_id,
            market_id=t.c.market_id,
            last_seen_on=day,
            updated_at=run.now,
            status=sa.case((sa.and_(a.c.status == ACKNOWLEDGED, rising), OPEN), else_=a.c.status),
        )
    ).rowcount
    return {"updated": updated, "unchanged": matched - updated, "reopened": reopened}


_NEW_ALERT_COLUMNS = (
    "rule",
    "severity",
    "status",
    "dedup_key",
    "subject_type",
    "subject_id",
    "party_id",
    "loan_id",
    "market_id",
    "owner_user_id",
    "message",
    "figures",
    "first_seen_on",
    "last_seen_on",
    "created_at",
    "updated_at",
)


def _raise_new(run: _Reconciliation) -> int:
    """An alert for each condition without an unresolved alert of its key."""
    a, t, day, now = ALERTS, run.staging, run.day, run.now
    new = sa.select(
        t.c.rule,
        t.c.severity,
        sa.literal(OPEN),
        t.c.dedup_key,
        t.c.subject_type,
        t.c.subject_id,
        t.c.party_id,
        t.c.loan_id,
        t.c.market_id,
        t.c.owner_user_id,
        t.c.message,
        t.c.figures,
        day,
        day,
        now,
        now,
    ).where(~sa.exists().where(a.c.dedup_key == t.c.dedup_key, a.c.status != RESOLVED))
    return int(
        run.session.execute(
            sa.insert(a)
            .from_select(list(_NEW_ALERT_COLUMNS), new)
            .execution_options(preserve_rowcount=True)
        ).rowcount
    )


def _resolve_cleared(run: _Reconciliation, rules: Collection[str]) -> int:
    """The system resolves the open alerts of these rules whose condition is gone (not
    those already seen on a later date), saying so in their history."""
    a, t, day = ALERTS, run.staging, run.day
    cleared = sa.and_(
        a.c.rule.in_(list(rules)),
        a.c.status != RESOLVED,
        a.c.last_seen_on <= day,
        ~sa.exists().where(t.c.dedup_key == a.c.dedup_key),
    )
    run.record_events(
        sa.literal("auto_resolved"),
        sa.literal(f"条件已消除 (condition cleared) as of {run.as_of}"),
        sa.select(a.c.id).where(cleared),
    )
    return int(
        run.session.execute(
            sa.update(a)
            .where(cleared)
            .values(status=RESOLVED, resolved_at=run.now, resolved_by_id=None, updated_at=run.now)
        ).rowcount
    )


def _count(session: Session, query: sa.Select[Any]) -> int:
    return session.scalar(query) or 0
