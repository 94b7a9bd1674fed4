"""Fixtures for the monitoring jobs: a database bound to the test's rolled-back
transaction, settings, a fixed clock, and the seeded network in a transaction of its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from scf.jobs.runner import RunOutcome, run_job
from scf.platform.config import Settings
from scf.platform.db import Database
from scf.platform.models import Alert
from scf.platform.models.enums import AlertStatus
from tests.jobs.network import Network


class FixedClock:
    """The time the jobs see: 10:00 in Shanghai on ``day`` (02:00 UTC), moved by the test."""

    def __init__(self, day: dt.date) -> None:
        self.day = day
        self.extra = dt.timedelta(0)

    def __call__(self) -> dt.datetime:
        return dt.datetime.combine(self.day, dt.time(2, 0), dt.UTC) + self.extra


def bound_database(url: str, connection: sa.Connection) -> Database:
    """A ``Database`` whose sessions live inside ``connection``'s transaction (commits
    become savepoints), so that everything the jobs write is rolled back after the test."""
    database = Database(url)
    database.sessionmaker = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    return database


def jobs_settings(url: str, tmp_path: Path) -> Settings:
    return Settings.from_env(
        serving=False,
        overrides={"database_url": url, "instance_path": tmp_path / "instance"},
    )


@pytest.fixture()
def database(migrated_url: str, connection: sa.Connection) -> Iterator[Database]:
    db = bound_database(migrated_url, connection)
    yield db
    db.engine.dispose()


@pytest.fixture()
def settings(migrated_url: str, tmp_path: Path) -> Settings:
    return jobs_settings(migrated_url, tmp_path)


@pytest.fixture()
def net(db_session: Session) -> Network:
    return Network(db_session)


class Runner:
    """Runs jobs on a fixed clock and reads back what they left, for the rule tests."""

    def __init__(self, database: Database, settings: Settings, session: Session) -> None:
        self.database, self.settings, self.session = database, settings, session

    def run(self, name: str, day: dt.date) -> RunOutcome:
        self.session.commit()  # the network built so far, visible to the job's session
        outcome = run_job(self.database, self.settings, name, clock=FixedClock(day))
        self.session.expire_all()
        return outcome

    def alerts(self, rule: str | None = None, *, unresolved: bool = True) -> list[Alert]:
        query = sa.select(Alert).order_by(Alert.id)
        if rule is not None:
            query = query.where(Alert.rule == rule)
        if unresolved:
            query = query.where(Alert.status != AlertStatus.RESOLVED)
        return list(self.session.scalars(query))


@pytest.fixture()
def runner(database: Database, settings: Settings, db_session: Session) -> Runner:
    return Runner(database, settings, db_session)
