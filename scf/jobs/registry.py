"""The monitoring jobs, declared as data: name, what it does, default schedule, its rules.

The scheduler adds each one to its job store with ``replace_existing=True,
coalesce=True, max_instances=1``; the schedule is a crontab in the jobs' time zone
(``SCF_JOBS_TIMEZONE``), overridden per job by ``SCF_JOB_SCHEDULE_<NAME>``. The order
of the default times follows the data: prices first, then what is valued with them.

Adding a job is one module with ``RULES`` and ``run(ctx) -> counts`` plus one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scf.jobs import (
    capacity_watch,
    expiry_watch,
    mark_to_market,
    price_import,
    receivable_watch,
    repayment_watch,
)
from scf.jobs.context import Counts, JobContext
from scf.platform.errors import NotFound


@dataclass(frozen=True)
class JobSpec:
    name: str
    title: str
    run: Callable[[JobContext], Counts]
    default_schedule: str  # crontab: minute hour day month weekday
    rules: tuple[str, ...]  # the alert rules this job raises and resolves
    forward_only: bool = True  # keeps state: refuse an as-of date before the last success


JOBS: tuple[JobSpec, ...] = (
    JobSpec(
        "price_import",
        "商品价格导入 (commodity price import)",
        price_import.run,
        "0 6 * * *",
        (),
        forward_only=False,
    ),
    JobSpec(
        "mark_to_market",
        "质押物盯市 (collateral mark-to-market, 保兑仓 releases)",
        mark_to_market.run,
        "30 6 * * *",
        mark_to_market.RULES,
    ),
    JobSpec(
        "repayment_watch",
        "还款监控 (instalments due, days past due, defaults)",
        repayment_watch.run,
        "40 6 * * *",
        repayment_watch.RULES,
    ),
    JobSpec(
        "receivable_watch",
        "应收账款监控 (financed receivables due and unpaid)",
        receivable_watch.run,
        "50 6 * * *",
        receivable_watch.RULES,
    ),
    JobSpec(
        "expiry_watch",
        "到期监控 (insurance, facility expiry, annual reviews)",
        expiry_watch.run,
        "0 7 * * *",
        expiry_watch.RULES,
    ),
    JobSpec(
        "capacity_watch",
        "担保能力与集中度 (administrator capacity, concentration limits)",
        capacity_watch.run,
        "10 7 * * *",
        capacity_watch.RULES,
    ),
)


def get_job(name: str) -> JobSpec:
    for job in JOBS:
        if job.name == name:
            return job
    raise NotFound(f"未知任务 (unknown job) “{name}”; one of: {', '.join(j.name for j in JOBS)}")
