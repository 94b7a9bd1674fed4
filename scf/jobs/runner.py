"""Running one job for one as-of date: recorded, exclusive, all-or-nothing.

1. Take the job's lease (``job:<name>``): a second run of the same job, from the
   scheduler or ``scf jobs run-once``, is refused and recorded as ``skipped``. A lease
   whose holder stopped heart-beating ``JOB_LEASE_EXPIRY`` ago is a dead process's and
   is taken over; ``force`` (an operator's ``run-once --force``) takes any, audited.
2. Record a ``JobRun`` as ``running`` (committed at once, so a crash leaves a trace);
   runs still ``running`` from a process that died are marked ``interrupted``.
3. Do the work in ONE transaction while a ``LeaseKeeper`` renews the lease; the
   ``JobRun`` becomes ``succeeded`` in that same transaction, so success and its writes
   commit together — and only if the lease is still this run's, checked in the same
   transaction (a run that stalled past its expiry while another took over commits
   nothing). On any error everything is rolled back and the ``JobRun`` records
   ``failed`` with the error: no half state, and the next run, idempotent for its
   date, completes the work.
4. Give the lease back.

A run for a date before the job's latest successful run is refused for jobs that keep
state (days past due, alerts): back-fill in date order, so state never moves backwards.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.jobs.context import JobContext, log
from scf.jobs.lease import (
    JOB_HEARTBEAT_SECONDS,
    JOB_LEASE_EXPIRY,
    LeaseKeeper,
    current_holder,
    job_lease_name,
    new_holder,
    release,
    renew,
    try_acquire,
)
from scf.jobs.registry import JobSpec, get_job
from scf.platform.auth.access import Actor
from scf.platform.config import Settings
from scf.platform.db import Database
from scf.platform.errors import ConfigurationError, Conflict
from scf.platform.models import JobRun
from scf.platform.models.types import utcnow
from scf.platform.services import audit
from scf.platform.services.unit_of_work import new_unit_of_work

Clock = Callable[[], dt.datetime]
ERROR_TEXT_MAX = 20_000


def system_clock() -> dt.datetime:
    return utcnow()


def jobs_zone(settings: Settings) -> ZoneInfo:
    try:
        return ZoneInfo(settings.jobs_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(
            f"SCF_JOBS_TIMEZONE 无效 (unknown time zone): “{settings.jobs_timezone}”, "
            "e.g. Asia/Shanghai"
        ) from None


def business_today(settings: Settings, clock: Clock) -> dt.date:
    """The as-of date of a run started now: today in the bank's time zone."""
    return clock().astimezone(jobs_zone(settings)).date()


class LeaseBusy(Conflict):
    """Another process holds the job's lease; ``expires_at``: when it is a dead one's,
    unless that process renews it first."""

    def __init__(self, message: str, expires_at: dt.datetime) -> None:
        super().__init__(message)
        self.expires_at = expires_at


@dataclass(frozen=True)
class RunOutcome:
    run_id: int
    job_name: str
    as_of: dt.date
    status: str  # succeeded | failed
    counts: dict[str, Any]
    error: str | None

    def to_dict(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "job": self.job_name,
            "as_of": self.as_of.isoformat(),
            "status": self.status,
            "counts": self.counts,
            "error": self.error,
        }


def run_job(
    database: Database,
    settings: Settings,
    name: str,
    *,
    as_of: dt.date | None = None,
    clock: Clock = system_clock,
    actor: Actor | None = None,
    force: bool = False,
) -> RunOutcome:
    """Run job ``name`` for ``as_of`` (default: today in the jobs' time zone); ``force``
    takes the job's lease even from a holder that still looks alive."""
    job = get_job(name)
    actor = actor or Actor.system("scheduler")
    as_of = as_of or business_today(settings, clock)
    holder = new_holder()
    run_id = _start(database, job, as_of, holder, clock, actor, force)
    try:
        with _lease_kept(database, job_lease_name(job.name), holder, clock):
            return _work(database, settings, job, run_id, as_of, clock, actor, holder)
    finally:
        with new_unit_of_work(database) as session:
            release(session, job_lease_name(job.name), holder)


@contextmanager
def _lease_kept(database: Database, lease: str, holder: str, clock: Clock) -> Iterator[None]:
    """Heartbeats while the job works. Not on SQLite: it serialises writers, so the
    running job's write lock keeps everyone else from the lease anyway — and from
    renewing it too."""
    if database.engine.dialect.name == "sqlite":
        yield
        return
    with LeaseKeeper(database, lease, holder, clock=clock, every_seconds=JOB_HEARTBEAT_SECONDS):
        yield


