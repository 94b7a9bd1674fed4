"""Alerts raised by the monitoring jobs, and a record of every job run."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from scf.platform.models.base import Base, Timestamps, enum_type
from scf.platform.models.enums import AlertStatus, Severity
from scf.platform.models.types import UTCDateTime


class Alert(Timestamps, Base):
    """One open condition, deduplicated by ``dedup_key`` while it stays open."""

    __tablename__ = "alerts"
    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(sa.String(64), index=True)
    severity: Mapped[Severity] = mapped_column(enum_type(Severity))
    status: Mapped[AlertStatus] = mapped_column(enum_type(AlertStatus), index=True)
    dedup_key: Mapped[str] = mapped_column(sa.String(200), index=True)
    subject_type: Mapped[str] = mapped_column(sa.String(32))
    subject_id: Mapped[int | None]
    party_id: Mapped[int | None] = mapped_column(sa.ForeignKey("parties.id"), index=True)
    loan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("loans.id"), index=True)
    market_id: Mapped[int | None] = mapped_column(sa.ForeignKey("markets.id"), index=True)
    owner_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    message: Mapped[str] = mapped_column(sa.String(1000))
    figures: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    first_seen_on: Mapped[dt.date]
    last_seen_on: Mapped[dt.date]
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    comment: Mapped[str | None] = mapped_column(sa.String(2000))

    __table_args__ = (
        # One alert per open condition, guaranteed by the database even if two runs race.
        sa.Index(
            "uq_alerts_dedup_key_unresolved",
            "dedup_key",
            unique=True,
            sqlite_where=sa.text("status <> 'resolved'"),
            postgresql_where=sa.text("status <> 'resolved'"),
        ),
        # Room on each page for the daily update of an open alert (HOT: no index churn).
        {"postgresql_with": {"fillfactor": 50}},
    )


class JobRun(Base):
    """One run of a monitoring job for an as-of date: start, end, status, counts, errors."""

    __tablename__ = "job_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    job_name: Mapped[str] = mapped_column(sa.String(64), index=True)
    as_of: Mapped[dt.date]
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(sa.String(20))
    counts: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    error: Mapped[str | None] = mapped_column(sa.Text)


class AlertEvent(Base):
    """What people did with an alert: acknowledge, comment, resolve (the alert's history)."""

    __tablename__ = "alert_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(
        sa.ForeignKey("alerts.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(sa.String(100))
    action: Mapped[str] = mapped_column(sa.String(32))
    comment: Mapped[str | None] = mapped_column(sa.String(2000))


class SchedulerLease(Base):
    """Only one scheduler may run against a database: the holder renews its lease."""

    __tablename__ = "scheduler_leases"
    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(sa.String(200))
    acquired_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class OnboardingBatch(Base):
    """One uploaded onboarding file: who, which file (name, SHA-256), result counts and report."""

    __tablename__ = "onboarding_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    checksum: Mapped[str] = mapped_column(sa.String(64), index=True)
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programmes.id"))
    core_party_id: Mapped[int | None] = mapped_column(sa.ForeignKey("parties.id"))
    market_id: Mapped[int | None] = mapped_column(sa.ForeignKey("markets.id"))
    actor: Mapped[str] = mapped_column(sa.String(100))
    as_of: Mapped[dt.date]
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(sa.String(20))
    dry_run: Mapped[bool] = mapped_column(default=False)
    # Commit the valid rows and report the rest (--accept-valid), instead of all-or-nothing.
    accept_valid: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # File-level remarks: the format and encoding read, unknown columns ignored.
    notes: Mapped[list[str]] = mapped_column(sa.JSON, default=list, server_default=sa.text("'[]'"))
    counts: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    report: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
