"""The scheduler process (``scf jobs run``): APScheduler 3 with its jobs in the platform's
database, never inside a web worker.

- One scheduler per database: it takes the ``scheduler`` lease before touching the job
  store and renews it every few seconds from a thread of its own; a second scheduler
  is refused with the holder's name (or, with ``wait``, polls until the lease is free).
  If the lease is lost (this process stalled past its expiry and another took over),
  the scheduler stops rather than run every job twice.
- Jobs come from ``scf.jobs.registry`` and are added with ``replace_existing=True,
  coalesce=True, max_instances=1`` and the misfire grace from the settings; jobs the
  registry no longer declares are removed from the store.
- Jobs run one at a time (one worker thread): they read what the previous one wrote,
  and SQLite allows one writer.
- A firing that finds its job's lease held (a run killed moments ago, its lease not yet
  expired; or a ``run-once`` still working) is not lost: the job is tried again just
  after that lease would expire, and again while its holder keeps renewing it. A
  scheduler restarted at once after ``kill -9`` so still runs the day's job (issue #12,
  finding 11).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from scf.jobs.context import log
from scf.jobs.lease import (
    HEARTBEAT_SECONDS,
    SCHEDULER_LEASE,
    SCHEDULER_LEASE_EXPIRY,
    LeaseHeld,
    new_holder,
    release,
    renew,
    try_acquire,
)
from scf.jobs.registry import JOBS, JobSpec
from scf.jobs.runner import Clock, LeaseBusy, jobs_zone, run_job, system_clock
from scf.platform.auth.access import Actor
from scf.platform.config import Settings
from scf.platform.db import Database, create_db_engine
from scf.platform.errors import ConfigurationError, Conflict, ScfError
from scf.platform.services.unit_of_work import new_unit_of_work

JOBSTORE_TABLE = "apscheduler_jobs"
RETRY_MARGIN_SECONDS = 5  # after a held lease's expiry, so that it has surely expired
SCHEDULED_FUNCTION = "scf.jobs.scheduler:scheduled_run"

# The schedulers running in this process, by lease holder. The job store keeps only the
# function's dotted name and its arguments (job name, holder), so a fired job finds its
# database through this; every start re-adds the jobs with its own holder.
_running: dict[str, SchedulerProcess] = {}


def schedule_of(job: JobSpec, settings: Settings) -> str:
    return settings.job_schedules.get(job.name, job.default_schedule)


def trigger_for(job: JobSpec, settings: Settings) -> CronTrigger:
    expression = schedule_of(job, settings)
    try:
        return CronTrigger.from_crontab(expression, timezone=jobs_zone(settings))
    except ValueError as error:
        raise ConfigurationError(
            f"SCF_JOB_SCHEDULE_{job.name.upper()} 不是有效的crontab (not a valid crontab, "
            f"“minute hour day month weekday”): “{expression}”: {error}"
        ) from None


def check_schedules(settings: Settings) -> None:
    """Refuse schedules for jobs that do not exist (a typo would silently do nothing)."""
    unknown = sorted(set(settings.job_schedules) - {j.name for j in JOBS})
    if unknown:
        raise ConfigurationError(
            f"未知任务的调度设置 (schedule set for unknown jobs): {', '.join(unknown)}; "
            f"jobs: {', '.join(j.name for j in JOBS)}"
        )
    for job in JOBS:
        trigger_for(job, settings)


class SchedulerProcess:
    """Owns the lease and the APScheduler instance; ``start`` returns once both are up."""

    def __init__(self, database: Database, settings: Settings, *, clock: Clock = system_clock):
        self.database = database
        self.settings = settings
        self.clock = clock
        self.holder = new_holder()
        self.stopped = threading.Event()
        self.scheduler: BackgroundScheduler | None = None

    def start(self, *, wait: bool = False, poll_seconds: float = HEARTBEAT_SECONDS) -> None:
        check_schedules(self.settings)
        while True:
            held = self._acquire()
            if held is None:
                break
            if not wait:
                raise Conflict(
                    "另一个调度器正在使用此数据库 (another scheduler runs against this database): "
                    f"{held.describe()}. Only one may run; stop it, or start with --wait to take "
                    f"over once its lease expires ({int(SCHEDULER_LEASE_EXPIRY.total_seconds())} s "
                    "after its last heartbeat)."
                )
            log.info("waiting for the scheduler lease: %s", held.describe())
            if self.stopped.wait(poll_seconds):
                return
        try:
            _running[self.holder] = self
            self.scheduler = self._build()
            self.scheduler.resume()
        except BaseException:
            _running.pop(self.holder, None)
            self._release()
            raise
        log.info("scheduler %s started: %s", self.holder, ", ".join(j.name for j in JOBS))

    def _build(self) -> BackgroundScheduler:
        zone = jobs_zone(self.settings)
        scheduler = BackgroundScheduler(
            jobstores={
                # Its own engine, unpooled: APScheduler disposes the store's engine at
                # shutdown while its loop thread may still hold a connection; without a
                # pool that connection is simply closed. The jobs keep the platform's.
                "default": SQLAlchemyJobStore(
                    engine=create_db_engine(
                        self.database.engine.url.render_as_string(hide_password=False),
                        poolclass=sa.NullPool,
                    ),
                    tablename=JOBSTORE_TABLE,
                ),
                "local": MemoryJobStore(),  # the heartbeat: this process only, never shared
            },
            executors={"default": ThreadPoolExecutor(1), "lease": ThreadPoolExecutor(1)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": self.settings.jobs_misfire_grace_seconds,
            },
            timezone=zone,
        )
        scheduler.start(paused=True)
        try:
            self._declare(scheduler)
        except BaseException:
            scheduler.shutdown(wait=False)
            raise
        return scheduler  # started paused: ``start`` resumes it

    def _declare(self, scheduler: BackgroundScheduler) -> None:
        """The registry's jobs into the store (replacing what is there), the rest out."""
        declared = {job.name for job in JOBS}
        for stored in scheduler.get_jobs(jobstore="default"):
            if stored.id not in declared:
                stored.remove()
        for job in JOBS:
            scheduler.add_job(
                SCHEDULED_FUNCTION,
                trigger=trigger_for(job, self.settings),
                args=[job.name, self.holder],
                id=job.name,
                name=job.title,
                jobstore="default",
                replace_existing=True,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=self.settings.jobs_misfire_grace_seconds,
            )
        scheduler.add_job(
            self.heartbeat,
            "interval",
            seconds=HEARTBEAT_SECONDS,
            id="scheduler-lease-heartbeat",
            jobstore="local",
            executor="lease",
            coalesce=True,
            max_instances=1,
        )

    def _acquire(self) -> LeaseHeld | None:
        with new_unit_of_work(self.database) as session:
            return try_acquire(
                session, SCHEDULER_LEASE, self.holder, self.clock(), SCHEDULER_LEASE_EXPIRY
            )

    def _release(self) -> None:
        with new_unit_of_work(self.database) as session:
            release(session, SCHEDULER_LEASE, self.holder)

    def heartbeat(self) -> bool:
        """Renew the lease; stop everything if it is no longer ours."""
        try:
            with new_unit_of_work(self.database) as session:
                ours = renew(session, SCHEDULER_LEASE, self.holder, self.clock())
        except Exception:  # the database may be briefly away: try again at the next beat
            log.exception("scheduler heartbeat failed")
            return True
        if not ours:
            log.error("scheduler lease lost to another process: stopping %s", self.holder)
            if self.scheduler is not None:
                self.scheduler.pause()  # fire nothing more; run_forever shuts down
            self.stopped.set()
        return ours

    def retry_when_free(self, name: str, expires_at: dt.datetime) -> None:
        """Fire job ``name`` once more, just after a lease that expires at ``expires_at``
        (on this process's clock) would have; a retry already planned is replaced."""
        if self.scheduler is None:
            return
        wait = (expires_at - self.clock()).total_seconds() + RETRY_MARGIN_SECONDS
        self.scheduler.add_job(
            scheduled_run,
            "date",
            run_date=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=max(wait, 1)),
            args=[name, self.holder],
            id=f"retry-{name}",
            jobstore="local",
            replace_existing=True,
            misfire_grace_time=self.settings.jobs_misfire_grace_seconds,
        )

    def run_job_now(self, name: str) -> None:
        """Fire a declared job at once (APScheduler's own clock; the job's date is ours);
        after it, the cron trigger gives the next time as usual."""
        assert self.scheduler is not None
        self.scheduler.get_job(name, jobstore="default").modify(
            next_run_time=dt.datetime.now(jobs_zone(self.settings))
        )

    def run_forever(self, should_stop: Callable[[], bool] = lambda: False) -> None:
        """Block until ``shutdown``, the lease is lost, or ``should_stop()`` says so."""
        while not self.stopped.wait(1.0):
            if should_stop():
                break
        self.shutdown()

    def shutdown(self) -> None:
        self.stopped.set()
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        self.scheduler = None
        _running.pop(self.holder, None)
        self._release()
        log.info("scheduler %s stopped", self.holder)


