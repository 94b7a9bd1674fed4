"""Job leases that die with their holder (issue #12, finding 11).

The probe killed a job with ``kill -9``: its lease outlived the process for an hour, so
the replacement scheduler skipped every firing and ``run-once`` was refused — a daily
run lost. Now a run renews its lease every few seconds while it works and the lease
expires a few minutes after the last heartbeat; the next firing takes a dead holder's
lease over, a live holder keeps it, and an operator may force a run (audited).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from scf.jobs import repayment_watch, runner
from scf.jobs.context import JobContext
from scf.jobs.lease import JOB_LEASE_EXPIRY, LeaseKeeper, job_lease_name, try_acquire
from scf.jobs.registry import get_job
from scf.jobs.runner import run_job
from scf.jobs.scheduler import SchedulerProcess
from scf.platform.cli import main
from scf.platform.config import Settings
from scf.platform.db import Database
from scf.platform.errors import Conflict
from scf.platform.models import AuditEntry, JobRun, SchedulerLease
from scf.platform.models.types import utcnow
from tests.jobs.conftest import FixedClock, Runner
from tests.jobs.network import Network
from tests.jobs.test_runner import DAY_100, alert_rows, defaulted_loan_with_guarantor
from tests.jobs.test_scheduler import fresh

__all__ = ["fresh"]  # a database of the test's own, committed: the heartbeats need that

LEASE = job_lease_name("expiry_watch")


def leave_lease(runner: Runner, holder: str, heartbeat_at: dt.datetime) -> None:
    """A lease as a process left it: taken, and last renewed at ``heartbeat_at``."""
    runner.session.add(
        SchedulerLease(
            name=LEASE,
            holder=holder,
            acquired_at=heartbeat_at - dt.timedelta(minutes=1),
            heartbeat_at=heartbeat_at,
        )
    )
    runner.session.commit()


def test_the_lease_of_a_run_killed_five_minutes_ago_is_taken_over(runner: Runner) -> None:
    """The probe's case: killed, no heartbeat since; the next firing runs and marks the
    killed run interrupted."""
    clock = FixedClock(DAY_100)
    leave_lease(runner, "killed-host:4242:dead", clock() - dt.timedelta(minutes=5))
    runner.session.add(
        JobRun(
            job_name="expiry_watch",
            as_of=DAY_100,
            started_at=clock() - dt.timedelta(minutes=6),
            status="running",
            counts={},
        )
    )
    outcome = runner.run("expiry_watch", DAY_100)
    assert outcome.status == "succeeded"
    statuses = runner.session.scalars(sa.select(JobRun.status).order_by(JobRun.id)).all()
    assert statuses == ["interrupted", "succeeded"]


def test_the_expiry_is_a_few_minutes(runner: Runner) -> None:
    assert dt.timedelta(minutes=1) <= JOB_LEASE_EXPIRY <= dt.timedelta(minutes=5)


@pytest.mark.parametrize(
    ("silent_for", "taken_over"),
    [
        (dt.timedelta(seconds=5), False),  # heart-beating: alive
        (JOB_LEASE_EXPIRY - dt.timedelta(seconds=1), False),  # just within the expiry
        (JOB_LEASE_EXPIRY + dt.timedelta(seconds=1), True),  # just past it: dead
    ],
)
def test_a_live_holder_keeps_its_lease_and_a_silent_one_loses_it(
    runner: Runner, silent_for: dt.timedelta, taken_over: bool
) -> None:
    clock = FixedClock(DAY_100)
    leave_lease(runner, "other-host:1:abcd", clock() - silent_for)
    if taken_over:
        assert run_job(runner.database, runner.settings, "expiry_watch", clock=clock).status == (
            "succeeded"
        )
    else:
        with pytest.raises(Conflict, match="other-host:1:abcd"):
            run_job(runner.database, runner.settings, "expiry_watch", clock=clock)


def test_a_run_whose_lease_was_taken_over_commits_nothing(
    net: Network, runner: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that stalled past its expiry while another took the job over must not write
    on top of the other's run: it checks, in its own transaction, that the lease is still
    its own before committing."""
    defaulted_loan_with_guarantor(net)
    real_sync = repayment_watch.sync_alerts

    def sync_then_lose_the_lease(*args: Any, **kwargs: Any) -> Any:
        result = real_sync(*args, **kwargs)
        with runner.database.session() as other:  # meanwhile, a forced run elsewhere
            other.execute(
                sa.update(SchedulerLease)
                .where(SchedulerLease.name == job_lease_name("repayment_watch"))
                .values(holder="forced-elsewhere:1:beef")
            )
            other.commit()
        return result

    monkeypatch.setattr(repayment_watch, "sync_alerts", sync_then_lose_the_lease)
    outcome = runner.run("repayment_watch", DAY_100)
    assert outcome.status == "failed" and "forced-elsewhere" in (outcome.error or "")
    assert alert_rows(runner) == []


# ------------------------------------------------ heartbeats (real commits, own database)


def heartbeat_of(database: Database, name: str) -> tuple[str, dt.datetime] | None:
    with database.session() as session:
        row = session.get(SchedulerLease, name)
        return None if row is None else (row.holder, row.heartbeat_at)


