"""Leases in the database: one scheduler per database, one run of a job at a time.

APScheduler 3's own guide warns that a job store must never be shared by two
schedulers: both would run every job. So the scheduler holds the ``scheduler`` lease
and renews it (heartbeat); a second scheduler finds it held and refuses to start (or
waits), naming the holder. A lease whose heartbeat is older than its expiry belongs to
a dead process and may be taken over.

A job run holds ``job:<name>`` for its duration, so that ``scf jobs run-once`` and the
scheduler never run the same job at the same time. A ``LeaseKeeper`` thread renews it
every few seconds while the job works, and it expires a few minutes after the last
heartbeat: a run killed with ``kill -9`` blocks its job only until then, and the next
firing takes the lease over (issue #12, finding 11: with a one-hour expiry and no
heartbeat, a killed run cost the day's run). An operator may take a live-looking lease
by force (``scf jobs run-once NAME --force``, audited).

Every statement is a single conditional UPDATE or INSERT, atomic on SQLite and
PostgreSQL alike: two processes racing for a lease cannot both win.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.db import Database
from scf.platform.models import SchedulerLease

SCHEDULER_LEASE = "scheduler"
HEARTBEAT_SECONDS = 15
SCHEDULER_LEASE_EXPIRY = dt.timedelta(seconds=60)  # four missed heartbeats: the holder is dead
JOB_HEARTBEAT_SECONDS = 10
JOB_LEASE_EXPIRY = dt.timedelta(minutes=2)  # twelve missed heartbeats: the holder is dead

log = logging.getLogger("scf.jobs")


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
    session: Session,
    name: str,
    holder: str,
    now: dt.datetime,
    expiry: dt.timedelta,
    *,
    force: bool = False,
) -> LeaseHeld | None:
    """Take the lease if it is free, expired or already ours (or, with ``force``, whoever
    holds it): None when taken, else who holds it.

    Commits nothing: the caller commits at once so the lease is visible to others.
    """
    takeable = sa.or_(SchedulerLease.holder == holder, SchedulerLease.heartbeat_at < now - expiry)
    taken = session.execute(
        sa.update(SchedulerLease)
        .where(SchedulerLease.name == name, sa.true() if force else takeable)
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


class LeaseKeeper:
    """Renews a lease every ``every_seconds`` from a thread of its own while its holder
    works (``with LeaseKeeper(...):``); sets ``lost`` and stops if the lease was taken over.

    Each beat is a short transaction on a connection of its own from the engine's pool,
    never the worker's session: the worker's transaction stays open for the whole run.
    """

    def __init__(
        self,
        database: Database,
        name: str,
        holder: str,
        *,
        clock: Callable[[], dt.datetime],
        every_seconds: float,
    ) -> None:
        self.database, self.name, self.holder = database, name, holder
        self.clock, self.every_seconds = clock, every_seconds
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"lease {name}", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _error: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self.every_seconds):
            try:
                with Session(self.database.engine) as session, session.begin():
                    ours = renew(session, self.name, self.holder, self.clock())
            except sa.exc.SQLAlchemyError:  # the database briefly away: the next beat retries
                log.exception("heartbeat of lease %s failed", self.name)
                continue
            if not ours:
                log.error("lease %s was taken over; %s no longer holds it", self.name, self.holder)
                self.lost.set()
                return
