"""``scf jobs run | list | run-once``: the scheduler process and its jobs."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from scf.platform.cli import make_app

if TYPE_CHECKING:
    from scf.jobs.status import JobLine


@contextmanager
def jobs_runtime() -> Iterator[tuple[Any, Any]]:
    """The database and settings, on a schema that is current."""
    from scf.platform.migrate import ensure_current

    app = make_app()
    database, settings = app.extensions["scf_db"], app.extensions["scf_settings"]
    try:
        ensure_current(database.engine)
        yield database, settings
    finally:
        database.engine.dispose()


@click.group()
def jobs() -> None:
    """Scheduled monitoring (定时监控): price import, mark-to-market, repayment,
    receivable and expiry watches."""


@jobs.command("run")
@click.option(
    "--wait",
    is_flag=True,
    help="If another scheduler holds this database, wait until its lease expires "
    "instead of refusing to start.",
)
def run_command(wait: bool) -> None:
    """Run the scheduler in the foreground (one per database; never in web workers)."""
    from scf.jobs.registry import JOBS
    from scf.jobs.scheduler import SchedulerProcess, schedule_of

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    with jobs_runtime() as (database, settings):
        process = SchedulerProcess(database, settings)
        signal.signal(signal.SIGTERM, lambda *_: process.stopped.set())
        process.start(wait=wait)
        if process.scheduler is None:  # stopped while waiting for the lease
            return
        for job in JOBS:
            click.echo(f"  {job.name:<18} {schedule_of(job, settings):<14} {job.title}")
        click.echo(
            f"调度器已启动 (scheduler started) as {process.holder}, time zone "
            f"{settings.jobs_timezone}; Ctrl-C or SIGTERM to stop"
        )
        try:
            process.run_forever()
        except KeyboardInterrupt:
            process.shutdown()
    click.echo("调度器已停止 (scheduler stopped)")


@jobs.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_command(as_json: bool) -> None:
    """Jobs with their schedule, next run time and last run."""
    from scf.jobs.lease import SCHEDULER_LEASE, current_holder
    from scf.jobs.status import job_status
    from scf.platform.auth.access import Actor

    with jobs_runtime() as (database, settings), database.session() as session:
        holder = current_holder(session, SCHEDULER_LEASE)
        lines = job_status(session, Actor.system("cli"), database, settings)
        rows = [_job_row(line, settings.jobs_timezone) for line in lines]
    scheduler = (
        None
        if holder is None
        else {"holder": holder.holder, "heartbeat_at": holder.heartbeat_at.isoformat()}
    )
    if as_json:
        click.echo(json.dumps({"scheduler": scheduler, "jobs": rows}, ensure_ascii=False, indent=2))
        return
    click.echo(
        "调度器 (scheduler): "
        + (
            "未运行 (not running)"
            if holder is None
            else f"{holder.holder}, heartbeat {holder.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC"
        )
    )
    for row in rows:
        _echo_job(row)


def _job_row(line: JobLine, timezone: str) -> dict[str, Any]:
    """A job's status line as plain data."""
    last = line.last
    return {
        "name": line.name,
        "title": line.title,
        "schedule": line.schedule,
        "timezone": timezone,
        "next_run": None if line.next_run is None else line.next_run.isoformat(),
        "registered": line.registered,
        "last_run": None
        if last is None
        else {
            "id": last.id,
            "as_of": last.as_of.isoformat(),
            "status": last.status,
            "started_at": last.started_at.isoformat(),
            "finished_at": None if last.finished_at is None else last.finished_at.isoformat(),
            "counts": last.counts,
            "error": None if not last.error else last.error.strip().splitlines()[-1],
        },
    }


def _echo_job(row: dict[str, Any]) -> None:
    last = row["last_run"]
    state = "-" if last is None else f"{last['status']} (as of {last['as_of']})"
    mark = "" if row["registered"] else " (not yet registered)"
    click.echo(
        f"{row['name']:<18} {row['schedule']:<14} next {row['next_run'] or '-'}{mark}  last {state}"
    )
    if last and last["error"]:
        click.echo(f"{'':<18} error: {last['error']}")


@jobs.command("run-once")
@click.argument("name")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="As-of date (YYYY-MM-DD) for a back-fill or a rerun; default today.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Take the job's lease even if another process seems to hold it (after a crash, "
    "before its lease expires); audited with your login name. Make sure that process is dead.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def run_once_command(name: str, as_of: dt.datetime | None, force: bool, as_json: bool) -> None:
    """Run one job now, outside the schedule (recorded like a scheduled run)."""
    from scf.jobs.runner import run_job
    from scf.platform.auth.access import Actor
    from scf.platform.errors import ScfError

    with jobs_runtime() as (database, settings):
        outcome = run_job(
            database,
            settings,
            name,
            as_of=None if as_of is None else as_of.date(),
            actor=Actor.system(f"cli:{getpass.getuser()}" if force else "cli"),
            force=force,
        )
    if as_json:
        click.echo(json.dumps(outcome.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(
            f"{outcome.job_name} (as of {outcome.as_of}): {outcome.status}, run #{outcome.run_id}"
        )
        for key, value in outcome.counts.items():
            click.echo(f"  {key}: {json.dumps(value, ensure_ascii=False)}")
    if outcome.status != "succeeded":
        raise ScfError(
            f"任务失败，未写入任何数据 (job failed, nothing written; recorded as run "
            f"#{outcome.run_id}): {outcome.error}"
        )