class SteppingClock:
    """A clock that moves one second each time it is read."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now


def test_a_lease_keeper_renews_until_stopped_and_notices_a_takeover(
    fresh: tuple[Database, Settings],
) -> None:
    database, _ = fresh
    clock = SteppingClock()
    with database.session() as session:
        assert try_acquire(session, LEASE, "me:1:aaaa", clock(), JOB_LEASE_EXPIRY) is None
        session.commit()
    first = heartbeat_of(database, LEASE)
    keeper = LeaseKeeper(database, LEASE, "me:1:aaaa", clock=clock, every_seconds=0.05)
    with keeper:
        time.sleep(0.5)
        beating = heartbeat_of(database, LEASE)
        assert first is not None and beating is not None and beating[1] > first[1]
        with database.session() as session:
            session.execute(sa.update(SchedulerLease).values(holder="someone-else:2:bbbb"))
            session.commit()
        assert keeper.lost.wait(5)  # the next beat finds the lease gone
    stopped = heartbeat_of(database, LEASE)
    time.sleep(0.3)
    assert heartbeat_of(database, LEASE) == stopped  # no beat after the keeper stopped


def test_a_long_run_keeps_renewing_its_lease(
    fresh: tuple[Database, Settings], backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the job works, its lease's heartbeat moves on; so a long run is never taken
    for a dead one. (SQLite serialises writers: the running job holds the write lock,
    nobody else can take the lease meanwhile, and no heartbeat is needed or possible.)"""
    if backend == "sqlite":
        pytest.skip("SQLite: the running job's write lock keeps others out; no heartbeat")
    database, settings = fresh
    seen: list[dt.datetime] = []
    real = get_job("expiry_watch")

    def slow(context: JobContext) -> dict[str, Any]:
        for _ in range(4):
            time.sleep(0.25)
            held = heartbeat_of(database, LEASE)
            assert held is not None
            seen.append(held[1])
        return real.run(context)

    monkeypatch.setattr(runner, "get_job", lambda name: dataclasses.replace(real, run=slow))
    monkeypatch.setattr(runner, "JOB_HEARTBEAT_SECONDS", 0.1)
    outcome = run_job(database, settings, "expiry_watch", clock=SteppingClock())
    assert outcome.status == "succeeded"
    assert len(set(seen)) >= 3  # renewed between the job's looks
    assert heartbeat_of(database, LEASE) is None  # given back at the end


def test_a_firing_that_meets_a_killed_runs_fresh_lease_runs_once_it_expires(
    fresh: tuple[Database, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The probe's sequence: the scheduler is killed mid-run and restarted at once, and
    its first firing (the missed one, within the misfire grace) meets the killed run's
    lease while it is still fresh. Skipping it would lose the day's run until tomorrow;
    the scheduler tries again as soon as the lease has expired. (Expiry shortened to 2 s.)"""
    database, settings = fresh
    monkeypatch.setattr(runner, "JOB_LEASE_EXPIRY", dt.timedelta(seconds=2))
    with database.session() as session:
        assert try_acquire(session, LEASE, "killed:9:dead", utcnow(), JOB_LEASE_EXPIRY) is None
        session.commit()
    process = SchedulerProcess(database, settings)
    process.start()
    try:
        process.run_job_now("expiry_watch")
        deadline = time.monotonic() + 30
        statuses: list[str] = []
        while time.monotonic() < deadline and "succeeded" not in statuses:
            time.sleep(0.2)
            with database.session() as session:
                statuses = list(session.scalars(sa.select(JobRun.status).order_by(JobRun.id)))
    finally:
        process.shutdown()
    assert statuses == ["skipped", "succeeded"]


def test_run_once_refuses_a_held_lease_and_force_takes_it_over_audited(
    fresh: tuple[Database, Settings], tmp_path: Path
) -> None:
    database, _ = fresh
    with database.session() as session:
        held = try_acquire(session, LEASE, "stuck-host:7:cafe", utcnow(), JOB_LEASE_EXPIRY)
        assert held is None
        session.commit()
    url = database.engine.url.render_as_string(hide_password=False)
    env = {"SCF_DATABASE_URL": url, "SCF_INSTANCE_PATH": str(tmp_path / "instance")}

    def scf(*args: str) -> Any:
        return CliRunner().invoke(main, ["jobs", "run-once", "expiry_watch", *args], env=env)

    refused = scf()
    assert refused.exit_code == 1
    assert "stuck-host:7:cafe" in refused.stderr and "--force" in refused.stderr
    forced = scf("--force")
    assert forced.exit_code == 0, forced.stderr
    assert "succeeded" in forced.stdout
    with database.session() as session:
        entry = session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "job.force_run")
        ).one()
        assert entry.entity_type == "job" and entry.entity_id == "expiry_watch"
        assert (entry.before or {})["holder"] == "stuck-host:7:cafe"
        assert session.get(SchedulerLease, LEASE) is None  # released after the run


def test_a_forced_run_of_a_free_lease_is_a_run_audited_as_forced(
    fresh: tuple[Database, Settings],
) -> None:
    database, settings = fresh
    outcome = run_job(database, settings, "expiry_watch", clock=SteppingClock(), force=True)
    assert outcome.status == "succeeded"
    with database.session() as session:
        entry = session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "job.force_run")
        ).one()
        assert entry.before == {"holder": None}
