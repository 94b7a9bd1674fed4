"""The audit log: who did what, when, to which record, before and after."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from scf.platform.models.base import Base
from scf.platform.models.types import UTCDateTime


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(sa.String(100))
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    entity_type: Mapped[str] = mapped_column(sa.String(64))
    entity_id: Mapped[str | None] = mapped_column(sa.String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    context: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    __table_args__ = (sa.Index("ix_audit_log_entity", "entity_type", "entity_id"),)