def _refusal(held_description: str) -> str:
    return (
        f"任务正在运行 (job already running): {held_description}. If that process is dead, "
        f"its lease expires {int(JOB_LEASE_EXPIRY.total_seconds())} s after its last "
        "heartbeat; an operator may take it now with `scf jobs run-once NAME --force`."
    )


def _start(
    database: Database,
    job: JobSpec,
    as_of: dt.date,
    holder: str,
    clock: Clock,
    actor: Actor,
    force: bool,
) -> int:
    """Take the lease and record the run as ``running`` (one unit of work, committed at
    once); or record it as ``skipped`` and refuse when another holds the lease."""
    now = clock()
    with new_unit_of_work(database) as session:
        latest = session.scalar(
            sa.select(sa.func.max(JobRun.as_of)).where(
                JobRun.job_name == job.name, JobRun.status == "succeeded"
            )
        )
        if job.forward_only and latest is not None and as_of < latest:
            raise Conflict(
                f"{job.name}: 基准日 {as_of} 早于最近一次成功运行的 {latest} (as-of date before the "
                f"latest successful run): back-fill in date order, from {latest} on"
            )
        lease = job_lease_name(job.name)
        displaced = current_holder(session, lease) if force else None
        held = try_acquire(session, lease, holder, now, JOB_LEASE_EXPIRY, force=force)
        if held is not None:
            skipped = _refusal(held.describe())
            expires_at = held.heartbeat_at + JOB_LEASE_EXPIRY
            session.add(_run_row(job, as_of, now, "skipped", error=skipped, finished=now))
        else:
            if force:
                audit.record(
                    session,
                    actor,
                    "job.force_run",
                    "job",
                    job.name,
                    before={"holder": displaced.holder if displaced else None},
                    after={"holder": holder, "as_of": as_of.isoformat()},
                )
            session.execute(
                sa.update(JobRun)
                .where(JobRun.job_name == job.name, JobRun.status == "running")
                .values(
                    status="interrupted",
                    finished_at=now,
                    error="进程在完成前停止，本次写入已回滚 (the process stopped before "
                    "finishing; its writes were rolled back)",
                )
                .execution_options(synchronize_session=False)
            )
            run = _run_row(job, as_of, now, "running")
            session.add(run)
            session.flush()
            run_id = run.id
    if held is not None:
        raise LeaseBusy(skipped, expires_at)  # after the unit of work: ``skipped`` stays
    return run_id


def _work(
    database: Database,
    settings: Settings,
    job: JobSpec,
    run_id: int,
    as_of: dt.date,
    clock: Clock,
    actor: Actor,
    holder: str,
) -> RunOutcome:
    try:
        with new_unit_of_work(database) as session:
            context = JobContext(job.name, session, as_of, clock(), settings, actor)
            counts = job.run(context)
            _still_holding(session, job_lease_name(job.name), holder, clock())
            run = session.get_one(JobRun, run_id)
            run.status, run.finished_at, run.counts = "succeeded", clock(), counts
    except BaseException as error:
        detail = traceback.format_exc()[-ERROR_TEXT_MAX:]
        with new_unit_of_work(database) as session:
            run = session.get_one(JobRun, run_id)
            run.status, run.finished_at, run.error = "failed", clock(), detail
        log.error("job %s for %s failed: %s", job.name, as_of, error)
        if not isinstance(error, Exception):
            raise
        return RunOutcome(run_id, job.name, as_of, "failed", {}, f"{type(error).__name__}: {error}")
    for step in context.after_commit:
        try:
            step()
        except Exception:  # the data is committed; a rerun repeats this step idempotently
            log.exception("job %s: a step after commit failed", job.name)
    log.info("job %s for %s succeeded: %s", job.name, as_of, counts)
    return RunOutcome(run_id, job.name, as_of, "succeeded", counts, None)


def _still_holding(session: Session, lease: str, holder: str, now: dt.datetime) -> None:
    """Renew the lease inside the run's own transaction, or refuse to commit: another
    process took the job over (this run stalled past its expiry, or was forced out). On
    PostgreSQL the renewal locks the lease row until the run commits, so a takeover
    waits for it instead of running alongside."""
    if not renew(session, lease, holder, now):
        taker = current_holder(session, lease)
        raise Conflict(
            f"任务已被接管，本次写入已回滚 (the job was taken over; this run's writes were "
            f"rolled back): {taker.describe() if taker else f'{lease} released'}"
        )


def _run_row(
    job: JobSpec,
    as_of: dt.date,
    now: dt.datetime,
    status: str,
    *,
    error: str | None = None,
    finished: dt.datetime | None = None,
) -> JobRun:
    return JobRun(
        job_name=job.name,
        as_of=as_of,
        started_at=now,
        finished_at=finished,
        status=status,
        counts={},
        error=error,
    )
