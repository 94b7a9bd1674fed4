"""Leases in the database: one scheduler per database, one run of a job at a time.

APScheduler 3's own guide warns that a job store must never be shared by two
schedulers: both would run every job. So the scheduler holds the ``scheduler`` lease
and renews it (heartbeat); a second scheduler finds it held and refuses to start (or
waits), naming the holder. A lease whose heartbeat is older than its expiry belongs to
a dead process and may be taken over.

A job run holds ``job:<name>`` for its duration, so that ``scf jobs run-once`` and the
scheduler never run the same job at the same time.

Every statement is a single conditional UPDATE or INSERT, atomic on SQLite and
PostgreSQL alike: two processes racing for a lease cannot both win.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.models import SchedulerLease

SCHEDULER_LEASE = "scheduler"
HEARTBEAT_SECONDS = 15
SCHEDULER_LEASE_EXPIRY = dt.timedelta(seconds=60)  # four missed heartbeats: the holder is dead
JOB_LEASE_EXPIRY = dt.timedelta(hours=1)  # a run lasts seconds; an hour-old lease is a crash


def job_lease_name(job_name: str) -> str:
    return f"job:{job_name}"


def new_holder() -> str:
    """Who holds a lease: host, process and a random part (two schedulers in one process differ)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class LeaseHeld:
    """A lease someone else holds (what a refused process reports)."""

    name: str
    holder: str
    acquired_at: dt.datetime
    heartbeat_at: dt.datetime

    def describe(self) -> str:
        return (
            f"{self.holder} 持有 (holds) “{self.name}” since {self.acquired_at:%Y-%m-%d %H:%M:%S} UTC, "
            f"last heartbeat {self.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC"
        )


def try_acquire(
    session: Session, name: str, holder: str, now: dt.datetime, expiry: dt.timedelta
) -> LeaseHeld | None:
    """Take the lease if it is free, expired or already ours: None when taken, else who holds it.

    Commits nothing: the caller commits at once so the lease is visible to others.
    """
    taken = session.execute(
        sa.update(SchedulerLease)
        .where(
            SchedulerLease.name == name,
            sa.or_(SchedulerLease.holder == holder, SchedulerLease.heartbeat_at < now - expiry),
        )
        .values(holder=holder, acquired_at=now, heartbeat_at=now)
        .execution_options(synchronize_session=False)
    )
    if _rowcount(taken) == 1:
        return None
    current = session.get(SchedulerLease, name, populate_existing=True)
    if current is None:
        try:
            with session.begin_nested():
                session.add(
                    SchedulerLease(name=name, holder=holder, acquired_at=now, heartbeat_at=now)
                )
            return None
        except sa.exc.IntegrityError:  # another process inserted it between our two statements
            current = session.get(SchedulerLease, name, populate_existing=True)
            if current is None:
                raise
    return LeaseHeld(current.name, current.holder, current.acquired_at, current.heartbeat_at)


def renew(session: Session, name: str, holder: str, now: dt.datetime) -> bool:
    """Heartbeat: False when the lease is no longer ours (it expired and was taken over)."""
    result = session.execute(
        sa.update(SchedulerLease)
        .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
        .values(heartbeat_at=now)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


def release(session: Session, name: str, holder: str) -> None:
    """Give the lease back (only if still ours)."""
    session.execute(
        sa.delete(SchedulerLease)
        .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
        .execution_options(synchronize_session=False)
    )


def current_holder(session: Session, name: str) -> LeaseHeld | None:
    row = session.get(SchedulerLease, name, populate_existing=True)
    if row is None:
        return None
    return LeaseHeld(row.name, row.holder, row.acquired_at, row.heartbeat_at)


def _rowcount(result: sa.Result[object]) -> int:
    return int(getattr(result, "rowcount", 0))
