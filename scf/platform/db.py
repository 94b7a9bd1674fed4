"""Engine and sessions. Plain SQLAlchemy 2: a session is opened per request or per command
and handed to use cases; the unit of work (``scf.platform.services.unit_of_work``) is the
one place that commits or rolls back."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from scf.platform.errors import ConfigurationError, DatabaseUnavailable


def _json_default(value: Any) -> Any:
    """JSON columns keep money exact: Decimals become decimal strings, dates ISO strings."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot store {type(value).__name__} in a JSON column")


def json_dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default, ensure_ascii=False, sort_keys=True)


def create_db_engine(url: str, **options: Any) -> Engine:
    """Create the engine, turning a malformed URL into one clear sentence (``options`` go to
    ``create_engine``, e.g. ``poolclass``)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigurationError(
            f"SCF_DATABASE_URL 格式错误 (malformed): “{url}”; expected e.g. "
            "postgresql+psycopg://user@host:5432/dbname or sqlite:///path/scf.sqlite3"
        ) from None
    kwargs: dict[str, Any] = {"json_serializer": json_dumps, **options}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            from pathlib import Path

            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = sa.create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ImportError, ArgumentError) as error:
        raise ConfigurationError(
            f"SCF_DATABASE_URL 无法使用 (unusable): {parsed.render_as_string(hide_password=True)}: "
            f"{error}"
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys on; let SQLAlchemy, not pysqlite, decide where transactions begin.

    pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT, so a
    failed step could leave earlier statements committed. This is SQLAlchemy's
    documented recipe for real transactions on SQLite.
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    """``BEGIN``; ``BEGIN IMMEDIATE`` for a connection that asked for it (a job that reads
    then writes while the scheduler writes too): it takes the write lock at once, so two
    writers queue on busy_timeout instead of one failing with "database is locked"."""
    immediate = connection.get_execution_options().get("sqlite_begin_immediate")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def check_connection(engine: Engine) -> None:
    """Connect once, so that an unreachable database is reported before anything else."""
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise DatabaseUnavailable(
            f"无法连接数据库 (cannot connect to "
            f"{engine.url.render_as_string(hide_password=True)}): {reason}. "
            "Check SCF_DATABASE_URL and that the server is running."
        ) from None


class Database:
    """The engine and its session factory, one per application."""

    def __init__(self, url: str) -> None:
        self.engine = create_db_engine(url)
        self.sessionmaker: sessionmaker[Session] = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for a command or a job run, closed at the end: what no unit of work
        committed is rolled back."""
        session = self.sessionmaker()
        try:
            yield session
        finally:
            session.close()
