"""The scheduler process: one per database (the lease), jobs in the database's job store,
declared jobs replacing stored ones, a fired job recorded like any run.

These tests need real commits (two schedulers must see each other), so each gets a
fresh database of its own rather than the rolled-back test transaction.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from scf.jobs.lease import SCHEDULER_LEASE, SCHEDULER_LEASE_EXPIRY, current_holder
from scf.jobs.registry import JOBS
from scf.jobs.scheduler import SCHEDULED_FUNCTION, SchedulerProcess, next_run_times
from scf.platform.config import Settings
from scf.platform.db import Database
from scf.platform.errors import ConfigurationError, Conflict
from scf.platform.migrate import upgrade
from scf.platform.models import JobRun
from tests.conftest import database_url
from tests.jobs.conftest import FixedClock, jobs_settings

TODAY = dt.date(2026, 11, 20)


@pytest.fixture()
def fresh(backend: str, tmp_path: Path) -> Iterator[tuple[Database, Settings]]:
    url = database_url(backend, "scheduler", tmp_path)
    database = Database(url)
    upgrade(database.engine)
    yield database, jobs_settings(url, tmp_path)
    database.engine.dispose()


def test_a_second_scheduler_on_the_same_database_refuses_and_names_the_first(
    fresh: tuple[Database, Settings],
) -> None:
    database, settings = fresh
    first = SchedulerProcess(database, settings, clock=FixedClock(TODAY))
    second = SchedulerProcess(database, settings, clock=FixedClock(TODAY))
    first.start()
    try:
        with pytest.raises(Conflict, match=first.holder) as refused:
            second.start()
        assert "--wait" in str(refused.value)
        assert second.scheduler is None
    finally:
        first.shutdown()
    with database.session() as session:
        assert current_holder(session, SCHEDULER_LEASE) is None  # given back on shutdown
    second.start()  # now it may
    try:
        with database.session() as session:
            held = current_holder(session, SCHEDULER_LEASE)
        assert held is not None and held.holder == second.holder
    finally:
        second.shutdown()


def test_with_wait_a_second_scheduler_starts_once_the_first_stops(
    fresh: tuple[Database, Settings],
) -> None:
    database, settings = fresh
    first = SchedulerProcess(database, settings, clock=FixedClock(TODAY))
    second = SchedulerProcess(database, settings, clock=FixedClock(TODAY))
    first.start()
    waiting = threading.Thread(target=lambda: second.start(wait=True, poll_seconds=0.1))
    waiting.start()
    time.sleep(0.5)
    assert second.scheduler is None  # still waiting for the lease
    first.shutdown()
    waiting.join(timeout=30)
    try:
        assert second.scheduler is not None and second.scheduler.running
    finally:
        second.shutdown()


def test_a_hung_schedulers_lease_expires_and_the_hung_one_stops(
    fresh: tuple[Database, Settings],
) -> None:
    database, settings = fresh
    hung = SchedulerProcess(database, settings, clock=FixedClock(TODAY))
    hung.start()
    later = FixedClock(TODAY)
    later.extra = SCHEDULER_LEASE_EXPIRY - dt.timedelta(seconds=1)
    with pytest.raises(Conflict):  # within the expiry the lease is still the first one's
        SchedulerProcess(database, settings, clock=later).start()
    later.extra = SCHEDULER_LEASE_EXPIRY + dt.timedelta(seconds=1)
    successor = SchedulerProcess(database, settings, clock=later)
    successor.start()  # no heartbeat for longer than the expiry: the holder is presumed dead
    try:
        # The hung process wakes up: its heartbeat finds the lease gone, and it stops.
        assert hung.heartbeat() is False and hung.stopped.is_set()
        hung.shutdown()
        with database.session() as session:
            held = current_holder(session, SCHEDULER_LEASE)
        assert held is not None and held.holder == successor.holder  # not released by the old one
    finally:
        successor.shutdown()


def test_jobs_are_stored_in_the_database_with_their_schedules(
    fresh: tuple[Database, Settings],
) -> None:
    database, settings = fresh
    overridden = Settings(
        **{**settings.__dict__, "job_schedules": {"expiry_watch": "15 5 * * 1-5"}}
    )
    process = SchedulerProcess(database, overridden, clock=FixedClock(TODAY))
    process.start()
    try:
        stored = next_run_times(database)
        assert set(stored) == {job.name for job in JOBS}
        job = process.scheduler.get_job("expiry_watch")  # type: ignore[union-attr]
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 3600)
        assert str(job.trigger.timezone) == "Asia/Shanghai"
        assert (
            str(job.trigger.fields[6]) == "15" and str(job.trigger.fields[5]) == "5"
        )  # minute, hour
    finally:
        process.shutdown()
    # A job the registry no longer declares is removed at the next start.
    table = sa.table("apscheduler_jobs", sa.column("id"))
    retired = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=database.engine)}, timezone="Asia/Shanghai"
    )
    retired.start(paused=True)
    retired.add_job(SCHEDULED_FUNCTION, "interval", hours=1, id="retired_job", args=["x", "y"])
    retired.shutdown(wait=False)
    process = SchedulerProcess(database, settings, clock=FixedClock(TODAY))
    process.start()
    try:
        with database.engine.connect() as connection:
            ids = set(connection.execute(sa.select(table.c.id)).scalars())
        assert ids == {job.name for job in JOBS}
    finally:
        process.shutdown()


def test_a_fired_job_runs_for_the_clocks_date_and_is_recorded(
    fresh: tuple[Database, Settings],
) -> None:
    database, settings = fresh
    process = SchedulerProcess(database, settings, clock=FixedClock(TODAY))
    process.start()
    try:
        process.run_job_now("expiry_watch")
        deadline = time.monotonic() + 30
        run = None
        while time.monotonic() < deadline:
            with database.session() as session:
                run = session.scalar(sa.select(JobRun).where(JobRun.status != "running"))
            if run is not None:
                break
            time.sleep(0.2)
    finally:
        process.shutdown()
    assert run is not None and (run.job_name, run.as_of, run.status) == (
        "expiry_watch",
        TODAY,
        "succeeded",
    )


def test_bad_schedules_are_refused_before_starting(fresh: tuple[Database, Settings]) -> None:
    database, settings = fresh
    for schedules, words in (
        ({"expiry_watch": "every morning"}, "SCF_JOB_SCHEDULE_EXPIRY_WATCH"),
        ({"expiry_wacth": "0 7 * * *"}, "expiry_wacth"),
    ):
        bad = Settings(**{**settings.__dict__, "job_schedules": schedules})
        with pytest.raises(ConfigurationError, match=words):
            SchedulerProcess(database, bad).start()
    with database.session() as session:
        assert current_holder(session, SCHEDULER_LEASE) is None