def scheduled_run(job_name: str, holder: str) -> dict[str, Any] | None:
    """What APScheduler calls: run the job for today; a failure is recorded, never raised."""
    process = _running.get(holder)
    if process is None:  # the store outlived its scheduler; nothing to run against
        log.error("job %s fired without a running scheduler", job_name)
        return None
    try:
        outcome = run_job(
            process.database,
            process.settings,
            job_name,
            clock=process.clock,
            actor=Actor.system("scheduler"),
        )
    except LeaseBusy as busy:  # running elsewhere, or a dead run's lease not yet expired
        log.warning("job %s not run now, retried after %s: %s", job_name, busy.expires_at, busy)
        process.retry_when_free(job_name, busy.expires_at)
        return None
    except ScfError as error:  # a refused date
        log.warning("job %s not run: %s", job_name, error)
        return None
    return outcome.to_dict()


def next_run_times(database: Database) -> dict[str, dt.datetime | None]:
    """Next run time of each job as the job store holds it (empty before the first start)."""
    if not sa.inspect(database.engine).has_table(JOBSTORE_TABLE):
        return {}
    table = sa.Table(
        JOBSTORE_TABLE,
        sa.MetaData(),
        sa.Column("id", sa.Unicode(191), primary_key=True),
        sa.Column("next_run_time", sa.Float(25)),  # float ok: APScheduler's epoch seconds
    )
    with database.engine.connect() as connection:
        rows = connection.execute(sa.select(table.c.id, table.c.next_run_time)).all()
    return {
        job_id: None if ts is None else dt.datetime.fromtimestamp(ts, dt.UTC) for job_id, ts in rows
    }
