"""Fixtures: every test that touches the database runs on SQLite and, when
``SCF_TEST_DATABASE_URL`` is set, on that PostgreSQL database too.

Each backend gets its schema from the real migrations once per session; each test
runs inside a transaction that is rolled back, and the application under test
shares that transaction (services' commits become savepoints).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from scf.platform import create_app
from scf.platform.config import Settings
from scf.platform.db import Database, create_db_engine
from scf.platform.migrate import upgrade

PG_URL = os.environ.get("SCF_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
TEST_SECRET = "test-secret-key-not-for-production"

# The suite runs on a fixed business date (the demo data's own date), so that it passes
# on any day it is run: "today" is what the clock says (scf.platform.clock), never the
# machine's date. A test that needs another day sets SCF_BUSINESS_DATE itself.
BUSINESS_DATE = "2026-11-20"
os.environ["SCF_BUSINESS_DATE"] = BUSINESS_DATE


def database_url(backend: str, name: str, tmp_dir: Path) -> str:
    """A fresh, empty database per (backend, name): a file on SQLite, a schema on PostgreSQL."""
    if backend == "sqlite":
        path = tmp_dir / f"{name}.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    # Parallel runs (several worktrees, one server) set their own prefix.
    schema = f"{os.environ.get('SCF_TEST_SCHEMA_PREFIX', 'scf_test')}_{name}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    separator = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{separator}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def migrated_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = database_url(backend, "main", tmp_path_factory.mktemp(backend))
    engine = create_db_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def engine(migrated_url: str) -> Iterator[Engine]:
    engine = create_db_engine(migrated_url)
    yield engine
    engine.dispose()


@pytest.fixture()
def connection(engine: Engine) -> Iterator[sa.Connection]:
    connection = engine.connect()
    transaction = connection.begin()
    yield connection
    transaction.rollback()
    connection.close()


def _bound_sessionmaker(connection: sa.Connection) -> sessionmaker[Session]:
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture()
def db_session(connection: sa.Connection) -> Iterator[Session]:
    session = _bound_sessionmaker(connection)()
    yield session
    session.close()


def make_test_app(url: str, tmp_path: Path, connection: sa.Connection | None = None) -> Flask:
    settings = Settings.from_env(
        overrides={
            "database_url": url,
            "secret_key": TEST_SECRET,
            "instance_path": tmp_path / "instance",
            # Counters of the login throttle per app, not in the shared test database.
            "ratelimit_storage_uri": "memory://",
        }
    )
    database = Database(url)
    if connection is not None:
        database.sessionmaker = _bound_sessionmaker(connection)
    app = create_app(settings, database=database)
    app.config.update(TESTING=True)
    return app


@pytest.fixture()
def app(migrated_url: str, connection: sa.Connection, tmp_path: Path) -> Iterator[Flask]:
    app = make_test_app(migrated_url, tmp_path, connection)
    yield app
    app.extensions["scf_db"].engine.dispose()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def seeded_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database holding the demo network, loaded once per backend; tests only read it."""
    from scf.platform.demo.seed_loader import load_seed

    url = database_url(backend, "seeded", tmp_path_factory.mktemp(f"{backend}-seeded"))
    database = Database(url)
    upgrade(database.engine)
    with database.session() as session:
        load_seed(session)
    database.engine.dispose()
    return url


@pytest.fixture()
def seeded_connection(seeded_url: str) -> Iterator[sa.Connection]:
    """The demo network, writable for one test: everything is rolled back afterwards."""
    engine = create_db_engine(seeded_url)
    connection = engine.connect()
    transaction = connection.begin()
    yield connection
    transaction.rollback()
    connection.close()
    engine.dispose()


@pytest.fixture()
def seeded_client(seeded_url: str, tmp_path: Path) -> Iterator[FlaskClient]:
    """A client on the seeded database (shared by the session: tests must only read)."""
    app: Flask = make_test_app(seeded_url, tmp_path)
    yield app.test_client()
    app.extensions["scf_db"].engine.dispose()
