"""Writing the audit log: one call per change, inside the caller's transaction."""

from __future__ import annotations

from typing import Any

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
