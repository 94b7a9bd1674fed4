"""Job status for the risk desk: each monitoring job's schedule, next run time and last
runs (``scf jobs list`` shows the same).

The next run time is the scheduler's (its job store) once a scheduler has started,
else the next firing of the job's crontab in the jobs' time zone. Risk officers and
administrators only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.jobs.registry import JOBS
from scf.jobs.runner import jobs_zone
from scf.jobs.scheduler import next_run_times, schedule_of, trigger_for
from scf.platform.auth.access import Actor, require_role
from scf.platform.config import Settings
from scf.platform.db import Database
from scf.platform.models import JobRun
from scf.platform.models.enums import Role

RUNS_SHOWN = 3


@dataclass(frozen=True)
class JobLine:
    name: str
    title: str
    schedule: str
    next_run: dt.datetime | None
    registered: bool  # the running scheduler holds it (else: from the crontab)
    runs: tuple[JobRun, ...]  # latest first

    @property
    def last(self) -> JobRun | None:
        return self.runs[0] if self.runs else None


def job_status(
    session: Session,
    actor: Actor,
    database: Database,
    settings: Settings,
    now: dt.datetime | None = None,
) -> tuple[JobLine, ...]:
    require_role(actor, Role.RISK_OFFICER, Role.ADMIN)
    stored = next_run_times(database)
    zone = jobs_zone(settings)
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(zone)
    lines = []
    for job in JOBS:
        runs = tuple(
            session.scalars(
                sa.select(JobRun)
                .where(JobRun.job_name == job.name)
                .order_by(JobRun.started_at.desc(), JobRun.id.desc())
                .limit(RUNS_SHOWN)
            )
        )
        registered = job.name in stored
        upcoming = (
            stored.get(job.name)
            if registered
            else trigger_for(job, settings).get_next_fire_time(None, moment)
        )
        lines.append(
            JobLine(
                job.name,
                job.title,
                schedule_of(job, settings),
                None if upcoming is None else upcoming.astimezone(zone),
                registered,
                runs,
            )
        )
    return tuple(lines)
