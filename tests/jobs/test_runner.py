"""Runs are recorded, idempotent for their date, exclusive, and all-or-nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from scf.jobs import repayment_watch
from scf.jobs.lease import job_lease_name, try_acquire
from scf.jobs.runner import run_job
from scf.platform.config import Settings
from scf.platform.db import Database
from scf.platform.errors import Conflict, NotFound
from scf.platform.models import Alert, AlertEvent, JobRun, Loan, SchedulerLease
from scf.platform.models.enums import Role
from tests.jobs.conftest import FixedClock, Runner
from tests.jobs.network import Network

DUE_ON = dt.date(2026, 1, 1)
DAY_100 = DUE_ON + dt.timedelta(days=100)


def defaulted_loan_with_guarantor(net: Network) -> Loan:
    from scf.platform.models.enums import RelationshipKind

    rm = net.user("rm_run", Role.RELATIONSHIP_MANAGER)
    borrower = net.party("违约户", rm=rm)
    loan = net.loan(borrower, "80000", maturity=DUE_ON, lines=[(DUE_ON, "80000", "0")])
    net.edge(RelationshipKind.GUARANTEES, net.party("保证人"), borrower)
    return loan


def alert_rows(runner: Runner) -> list[tuple[Any, ...]]:
    runner.session.expire_all()
    return [
        (
            a.id,
            a.rule,
            a.dedup_key,
            a.status,
            a.severity,
            a.figures,
            a.first_seen_on,
            a.last_seen_on,
        )
        for a in runner.session.scalars(sa.select(Alert).order_by(Alert.id))
    ]


def test_running_twice_for_one_date_gives_the_same_alerts(net: Network, runner: Runner) -> None:
    defaulted_loan_with_guarantor(net)
    first = runner.run("repayment_watch", DAY_100)
    before = alert_rows(runner)
    second = runner.run("repayment_watch", DAY_100)
    assert first.counts["alerts"]["raised"] == 2  # loan overdue + guarantor
    assert second.counts["alerts"] == {
        "raised": 0,
        "updated": 0,
        "unchanged": 2,
        "reopened": 0,
        "resolved": 0,
        "open": 2,
    }
    assert alert_rows(runner) == before
    runs = runner.session.scalars(sa.select(JobRun).order_by(JobRun.id)).all()
    assert [(r.status, r.as_of) for r in runs] == [("succeeded", DAY_100)] * 2
    assert runs[0].finished_at is not None and runs[0].counts["overdue_loans"] == 1


def test_crash_mid_run_leaves_nothing_and_the_next_run_completes(
    net: Network, runner: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    loan = defaulted_loan_with_guarantor(net)
    real_sync = repayment_watch.sync_alerts

    def sync_then_crash(*args: Any, **kwargs: Any) -> Any:
        real_sync(*args, **kwargs)  # the alerts are written ...
        raise RuntimeError("disk on fire")  # ... and then the process falls over

    monkeypatch.setattr(repayment_watch, "sync_alerts", sync_then_crash)
    outcome = runner.run("repayment_watch", DAY_100)
    assert outcome.status == "failed" and "disk on fire" in (outcome.error or "")
    run = runner.session.get_one(JobRun, outcome.run_id)
    assert run.status == "failed" and "RuntimeError: disk on fire" in (run.error or "")
    assert run.finished_at is not None
    # Nothing of the run's work survives: no alert, days past due untouched, lease free.
    assert alert_rows(runner) == []
    assert runner.session.get_one(Loan, loan.id).days_past_due == 0
    assert runner.session.scalars(sa.select(SchedulerLease)).all() == []

    monkeypatch.setattr(repayment_watch, "sync_alerts", real_sync)
    again = runner.run("repayment_watch", DAY_100)
    assert again.status == "succeeded"
    assert runner.session.get_one(Loan, loan.id).days_past_due == 100
    assert {row[1] for row in alert_rows(runner)} == {"loan_overdue", "guarantor_exposed"}


def test_a_run_killed_outright_is_marked_interrupted_by_the_next(
    net: Network, runner: Runner
) -> None:
    """A process killed (no exception handler ran) leaves ``running``; the next run,
    holding the lease, knows that run is dead."""
    runner.session.add(
        JobRun(
            job_name="repayment_watch",
            as_of=DAY_100,
            started_at=FixedClock(DAY_100)(),
            status="running",
            counts={},
        )
    )
    runner.run("repayment_watch", DAY_100)
    statuses = runner.session.scalars(sa.select(JobRun.status).order_by(JobRun.id)).all()
    assert statuses == ["interrupted", "succeeded"]


def test_a_second_run_of_the_same_job_is_refused_and_recorded(
    database: Database, settings: Settings, runner: Runner
) -> None:
    clock = FixedClock(DAY_100)
    runner.session.commit()
    with database.session() as session:
        assert (
            try_acquire(
                session,
                job_lease_name("expiry_watch"),
                "other-host:1",
                clock(),
                dt.timedelta(hours=1),
            )
            is None
        )
        session.commit()
    with pytest.raises(Conflict, match="other-host:1"):
        run_job(database, settings, "expiry_watch", clock=clock)
    skipped = runner.session.scalars(sa.select(JobRun)).one()
    assert skipped.status == "skipped" and "other-host:1" in (skipped.error or "")
    # An hour later the lease has expired: the holder is presumed dead.
    clock.extra = dt.timedelta(hours=1, seconds=1)
    assert run_job(database, settings, "expiry_watch", clock=clock).status == "succeeded"


def test_back_fill_must_go_forward(net: Network, runner: Runner) -> None:
    defaulted_loan_with_guarantor(net)
    runner.run("repayment_watch", DAY_100)
    with pytest.raises(Conflict, match="back-fill in date order"):
        runner.run("repayment_watch", DAY_100 - dt.timedelta(days=1))
    # The price import keeps no state: any date is fine.
    assert runner.run("price_import", DUE_ON).status == "succeeded"


def test_unknown_job_names_the_known_ones(runner: Runner) -> None:
    with pytest.raises(NotFound, match="mark_to_market"):
        runner.run("no_such_job", DUE_ON)


def test_escalation_reopens_an_acknowledged_alert(net: Network, runner: Runner) -> None:
    from scf.platform.auth.access import Actor
    from scf.platform.models.enums import AlertStatus, Severity
    from scf.platform.services.monitoring.alerts import acknowledge_alert

    defaulted_loan_with_guarantor(net)
    runner.run("repayment_watch", DUE_ON + dt.timedelta(days=30))
    (alert,) = [a for a in runner.alerts("loan_overdue")]
    acknowledge_alert(runner.session, Actor.system("test"), alert.id, "在催收")
    runner.run("repayment_watch", DUE_ON + dt.timedelta(days=60))  # same class: stays acknowledged
    assert runner.session.get_one(Alert, alert.id).status is AlertStatus.ACKNOWLEDGED
    runner.run("repayment_watch", DUE_ON + dt.timedelta(days=91))  # substandard: critical
    reopened = runner.session.get_one(Alert, alert.id)
    assert (reopened.status, reopened.severity) == (AlertStatus.OPEN, Severity.CRITICAL)
    actions = runner.session.scalars(
        sa.select(AlertEvent.action).where(AlertEvent.alert_id == alert.id).order_by(AlertEvent.id)
    ).all()
    assert actions == ["acknowledged", "escalated"]


def test_a_condition_still_true_after_manual_resolution_is_raised_again(
    net: Network, runner: Runner
) -> None:
    from scf.platform.auth.access import Actor
    from scf.platform.services.monitoring.alerts import resolve_alert

    defaulted_loan_with_guarantor(net)
    runner.run("repayment_watch", DUE_ON + dt.timedelta(days=10))
    (alert,) = runner.alerts("loan_overdue")
    resolve_alert(runner.session, Actor.system("test"), alert.id, "误报")
    runner.run("repayment_watch", DUE_ON + dt.timedelta(days=11))
    (again,) = runner.alerts("loan_overdue")
    assert again.id != alert.id and again.dedup_key == alert.dedup_key


def test_the_database_refuses_two_unresolved_alerts_for_one_condition(net: Network) -> None:
    from scf.platform.models.enums import AlertStatus, Severity

    def alert() -> Alert:
        return Alert(
            rule="loan_overdue",
            severity=Severity.WARNING,
            status=AlertStatus.OPEN,
            dedup_key="loan_overdue:loan:1",
            subject_type="loan",
            message="x",
            figures={},
            first_seen_on=DUE_ON,
            last_seen_on=DUE_ON,
        )

    net.session.add(alert())
    net.session.flush()
    with pytest.raises(sa.exc.IntegrityError), net.session.begin_nested():
        net.session.add(alert())
