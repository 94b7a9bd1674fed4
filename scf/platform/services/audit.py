"""Writing the audit log: one call per change, inside the caller's transaction (reading it
is ``admin.queries.list_entries``)."""

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
