"""Writing the audit log: one call per change, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.auth.access import Actor
from scf.platform.models import AuditEntry
from scf.platform.models.types import utcnow


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: object | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit entry; it commits or rolls back with the change it describes."""
    entry = AuditEntry(
        at=utcnow(),
        actor_user_id=actor.user_id,
        actor=actor.username,
        action=action,
        entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        before=before,
        after=after,
        context=context or {},
    )
    session.add(entry)
    return entry


def list_entries(
    session: Session,
    actor: Actor,
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor_name: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[AuditEntry]]:
    """The audit log, newest first, for administrators and risk officers."""
    import sqlalchemy as sa

    from scf.platform.auth.access import require_role
    from scf.platform.models.enums import Role

    require_role(actor, Role.ADMIN, Role.RISK_OFFICER)
    query = sa.select(AuditEntry)
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
    if entity_id:
        query = query.where(AuditEntry.entity_id == entity_id)
    if actor_name:
        query = query.where(AuditEntry.actor == actor_name)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset(offset).limit(limit)
    )
    return total, list(rows)


@dataclass(frozen=True)
class Change:
    """One change for ``record_many``: the same fields as ``record`` takes."""

    action: str
    entity_type: str
    entity_id: object | None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    context: dict[str, Any] = field(default_factory=dict)


def record_many(session: Session, actor: Actor, changes: Iterable[Change]) -> int:
    """Many entries in one batched INSERT (batch onboarding writes thousands at once);
    like ``record``, they commit or roll back with the changes they describe."""
    at = utcnow()
    rows = [
        {
            "at": at,
            "actor_user_id": actor.user_id,
            "actor": actor.username,
            "action": change.action,
            "entity_type": change.entity_type,
            "entity_id": None if change.entity_id is None else str(change.entity_id),
            "before": change.before,
            "after": change.after,
            "context": change.context,
        }
        for change in changes
    ]
    if rows:
        session.execute(sa.insert(AuditEntry), rows)
    return len(rows)
